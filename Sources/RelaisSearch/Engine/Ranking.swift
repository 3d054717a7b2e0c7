import Foundation
import RelaisCore
import RelaisSQLite
import RelaisStore
import RelaisText

extension SearchEngine {
    func hits(for outcome: Outcome, query: ParsedQuery, request: SearchRequest) throws -> [SearchHit] {
        guard outcome.total > 0 else { return [] }
        let index = try facets()
        let offset = (request.page - 1) * request.size
        let need = offset + request.size
        guard offset < outcome.total else { return [] }

        var ranked: [(rowid: Int64, explanation: ScoreExplanation?)]
        if let fts = outcome.fts, request.sort == .relevance {
            ranked = try rankByRelevance(fts, query: query, outcome: outcome, index: index, need: need,
                                         explain: request.explain)
        } else {
            if request.sort == .title {
                ranked = try titleOrder(outcome.positions.map { index.rowIDs[$0] }, need: need).map { ($0, nil) }
            } else {
                ranked = browseOrder(outcome.positions, index: index, sort: request.sort, need: need)
                    .map { (index.rowIDs[$0], nil) }
            }
        }
        let page = ranked.dropFirst(offset).prefix(request.size)
        let queryTerms = Set(FrenchAnalyzer.tokens(query.positiveWords.joined(separator: " ")).map(\.term))
        let matcher = outcome.fts == nil ? nil : SnippetMatcher(query: query)
        return try page.map { rowid, explanation in
            let (resource, description, body) = try loadResourceAndText(rowid)
            var hit = SearchHit(resource: resource, score: explanation?.total ?? 0, snippet: nil, segment: nil,
                                explanation: request.explain ? explanation : nil)
            if let matcher {
                hit.snippet = Self.snippet(matcher, description: description, body: body)
            }
            if hit.snippet == nil || hit.snippet!.highlights.isEmpty,
               let description = Resource.preferred(resource.descriptions)?.text {
                hit.snippet = hit.snippet?.highlights.isEmpty == false ? hit.snippet
                    : Snippet(text: Normalize.excerpt(description, limit: 200), highlights: [])
            }
            if !queryTerms.isEmpty { hit.segment = Self.matchingSegment(resource, terms: queryTerms) }
            return hit
        }
    }

    /// Boosts and the quality prior reorder this many of the best bm25 matches; further down
    /// the order is bm25 alone. A constant, so that every page agrees with every other.
    static let rerankedPool = 50

    /// bm25 over the matches, then boosts and the quality prior on the best of them. Very large
    /// matching sets (common words) are ranked in two tiers: resources matching in their title
    /// first, then the others. FTS5 scores every match of the expression it runs,
    /// so the first tier is far cheaper, and it holds the best-scoring rows anyway.
    private func rankByRelevance(_ fts: String, query: ParsedQuery, outcome: Outcome, index: FacetIndex,
                                 need: Int, explain: Bool) throws -> [(rowid: Int64, explanation: ScoreExplanation?)] {
        // Which facet-index positions survived the filters: a bitmap, not a `Set` of tens of
        // thousands of positions hashed on every search.
        var kept = [Bool](repeating: false, count: index.count)
        for position in outcome.positions { kept[position] = true }
        let hasField = query.groups.contains { $0.alternatives.contains { $0.field != nil } }
        let scorer = BoostScorer(query: query, cache: termCache)
        let keptShare = outcome.matched == 0 ? 1 : Double(outcome.total) / Double(outcome.matched)
        // FTS5 scores every match of the text, filters or not: the tier depends on those.
        if outcome.matched > largeMatchSet && !hasField {
            let first = try ranked("{title} : (\(fts))", kept: kept, keptShare: keptShare, excluding: [], index: index, need: need,
                                   scorer: scorer, tier: true)
            if first.count >= need { return first.map { ($0.rowid, $0.explanation) } }
            let rest = try ranked(fts, kept: kept, keptShare: keptShare, excluding: Set(first.map(\.rowid)), index: index,
                                  need: need - first.count, scorer: scorer, tier: false)
            return (first + rest).map { ($0.rowid, $0.explanation) }
        }
        return try ranked(fts, kept: kept, keptShare: keptShare, excluding: [], index: index, need: need, scorer: scorer,
                          tier: false)
            .map { ($0.rowid, $0.explanation) }
    }

    private struct Scored {
        var rowid: Int64
        var id: String
        var explanation: ScoreExplanation

        func before(_ other: Scored) -> Bool {
            (explanation.total, other.id) > (other.explanation.total, id)
        }
    }

