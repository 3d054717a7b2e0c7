import Foundation
import Testing
@testable import RelaisCore
@testable import RelaisStore
import RelaisTestSupport

/// `JSONWriter.string` skips eight bytes at a time when none is escaped: it must escape exactly
/// what `JSONEncoder` escapes, wherever the escaped byte falls in or across those words.
@Suite struct JSONStringTests {
    @Test func escapesAsJSONEncoderAtEveryPosition() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let specials: [String] = ["\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "/", "é", "😀", " ", "~"]
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                for special in specials {
                    var scalars = Array(repeating: Character("a"), count: length)
                    if length > 0 { scalars[position] = Character(special) }
                    let text = String(scalars)
                    let expected = String(decoding: try encoder.encode(text), as: UTF8.self)
                    #expect(ResourceJSON.quoted(text) == expected, "\(length) \(position) \(special.debugDescription)")
                }
            }
        }
    }

    @Test func wordTestMatchesTheByteTest() {
        func reference(_ word: UInt64) -> Bool {
            (0..<8).contains { k in
                let byte = UInt8(truncatingIfNeeded: word >> (8 * k))
                return byte < 0x20 || byte == 0x22 || byte == 0x5C
            }
        }
        var wrong: [UInt64] = []
        // Every byte value at every position, among bytes that are never escaped.
        for filler: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x61, 0x7F, 0x80, 0xC3, 0xFF] {
            for position in 0..<8 {
                for value in 0...255 {
                    var word: UInt64 = 0
                    for k in 0..<8 { word |= UInt64(k == position ? UInt8(value) : filler) << (8 * k) }
                    if JSONWriter.escapes(word) != reference(word) { wrong.append(word) }
                }
            }
        }
        // Random words, and words of bytes drawn near the boundaries.
        var random = SplitMix64(seed: 0x4A53_4F4E)
        let near: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x9F, 0xA0, 0xA2, 0xDC, 0xFF]
        for _ in 0..<200_000 {
            let word = random.next()
            if JSONWriter.escapes(word) != reference(word) { wrong.append(word) }
            var mixed: UInt64 = 0
            for k in 0..<8 { mixed |= UInt64(near[Int(random.next() % UInt64(near.count))]) << (8 * k) }
            if JSONWriter.escapes(mixed) != reference(mixed) { wrong.append(mixed) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5).map { String($0, radix: 16) })")
    }
}
