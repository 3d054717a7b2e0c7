import Foundation
import RelaisCore
import RelaisSQLite
import RelaisSearch
import RelaisStore
import RelaisText

/// `relais-bench search --profile-query Q --breakdown`: times, for one query, the statements
/// and the Swift work `SearchEngine.search` is made of, piece by piece, restated here from
/// public APIs (RelaisSearch keeps them internal), as of commit 545ce41 ("candidate rows read
/// without their overflow pages"): every match for the facets; the ranking statement over the
/// title tier when more than 5,000 rows match; boosts on the best 50; the page (20 records
/// decoded, 20 snippets). Each figure is the median of a few runs. What the engine adds
/// beyond these (facet filtering and counting in Swift) is the difference with its own time.
/// A diagnostic that follows the engine by hand: check it against Ranking.swift when that changes.
/// Since f1d8d83 the engine no longer runs `snippet()`: it cuts the same snippets in Swift from
/// the text read with the record (`SnippetMatcher`, internal); the snippet line times what that
/// replaced.
struct SearchBreakdown {
    let db: Database
    let text: String
    let repeatCount: Int
    static let largeMatchSet = 5_000
    static let rerankedPool = 50
    static let need = 20

    func run() throws {
        let parsed = try ParsedQuery(parsing: text)
            .removingWords { FrenchAnalyzer.tokens($0, forQuery: true).isEmpty }
            .removingWords { FrenchAnalyzer.isStopword($0) }
        guard let fts = parsed.fts5Expression(columns: [.title: "title", .keywords: "keywords"]) else {
            print("breakdown: no FTS5 expression for « \(text) »")
            return
        }
        let words = parsed.positiveWords
        let queryTerms = Self.contentTerms(words.joined(separator: " "))
        let queryWords = Set(words.map { FrenchAnalyzer.fold($0) })
        print("breakdown of « \(text) » (FTS5 \(fts)), median of \(max(1, repeatCount)) runs:")

        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, repeatCount) {
                let t0 = ContinuousClock.now
                try body()
                times.append((ContinuousClock.now - t0).milliseconds)
            }
            return times.sorted()[times.count / 2]
        }
        func line(_ label: String, _ ms: Double, _ note: String = "") {
            print("  " + label.padding(toLength: 70, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", ms)
                  + (note.isEmpty ? "" : "  " + note))
        }
        func count(_ expression: String) throws -> Int {
            let statement = try db.prepare("SELECT count(*) FROM resources_fts WHERE resources_fts MATCH ?")
            try statement.bindAll([expression])
            return try statement.step() ? statement.int(0) : 0
        }

        // 1. Every match: the input of facet filtering and counting (matchPositions).
        let all = try db.prepare("SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?")
        var matched = 0
        let tAll = try median {
            try all.bindAll([fts])
            matched = 0
            while try all.step() { matched += 1 }
        }
        line("every match: SELECT rowid ... MATCH", tAll, "\(matched) rows")

        // 2. The ranking statement: FTS5 computes rank (weighted bm25) for every row of the
        // expression and sorts them before the first row comes out.
        let tiered = matched > Self.largeMatchSet
        var expressions = [tiered ? "{title} : (\(fts))" : fts]
        if tiered, try count(expressions[0]) < Self.need { expressions.append(fts) }
        let ranked = try db.prepare("SELECT rowid, rank FROM resources_fts WHERE resources_fts MATCH ? ORDER BY rank")
        var best: [(rowid: Int64, relevance: Double)] = []
        for (index, expression) in expressions.enumerated() {
            let rows = try count(expression)
            let tRank = try median {
                try ranked.bindAll([expression])
                best.removeAll(keepingCapacity: true)
                while best.count < Self.rerankedPool, try ranked.step() { best.append((ranked.int64(0), -ranked.double(1))) }
            }
            line("rank: ORDER BY rank, first \(Self.rerankedPool) rows" + (tiered ? (index == 0 ? " of the {title} tier" : " of tier 2") : ""),
                 tRank, "\(rows) rows scored")
        }
        // 2b. What the engine runs since then: the same bm25 with row lengths from memory.
        let tLengths = ContinuousClock.now
        let lengths = try FTS5RankStatistics(table: "resources_fts", db: db)
        line("row lengths loaded from resources_fts_docsize (once per index)", (ContinuousClock.now - tLengths).milliseconds)
        let rankedInMemory = try db.prepare("""
            SELECT rowid, relais_bm25(resources_fts, ?2, 10.0, 5.0, 2.0, 1.0) AS score
            FROM resources_fts WHERE resources_fts MATCH ?1 ORDER BY score
            """)
        for (index, expression) in expressions.enumerated() {
            let tRank = try median {
                try rankedInMemory.bindAll([expression])
                try rankedInMemory.bind(2, rankStatistics: lengths)
                var taken = 0
                while taken < Self.rerankedPool, try rankedInMemory.step() { taken += 1 }
                rankedInMemory.reset()
            }
            line("rank: relais_bm25 (lengths in memory), first \(Self.rerankedPool) rows"
                 + (tiered ? (index == 0 ? " of the {title} tier" : " of tier 2") : ""), tRank)
        }

        // 3. Boosts on the best 50: fetch title and description, analyze them.
        let fetch = try db.prepare("SELECT title, description, id FROM resources WHERE rowid = ?")
        let tBoost = try median {
            for item in best {
                try fetch.bindAll([item.rowid])
                guard try fetch.step() else { continue }
                let title = fetch.text(0) ?? "", description = fetch.text(1) ?? ""
                fetch.reset()
                let titleLines = title.split(separator: "\n").map { Self.contentTerms(String($0)) }
                _ = titleLines.contains(queryTerms)
                if queryTerms.count > 1, !titleLines.contains(where: { Self.contains($0, queryTerms) }) {
                    _ = Self.contains(Self.contentTerms(description), queryTerms)
                }
                _ = Set(FrenchAnalyzer.words(title).map { FrenchAnalyzer.fold($0.normalized) }).intersection(queryWords)
            }
        }
        line("boosts: \(best.count) rows fetched (title, description) and analyzed", tBoost)

        // 4. The page: 20 records decoded, 20 snippets.
        let page = best.prefix(Self.need).map(\.rowid)
        let record = try db.prepare("SELECT record FROM resources WHERE rowid = ?")
        let decoder = JSONDecoder()
        let tLoad = try median {
            for rowid in page {
                try record.bindAll([rowid])
                if try record.step(), let json = record.text(0) { _ = try decoder.decode(Resource.self, from: Data(json.utf8)) }
                record.reset()
            }
        }
        line("page: \(page.count) x SELECT record + JSONDecoder (loadResource before the reader)", tLoad)
        let tReader = try median {
            for rowid in page {
                try record.bindAll([rowid])
                if try record.step() { _ = try record.withBlob(0) { try ResourceJSONReader.decode($0) } }
                record.reset()
            }
        }
        line("page: \(page.count) x SELECT record + ResourceJSONReader (loadResource)", tReader)
        let snippet = try db.prepare("""
            SELECT snippet(resources_fts, 2, char(2), char(3), '…', 24),
                   snippet(resources_fts, 3, char(2), char(3), '…', 24)
            FROM resources_fts WHERE resources_fts MATCH ? AND rowid = ?
            """)
        let tSnippet = try median {
            for rowid in page {
                try snippet.bindAll([fts, rowid])
                _ = try snippet.step()
                snippet.reset()
            }
        }
        line("page: \(page.count) x snippet() (MATCH ... AND rowid = ?; the engine no longer does it)", tSnippet)
    }

    static func contentTerms(_ text: String) -> [String] {
        FrenchAnalyzer.words(text).filter { !FrenchAnalyzer.isStopword($0.normalized) }
            .map { FrenchAnalyzer.queryTerm($0.normalized) }
    }

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return true
        }
        return false
    }
}
