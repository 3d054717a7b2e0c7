/// JSON bytes as `JSONEncoder` writes them with `[.sortedKeys, .withoutEscapingSlashes]`: only
/// `"`, `\` and control characters escaped, integral doubles without ".0", nil optionals left
/// out. The caller writes members in sorted key order. For the hot paths (the stored record of
/// every import, the search answer of every request), where `JSONEncoder` cost more than the
/// work around it; each user has a test comparing its bytes with `JSONEncoder`'s.
///
/// Its members are `@inlinable`: the generic ones (`array`, `field` with an element closure)
/// otherwise ran unspecialized in the calling module, asking the runtime for type metadata at
/// every element (half of the record encoding's time).
///
/// The bytes are in memory the writer owns, which is why it cannot be copied: appending to an
/// array cost a uniqueness and a capacity check per byte and a generic call (~100 instructions)
/// per run of bytes, a third of a record's encoding.
public struct JSONWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    @inlinable
    public init(capacity: Int = 1024) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes written.
    @inlinable
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes written, valid only inside `body`.
    @inlinable
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    @inlinable
    public var text: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        var size = capacity
        while size < needed { size *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = size
    }

    @inlinable @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base[count] = byte
        count += 1
    }

    @inlinable @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    public struct NonFinite: Error {
        @inlinable public init() {}
    }

    @inlinable
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    @inlinable
    public mutating func byte(_ byte: UInt8) {
        append(byte)
    }

    @inlinable
    public mutating func string(_ value: String) {
        var value = value
        append(0x22)
        value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            let count = utf8.count
            var start = 0
            var index = 0
            while index < count {
                // Eight bytes at a time while none of them is escaped: most text has no escape.
                while index + 8 <= count
                    && !JSONWriter.escapes(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                }
                if index == count { break }
                let byte = base[index]
                index += 1
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                append(UnsafeBufferPointer(start: base + start, count: index - 1 - start))
                start = index
                switch byte {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    raw("\\u00")
                    let digits: StaticString = "0123456789abcdef"
                    digits.withUTF8Buffer { hex in
                        append(hex[Int(byte >> 4)])
                        append(hex[Int(byte & 0xF)])
                    }
                }
            }
            append(UnsafeBufferPointer(start: base + start, count: count - start))
        }
        append(0x22)
    }

    /// Whether one of the eight bytes of `word` is `"`, `\` or a control character (< 0x20):
    /// `WordScan`'s lane test and the classic one for a byte below n, exact as a yes or no.
    @inlinable @inline(__always)
    static func escapes(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let control = (word &- ones &* 0x20) & ~word & (ones &* 0x80)
        return WordScan.lanes(of: word, equalTo: 0x22) | WordScan.lanes(of: word, equalTo: 0x5C) | control != 0
    }

    @inlinable
    public mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw NonFinite() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { append($0) }
    }

    @inlinable
    public mutating func integer(_ value: Int) {
        var text = String(value)
        text.withUTF8 { append($0) }
    }

    @inlinable
    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// `"name":`, preceded by a comma unless it is the object's first member.
    @inlinable
    public mutating func key(_ name: StaticString, first: inout Bool) {
        if first { first = false } else { append(0x2C) }
        append(0x22)
        raw(name)
        raw("\":")
    }

    /// A member with a key known only at run time (a dictionary's).
    @inlinable
    public mutating func key(_ name: String, first: inout Bool) {
        if first { first = false } else { append(0x2C) }
        string(name)
        append(0x3A)
    }

    /// `{`, the members `body` writes (it gets the first-member flag), `}`.
    @inlinable
    public mutating func object(_ body: (inout JSONWriter, inout Bool) throws -> Void) rethrows {
        append(0x7B)
        var first = true
        try body(&self, &first)
        append(0x7D)
    }

    @inlinable
    public mutating func array<T>(_ values: [T], _ element: (inout JSONWriter, T) throws -> Void) rethrows {
        append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { append(0x2C) }
            try element(&self, value)
        }
        append(0x5D)
    }

    // Members. Optional ones are left out when nil, as `JSONEncoder` does.

    @inlinable
    public mutating func field(_ name: StaticString, _ value: String?, _ first: inout Bool) {
        guard let value else { return }
        key(name, first: &first)
        string(value)
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: Double?, _ first: inout Bool) throws {
        guard let value else { return }
        key(name, first: &first)
        try number(value)
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: Int, _ first: inout Bool) {
        key(name, first: &first)
        integer(value)
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: Bool, _ first: inout Bool) {
        key(name, first: &first)
        bool(value)
    }

    @inlinable
    public mutating func field<T>(_ name: StaticString, _ values: [T], _ first: inout Bool,
                                  _ element: (inout JSONWriter, T) throws -> Void) rethrows {
        key(name, first: &first)
        try array(values, element)
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ values: [String], _ first: inout Bool) {
        field(name, values, &first) { $0.string($1) }
    }
}
