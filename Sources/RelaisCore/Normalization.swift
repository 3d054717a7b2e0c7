import Foundation

/// Normalizers for the messy values real metadata carries.
public enum Normalize {
    /// The text cut at a word boundary before `limit` characters, with " …" when cut.
    public static func excerpt(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        let cut = text.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + " …"
    }

    /// Trims and collapses runs of whitespace to one space.
    public static func text(_ value: String) -> String {
        // Fast path: most values are already clean; return them without building a new string.
        var clean = true
        var previousSpace = true
        for scalar in value.unicodeScalars {
            if isWhitespace(scalar) {
                if previousSpace || scalar != " " { clean = false; break }
                previousSpace = true
            } else {
                previousSpace = false
            }
        }
        if clean && !previousSpace { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if isWhitespace(scalar) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text(String(decoding: bytes, as: UTF8.self))`: most values are already collapsed, and
    /// telling so on their bytes spares walking the new string's scalars.
    public static func text(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isCollapsed(utf8: bytes) { return String(decoding: bytes, as: UTF8.self) }
        return text(String(decoding: bytes, as: UTF8.self))
    }

    /// Whether the bytes hold no whitespace but single spaces between other characters, none at
    /// either end (false for no bytes). Unicode whitespace above ASCII is NEL and NO-BREAK SPACE
    /// (C2 85, C2 A0), U+1680 (E1 9A 80), U+2000-200A, U+2028, U+2029, U+202F (E2 80 xx), U+205F
    /// (E2 81 9F) and U+3000 (E3 80 80): those lead bytes are looked at, other bytes cannot start one.
    static func isCollapsed(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousSpace = true
        var index = 0
        let count = bytes.count
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        while index < count {
            // Eight ASCII bytes at a time; a word holding other bytes (French text has an accent
            // every few words), and the last bytes, one at a time. A lane test here must be exact
            // for every lane (not only the lowest): none lets a carry or borrow cross lanes.
            var stop = count
            if index + 8 <= count, let base = bytes.baseAddress {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if word & high == 0 {
                    // Lanes of 0x09-0x0D: at least 9 and not at least 14 (a lane below 0x80 plus
                    // 0x77 or 0x72 stays below 0x100).
                    if (word &+ ones &* 0x77) & ~(word &+ ones &* 0x72) & high != 0 { return false }
                    // Lanes of a space: their XOR with 0x20 is zero, the one lane value that 0x7F
                    // does not carry into the top bit.
                    let spaces = ~((word ^ (ones &* 0x20)) &+ ones &* 0x7F) & high
                    if spaces & (spaces << 8) != 0 || (previousSpace && spaces & 0x80 != 0) { return false }
                    previousSpace = spaces >> 63 != 0
                    index += 8
                    continue
                }
                // Where the bytes stop is of no matter to the byte loop: a sequence cut at `stop`
                // goes on with continuation bytes, which only clear `previousSpace`.
                stop = index + 8
            }
            while index < stop {
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
        }
        return !previousSpace
    }

    /// Unicode whitespace, with the ASCII answer computed without a property lookup.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) }
        // Accented Latin letters are most non-ASCII text here: answer for U+0080-U+167F (where
        // only NEL and NO-BREAK SPACE are White_Space) without the property table lookup.
        if scalar.value < 0x1680 { return scalar.value == 0x85 || scalar.value == 0xA0 }
        return scalar.properties.isWhitespace
    }

    /// Whether `text` would come back unchanged: no whitespace but single spaces between
    /// non-whitespace, none at either end.
    static func isCollapsed(_ value: String) -> Bool {
        // A native string's bytes, read as bytes: the same answer (a String's UTF-8 is valid,
        // and the byte version knows every whitespace scalar above ASCII), without decoding.
        if let collapsed = value.utf8.withContiguousStorageIfAvailable({ $0.isEmpty || isCollapsed(utf8: $0) }) {
            return collapsed
        }
        return isCollapsedScalars(value)
    }

    /// `isCollapsed` scalar by scalar, for strings without contiguous UTF-8.
    static func isCollapsedScalars(_ value: String) -> Bool {
        var previousSpace = true
        for scalar in value.unicodeScalars {
            if isWhitespace(scalar) {
                if previousSpace || scalar != " " { return false }
                previousSpace = true
            } else {
                previousSpace = false
            }
        }
        return !previousSpace || value.isEmpty
    }

    /// Trims, keeping paragraphs: blank-line-separated blocks are kept, other whitespace collapses.
    public static func paragraphs(_ value: String) -> String {
        // Values reach here through `text` already collapsed (no newline left, single spaces, trimmed):
        // the loop below would rebuild them scalar by scalar, the same.
        if isCollapsed(value) { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        var newlines = 0
        for scalar in value.unicodeScalars {
            if scalar == "\n" {
                newlines += 1
                pendingSpace = true
            } else if isWhitespace(scalar) {
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

    private static let iso639_2: [String: String] = [
        "fre": "fr", "fra": "fr", "eng": "en", "dut": "nl", "nld": "nl", "ger": "de", "deu": "de",
        "spa": "es", "ita": "it", "por": "pt", "lat": "la", "grc": "grc", "ara": "ar", "tur": "tr",
        "pol": "pl", "rus": "ru", "chi": "zh", "zho": "zh", "wln": "wa", "gre": "el", "ell": "el",
        "rum": "ro", "ron": "ro", "ces": "cs", "cze": "cs", "swe": "sv", "dan": "da", "fin": "fi",
        "jpn": "ja", "kor": "ko", "heb": "he", "hun": "hu", "cat": "ca", "eus": "eu", "baq": "eu",
    ]

    /// Language codes as BCP 47: `fr`, `fre`, `FRE`, `fra-CA`, `fr_BE`, URI forms
    /// (`http://id.loc.gov/vocabulary/iso639-2/fre`). `x-none`, `und` and empty give nil.
    public static func language(_ raw: String) -> String? {
        // Shortcuts for the usual shapes, which `generalLanguage` gives back as they are or
        // looks up whole: "fr" and "fr-BE" are already BCP 47, "fre" is a code of its own.
        var raw = raw
        let shape: UInt8 = raw.withUTF8 { bytes in
            func lower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }
            func upper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }
            switch bytes.count {
            case 2 where lower(bytes[0]) && lower(bytes[1]): return 2
            case 3 where lower(bytes[0]) && lower(bytes[1]) && lower(bytes[2]): return 3
            case 5 where lower(bytes[0]) && lower(bytes[1]) && bytes[2] == UInt8(ascii: "-")
                && upper(bytes[3]) && upper(bytes[4]): return 5
            default: return 0
            }
        }
        switch shape {
        case 2, 5: return raw
        case 3: return raw == "und" || raw == "zxx" || raw == "mul" ? nil : iso639_2[raw] ?? raw
        default: return generalLanguage(raw)
        }
    }

