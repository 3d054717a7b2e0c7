/// JSON bytes as `JSONEncoder` writes them with `[.sortedKeys, .withoutEscapingSlashes]`: only
/// `"`, `\` and control characters escaped, integral doubles without ".0", nil optionals left
/// out. The caller writes members in sorted key order. For the hot paths (the stored record of
/// every import, the search answer of every request), where `JSONEncoder` cost more than the
/// work around it; each user has a test comparing its bytes with `JSONEncoder`'s.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public struct NonFinite: Error {}

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func byte(_ byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func string(_ value: String) {
        var value = value
        bytes.append(0x22)
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
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
                        bytes.append(hex[Int(byte >> 4)])
                        bytes.append(hex[Int(byte & 0xF)])
                    }
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(0x22)
    }

    public mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw NonFinite() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// `"name":`, preceded by a comma unless it is the object's first member.
    public mutating func key(_ name: StaticString, first: inout Bool) {
        if first { first = false } else { bytes.append(0x2C) }
        bytes.append(0x22)
        raw(name)
        raw("\":")
    }

    /// A member with a key known only at run time (a dictionary's).
    public mutating func key(_ name: String, first: inout Bool) {
        if first { first = false } else { bytes.append(0x2C) }
        string(name)
        bytes.append(0x3A)
    }

    /// `{`, the members `body` writes (it gets the first-member flag), `}`.
    public mutating func object(_ body: (inout JSONWriter, inout Bool) throws -> Void) rethrows {
        bytes.append(0x7B)
        var first = true
        try body(&self, &first)
        bytes.append(0x7D)
    }

    public mutating func array<T>(_ values: [T], _ element: (inout JSONWriter, T) throws -> Void) rethrows {
        bytes.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            try element(&self, value)
        }
        bytes.append(0x5D)
    }

    // Members. Optional ones are left out when nil, as `JSONEncoder` does.

    public mutating func field(_ name: StaticString, _ value: String?, _ first: inout Bool) {
        guard let value else { return }
        key(name, first: &first)
        string(value)
    }

    public mutating func field(_ name: StaticString, _ value: Double?, _ first: inout Bool) throws {
        guard let value else { return }
        key(name, first: &first)
        try number(value)
    }

    public mutating func field(_ name: StaticString, _ value: Int, _ first: inout Bool) {
        key(name, first: &first)
        integer(value)
    }

    public mutating func field(_ name: StaticString, _ value: Bool, _ first: inout Bool) {
        key(name, first: &first)
        bool(value)
    }

    public mutating func field<T>(_ name: StaticString, _ values: [T], _ first: inout Bool,
                                  _ element: (inout JSONWriter, T) throws -> Void) rethrows {
        key(name, first: &first)
        try array(values, element)
    }

    public mutating func field(_ name: StaticString, _ values: [String], _ first: inout Bool) {
        field(name, values, &first) { $0.string($1) }
    }
}
