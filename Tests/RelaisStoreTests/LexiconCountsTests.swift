import Testing
import RelaisCore
@testable import RelaisStore
import RelaisText
import RelaisTestSupport

/// `LexiconCounts` must hand each flush exactly what the dictionaries it replaced gathered.
@Suite struct LexiconCountsTests {
    /// The previous computation: per resource, folded -> first spelling; per flush, folded ->
    /// (first spelling, documents), both keyed by `String` (canonical equivalence).
    struct Reference {
        var pending: [String: (word: String, documents: Int)] = [:]

        mutating func add(_ resource: Resource) {
            var words: [String: String] = [:]
            for text in resource.titles + resource.keywords {
                for word in FrenchAnalyzer.words(text.text) where word.normalized.count >= 2 && !word.hasDigits {
                    let folded = FrenchAnalyzer.fold(word.normalized)
                    let isAcronym = word.surface.count >= 2 && word.surface == word.surface.uppercased()
                        && word.surface != word.surface.lowercased()
                    if words[folded] == nil { words[folded] = isAcronym ? word.surface : word.surface.lowercased() }
                }
            }
            for (folded, word) in words {
                pending[folded, default: (word, 0)].documents += 1
            }
        }

        mutating func drain() -> [Row] {
            defer { pending.removeAll() }
            return pending.map { Row(folded: Array($0.key.utf8), word: Array($0.value.word.utf8), documents: $0.value.documents) }
                .sorted()
        }
    }

    /// Compared as bytes: equal strings may be different bytes.
    struct Row: Comparable {
        var folded: [UInt8]
        var word: [UInt8]
        var documents: Int
        static func < (a: Row, b: Row) -> Bool {
            if a.folded != b.folded { return a.folded.lexicographicallyPrecedes(b.folded) }
            if a.word != b.word { return a.word.lexicographicallyPrecedes(b.word) }
            return a.documents < b.documents
        }
    }

    static func drain(_ counts: inout LexiconCounts) -> [Row] {
        var rows: [Row] = []
        counts.drain { folded, word, documents in
            rows.append(Row(folded: Array(folded.utf8), word: Array(word.utf8), documents: documents))
        }
        return rows.sorted()
    }

    /// SplitMix64, so that a failure replays.
    struct Draw {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        /// Few pieces, so that surfaces recur in other contexts, with what makes analysis
        /// subtle: case, accents precomposed or combining (canonically equivalent spellings),
        /// ligatures, digits, elisions, compounds, ignorables, acronyms, non-Latin scripts.
        static let pieces: [String] = [
            "a", "é", "e\u{301}", "E\u{301}", "É", "œuvre", "Œuvre", "OEUVRE", "ŒUVRE", "cœur", "æ", "ß", "ẞ", "İ", "ı",
            "l'", "L’", "qu'", "jusqu'", "aujourd'hui", "-", "‐", "'", "’", " ", " ", "\n", ",", ".", "«", "»",
            "CEB", "TDAH", "P5", "1ère", "2024", "ème", "\u{AD}", "\u{200D}", "\u{FEFF}", "ﬁ", "ﬂ", "Ǆ", "ǅ",
            "Ελληνικά", "ά", "α\u{301}", "中文", "😀", "école", "Élève", "ÉLÈVE", "activité", "activite", "ï", "ë",
            "naïf", "x", "Å", "A\u{30A}", "\u{212B}",
        ]

        mutating func text() -> String {
            var text = ""
            for _ in 0..<below(30) { text += Self.pieces[below(Self.pieces.count)] }
            return text
        }
    }

    static func resource(_ draw: inout Draw) -> Resource {
        var r = Resource(id: ResourceID(source: "s", sourceIdentifier: "x"), source: "s", sourceIdentifier: "x", format: .lom)
        r.titles = (0..<draw.below(3)).map { _ in LangText(draw.text(), language: "fr") }
        r.keywords = (0..<draw.below(4)).map { _ in LangText(draw.text(), language: nil) }
        return r
    }

    @Test(arguments: [50_000, 7, 1])
    func flushesEqualTheReferenceOnFuzzedResources(capacity: Int) {
        var draw = Draw(state: 42)
        var counts = LexiconCounts(capacity: capacity)
        var reference = Reference()
        var flushes = 0
        for _ in 0..<3_000 {
            let resource = Self.resource(&draw)
            counts.add(resource)
            reference.add(resource)
            switch draw.below(40) {
            case 0:
                #expect(Self.drain(&counts) == reference.drain())
                flushes += 1
            case 1:
                // A rolled back transaction.
                counts.discard()
                reference.pending.removeAll()
            default:
                break
            }
        }
        #expect(Self.drain(&counts) == reference.drain())
        #expect(flushes > 30)
        #expect(counts.entryCount <= max(capacity, 1))
    }

    /// Equal as strings is not enough: canonically equivalent spellings stay distinct words,
    /// and one group is counted once per resource however it is spelled.
    @Test func spellingsAndGroups() {
        var counts = LexiconCounts()
        var a = Resource(id: ResourceID(source: "s", sourceIdentifier: "a"), source: "s", sourceIdentifier: "a", format: .lom)
        a.titles = [LangText("Élève et E\u{301}le\u{300}ve", language: "fr")]
        var b = a
        b.titles = [LangText("E\u{301}le\u{300}ve", language: "fr")]
        counts.add(b)
        counts.add(a)
        let rows = Self.drain(&counts).filter { $0.folded == Array("eleve".utf8) }
        #expect(rows == [Row(folded: Array("eleve".utf8), word: Array("e\u{301}le\u{300}ve".utf8), documents: 2)])
    }
}
