import Foundation
import Testing
import RelaisCore
@testable import RelaisStore

/// `ResourceJSON` must write exactly what `JSONEncoder` (sorted keys, slashes unescaped) wrote
/// before it, and decode back to the same `Resource`.
@Suite struct ResourceJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
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
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

        static let pieces: [String] = [
            "a", "Les fractions", "é", "œuvre", "\"", "\\", "/", "</script>", "\n", "\r\n", "\t", "\u{0}", "\u{1}",
            "\u{8}", "\u{b}", "\u{c}", "\u{1f}", "\u{7f}", "\u{80}", "\u{a0}", "\u{2028}", "\u{2029}", "\u{feff}",
            "😀", "👩‍👩‍👧", "e\u{301}", "https://example.org/a?b=c&d", " ", "{}", "[]", ":", ",", "&amp;", "'", "«»",
            "0", "-1.5", "null", "true", "中文",
        ]

        mutating func string() -> String {
            var text = ""
            for _ in 0..<below(6) { text += Self.pieces[below(Self.pieces.count)] }
            return text
        }
        mutating func optional() -> String? { chance(40) ? nil : string() }
        mutating func double() -> Double? {
            switch below(9) {
            case 0: return nil
            case 1: return Double(below(100_000))
            case 2: return Double(below(100_000)) / 10
            case 3: return Double(next() % 1_000_000_007) / 3
            case 4: return -Double(below(1000)) / 7
            case 5: return [0.0, -0.0, 1e20, 1e21, 1e-7, 123456789012345680, 0.1 + 0.2, 5e-324][below(8)]
            case 6: return Double(bitPattern: next() & 0x7FEF_FFFF_FFFF_FFFF)
            case 7: return 31_557_600 * 1.5
            default: return Double(below(86_400 * 365))
            }
        }
        mutating func array<T>(_ make: (inout Draw) -> T) -> [T] {
            var values: [T] = []
            for _ in 0..<below(4) { values.append(make(&self)) }
            return values
        }
    }

    static func resource(_ draw: inout Draw) -> Resource {
        let identifier = draw.string()
        var r = Resource(id: ResourceID(source: "s", sourceIdentifier: identifier), source: draw.string(),
                         sourceIdentifier: identifier, format: SourceFormat.allCases[draw.below(SourceFormat.allCases.count)])
        func texts(_ d: inout Draw) -> [LangText] { d.array { LangText($0.string(), language: $0.optional()) } }
        func terms(_ d: inout Draw) -> [TermValue] { d.array { TermValue(term: $0.optional(), raw: $0.string(), scheme: $0.optional()) } }
        r.titles = texts(&draw)
        r.descriptions = texts(&draw)
        r.keywords = texts(&draw)
        r.languages = draw.array { $0.string() }
        r.contributors = draw.array { Contributor(role: $0.optional(), name: $0.optional(), organization: $0.optional(), date: $0.optional()) }
        r.publisher = draw.optional()
        r.created = draw.optional()
        r.modified = draw.optional()
        r.levels = terms(&draw)
        r.domains = terms(&draw)
        r.resourceTypes = terms(&draw)
        r.intendedRoles = terms(&draw)
        r.specificNeeds = terms(&draw)
        r.contexts = draw.array { $0.string() }
        r.learningTime = draw.double()
        if draw.chance(70) {
            r.licence = Licence(term: draw.optional(), version: draw.optional(), url: draw.optional(), statement: draw.optional())
        }
        r.location = draw.optional()
        r.mediaFormats = draw.array { $0.string() }
        r.duration = draw.double()
        r.segments = draw.array { d in
            Segment(identifier: d.optional(), title: d.optional(), description: d.optional(), start: d.double(),
                    end: d.double(), transcript: d.optional())
        }
        r.sections = draw.array { Section(level: $0.below(7) - 1, heading: $0.string(), text: $0.string()) }
        r.bodyHTML = draw.optional()
        r.relations = draw.array { Relation(kind: $0.optional(), target: $0.string(), description: $0.optional()) }
        return r
    }

    @Test func sameBytesAsJSONEncoderAndRoundTrips() throws {
        var draw = Draw(state: 42)
        for index in 0..<3_000 {
            let resource = Self.resource(&draw)
            let expected = String(decoding: try Self.encoder.encode(resource), as: UTF8.self)
            let written = try ResourceJSON.encode(resource)
            #expect(written == expected, "resource \(index)")
            if written != expected { return }
            let decoded = try JSONDecoder().decode(Resource.self, from: Data(written.utf8))
            #expect(decoded == resource, "resource \(index)")
        }
    }

    @Test func emptyResource() throws {
        let resource = Resource(id: ResourceID(rawValue: "r1"), source: "", sourceIdentifier: "", format: .lom)
        #expect(try ResourceJSON.encode(resource) == String(decoding: try Self.encoder.encode(resource), as: UTF8.self))
    }

    @Test func nonFiniteNumbersAreRefusedLikeJSONEncoder() throws {
        var resource = Resource(id: ResourceID(rawValue: "r1"), source: "s", sourceIdentifier: "i", format: .lom)
        resource.duration = .infinity
        #expect(throws: (any Error).self) { try Self.encoder.encode(resource) }
        #expect(throws: (any Error).self) { try ResourceJSON.encode(resource) }
    }
}
