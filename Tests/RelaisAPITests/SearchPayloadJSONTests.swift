import Foundation
import Testing
@testable import RelaisAPI
import RelaisSearch
import RelaisTestSupport

/// The hand-written search answer must be byte for byte what `JSONEncoder` writes.
@Suite struct SearchPayloadJSONTests {
    struct Draw {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

        static let pieces = ["a", "Les fractions", "é", "\"", "\\", "/", "</mark>", "\n", "\t", "\u{0}", "\u{1f}", "\u{7f}",
                             "\u{2028}", "😀", "e\u{301}", "https://example.org/a?b=c&d", " ", "{}", "niveaux", "P5", "_", "Z"]

        mutating func string() -> String {
            var text = ""
            for _ in 0..<below(5) { text += Self.pieces[below(Self.pieces.count)] }
            return text
        }
        mutating func optional() -> String? { chance(35) ? nil : string() }
        mutating func double() -> Double {
            switch below(6) {
            case 0: return Double(below(1000))
            case 1: return Double(below(100_000)) / 1000
            case 2: return -Double(below(1000)) / 7
            case 3: return [0.0, -0.0, 1e21, 1e-7, 0.1 + 0.2, 5e-324, 123456789.125][below(7)]
            case 4: return Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF)
            default: return Double(below(86_400))
            }
        }
        mutating func optionalDouble() -> Double? { chance(30) ? nil : double() }
        mutating func list<T>(_ make: (inout Draw) -> T) -> [T] {
            var values: [T] = []
            for _ in 0..<below(4) { values.append(make(&self)) }
            return values
        }
        mutating func terms() -> [TermPayload] { list { TermPayload(term: $0.string(), label: $0.string()) } }
    }

    static func payload(_ d: inout Draw) -> SearchPayload {
        let hits: [HitPayload] = d.list { d in
            HitPayload(
                id: d.string(), title: d.string(), source: d.string(), sourceLabel: d.string(), description: d.optional(),
                url: d.optional(),
                snippet: d.chance(70) ? SnippetPayload(text: d.string(), highlights: d.list { d in d.list { $0.below(500) } },
                                                       html: d.string()) : nil,
                segment: d.chance(30) ? SegmentMatchPayload(index: d.below(9), title: d.optional(), start: d.optionalDouble(),
                                                            end: d.optionalDouble(), timecode: d.optional()) : nil,
                levels: d.terms(), domains: d.terms(), types: d.terms(), needs: d.terms(),
                licence: d.chance(70) ? TermPayload(term: d.string(), label: d.string()) : nil, duration: d.optionalDouble(),
                evaluation: EvaluationSummary(count: d.below(40), average: d.chance(50) ? 1 + Double(d.below(3000)) / 1000 : nil), score: d.double(),
                explain: d.chance(30) ? ExplainPayload(bm25: d.double(), exactTitleBoost: d.double(), phraseBoost: d.double(),
                                                       titleWordsBoost: d.double(), qualityFactor: d.double(), total: d.double(),
                                                       rankedOnTitleAndKeywords: d.chance(50)) : nil)
        }
        var facets: [String: FacetPayload] = [:]
        for _ in 0..<d.below(10) {
            // Facet keys are the engine's dimension names: lowercase ASCII, which JSONEncoder's
            // snake_case strategy leaves alone and its collation orders as bytes.
            let names = SearchEngine.dimensions + ["a", "b", "ab", "abc", "z"]
            facets[names[d.below(names.count)]] = FacetPayload(label: d.string(), values: d.list {
                FacetValuePayload(term: $0.string(), label: $0.string(), count: $0.below(100_000), selected: $0.chance(20))
            })
        }
        return SearchPayload(
            query: d.string(), effectiveQuery: d.optional(), notice: d.optional(), didYouMean: d.optional(),
            corrections: d.list { CorrectionPayload(typed: $0.string(), used: $0.string()) }, droppedWords: d.list { $0.string() },
            recognizedFilters: d.list { RecognizedFilterPayload(dimension: $0.string(), term: $0.string(), label: $0.string()) },
            total: d.below(1_000_000), page: d.below(50) + 1, size: d.below(100) + 1, sort: d.string(), tookMs: d.double(),
            hits: hits, facets: facets)
    }

    @Test func sameBytesAsJSONEncoder() throws {
        var draw = Draw(state: 11)
        for index in 0..<2_000 {
            let payload = Self.payload(&draw)
            let expected = String(decoding: try Handlers.jsonData(payload), as: UTF8.self)
            let written = String(decoding: try payload.json(), as: UTF8.self)
            #expect(written == expected, "payload \(index)")
            if written != expected { return }
        }
    }

    @Test func nonFiniteNumbersAreRefusedLikeJSONEncoder() throws {
        var draw = Draw(state: 5)
        var payload = Self.payload(&draw)
        payload.tookMs = .nan
        #expect(throws: (any Error).self) { try Handlers.jsonData(payload) }
        #expect(throws: (any Error).self) { try payload.json() }
    }
}
