import Crypto
import Foundation
import Testing
@testable import RelaisCore
import RelaisTestSupport

@Suite struct NormalizeTests {
    @Test(arguments: [
        ("fr", "fr"), ("fre", "fr"), ("FRE", "fr"), ("fra-CA", "fr-CA"), ("fr_be", "fr-BE"),
        ("http://id.loc.gov/vocabulary/iso639-2/fre", "fr"), ("en-GB", "en-GB"), ("nld", "nl"),
    ])
    func languageCodes(raw: String, expected: String) {
        #expect(Normalize.language(raw) == expected)
    }

    @Test(arguments: ["x-none", "", "und", "  ", "12"])
    func languageWithoutValue(raw: String) {
        #expect(Normalize.language(raw) == nil)
    }

    @Test(arguments: [
        ("2004", "2004"), ("2004-05", "2004-05"), ("2004-05-12", "2004-05-12"),
        ("2022-03-14T10:22:31.123+01:00", "2022-03-14T10:22:31+01:00"),
        ("2015-09-28T15:36:43", "2015-09-28T15:36:43"), ("2015-09-28 15:36", "2015-09-28T15:36:00"),
        ("2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z"), ("2020-01-02T03:04:05+0200", "2020-01-02T03:04:05+02:00"),
        ("12/05/2004", "2004-05-12"),
    ])
    func offSpecDates(raw: String, expected: String) {
        #expect(Normalize.date(raw) == expected)
    }

    @Test(arguments: ["hier", "2004-13-01", "2004-02-45", "", "20040"])
    func badDates(raw: String) {
        #expect(Normalize.date(raw) == nil)
    }

    @Test(arguments: [
        ("PT0H14M54S", 894.0), ("PT1H30M", 5400.0), ("P1DT2H", 93600.0), ("PT1.5S", 1.5),
        ("01:00:00", 3600.0), ("14:54", 894.0), ("00:14:54:12", 894.48), ("90", 90.0),
    ])
    func durations(raw: String, seconds: Double) {
        #expect(abs((Normalize.duration(raw) ?? -1) - seconds) < 0.001)
    }

    @Test(arguments: ["P", "PT", "une heure", "1:xx", "-5"])
    func badDurations(raw: String) {
        #expect(Normalize.duration(raw) == nil)
    }

    @Test func textCollapsesWhitespace() {
        #expect(Normalize.text("  Le  modèle\n\tde l'atome \n") == "Le modèle de l'atome")
        #expect(Normalize.paragraphs("a\n b\n\n\n c ") == "a b\n\nc")
    }

    @Test func resourceIDIsStableAndSourceScoped() {
        let a = ResourceID(source: "consortiums", sourceIdentifier: "https://x.example/1")
        let b = ResourceID(source: "consortiums", sourceIdentifier: "https://x.example/1")
        let c = ResourceID(source: "sonuma", sourceIdentifier: "https://x.example/1")
        #expect(a == b)
        #expect(a != c)
        #expect(a.rawValue.count == 21 && a.rawValue.hasPrefix("r"))
        #expect(a.rawValue.allSatisfy { $0.isLowercase || $0.isNumber })
    }

