import Foundation
import RelaisCore
import RelaisSQLite
import RelaisSearch
import RelaisText

/// `relais-bench search --profile-query Q --breakdown`: times, for one query, the SQL and the
/// Swift work `SearchEngine` does, piece by piece, with the engine's own statements and
/// formulas restated here from public APIs (RelaisSearch keeps them internal). Each figure is
/// the median of `repeat` runs. A diagnostic: the engine itself is what the benchmark times.
struct SearchBreakdown {
    let db: Database
    let text: String
    let repeatCount: Int
    /// SearchEngine.largeMatchSet and maximumMultiplier, as of this writing.
    static let largeMatchSet = 5_000
    static let maximumMultiplier = (1 + 1.0 + 0.5 + 0.3) * 1.25
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
        print("breakdown of « \(text) »: FTS5 \(fts)")

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
            print("  " + label.padding(toLength: 66, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", ms)
                  + (note.isEmpty ? "" : "  " + note))
        }

        // 1. Every match (the engine's matchPositions: the facet counts' input).
        let all = try db.prepare("SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?")
        var matches = 0
        let tAll = try median {
            try all.bindAll([fts])
            matches = 0
            while try all.step() { matches += 1 }
        }
        line("match: SELECT rowid ... MATCH (every match, for facets)", tAll, "\(matches) rows")

        // 2. Ranking statements over every match.
        let tiered = matches > Self.largeMatchSet
        let rankExpression = tiered ? "{title keywords} : (\(fts))" : fts
        let ranked = try db.prepare("""
            SELECT rowid, bm25(resources_fts, 10.0, 5.0, 2.0, 1.0) FROM resources_fts
            WHERE resources_fts MATCH ? ORDER BY rank
            """)
        var stream: [(rowid: Int64, relevance: Double)] = []
        let tRank = try median {
            try ranked.bindAll([rankExpression])
            stream.removeAll(keepingCapacity: true)
            while try ranked.step() { stream.append((ranked.int64(0), -ranked.double(1))) }
        }
        line("rank: ORDER BY rank (default bm25), every row" + (tiered ? " of tier 1 {title keywords}" : ""), tRank, "\(stream.count) rows")
        let weighted = try db.prepare("""
            SELECT rowid, bm25(resources_fts, 10.0, 5.0, 2.0, 1.0) AS score FROM resources_fts
            WHERE resources_fts MATCH ? ORDER BY score LIMIT 20
            """)
        let tWeighted = try median {
            try weighted.bindAll([rankExpression])
            while try weighted.step() {}
        }
        line("rank: ORDER BY bm25(10,5,2,1) LIMIT 20 (weighted, same rows)", tWeighted)

        // 3. What the engine does per ranked row: fetch, then analyze title (and description).
        let fetch = try db.prepare("SELECT title, description, coalesce(quality, -1), id FROM resources WHERE rowid = ?")
        struct Row { var title: String; var description: String; var quality: Double; var id: String }
        func load(_ rowid: Int64) throws -> Row? {
            try fetch.bindAll([rowid])
            guard try fetch.step() else { return nil }
            let row = Row(title: fetch.text(0) ?? "", description: fetch.text(1) ?? "", quality: fetch.double(2), id: fetch.text(3) ?? "")
            fetch.reset()
            return row
        }
        let tFetch = try median { for item in stream { _ = try load(item.rowid) } }
        line("per row: SELECT title, description, quality, id BY rowid (all rows)", tFetch,
             String(format: "%.1f µs/row", 1000 * tFetch / Double(max(stream.count, 1))))
        var rows: [Int64: Row] = [:]
        for item in stream { rows[item.rowid] = try load(item.rowid) }
        func total(_ relevance: Double, _ row: Row) -> Double {
            let titleLines = row.title.split(separator: "\n").map { Self.contentTerms(String($0)) }
            let exact = !queryTerms.isEmpty && titleLines.contains(queryTerms) ? 1.0 : 0.0
            var phrase = 0.0
            if queryTerms.count > 1 {
                if titleLines.contains(where: { Self.contains($0, queryTerms) }) {
                    phrase = 0.5
                } else if Self.contains(Self.contentTerms(row.description), queryTerms) {
                    phrase = 0.25
                }
            }
            let titleWords = Set(FrenchAnalyzer.words(row.title).map { FrenchAnalyzer.fold($0.normalized) })
            let exactWords = queryWords.isEmpty ? 0 : Double(queryWords.filter(titleWords.contains).count) / Double(queryWords.count)
            let qualityFactor = row.quality < 0 ? 1.0 : 0.75 + 0.5 * min(max(row.quality, 0), 1)
            return relevance * (1 + exact + phrase + 0.3 * exactWords) * qualityFactor
        }
        let tAnalysis = try median { for item in stream { if let row = rows[item.rowid] { _ = total(item.relevance, row) } } }
        line("per row: boosts (title/description re-analyzed), all rows", tAnalysis,
             String(format: "%.1f µs/row", 1000 * tAnalysis / Double(max(stream.count, 1))))

        // 4. The engine's early exit, replayed on the default-rank stream; and exactness.
        func topK(_ items: [(rowid: Int64, relevance: Double)], earlyExit: Bool) -> (top: [(Int64, Double, String)], examined: Int) {
            var best: [(Int64, Double, String)] = []
            var examined = 0
            for item in items {
                if earlyExit, best.count >= Self.need, item.relevance * Self.maximumMultiplier < best[Self.need - 1].1 { break }
                examined += 1
                guard let row = rows[item.rowid] else { continue }
                let score = total(item.relevance, row)
                let at = best.firstIndex { (score, $0.2) > ($0.1, row.id) } ?? best.count
                if at < Self.need {
                    best.insert((item.rowid, score, row.id), at: at)
                    if best.count > Self.need { best.removeLast() }
                }
            }
            return (best, examined)
        }
        let engineOrder = topK(stream, earlyExit: true)
        let exhaustive = topK(stream, earlyExit: false)
        let weightedStream = stream.sorted { $0.relevance > $1.relevance }
        let weightedOrder = topK(weightedStream, earlyExit: true)
        let differing = zip(engineOrder.top, exhaustive.top).filter { $0.0.0 != $0.1.0 }.count
            + abs(engineOrder.top.count - exhaustive.top.count)
        print("  early exit on the default-rank stream: \(engineOrder.examined) of \(stream.count) rows examined;"
              + " top 20 differs from the exhaustive top 20 at \(differing) position(s)")
        print("  early exit if the stream were ordered by the weighted bm25: \(weightedOrder.examined) rows examined;"
              + " differs at \(zip(weightedOrder.top, exhaustive.top).filter { $0.0.0 != $0.1.0 }.count) position(s)")

        // 5. The page: 20 records decoded, 20 snippets.
        let page = exhaustive.top.map(\.0)
        let record = try db.prepare("SELECT record FROM resources WHERE rowid = ?")
        let decoder = JSONDecoder()
        let tLoad = try median {
            for rowid in page {
                try record.bindAll([rowid])
                if try record.step(), let json = record.text(0) { _ = try decoder.decode(Resource.self, from: Data(json.utf8)) }
                record.reset()
            }
        }
        line("page: \(page.count) x SELECT record + JSONDecoder (loadResource)", tLoad)
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
        line("page: \(page.count) x snippet() (MATCH ... AND rowid = ?)", tSnippet)
        let tPrepare = try median {
            for _ in 0..<10 { _ = try db.prepare("SELECT record FROM resources WHERE rowid = ?") }
        }
        line("prepare: one short statement (the engine prepares ~47 per page)", tPrepare / 10)
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
