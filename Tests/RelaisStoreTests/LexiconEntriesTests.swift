import Testing
import RelaisCore
@testable import RelaisStore
import RelaisText

/// The lexicon's per-surface cache must give exactly what analyzing every word did.
@Suite struct LexiconEntriesTests {
    /// What `Store.addToLexicon` computed per resource before the cache (kept as the reference).
    static func reference(_ resource: Resource) -> [String: String] {
        var words: [String: String] = [:]
        for text in resource.titles + resource.keywords {
            for word in FrenchAnalyzer.words(text.text) where word.normalized.count >= 2 && !word.hasDigits {
                let folded = FrenchAnalyzer.fold(word.normalized)
                let isAcronym = word.surface.count >= 2 && word.surface == word.surface.uppercased()
                    && word.surface != word.surface.lowercased()
                if words[folded] == nil { words[folded] = isAcronym ? word.surface : word.surface.lowercased() }
            }
        }
        return words
    }

    /// SplitMix64, so that a failure replays.
    struct Draw {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        /// Few pieces, so that surfaces recur in other contexts (the cache's premise), with
        /// what makes analysis subtle: case, accents precomposed or combining, ligatures,
        /// digits, elisions, compounds, ignorables, acronyms, non-Latin scripts.
        static let pieces: [String] = [
            "a", "é", "e\u{301}", "E\u{301}", "É", "œuvre", "Œuvre", "OEUVRE", "ŒUVRE", "cœur", "æ", "ß", "ẞ", "İ", "ı",
            "l'", "L’", "qu'", "jusqu'", "aujourd'hui", "-", "‐", "'", "’", " ", " ", "\n", ",", ".", "«", "»",
            "CEB", "TDAH", "P5", "1ère", "2024", "ème", "\u{AD}", "\u{200D}", "\u{FEFF}", "ﬁ", "ﬂ", "Ǆ", "ǅ",
            "Ελληνικά", "中文", "😀", "école", "Élève", "ÉLÈVE", "activité", "activite", "ï", "ë", "naïf", "x",
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

    @Test func cachedWordsEqualTheReferenceOnFuzzedResources() {
        var draw = Draw(state: 42)
        var cache = LexiconEntries()
        // A tiny capacity exercises the restarts too.
        var small = LexiconEntries(capacity: 7)
        for _ in 0..<3_000 {
            let resource = Self.resource(&draw)
            let expected = Self.reference(resource)
            #expect(cache.words(of: resource) == expected)
            #expect(small.words(of: resource) == expected)
        }
        #expect(small.entries.count <= 7)
    }

    /// Equal as strings is not enough: canonically equivalent spellings stay distinct words.
    @Test func cacheKeysAreBytes() {
        var cache = LexiconEntries()
        var a = Resource(id: ResourceID(source: "s", sourceIdentifier: "a"), source: "s", sourceIdentifier: "a", format: .lom)
        a.titles = [LangText("Élève", language: "fr")]
        var b = a
        b.titles = [LangText("E\u{301}le\u{300}ve", language: "fr")]
        #expect(Array(cache.words(of: a)["eleve"]!.utf8) == Array("élève".utf8))
        #expect(Array(cache.words(of: b)["eleve"]!.utf8) == Array("e\u{301}le\u{300}ve".utf8))
    }

    @Test func forEachWordGivesTheWordsOfWords() {
        var draw = Draw(state: 7)
        for _ in 0..<2_000 {
            let text = draw.text()
            var seen: [FrenchAnalyzer.Word] = []
            FrenchAnalyzer.forEachWord(text) { surface, word in
                let w = word()
                #expect(Array(surface) == Array(w.surface.utf8))
                seen.append(w)
            }
            #expect(seen == FrenchAnalyzer.words(text))
        }
    }
}