    /// The first `need` rows of an expression: the best `rerankedPool` by bm25 reordered by
    /// their final score, then the following ones by bm25.
    ///
    /// The statement has a LIMIT (and ties broken by rowid, so that every limit gives the same
    /// order), so that SQLite keeps the best rows in a bounded sorter
    /// instead of sorting every match (140k rows for a common word at 1M resources): enough rows
    /// for the pool once the filters (`keptShare` of the matches pass them) and `excluding` have
    /// taken theirs, twice over; when that is not enough after all, it runs again without one.
    private func ranked(_ expression: String, kept: [Bool], keptShare: Double, excluding: Set<Int64>, index: FacetIndex,
                        need: Int, scorer: BoostScorer, tier: Bool) throws -> [Scored] {
        let poolSize = max(need, Self.rerankedPool)
        let limit = Int(min(Double(Int32.max), rankLimitScale * Double(poolSize) / max(keptShare, 1e-6)))
            + excluding.count + rankLimitExtra
        if let complete = try ranked(expression, limit: limit, kept: kept, excluding: excluding, index: index,
                                     poolSize: poolSize, scorer: scorer, tier: tier) {
            return Array(complete.prefix(need))
        }
        return Array(try ranked(expression, limit: -1, kept: kept, excluding: excluding, index: index, poolSize: poolSize,
                                scorer: scorer, tier: tier)!.prefix(need))
    }

    /// The scored rows of `expression` among its best `limit` (-1: all); nil when the limit cut
    /// the rows off before `poolSize` of them passed the filters.
    private func ranked(_ expression: String, limit: Int, kept: [Bool], excluding: Set<Int64>, index: FacetIndex,
                        poolSize: Int, scorer: BoostScorer, tier: Bool) throws -> [Scored]? {
        // FTS5's weighted bm25 (the index's `rank`), with row lengths from memory: `bm25()`
        // looks each one up in `resources_fts_docsize`, most of the cost of ranking.
        let statement = try self.statement("""
            SELECT rowid, \(Database.weightedBM25Name)(resources_fts, ?2, 10.0, 5.0, 2.0, 1.0) AS score
            FROM resources_fts WHERE resources_fts MATCH ?1 ORDER BY score, rowid LIMIT ?3
            """)
        defer { statement.reset() }
        try statement.bindAll([expression, nil, limit])
        try statement.bind(2, rankStatistics: index.rankStatistics)
        // Phrase counts (the IDF) kept from earlier queries instead of counted again.
        index.rankStatistics.phraseKeys = ParsedQuery.phraseKeys(of: expression)
        defer { index.rankStatistics.phraseKeys = nil }
        // Only the leading columns: quality (added last, after the large record columns) comes
        // from the facet index, so no overflow page is read here.
        let fetch = try self.statement("SELECT title, description, id FROM resources WHERE rowid = ?")
        defer { fetch.reset() }
        var pool: [Scored] = []
        var tail: [Scored] = []
        var rows = 0
        while pool.count + tail.count < poolSize, try timedStep(statement) {
            rows += 1
            let rowid = statement.int64(0)
            guard !excluding.contains(rowid), let position = index.position(of: rowid), kept[position] else { continue }
            let relevance = -statement.double(1)
            try fetch.bindAll([rowid])
            guard try fetch.step() else { continue }
            let id = fetch.text(2) ?? ""
            if pool.count < Self.rerankedPool {
                let explanation = scorer.score(bm25: relevance, title: fetch.text(0) ?? "", description: fetch.text(1) ?? "",
                                               quality: index.qualities[position], tier: tier)
                pool.append(Scored(rowid: rowid, id: id, explanation: explanation))
            } else {
                tail.append(Scored(rowid: rowid, id: id, explanation: ScoreExplanation(
                    bm25: relevance, exactTitleBoost: 0, phraseBoost: 0, titleWordsBoost: 0, qualityFactor: 1,
                    total: relevance, rankedOnTitleAndKeywords: tier)))
            }
            fetch.reset()
        }
        if limit >= 0 && pool.count + tail.count < poolSize && rows == limit {
            rankedRetries += 1
            return nil
        }
        pool.sort { $0.before($1) }
        return pool + tail
    }

    /// The ranking statement's first step scores and sorts every match: FTS5's time.
    private func timedStep(_ statement: Statement) throws -> Bool {
        let started = ContinuousClock.now
        defer { fts5Time += ContinuousClock.now - started }
        return try statement.step()
    }

