import RelaisText

/// What boosts need of a word, remembered per engine: whether it is a stop word, its query
/// term (the stem) and its folded form. Ranking compares the titles and descriptions of the
/// best 50 matches with the query on every search, and stemming their words again each time
/// was a sixth of a search; the words of a catalogue repeat, so a lookup replaces it.
/// Exact: the same values `SearchEngine.contentTerms` and `FrenchAnalyzer.fold` give.
final class TermCache {
    struct Entry {
        var isStopword: Bool
        var term: String
        var folded: String
    }

    private var entries: [String: Entry] = [:]
    /// Bounded: past this many words the cache starts again (a few MB at most).
    static let capacity = 100_000

    /// `normalized` is a `FrenchAnalyzer.Word.normalized`.
    func entry(_ normalized: String) -> Entry {
        if let known = entries[normalized] { return known }
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        let entry = Entry(isStopword: FrenchAnalyzer.isStopword(normalized), term: FrenchAnalyzer.queryTerm(normalized),
                          folded: FrenchAnalyzer.fold(normalized))
        entries[normalized] = entry
        return entry
    }

    /// `SearchEngine.contentTerms(text)`.
    func contentTerms(_ text: String) -> [String] {
        FrenchAnalyzer.words(text).compactMap { word in
            let entry = entry(word.normalized)
            return entry.isStopword ? nil : entry.term
        }
    }

    /// The content terms of each line of a title (the title column holds one title per line)
    /// and the folded form of every word: what `BoostScorer` compares, in one analysis.
    func titleAnalysis(_ title: String) -> (lines: [[String]], foldedWords: Set<String>) {
        var lines: [[String]] = []
        var folded = Set<String>()
        for line in title.split(separator: "\n") {
            var terms: [String] = []
            for word in FrenchAnalyzer.words(String(line)) {
                let entry = entry(word.normalized)
                if !entry.isStopword { terms.append(entry.term) }
                folded.insert(entry.folded)
            }
            lines.append(terms)
        }
        return (lines, folded)
    }
}
