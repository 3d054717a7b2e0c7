import Foundation

/// The parts of a vCard (2.1 or 3.0) that name a contributor.
struct VCard: Sendable {
    var formattedName: String?
    var name: String?
    var organization: String?
    var email: String?

    /// Parses a vCard; text that is not a vCard is taken as a plain name.
    init(_ raw: String) {
        if let card = Self.parsedOnBytes(raw) {
            self = card
        } else {
            self.init(general: raw)
        }
    }

    private init() {}

    /// The usual vCard, read on its bytes: plain text (see `isPlain`: there a byte boundary is a
    /// Character boundary, so splitting, trimming and "starts with a space" mean the same on
    /// bytes), ASCII property names, no quoted-printable. Anything else returns nil and goes
    /// through `init(general:)`, which handles every case.
    static func parsedOnBytes(_ raw: String) -> VCard? {
        var raw = raw
        return raw.withUTF8 { bytes -> VCard? in
            guard bytes.count >= 11, isPlain(bytes), containsBeginVCard(bytes), !containsQuotedPrintable(bytes) else { return nil }
            var card = VCard()
            var unusual = false
            // A logical line is one physical line (trimmed) in place, or, when folded lines
            // continue it, a copy with their bytes appended (rare): no copy per line.
            var line: Range<Int>?
            var folded: [UInt8]?
            func processLine() {
                if let folded {
                    folded.withUnsafeBufferPointer { process($0[...], into: &card, unusual: &unusual) }
                } else if let line {
                    process(bytes[line], into: &card, unusual: &unusual)
                }
            }
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if end > start, bytes[start] == 0x20 || bytes[start] == 0x09, let current = line {
                    if folded == nil { folded = Array(bytes[current]) }
                    folded!.append(contentsOf: bytes[(start + 1) ..< end])
                } else {
                    processLine()
                    let trimmed = trimmedSpaces(bytes[start ..< end])
                    line = trimmed.startIndex ..< trimmed.endIndex
                    folded = nil
                }
                start = end + 1
            }
            processLine()
            if unusual { return nil }
            if card.formattedName?.isEmpty == true { card.formattedName = nil }
            return card
        }
    }

    /// One logical line of a plain vCard: the property is the last "."-part of the first
    /// non-empty ";"-part of the head before ":".
    private static func process(_ line: Slice<UnsafeBufferPointer<UInt8>>, into card: inout VCard, unusual: inout Bool) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        var head = line[..<colon]
        if head.contains(where: { $0 >= 0x80 }) { unusual = true; return }
        while let first = head.first, first == UInt8(ascii: ";") { head = head.dropFirst() }
        guard !head.isEmpty else { return }
        var property = head.prefix(while: { $0 != UInt8(ascii: ";") })
        while let last = property.last, last == UInt8(ascii: ".") { property = property.dropLast() }
        if let dot = property.lastIndex(of: UInt8(ascii: ".")) { property = property[(dot + 1)...] }
        func named(_ name: StaticString) -> Bool {
            guard property.count == name.utf8CodeUnitCount else { return false }
            var offset = 0
            for byte in property {
                let upper: UInt8 = byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
                if upper != name.utf8Start[offset] { return false }
                offset += 1
            }
            return true
        }
        // Plain bytes: a ";" byte is a ";" Character, so the parts are cut on bytes.
        let value = line[(colon + 1)...]
        func string(_ part: Slice<UnsafeBufferPointer<UInt8>>) -> String { String(decoding: part, as: UTF8.self) }
        if named("FN") {
            card.formattedName = unescape(string(value))
        } else if named("N") {
            // Family name; given name; (the rest is not used).
            let familyEnd = value.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex
            let family = unescape(string(value[..<familyEnd]))
            var given = ""
            if familyEnd < value.endIndex {
                let rest = value[(familyEnd + 1)...]
                given = unescape(string(rest.prefix(while: { $0 != UInt8(ascii: ";") })))
            }
            let joined = given.isEmpty ? family : family.isEmpty ? given : given + " " + family
            if !joined.isEmpty { card.name = joined }
        } else if named("ORG") {
            // The first non-empty part.
            var rest = value
            while let first = rest.first, first == UInt8(ascii: ";") { rest = rest.dropFirst() }
            let first = unescape(string(rest.prefix(while: { $0 != UInt8(ascii: ";") })))
            if !first.isEmpty { card.organization = first }
        } else if named("EMAIL") {
            card.email = string(value)
        }
    }

    /// `trimSpaces` on plain bytes: spaces, tabs and no-break spaces (C2 A0), the only
    /// `.whitespaces` members below U+0300.
    static func trimmedSpaces(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var slice = bytes
        while true {
            if let first = slice.first, first == 0x20 || first == 0x09 {
                slice = slice.dropFirst()
            } else if slice.count >= 2, slice[slice.startIndex] == 0xC2, slice[slice.startIndex + 1] == 0xA0 {
                slice = slice.dropFirst(2)
            } else {
                break
            }
        }
        while true {
            if let last = slice.last, last == 0x20 || last == 0x09 {
                slice = slice.dropLast()
            } else if slice.count >= 2, slice[slice.endIndex - 2] == 0xC2, slice[slice.endIndex - 1] == 0xA0 {
                slice = slice.dropLast(2)
            } else {
                break
            }
        }
        return slice
    }

    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0xCC && $0 != 0x0D }
    }

    static func containsQuotedPrintable(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        contains(bytes, ignoringASCIICase: quotedPrintableLowercase)
    }

    private static let quotedPrintableLowercase = Array("quoted-printable".utf8)

    /// Parses any vCard, whatever its characters.
    init(general raw: String) {
        let text = raw.utf8.contains(0x0D)
            ? raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : raw
        guard Self.containsBeginVCard(text) else {
            let plain = text.trimmingCharacters(in: .whitespacesAndNewlines)
            formattedName = plain.isEmpty ? nil : plain
            return
        }
        // Unfold: a line starting with a space or tab continues the previous one (RFC 2426 3.0,
        // and 2.1 which also folds quoted-printable with a trailing "=").
        var lines: [String] = []
        // Split on the byte: a line feed is always a grapheme of its own (no CR is left to pair
        // with it), so this cuts where splitting on the Character "\n" did, without grapheme breaking.
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map({ String(Substring($0)) }) {
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += String(line.dropFirst())
            } else if let last = lines.last, last.hasSuffix("="), last.uppercased().contains("QUOTED-PRINTABLE") {
                lines[lines.count - 1] = String(last.dropLast()) + Self.trimSpaces(line)
            } else {
                lines.append(Self.trimSpaces(line))
            }
        }
        for line in lines {
            guard let colon = Self.isPlain(line) ? line.utf8.firstIndex(of: UInt8(ascii: ":")) : line.firstIndex(of: ":")
            else { continue }
            let head = line[..<colon].uppercased()
            var value = String(line[line.index(after: colon)...])
            let parameters = Self.split(head, on: ";")
            guard let property = parameters.first.map({ Self.split($0, on: ".").last.map(String.init) ?? "" }) else { continue }
            if Self.mentionsQuotedPrintable(head, parameters) {
                value = Self.decodeQuotedPrintable(value)
            }
            switch property {
            case "FN": formattedName = Self.unescape(value)
            case "N":
                let parts = Self.split(value, on: ";", omittingEmpty: false).map { Self.unescape(String($0)) }
                let family = parts.first ?? ""
                let given = parts.count > 1 ? parts[1] : ""
                let joined = [given, family].filter { !$0.isEmpty }.joined(separator: " ")
                if !joined.isEmpty { name = joined }
            case "ORG":
                let first = Self.split(value, on: ";").first.map { Self.unescape(String($0)) } ?? ""
                if !first.isEmpty { organization = first }
            case "EMAIL":
                email = value
            default:
                break
            }
        }
        if formattedName?.isEmpty == true { formattedName = nil }
    }

    /// The person's name, or nil when the vCard names only an organisation.
    var personName: String? {
        let candidate = formattedName ?? name
        if let candidate, candidate == organization { return nil }
        return candidate
    }

    /// Whether every Character of `text` is a single scalar below U+0300 (ASCII but CR, and
    /// Latin-1/Latin Extended letters: no combining mark, no prepended or joining scalar, no
    /// scalar canonically equal to an ASCII one). Then cutting at an ASCII byte cuts exactly where
    /// cutting at that Character does, without grapheme breaking.
    static func isPlain<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.allSatisfy { $0 < 0xCC && $0 != 0x0D }
    }

    /// `text.split(separator: Character(separator))`, on bytes when the text is plain.
    static func split(_ text: String, on separator: Unicode.Scalar, omittingEmpty: Bool = true) -> [Substring] {
        guard isPlain(text) else {
            return text.split(separator: Character(separator), omittingEmptySubsequences: omittingEmpty)
        }
        return text.utf8.split(separator: UInt8(separator.value), omittingEmptySubsequences: omittingEmpty)
            .map { Substring($0) }
    }

    static func split(_ text: Substring, on separator: Unicode.Scalar, omittingEmpty: Bool = true) -> [Substring] {
        guard isPlain(text) else {
            return text.split(separator: Character(separator), omittingEmptySubsequences: omittingEmpty)
        }
        return text.utf8.split(separator: UInt8(separator.value), omittingEmptySubsequences: omittingEmpty)
            .map { Substring($0) }
    }

    /// Whether a parameter of the property says QUOTED-PRINTABLE. An ASCII head is searched
    /// byte by byte (Foundation's `contains` is a literal match there, and the needle has no ";",
    /// so it is in a parameter exactly when it is in the head); other heads go through Foundation.
    static func mentionsQuotedPrintable(_ head: String, _ parameters: [Substring]) -> Bool {
        let found: Bool? = head.utf8.withContiguousStorageIfAvailable { bytes in
            if bytes.contains(where: { $0 >= 0x80 }) { return nil }
            let needle = quotedPrintable
            guard bytes.count >= needle.count else { return false }
            outer: for start in 0 ... bytes.count - needle.count {
                for offset in 0 ..< needle.count where bytes[start + offset] != needle[offset] { continue outer }
                return true
            }
            return false
        } ?? nil
        if let found { return found }
        return parameters.contains(where: { $0.contains("QUOTED-PRINTABLE") })
    }

    private static let quotedPrintable = Array("QUOTED-PRINTABLE".utf8)

    /// Case-insensitive search for "BEGIN:VCARD" without Foundation.
    static func containsBeginVCard(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBufferPointer { containsBeginVCard($0) }
    }

    private static let beginVCard = Array("begin:vcard".utf8)

    static func containsBeginVCard(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        contains(bytes, ignoringASCIICase: beginVCard)
    }

    /// Whether `bytes` holds `lowercaseNeedle` with ASCII letters in either case.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, ignoringASCIICase lowercaseNeedle: [UInt8]) -> Bool {
        guard bytes.count >= lowercaseNeedle.count else { return false }
        outer: for start in 0...(bytes.count - lowercaseNeedle.count) {
            for offset in 0..<lowercaseNeedle.count {
                let byte = bytes[start + offset]
                let folded = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                if folded != lowercaseNeedle[offset] { continue outer }
            }
            return true
        }
        return false
    }

    /// Trims spaces and tabs (what `.whitespaces` means for vCard lines), without Foundation when ASCII.
    static func trimSpaces(_ value: String) -> String {
        let utf8 = value.utf8
        guard let first = utf8.first, let last = utf8.last else { return value }
        if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 && first < 0x80 && last < 0x80 { return value }
        // A non-ASCII end ("École", "Zoé") is trimmed only when it is whitespace itself: asking the
        // set about the two end scalars spares Foundation's copy of the whole string.
        if let head = value.unicodeScalars.first, let tail = value.unicodeScalars.last,
           !CharacterSet.whitespaces.contains(head), !CharacterSet.whitespaces.contains(tail) {
            return value
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    static func unescape(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "\\")) else { return trimSpaces(value) }
        return value.replacingOccurrences(of: "\\n", with: " ").replacingOccurrences(of: "\\N", with: " ")
            .replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";")
            .replacingOccurrences(of: "\\\\", with: "\\").trimmingCharacters(in: .whitespaces)
    }

    static func decodeQuotedPrintable(_ value: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(value.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "=") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let decoded = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { continue }
                bytes.append(decoded)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
