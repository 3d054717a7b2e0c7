import RelaisSQLite
import RelaisText

/// The surface words of titles and keywords, for typo correction and autocomplete.
struct Lexicon {
    struct Entry {
        var folded: [UInt8]
        var word: String
        var stem: [UInt8]
        var documents: Int
    }

    private(set) var entries: [Entry] = []
    private var foldedSet: Set<String> = []

    init(db: Database) throws {
        let statement = try db.prepare("SELECT folded, word, documents FROM lexicon")
        while try statement.step() {
            guard let folded = statement.text(0), let word = statement.text(1) else { continue }
            entries.append(Entry(folded: Array(folded.utf8), word: word,
                                 stem: Array(FrenchAnalyzer.queryTerm(word).utf8), documents: statement.int(2)))
            foldedSet.insert(folded)
        }
    }

    func contains(folded: String) -> Bool { foldedSet.contains(folded) }

    /// The most used word within `maxEdits` of `word`, comparing folded words and stems.
    func correction(for word: String, maxEdits: Int) -> Entry? {
        let folded = Array(FrenchAnalyzer.fold(word).utf8)
        let stem = Array(FrenchAnalyzer.queryTerm(word).utf8)
        var best: (entry: Entry, surface: Int, stem: Int)?
        for entry in entries {
            guard abs(entry.folded.count - folded.count) <= maxEdits + 2 else { continue }
            let surfaceDistance = Self.distance(entry.folded, folded, limit: maxEdits)
            let stemDistance = Self.distance(entry.stem, stem, limit: maxEdits)
            guard min(surfaceDistance, stemDistance) <= maxEdits, entry.folded != folded else { continue }
            // The word as written wins over a word that only shares the stem.
            let key = (surfaceDistance, stemDistance, -entry.documents)
            if let current = best {
                if key < (current.surface, current.stem, -current.entry.documents) {
                    best = (entry, surfaceDistance, stemDistance)
                }
            } else {
                best = (entry, surfaceDistance, stemDistance)
            }
        }
        return best?.entry
    }

    /// Damerau-Levenshtein (adjacent transpositions) with an early exit above `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}

extension SearchEngine {
    /// Words of 5-8 letters get one edit, 9 and more two; numbers and codes (CEB, CE1D, P5) none.
    static func allowedEdits(for word: String) -> Int {
        let letters = word.unicodeScalars.filter { $0.properties.isAlphabetic }.count
        if word.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) { return 0 }
        if word.count <= 5, word == word.uppercased() { return 0 }
        if letters >= 9 { return 2 }
        if letters >= 5 { return 1 }
        return 0
    }

    /// Replaces the words the index does not know by their closest known word.
    func correct(_ query: ParsedQuery) throws -> (ParsedQuery, [(typed: String, used: String)]) {
        let lexicon = try currentLexicon()
        var corrected = query
        var corrections: [(typed: String, used: String)] = []
        for (position, word) in query.positiveWords.enumerated() {
            let edits = Self.allowedEdits(for: word)
            guard edits > 0, !lexicon.contains(folded: FrenchAnalyzer.fold(word)), try hitCount(word) == 0,
                  let entry = lexicon.correction(for: word, maxEdits: edits) else { continue }
            corrected = corrected.replacingWord(at: position, with: entry.word)
            corrections.append((word, entry.word))
        }
        return (corrected, corrections)
    }

    /// Autocomplete from a prefix: title and keyword words, then whole titles, as written.
    public func suggest(_ prefix: String, limit: Int = 10) throws -> [String] {
        let words = FrenchAnalyzer.words(prefix)
        guard let last = words.last, !last.normalized.isEmpty, prefix.count <= 100 else { return [] }
        // The head is the prefix as typed up to the last word ("cycle de l'" for "cycle de l'e").
        let head = String(decoding: Array(prefix.utf8)[..<last.start], as: UTF8.self)
        let folded = FrenchAnalyzer.fold(last.normalized)
        var wordSuggestions: [String] = []
        var titleSuggestions: [String] = []
        let statement = try db.prepare("""
            SELECT word FROM lexicon WHERE folded >= ?1 AND folded < ?1 || x'ff'
            ORDER BY documents DESC, folded LIMIT ?2
            """)
        try statement.bindAll([folded, limit * 2])
        while try statement.step() {
            if let word = statement.text(0), !FrenchAnalyzer.isStopword(word) {
                wordSuggestions.append(head + word)
            }
        }
        let titles = try db.prepare("""
            SELECT r.title FROM resources_fts f JOIN resources r ON r.rowid = f.rowid
            WHERE resources_fts MATCH ? AND r.status = 'published' ORDER BY rank LIMIT ?
            """)
        let expression = words.map { "{title} : \(ParsedQuery.fts5Literal($0.normalized))" }.dropLast()
            + ["{title} : \(ParsedQuery.fts5Literal(last.normalized)) *"]
        try titles.bindAll([expression.joined(separator: " AND "), limit])
        while try titles.step() {
            if let title = titles.text(0)?.split(separator: "\n").first.map(String.init), !titleSuggestions.contains(title) {
                titleSuggestions.append(title)
            }
        }
        // With words before the one being typed, whole titles say more than single words.
        let ordered = words.count > 1 ? titleSuggestions + wordSuggestions : wordSuggestions + titleSuggestions
        var seen = Set<String>()
        return Array(ordered.filter { seen.insert($0).inserted }.prefix(limit))
    }
}
