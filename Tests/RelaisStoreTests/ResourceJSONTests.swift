import Foundation
import Testing
import RelaisCore
@testable import RelaisStore
import RelaisTestSupport

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
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(seed: state) }
        mutating func next() -> UInt64 { random.next() }
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

    /// The reader gives what `JSONDecoder` gives: on our own bytes, and on the same resources
    /// written another way (pretty-printed, keys unsorted, slashes escaped).
    @Test func readerDecodesLikeJSONDecoder() throws {
        var draw = Draw(state: 7)
        let other = JSONEncoder()
        other.outputFormatting = [.prettyPrinted]
        for index in 0..<3_000 {
            let resource = Self.resource(&draw)
            let written = try ResourceJSON.encode(resource)
            let read = try ResourceJSONReader.decode(written)
            #expect(read == resource, "resource \(index)")
            let pretty = try other.encode(resource)
            let readPretty = try ResourceJSONReader.decode(pretty)
            let decodedPretty = try JSONDecoder().decode(Resource.self, from: pretty)
            #expect(readPretty == decodedPretty && readPretty == resource, "resource \(index), pretty-printed")
            if read != resource || readPretty != resource { return }
        }
    }

    @Test func readerTakesEscapesNullsAndUnknownMembers() throws {
        let json = #"""
            { "zzz": {"a": [1, -2.5e3, true, false, null, {"b": "\u00e9"}]}, "id": "r1", "source": "s\/t",
              "sourceIdentifier": "\ud83d\ude00 \u00C9t\u00e9\n", "format": "ebucore", "publisher": null,
              "licence": null, "duration": 1e3, "titles": [{"language": null, "text": "A\tB\"C\\D\b\f\r"}],
              "sections": [{"level": 2.0, "heading": "h", "text": "t", "extra": []}], "segments": [{"start": -0.0}] }
            """#
        let read = try ResourceJSONReader.decode(json)
        // Absent lists read as empty (`JSONDecoder` would refuse this record for them).
        #expect(read.descriptions.isEmpty && read.levels.isEmpty && read.relations.isEmpty)
        #expect(read.source == "s/t" && read.sourceIdentifier == "😀 Été\n" && read.format == .ebucore)
        #expect(read.titles == [LangText("A\tB\"C\\D\u{8}\u{c}\r")] && read.duration == 1000 && read.licence == nil)
        #expect(read.sections == [Section(level: 2, heading: "h", text: "t")] && read.segments.first?.start == 0)
    }

    /// Malformed records are refused with the offset, never read half: every cut of a real
    /// record, and the classic faults.
    @Test func readerRefusesMalformedRecords() throws {
        var draw = Draw(state: 3)
        var resource = Self.resource(&draw)
        resource.titles = [LangText("Les fractions é 😀 \"x\"", language: "fr")]
        let written = Array(try ResourceJSON.encode(resource).utf8)
        for cut in 0..<written.count {
            let prefix = written[0..<cut]
            #expect(throws: ResourceJSONReader.Malformed.self, "cut at \(cut)") {
                try prefix.withUnsafeBytes { try ResourceJSONReader.decode($0) }
            }
        }
        let base = #"{"id":"r1","source":"s","sourceIdentifier":"i","format":"lom""#
        let faults: [(String, String)] = [
            (base + "} x", "trailing garbage"), (base + ",}", "trailing comma"), (base + ",\"titles\":[,]}", "empty element"),
            (#"{"source":"s","sourceIdentifier":"i","format":"lom"}"#, "no id"),
            (#"{"id":"r1","source":"s","sourceIdentifier":"i","format":"pdf"}"#, "unknown format"),
            (#"{"id":null,"source":"s","sourceIdentifier":"i","format":"lom"}"#, "null id"),
            (base + ",\"duration\":\"12\"}", "string for a number"), (base + ",\"duration\":01}", "leading zero"),
            (base + ",\"duration\":1e999}", "infinite"), (base + ",\"duration\":.5}", "bare fraction"),
            (base + ",\"publisher\":\"\\ud83d\"}", "lone surrogate"), (base + ",\"publisher\":\"\\x\"}", "unknown escape"),
            (base + ",\"publisher\":\"a\u{1}b\"}", "raw control character"), (base + ",\"publisher\":nul}", "bad literal"),
            (base + ",\"x\":" + String(repeating: "[", count: 100_000) + "}", "deep nesting in an unknown member"),
            ("", "empty"), ("[]", "not an object"),
        ]
        for (json, fault) in faults {
            #expect(throws: ResourceJSONReader.Malformed.self, "\(fault)") { try ResourceJSONReader.decode(json) }
        }
        var invalid = Array(base.utf8) + Array(#","publisher":""#.utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: ResourceJSONReader.Malformed.self, "invalid UTF-8") {
            try invalid.withUnsafeMutableBytes { try ResourceJSONReader.decode(UnsafeRawBufferPointer($0)) }
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