    static func generalLanguage(_ raw: String) -> String? {
        var value = trimmed(raw)
        if value.contains("/") {
            value = String(value.split(separator: "/").last ?? "")
        }
        if value.utf8.contains(UInt8(ascii: "_")) { value = value.replacingOccurrences(of: "_", with: "-") }
        let parts = value.split(separator: "-").map(String.init)
        guard let first = parts.first?.lowercased(), !first.isEmpty else { return nil }
        if first == "x" || first == "und" || first == "zxx" || first == "mul" { return nil }
        guard first.allSatisfy({ $0.isASCII && $0.isLetter }), (2...3).contains(first.count) else { return nil }
        let primary = iso639_2[first] ?? first
        var tag = primary
        for part in parts.dropFirst() {
            guard part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), !part.isEmpty else { break }
            if part.count == 2 && part.allSatisfy(\.isLetter) {
                tag += "-" + part.uppercased()
            } else if part.count == 4 && part.allSatisfy(\.isLetter) {
                tag += "-" + part.prefix(1).uppercased() + part.dropFirst().lowercased()
            } else {
                tag += "-" + part.lowercased()
            }
        }
        return tag
    }

    /// Dates as ISO 8601 at the precision given: `2004`, `2004-05`, `2004-05-12`,
    /// `2004-05-12T10:11:12Z`, `2004-05-12T10:11:12+02:00`. Fractional seconds are dropped,
    /// `2004-05-12 10:11` gets its `T`, `12/05/2004` is read day first (the French way).
    /// Returns nil for anything that is not a plausible date.
    public static func date(_ raw: String) -> String? {
        let bytes = Array(trimmed(raw).utf8)
        guard !bytes.isEmpty else { return nil }
        if let iso = isoDate(bytes) { return iso }
        return dayMonthYear(bytes)
    }

    /// `^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$`
    /// by hand: nil when the shape does not match, `.some(nil)` when it matches but is implausible.
    private static func isoDate(_ b: [UInt8]) -> String?? {
        var s = ByteScanner(b)
        guard let year = s.digits(4) else { return nil }
        var out = year
        if s.atEnd { return .some(out) }
        guard s.eat(UInt8(ascii: "-")), let month = s.digits(2) else { return nil }
        let monthOK = Int(month).map { (1...12).contains($0) } ?? false
        if s.atEnd { return .some(monthOK ? out + "-" + month : nil) }
        guard s.eat(UInt8(ascii: "-")), let day = s.digits(2) else { return nil }
        let dayOK = Int(day).map { (1...31).contains($0) } ?? false
        out += "-" + month + "-" + day
        if s.atEnd { return .some(monthOK && dayOK ? out : nil) }
        guard s.eat(UInt8(ascii: "T")) || s.eat(UInt8(ascii: " ")),
              let hour = s.digits(2), s.eat(UInt8(ascii: ":")), let minute = s.digits(2) else { return nil }
        var second: String?
        if s.eat(UInt8(ascii: ":")) {
            guard let found = s.digits(2) else { return nil }
            second = found
            if s.eat(UInt8(ascii: ".")) || s.eat(UInt8(ascii: ",")) {
                guard s.digitRun() > 0 else { return nil }
            }
        }
        s.skipSpaces()
        var zone = ""
        if s.eat(UInt8(ascii: "Z")) {
            zone = "Z"
        } else if let sign = s.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            s.advance()
            guard let hours = s.digits(2) else { return nil }
            var minutes = "00"
            if s.eat(UInt8(ascii: ":")) {
                guard let found = s.digits(2) else { return nil }
                minutes = found
            } else if let found = s.digits(2) {
                minutes = found
            }
            zone = String(UnicodeScalar(sign)) + hours + ":" + minutes
        }
        guard s.atEnd else { return nil }
        guard monthOK, dayOK, let h = Int(hour), h < 24, let mi = Int(minute), mi < 60 else { return .some(nil) }
        return .some(out + "T" + hour + ":" + minute + ":" + (second ?? "00") + zone)
    }

    /// `(\d{1,2})[/.](\d{1,2})[/.](\d{4})`, day first.
    private static func dayMonthYear(_ b: [UInt8]) -> String? {
        var s = ByteScanner(b)
        func part() -> Int? {
            let start = s.index
            let count = s.digitRun()
            guard (1...2).contains(count) else { return nil }
            return Int(String(decoding: b[start..<s.index], as: UTF8.self))
        }
        func separator() -> Bool { s.eat(UInt8(ascii: "/")) || s.eat(UInt8(ascii: ".")) }
        guard let d = part(), separator(), let m = part(), separator(), let year = s.digits(4), s.atEnd else { return nil }
        guard (1...31).contains(d), (1...12).contains(m) else { return nil }
        return year + "-" + (m < 10 ? "0" : "") + String(m) + "-" + (d < 10 ? "0" : "") + String(d)
    }

    /// Trims ASCII whitespace without Foundation; falls back to Foundation for other whitespace.
    @inline(__always)
    static func trimmed(_ value: String) -> String {
        let utf8 = value.utf8
        guard let first = utf8.first, let last = utf8.last else { return value }
        func space(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        if !space(first) && !space(last) && first < 0x80 && last < 0x80 { return value }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Durations in seconds: ISO 8601 (`PT0H14M54S`, `P1DT2H`, `PT1.5S`), clock form
    /// (`01:00:00`, `14:54`), SMPTE timecode (`00:14:54:12`, frames at `fps`), plain seconds.
    public static func duration(_ raw: String, framesPerSecond fps: Double = 25) -> Double? {
        let value = trimmed(raw).uppercased()
        guard !value.isEmpty else { return nil }
        if value.utf8.first == UInt8(ascii: "P") {
            return isoDuration(Array(value.utf8))
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 2 && parts.count <= 4 {
            let numbers = parts.map { Double($0.replacingOccurrences(of: ",", with: ".")) }
            guard numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
            let n = numbers.map { $0! }
            switch n.count {
            case 2: return n[0] * 60 + n[1]
            case 3: return n[0] * 3600 + n[1] * 60 + n[2]
            default: return n[0] * 3600 + n[1] * 60 + n[2] + n[3] / fps
            }
        }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        return nil
    }

    /// `P(nY)?(nM)?(nW)?(nD)?(T(nH)?(nM)?(nS)?)?` with n = `\d+([.,]\d+)?`, by hand.
    private static func isoDuration(_ b: [UInt8]) -> Double? {
        var s = ByteScanner(b)
        guard s.eat(UInt8(ascii: "P")) else { return nil }
        var total = 0.0
        func components(_ units: [(UInt8, [Double])]) -> Bool {
            var next = 0
            while let c = s.peek, c != UInt8(ascii: "T") {
                guard let number = s.decimal(), let unit = s.peek,
                      let found = units[next...].firstIndex(where: { $0.0 == unit }) else { return false }
                s.advance()
                total += units[found].1.reduce(number, *)  // same rounding as number * 365 * 86400
                next = found + 1
            }
            return true
        }
        guard components([(UInt8(ascii: "Y"), [365, 86400]), (UInt8(ascii: "M"), [30, 86400]),
                          (UInt8(ascii: "W"), [7, 86400]), (UInt8(ascii: "D"), [86400])]) else { return nil }
        if s.eat(UInt8(ascii: "T")) {
            guard components([(UInt8(ascii: "H"), [3600]), (UInt8(ascii: "M"), [60]), (UInt8(ascii: "S"), [1])]),
                  s.atEnd else { return nil }
            return b.count == 2 ? nil : total
        }
        guard s.atEnd else { return nil }
        return b.count == 1 ? nil : total
    }
}

/// A cursor over UTF-8 bytes for the hand-written date and duration parsers.
struct ByteScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    mutating func advance() { index += 1 }

    mutating func eat(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// Exactly `count` ASCII digits, as text.
    mutating func digits(_ count: Int) -> String? {
        guard index + count <= bytes.count else { return nil }
        for offset in 0..<count where !(0x30...0x39).contains(bytes[index + offset]) { return nil }
        defer { index += count }
        return String(decoding: bytes[index..<index + count], as: UTF8.self)
    }

    /// Skips a run of digits; returns its length.
    mutating func digitRun() -> Int {
        let start = index
        while let c = peek, (0x30...0x39).contains(c) { index += 1 }
        return index - start
    }

    mutating func skipSpaces() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
    }

    /// `\d+([.,]\d+)?` as a Double.
    mutating func decimal() -> Double? {
        let start = index
        guard digitRun() > 0 else { return nil }
        if let c = peek, c == UInt8(ascii: ".") || c == UInt8(ascii: ",") {
            index += 1
            guard digitRun() > 0 else { return nil }
        }
        let text = String(decoding: bytes[start..<index].map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
        return Double(text)
    }
}
