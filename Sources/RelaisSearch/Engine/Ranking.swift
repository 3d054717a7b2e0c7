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
            ranked = browseOrder(outcome.positions, index: index, sort: request.sort, need: need)
                .map { (index.rowIDs[$0], nil) }
            if request.sort == .title {
                ranked = try titleOrder(outcome.positions.map { index.rowIDs[$0] }, need: need).map { ($0, nil) }
            }
        }
        let page = ranked.dropFirst(offset).prefix(request.size)
        let queryTerms = Set(FrenchAnalyzer.tokens(query.positiveWords.joined(separator: " ")).map(\.term))
        return try page.map { rowid, explanation in
            let resource = try loadResource(rowid)
            var hit = SearchHit(resource: resource, score: explanation?.total ?? 0, snippet: nil, segment: nil,
                                explanation: request.explain ? explanation : nil)
            if let fts = outcome.fts {
                hit.snippet = try snippet(fts, rowid: rowid)
            }
            if hit.snippet == nil || hit.snippet!.highlights.isEmpty,
               let description = Resource.preferred(resource.descriptions)?.text {
                hit.snippet = hit.snippet?.highlights.isEmpty == false ? hit.snippet
                    : Snippet(text: Self.excerpt(description), highlights: [])
            }
            if !queryTerms.isEmpty { hit.segment = Self.matchingSegment(resource, terms: queryTerms) }
            return hit
        }
    }

    /// bm25 over the matches, then boosts and the quality prior on the best candidates.
    /// Large matching sets (very common words) are ranked on title and keyword matches first:
    /// FTS5 scores every match, and those columns hold the best-scoring ones anyway.
    private func rankByRelevance(_ fts: String, query: ParsedQuery, outcome: Outcome, index: FacetIndex,
                                 need: Int, explain: Bool) throws -> [(rowid: Int64, explanation: ScoreExplanation?)] {
        let kept = Set(outcome.positions)
        let pool = need + 50
        var candidates: [(Int64, Double)] = []
        var titleOnly = false
        let hasField = query.groups.contains { $0.alternatives.contains { $0.field != nil } }
        if outcome.total > largeMatchSet && !hasField {
            candidates = try rankedRows("{title keywords} : (\(fts))", kept: kept, index: index, limit: pool)
            titleOnly = candidates.count >= min(pool, outcome.total)
        }
        if !titleOnly {
            candidates = try rankedRows(fts, kept: kept, index: index, limit: pool)
        }
        let queryTokens = FrenchAnalyzer.tokens(query.positiveWords.joined(separator: " "), forQuery: true).map(\.term)
        let fetch = try db.prepare("SELECT title, description, coalesce(quality, -1), id FROM resources WHERE rowid = ?")
        var scored: [(rowid: Int64, id: String, explanation: ScoreExplanation)] = []
        for (rowid, bm25) in candidates {
            try fetch.bindAll([rowid])
            guard try fetch.step() else { continue }
            let title = fetch.text(0) ?? ""
            let description = fetch.text(1) ?? ""
            let quality = fetch.double(2)
            let id = fetch.text(3) ?? ""
            fetch.reset()
            let titleTokens = FrenchAnalyzer.tokens(title, forQuery: true).map(\.term)
            let exact = !queryTokens.isEmpty && titleTokens == queryTokens ? 1.0 : 0.0
            var phrase = 0.0
            if queryTokens.count > 1 {
                if Self.contains(titleTokens, queryTokens) {
                    phrase = 0.5
                } else if Self.contains(FrenchAnalyzer.tokens(description, forQuery: true).map(\.term), queryTokens) {
                    phrase = 0.25
                }
            }
            let qualityFactor = quality < 0 ? 1.0 : 0.75 + 0.5 * min(max(quality, 0), 1)
            let relevance = -bm25
            let total = relevance * (1 + exact + phrase) * qualityFactor
            scored.append((rowid, id, ScoreExplanation(bm25: relevance, exactTitleBoost: exact, phraseBoost: phrase,
                                                       qualityFactor: qualityFactor, total: total,
                                                       rankedOnTitleAndKeywords: titleOnly)))
        }
        scored.sort { ($0.explanation.total, $1.id) > ($1.explanation.total, $0.id) }
        return scored.map { ($0.rowid, $0.explanation) }
    }

    private func rankedRows(_ fts: String, kept: Set<Int>, index: FacetIndex, limit: Int) throws -> [(Int64, Double)] {
        let statement = try db.prepare("""
            SELECT rowid, bm25(resources_fts, 10.0, 5.0, 2.0, 1.0) FROM resources_fts
            WHERE resources_fts MATCH ? ORDER BY rank
            """)
        try statement.bindAll([fts])
        var rows: [(Int64, Double)] = []
        while rows.count < limit, try statement.step() {
            let rowid = statement.int64(0)
            guard let position = index.position(of: rowid), kept.contains(position) else { continue }
            rows.append((rowid, statement.double(1)))
        }
        return rows
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
        let fetch = try db.prepare("SELECT title FROM resources WHERE rowid = ?")
        var titled: [(String, Int64)] = []
        for rowid in rowids {
            try fetch.bindAll([rowid])
            titled.append((try fetch.step() ? FrenchAnalyzer.fold(fetch.text(0) ?? "") : "", rowid))
            fetch.reset()
        }
        return titled.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.prefix(need).map(\.1)
    }

    func loadResource(_ rowid: Int64) throws -> Resource {
        let statement = try db.prepare("SELECT record FROM resources WHERE rowid = ?")
        try statement.bindAll([rowid])
        guard try statement.step(), let json = statement.text(0) else {
            throw StoreError(reason: "ressource \(rowid) introuvable")
        }
        return try JSONDecoder().decode(Resource.self, from: Data(json.utf8))
    }

    // MARK: Snippets and segments

    private static let open = "\u{2}"
    private static let close = "\u{3}"

    /// The passage of the description or the body (sections, transcripts) with the most
    /// matches; the title and keywords are shown apart anyway.
    private func snippet(_ fts: String, rowid: Int64) throws -> Snippet? {
        let statement = try db.prepare("""
            SELECT snippet(resources_fts, 2, char(2), char(3), '…', 24),
                   snippet(resources_fts, 3, char(2), char(3), '…', 24)
            FROM resources_fts WHERE resources_fts MATCH ? AND rowid = ?
            """)
        try statement.bindAll([fts, rowid])
        guard try statement.step() else { return nil }
        let description = statement.text(0).map(Self.parseMarked)
        let body = statement.text(1).map(Self.parseMarked)
        if let body, body.highlights.count > (description?.highlights.count ?? 0) { return body }
        return description
    }

    /// Turns FTS5's marked snippet into text plus UTF-16 ranges.
    static func parseMarked(_ marked: String) -> Snippet {
        var text = ""
        var highlights: [Range<Int>] = []
        var offset = 0
        var start: Int?
        var pendingSpace = false
        // Whitespace runs (line breaks between sections) collapse to one space, offsets follow.
        for scalar in marked.unicodeScalars {
            if scalar == "\u{2}" {
                if pendingSpace, offset > 0 { text.append(" "); offset += 1 }
                pendingSpace = false
                start = offset
            } else if scalar == "\u{3}" {
                if let begin = start, offset > begin { highlights.append(begin..<offset) }
                start = nil
            } else if scalar.properties.isWhitespace {
                pendingSpace = true
            } else {
                if pendingSpace, offset > 0 { text.append(" "); offset += 1 }
                pendingSpace = false
                text.unicodeScalars.append(scalar)
                offset += scalar.utf16.count
            }
        }
        return Snippet(text: text, highlights: highlights)
    }

    static func excerpt(_ text: String, limit: Int = 200) -> String {
        guard text.count > limit else { return text }
        let cut = text.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + " …"
    }

    static func matchingSegment(_ resource: Resource, terms: Set<String>) -> SegmentMatch? {
        for (index, segment) in resource.segments.enumerated() {
            let text = [segment.title, segment.description, segment.transcript].compactMap { $0 }.joined(separator: " ")
            if FrenchAnalyzer.tokens(text).contains(where: { terms.contains($0.term) }) {
                return SegmentMatch(index: index, title: segment.title, start: segment.start, end: segment.end,
                                    timecode: segment.start.map(timecode))
            }
        }
        return nil
    }

    static func timecode(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        return String(format: "%02d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<start + needle.count]) == needle {
            return true
        }
        return false
    }
}