    /// The boosts on top of bm25, for one query.
    struct BoostScorer {
        let queryTerms: [String]
        let queryWords: Set<String>
        let cache: TermCache

        init(query: ParsedQuery, cache: TermCache = TermCache()) {
            queryTerms = SearchEngine.contentTerms(query.positiveWords.joined(separator: " "))
            queryWords = Set(query.positiveWords.map { FrenchAnalyzer.fold($0) })
            self.cache = cache
        }

        func score(bm25 relevance: Double, title: String, description: String, quality: Double, tier: Bool)
            -> ScoreExplanation {
            // The title column holds every title (alternative ones too), one per line.
            let (titleLines, titleWords) = cache.titleAnalysis(title)
            let exact = !queryTerms.isEmpty && titleLines.contains(queryTerms) ? 1.0 : 0.0
            var phrase = 0.0
            if queryTerms.count > 1 {
                if titleLines.contains(where: { SearchEngine.contains($0, queryTerms) }) {
                    phrase = 0.5
                } else if SearchEngine.contains(cache.contentTerms(description), queryTerms) {
                    phrase = 0.25
                }
            }
            // Words typed exactly as the title writes them: "grevisse" is Grevisse before grève.
            let exactWords = queryWords.isEmpty ? 0
                : Double(queryWords.filter(titleWords.contains).count) / Double(queryWords.count)
            let qualityFactor = quality < 0 ? 1.0 : 0.75 + 0.5 * min(max(quality, 0), 1)
            let total = relevance * (1 + exact + phrase + 0.3 * exactWords) * qualityFactor
            return ScoreExplanation(bm25: relevance, exactTitleBoost: exact, phraseBoost: phrase,
                                    titleWordsBoost: 0.3 * exactWords, qualityFactor: qualityFactor, total: total,
                                    rankedOnTitleAndKeywords: tier)
        }
    }

    /// Stemmed terms of the words that are not stopwords: what boosts compare.
    static func contentTerms(_ text: String) -> [String] {
        FrenchAnalyzer.words(text).filter { !FrenchAnalyzer.isStopword($0.normalized) }
            .map { FrenchAnalyzer.queryTerm($0.normalized) }
    }

    /// Browsing: quality first, then the most recent, then id for a stable order.
    private func browseOrder(_ positions: [Int], index: FacetIndex, sort: SearchRequest.Sort, need: Int) -> [Int] {
        let qualities = index.qualities
        let dates = index.dates
        let rowIDs = index.rowIDs
        func before(_ a: Int, _ b: Int) -> Bool {
            if sort == .relevance, qualities[a] != qualities[b] { return qualities[a] > qualities[b] }
            if dates[a] != dates[b] { return dates[a] > dates[b] }
            return rowIDs[a] < rowIDs[b]
        }
        if positions.count <= need * 4 { return positions.sorted(by: before).prefix(need).map { $0 } }
        // Partial selection: keep the best `need` without sorting everything.
        var best: [Int] = []
        best.reserveCapacity(need + 1)
        for position in positions {
            if best.count < need {
                best.append(position)
                if best.count == need { best.sort(by: before) }
            } else if before(position, best[need - 1]) {
                let insertAt = best.firstIndex { before(position, $0) } ?? need - 1
                best.insert(position, at: insertAt)
                best.removeLast()
            }
        }
        return best.count < need ? best.sorted(by: before) : best
    }

    private func titleOrder(_ rowids: [Int64], need: Int) throws -> [Int64] {
        let fetch = try statement("SELECT title FROM resources WHERE rowid = ?")
        defer { fetch.reset() }
        var titled: [(String, Int64)] = []
        for rowid in rowids {
            try fetch.bindAll([rowid])
            titled.append((try fetch.step() ? FrenchAnalyzer.fold(fetch.text(0) ?? "") : "", rowid))
            fetch.reset()
        }
        return titled.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.prefix(need).map(\.1)
    }

    /// A hit's record with the indexed text of its description and body columns (snippets).
    func loadResourceAndText(_ rowid: Int64) throws -> (Resource, description: String, body: String) {
        let statement = try self.statement("SELECT record, description, body FROM resources WHERE rowid = ?")
        defer { statement.reset() }
        try statement.bindAll([rowid])
        guard try statement.step() else { throw StoreError(reason: "ressource \(rowid) introuvable") }
        let resource = try statement.withBlob(0) { try ResourceJSONReader.decode($0) }
        return (resource, statement.text(1) ?? "", statement.text(2) ?? "")
    }

