import Testing

@testable import RelaisText

@Suite("Character classes: the table fast path against the general classification")
struct ClassifyTests {
    @Test("classify answers as classifyGeneral for every scalar")
    func everyScalar() {
        var differing: [UInt32] = []
        for c in UInt32(0)...0x10FFFF where !(0xD800...0xDFFF).contains(c) {
            if classify(c) != classifyGeneral(c) { differing.append(c) }
        }
        #expect(differing.isEmpty, "first differing scalars: \(differing.prefix(10).map { String($0, radix: 16) })")
    }

    @Test("the tables cover what they claim")
    func tableSizes() {
        #expect(ClassTables.latin.count == 0x250)
        #expect(ClassTables.punctuation.count == 0x70)
        #expect(ClassTables.latin.allSatisfy { CharClass(rawValue: $0) != nil })
        #expect(ClassTables.punctuation.allSatisfy { CharClass(rawValue: $0) != nil })
    }

    @Test("a raw value is its case's representation (the tables are read by bit cast)")
    func rawValuesAreRepresentations() {
        let all: [CharClass] = [.other, .letter, .digit, .mark, .apostrophe, .hyphen, .ignorable]
        for (index, value) in all.enumerated() {
            #expect(value.rawValue == UInt8(index))
            #expect(unsafeBitCast(value, to: UInt8.self) == value.rawValue)
            #expect(unsafeBitCast(value.rawValue, to: CharClass.self) == value)
        }
        #expect(CharClass(rawValue: UInt8(all.count)) == nil)
    }

    @Test("the splitter's special scalars")
    func specials() {
        #expect(classify(0x27) == .apostrophe)
        #expect(classify(0x2019) == .apostrophe)
        #expect(classify(0x02BC) == .apostrophe)
        #expect(classify(0xB4) == .apostrophe)
        #expect(classify(0x2D) == .hyphen)
        #expect(classify(0x2011) == .hyphen)
        #expect(classify(0x2013) == .other)  // en dash: a separator
        #expect(classify(0xAD) == .ignorable)
        #expect(classify(0x200D) == .ignorable)
        #expect(classify(0xFEFF) == .ignorable)
        #expect(classify(0x153) == .letter)  // œ
        #expect(classify(0xB2) == .digit)  // ²
        #expect(classify(0x301) == .mark)
        #expect(classify(0xD7) == .other)  // ×
        #expect(classify(0x3B1) == .letter)  // α, past the tables
        #expect(classify(0xFFFD) == .other)
    }
}