    /// The in-place hash against the `Data` it replaced, on generated strings (empty, NUL,
    /// non-ASCII, long) and on a value computed before the change.
    @Test func resourceIDHashesAsTheDataCopyDid() {
        func reference(_ source: String, _ identifier: String) -> String {
            var input = Data(source.utf8)
            input.append(0)
            input.append(contentsOf: identifier.utf8)
            return "r" + Base32.lowercase(Array(SHA256.hash(data: input)), characters: 20)
        }
        #expect(ResourceID(source: "consortiums", sourceIdentifier: "https://x.example/1").rawValue
            == reference("consortiums", "https://x.example/1"))
        var random = SplitMix64(seed: 0x5EED_1D)
        let pieces = ["", "a", "é", "\0", "\u{1F600}", "oai:x.example:", String(repeating: "z", count: 70)]
        for _ in 0 ..< 500 {
            let source = (0 ..< Int(random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let identifier = (0 ..< Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(ResourceID(source: source, sourceIdentifier: identifier).rawValue == reference(source, identifier))
            // A bridged (non-native) string takes the same path.
            let bridged = NSString(string: identifier) as String
            #expect(ResourceID(source: source, sourceIdentifier: bridged).rawValue == reference(source, identifier))
        }
    }

    @Test func contentHashDependsOnSalt() {
        let bytes = Array("<lom/>".utf8)
        #expect(ContentHash.hex(bytes, salt: "v1") == ContentHash.hex(bytes, salt: "v1"))
        #expect(ContentHash.hex(bytes, salt: "v1") != ContentHash.hex(bytes, salt: "v2"))
        #expect(ContentHash.hex(bytes, salt: "v1").count == 64)
    }

    /// The loop `paragraphs` ran on every value before it returned collapsed values as they are.
    static func referenceParagraphs(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        var newlines = 0
        for scalar in value.unicodeScalars {
            if scalar == "\n" {
                newlines += 1
                pendingSpace = true
            } else if scalar.properties.isWhitespace {
                pendingSpace = true
            } else {
                if !out.isEmpty {
                    if newlines >= 2 { out.append("\n\n") } else if pendingSpace { out.append(" ") }
                }
                pendingSpace = false
                newlines = 0
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    @Test func paragraphsAndTextMatchTheirReferenceOnFuzzedInput() {
        let pieces: [String] = ["a", "é", "Z", " ", "  ", "\n", "\n\n", "\t", "\u{A0}", "\u{85}", "\u{2009}",
                                "\u{3000}", "\u{1680}", "\u{200B}", "\u{301}", "\u{1F600}", "mot", "\r\n", "x"]
        var generator = SystemRandomNumberGenerator()
        var differing: [String] = []
        for _ in 0 ..< 3_000 {
            let value = (0 ..< Int.random(in: 0 ... 8, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            if Normalize.paragraphs(value) != Self.referenceParagraphs(value) { differing.append(value) }
            let text = Normalize.text(value)
            if Normalize.paragraphs(text) != Self.referenceParagraphs(text) { differing.append(text) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5).map { Array($0.unicodeScalars) })")
    }

    @Test func textOnBytesMatchesTextOnStrings() {
        func differs(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBufferPointer { Normalize.text(utf8: $0) } != Normalize.text(String(decoding: bytes, as: UTF8.self))
        }
        // Every scalar where whitespace lives, a sample above, alone and between letters.
        let scalars = (UInt32(0) ..< 0x3100).compactMap(Unicode.Scalar.init)
            + stride(from: UInt32(0x3100), to: 0x110000, by: 97).compactMap(Unicode.Scalar.init)
        var differing = scalars.filter { scalar in
            let alone = Array(String(Character(scalar)).utf8)
            return differs(alone) || differs(Array("a".utf8) + alone + Array("b".utf8))
                || differs(Array("a ".utf8) + alone) || differs(alone + Array(" b".utf8))
        }.map { "U+" + String($0.value, radix: 16) }
        // Fuzzed byte strings, truncated and invalid sequences among them (a seeded generator).
        let pieces: [[UInt8]] = [[0x61], [0x20], [0x20, 0x20], [0x0A], [0x09], [0xC2, 0xA0], [0xC2, 0x85], [0xC2],
                                 [0xE2, 0x80, 0x89], [0xE2, 0x80, 0x99], [0xE2, 0x80], [0xE2, 0x81, 0x9F], [0xE3, 0x80, 0x80],
                                 [0xE1, 0x9A, 0x80], [0xC3, 0xA9], [0xFF], [0x80], [0xF0, 0x9F, 0x98, 0x80], [0x6D, 0x6F, 0x74]]
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0 ..< 20_000 {
            var bytes: [UInt8] = []
            for _ in 0 ... Int(random.next() % 8) {
                bytes += pieces[Int(random.next() % UInt64(pieces.count))]
            }
            if differs(bytes) { differing.append(bytes.map { String($0, radix: 16) }.joined(separator: " ")) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10))")
    }

    /// `isCollapsed(utf8:)` as it was before it read ASCII eight bytes at a time.
    static func referenceIsCollapsed(_ bytes: [UInt8]) -> Bool {
        var previousSpace = true
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0x20 {
                    if previousSpace { return false }
                    previousSpace = true
                } else {
                    if byte >= 0x09 && byte <= 0x0D { return false }
                    previousSpace = false
                }
                index += 1
                continue
            }
            previousSpace = false
            if byte >= 0xC2 && byte <= 0xE3 {
                let second: UInt8 = index + 1 < count ? bytes[index + 1] : 0
                let third: UInt8 = index + 2 < count ? bytes[index + 2] : 0
                switch byte {
                case 0xC2: if second == 0x85 || second == 0xA0 { return false }
                case 0xE1: if second == 0x9A && third == 0x80 { return false }
                case 0xE2:
                    if second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) && third >= 0x80 { return false }
                    if second == 0x81 && third == 0x9F { return false }
                case 0xE3: if second == 0x80 && third == 0x80 { return false }
                default: break
                }
            }
            index += 1
        }
        return !previousSpace
    }

    /// The word-at-a-time `isCollapsed(utf8:)` against the byte loop it replaced, and the
    /// `isCollapsed(String)` that reads a native string's bytes against the scalar loop, on
    /// generated values: long ASCII runs holding every ASCII byte, spaces on either side of a
    /// word's edge, whitespace scalars, invalid bytes, at every offset in a buffer.
    @Test func isCollapsedOnWordsMatchesTheByteAndScalarLoops() {
        let pieces: [[UInt8]] = [[0x61], [0x20], [0x20, 0x20], [0x0A], [0x09], [0x0D], [0x0B], [0x0C], [0x08], [0x0E],
                                 [0x1F], [0x00], [0x7F], [0x21], [0x2E], Array("abcdefg".utf8), Array("Le modèle".utf8),
                                 Array("mot mot mot".utf8), [0xC2, 0xA0], [0xC2, 0x85], [0xC2], [0xE2, 0x80, 0x89],
                                 [0xE2, 0x80, 0x99], [0xE2, 0x80], [0xE2, 0x81, 0x9F], [0xE3, 0x80, 0x80],
                                 [0xE1, 0x9A, 0x80], [0xC3, 0xA9], [0xFF], [0x80], [0xF0, 0x9F, 0x98, 0x80]]
        var random = SplitMix64(seed: 0xC011A95E)
        var differing: [String] = []
        var collapsed = 0
        for round in 0 ..< 40_000 {
            var bytes: [UInt8] = []
            if round % 4 == 0 {
                // Any ASCII byte, spaces frequent: runs long enough for several words.
                for _ in 0 ..< Int(random.next() % 40) {
                    let draw = random.next()
                    bytes.append(draw % 3 == 0 ? 0x20 : UInt8(truncatingIfNeeded: draw >> 8) & 0x7F)
                }
            } else {
                for _ in 0 ..< Int(random.next() % 12) {
                    bytes += pieces[Int(random.next() % UInt64(pieces.count))]
                }
            }
            // At an offset in a bigger buffer, so that words straddle every alignment.
            let offset = Int(random.next() % 8)
            let buffer = Array(repeating: UInt8(0x20), count: offset) + bytes + [0x20, 0x20]
            let found = buffer.withUnsafeBufferPointer {
                Normalize.isCollapsed(utf8: UnsafeBufferPointer(rebasing: $0[offset ..< offset + bytes.count]))
            }
            let expected = Self.referenceIsCollapsed(bytes)
            if found { collapsed += 1 }
            if found != expected { differing.append(bytes.map { String($0, radix: 16) }.joined(separator: " ")) }
            let string = String(decoding: bytes, as: UTF8.self)
            if Normalize.isCollapsed(string) != Normalize.isCollapsedScalars(string)
                || Normalize.isCollapsed(NSString(string: string) as String) != Normalize.isCollapsedScalars(string) {
                differing.append("string " + string.debugDescription)
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10))")
        #expect(collapsed > 1000)
    }

    @Test func whitespaceByRangeMatchesTheUnicodeProperty() {
        // One expectation for the lot: thousands of #expect calls would make the test slow.
        let differing = (UInt32(0) ..< 0x3100).compactMap(Unicode.Scalar.init)
            .filter { Normalize.isWhitespace($0) != $0.properties.isWhitespace }
        #expect(differing.isEmpty)
    }

    /// The shortcuts for "fr", "fre" and "fr-BE" shapes give what the general path gives.
    @Test func languageShortcutsAgreeWithTheGeneralPath() {
        let letters = (UInt8(ascii: "a") ... UInt8(ascii: "z")).map { String(UnicodeScalar($0)) }
        var values: [String] = []
        for a in letters {
            for b in letters {
                values.append(a + b)
                for c in letters { values.append(a + b + c) }
            }
        }
        var random = SplitMix64(seed: 0x1A46)
        for _ in 0 ..< 3_000 {
            let code = (0 ..< 2).map { _ in letters.randomElement(using: &random)! }.joined()
            let region = (0 ..< 2).map { _ in letters.randomElement(using: &random)!.uppercased() }.joined()
            values += [code + "-" + region, code + "-" + region.lowercased(), code.uppercased() + "-" + region]
        }
        values += ["fr-B3", "fr-Be", "fr_BE", "fr-BEL", "f-BE", "fr-", "-BE", "fré", "FRE", "Fr", "und", "zxx", "mul", "x"]
        for value in values {
            #expect(Normalize.language(value) == Normalize.generalLanguage(value), "\(value)")
        }
    }
}