    func loadResource(_ rowid: Int64) throws -> Resource {
        let statement = try self.statement("SELECT record FROM resources WHERE rowid = ?")
        defer { statement.reset() }
        try statement.bindAll([rowid])
        guard try statement.step() else { throw StoreError(reason: "ressource \(rowid) introuvable") }
        return try statement.withBlob(0) { try ResourceJSONReader.decode($0) }
    }

    // MARK: Snippets and segments

    private static let open = "\u{2}"
    private static let close = "\u{3}"

    /// The passage of the description or the body (sections, transcripts) with the most
    /// matches; the title and keywords are shown apart anyway. What `sqlSnippet` returns, cut
    /// in Swift from the text (see `SnippetMatcher`).
    static func snippet(_ matcher: SnippetMatcher, description: String, body: String) -> Snippet? {
        let description = Self.parseMarked(matcher.marked(description))
        // An empty body has no match to show.
        if !body.isEmpty {
            let body = Self.parseMarked(matcher.marked(body))
            if body.highlights.count > description.highlights.count { return body }
        }
        return description
    }

    /// FTS5's own snippets of the description and the body columns, marked with U+0002 / U+0003:
    /// the reference `SnippetMatcher` follows (tests compare them).
    func sqlSnippets(_ fts: String, rowid: Int64) throws -> (description: String?, body: String?)? {
        let statement = try self.statement("""
            SELECT snippet(resources_fts, 2, char(2), char(3), '…', 24),
                   snippet(resources_fts, 3, char(2), char(3), '…', 24)
            FROM resources_fts WHERE resources_fts MATCH ? AND rowid = ?
            """)
        defer { statement.reset() }
        try statement.bindAll([fts, rowid])
        guard try statement.step() else { return nil }
        return (statement.text(0), statement.text(1))
    }

    /// The snippet as FTS5 makes it (one MATCH per hit): the behaviour `snippet(_:description:body:)`
    /// reproduces.
    func sqlSnippet(_ fts: String, rowid: Int64) throws -> Snippet? {
        guard let marked = try sqlSnippets(fts, rowid: rowid) else { return nil }
        let description = marked.description.map(Self.parseMarked)
        let body = marked.body.map(Self.parseMarked)
        if let body, body.highlights.count > (description?.highlights.count ?? 0) { return body }
        return description
    }

    /// Turns FTS5's marked snippet into text plus UTF-16 ranges.
    static func parseMarked(_ marked: String) -> Snippet {
        var text: [UInt8] = []
        text.reserveCapacity(marked.utf8.count)
        var highlights: [Range<Int>] = []
        var offset = 0
        var start: Int?
        var pendingSpace = false
        // Whitespace runs (line breaks between sections) collapse to one space, offsets (UTF-16)
        // follow. The property lookup only for scalars outside ASCII: it was most of the cost.
        for scalar in marked.unicodeScalars {
            let isWhitespace = scalar.isASCII
                ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
            if scalar == "\u{2}" {
                if pendingSpace, offset > 0 { text.append(0x20); offset += 1 }
                pendingSpace = false
                start = offset
            } else if scalar == "\u{3}" {
                if let begin = start, offset > begin { highlights.append(begin..<offset) }
                start = nil
            } else if isWhitespace {
                pendingSpace = true
            } else {
                if pendingSpace, offset > 0 { text.append(0x20); offset += 1 }
                pendingSpace = false
                text.append(contentsOf: scalar.utf8)
                offset += scalar.utf16.count
            }
        }
        return Snippet(text: String(decoding: text, as: UTF8.self), highlights: highlights)
    }

    /// The segment that matches best: most distinct query terms, a term in its title counting
    /// twice; the earliest among equals.
    static func matchingSegment(_ resource: Resource, terms: Set<String>) -> SegmentMatch? {
        var best: (index: Int, score: Int)?
        for (index, segment) in resource.segments.enumerated() {
            let inTitle = Set(FrenchAnalyzer.tokens(segment.title ?? "").map(\.term)).intersection(terms)
            let body = [segment.description, segment.transcript].compactMap { $0 }.joined(separator: " ")
            let inBody = Set(FrenchAnalyzer.tokens(body).map(\.term)).intersection(terms)
            let score = 2 * inTitle.count + inBody.subtracting(inTitle).count
            if score > 0, score > (best?.score ?? 0) { best = (index, score) }
        }
        guard let best else { return nil }
        let segment = resource.segments[best.index]
        return SegmentMatch(index: best.index, title: segment.title, start: segment.start, end: segment.end,
                            timecode: segment.startTimecode)
    }

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return true
        }
        return false
    }
}
