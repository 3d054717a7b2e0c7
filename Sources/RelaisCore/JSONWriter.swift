/// JSON bytes as `JSONEncoder` writes them with `[.sortedKeys, .withoutEscapingSlashes]`: only
/// `"`, `\` and control characters escaped, integral doubles without ".0", nil optionals left
/// out. The caller writes members in sorted key order. For the hot paths (the stored record of
/// every import, the search answer of every request), where `JSONEncoder` cost more than the
/// work around it; each user has a test comparing its bytes with `JSONEncoder`'s.
///
/// Its members are `@inlinable`: the generic ones (`array`, `field` with an element closure)
/// otherwise ran unspecialized in the calling module, asking the runtime for type metadata at
/// every element (half of the record encoding's time).
public struct JSONWriter {
    @usableFromInline var storage: [UInt8] = []

    @inlinable
    public var bytes: [UInt8] { storage }

    public struct NonFinite: Error {
        @inlinable public init() {}
    }

    @inlinable
    public init(capacity: Int = 1024) {
        storage.reserveCapacity(capacity)
    }

    @inlinable
    public var text: String { String(decoding: storage, as: UTF8.self) }

    @inlinable
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { storage.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func byte(_ byte: UInt8) {
        storage.append(byte)
    }

    @inlinable
    public mutating func string(_ value: String) {
        var value = value
        storage.append(0x22)
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                storage.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
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
                        storage.append(hex[Int(byte >> 4)])
                        storage.append(hex[Int(byte & 0xF)])
                    }
                }
            }
            storage.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        storage.append(0x22)
    }

    @inlinable
    public mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw NonFinite() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        storage.append(contentsOf: text.utf8)
    }

    @inlinable
    public mutating func integer(_ value: Int) {
        storage.append(contentsOf: String(value).utf8)
    }

    @inlinable
    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// `"name":`, preceded by a comma unless it is the object's first member.
    @inlinable
    public mutating func key(_ name: StaticString, first: inout Bool) {
        if first { first = false } else { storage.append(0x2C) }
        storage.append(0x22)
        raw(name)
        raw("\":")
    }

    /// A member with a key known only at run time (a dictionary's).
    @inlinable
    public mutating func key(_ name: String, first: inout Bool) {
        if first { first = false } else { storage.append(0x2C) }
        string(name)
        storage.append(0x3A)
    }

    /// `{`, the members `body` writes (it gets the first-member flag), `}`.
    @inlinable
    public mutating func object(_ body: (inout JSONWriter, inout Bool) throws -> Void) rethrows {
        storage.append(0x7B)
        var first = true
        try body(&self, &first)
        storage.append(0x7D)
    }

    @inlinable
    public mutating func array<T>(_ values: [T], _ element: (inout JSONWriter, T) throws -> Void) rethrows {
        storage.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { storage.append(0x2C) }
            try element(&self, value)
        }
        storage.append(0x5D)
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
