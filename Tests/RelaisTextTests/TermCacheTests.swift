import Testing
@testable import RelaisText
import RelaisTestSupport

/// Tokenizing through a `TermCache` must give exactly the tokens of tokenizing without one.
@Suite struct TermCacheTests {
    /// SplitMix64, so that a failure replays.
    struct Draw {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        /// Pieces that recur (the cache's premise) in contexts that change their terms: accents
        /// precomposed or combining, case, ligatures, digits, elisions, compounds (joined forms),
        /// ignorables, words past the stem and term limits, non-Latin scripts.
        static let pieces: [String] = [
            "activité", "activite", "ACTIVITÉ", "actives", "e\u{301}", "é", "école", "ecole", "l'", "L’", "qu'",
            "aujourd'hui", "peut-être", "arc-en-ciel", "-", "'", " ", " ", "\n", ",", "œuvre", "Œ", "æ", "ß", "ﬁ",
            "naïf", "ë", "ï", "Noël", "P5", "CE1D", "2024", "1ère", "²", "\u{AD}", "\u{200D}", "x", "ic", "iqu",
            String(repeating: "a", count: 70), String(repeating: "é", count: 130), "中文", "Ελληνικά", "😀",
            "enseignement", "enseignements", "apprentissage", "mathématiques", "Mathematiques",
        ]

        mutating func text() -> String {
            var text = ""
            for _ in 0..<below(40) { text += Self.pieces[below(Self.pieces.count)] }
            return text
        }
    }

    static func tokens(_ text: String, forQuery: Bool, cache: TermCache?) -> [AnalyzedToken] {
        var result: [AnalyzedToken] = []
        var text = text
        text.withUTF8 { buf in
            FrenchAnalyzer.tokenize(buf, forQuery: forQuery, cache: cache) { term, start, end, colocated in
                result.append(AnalyzedToken(term: String(decoding: term, as: UTF8.self), start: start, end: end,
                                            colocated: colocated))
                return true
            }
        }
        return result
    }

    @Test func cachedTokensEqualUncachedOnFuzzedText() {
        var draw = Draw(state: 2026)
        let cache = TermCache()
        // A tiny cache restarts all the time.
        let tiny = TermCache(entries: 5)
        var count = 0
        for _ in 0..<4_000 {
            let text = draw.text()
            for forQuery in [false, true] {
                let expected = Self.tokens(text, forQuery: forQuery, cache: nil)
                let viaCache = Self.tokens(text, forQuery: forQuery, cache: cache)
                let viaTiny = Self.tokens(text, forQuery: forQuery, cache: tiny)
                #expect(viaCache == expected, "\(text)")
                #expect(viaTiny == expected, "\(text)")
                // String equality is canonical equivalence: the terms must be the same bytes.
                #expect(viaCache.map { Array($0.term.utf8) } == expected.map { Array($0.term.utf8) })
                #expect(viaTiny.map { Array($0.term.utf8) } == expected.map { Array($0.term.utf8) })
                count += expected.count
            }
        }
        #expect(count > 10_000)
        #expect(cache.entryCount > 50)
        #expect(tiny.entryCount <= 5)
    }

    /// The emit callback stopping the tokenizer stops it at the same token.
    @Test func stoppingEarlyIsTheSame() {
        var draw = Draw(state: 9)
        let cache = TermCache()
        for _ in 0..<500 {
            var text = draw.text()
            let all = Self.tokens(text, forQuery: false, cache: nil)
            guard !all.isEmpty else { continue }
            let stop = draw.below(all.count)
            for withCache in [false, true] {
                var seen = 0
                text.withUTF8 { buf in
                    FrenchAnalyzer.tokenize(buf, forQuery: false, cache: withCache ? cache : nil) { _, _, _, _ in
                        seen += 1
                        return seen <= stop
                    }
                }
                #expect(seen == stop + 1)
            }
        }
    }

    @Test func randomBytesIncludingInvalidUTF8() {
        var draw = Draw(state: 77)
        let cache = TermCache(entries: 64)
        for _ in 0..<200 {
            let bytes = (0..<2_000).map { _ in UInt8(truncatingIfNeeded: draw.next()) }
            var plain: [[UInt8]] = []
            var cached: [[UInt8]] = []
            bytes.withUnsafeBufferPointer { buf in
                FrenchAnalyzer.tokenize(buf, forQuery: false) { term, _, _, _ in plain.append(Array(term)); return true }
                FrenchAnalyzer.tokenize(buf, forQuery: false, cache: cache) { term, _, _, _ in cached.append(Array(term)); return true }
            }
            #expect(plain == cached)
        }
    }
}
