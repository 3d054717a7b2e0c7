import Foundation
import RelaisCore

/// Value formats shared by the exporters.
enum ExportFormat {
    /// Seconds as an ISO 8601 duration matching LOM's `DurationString`
    /// (`P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?`): `PT1H2M5.5S`, `P1DT2H`, `PT0S`.
    /// Nil for negative, infinite or NaN values.
    static func isoDuration(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        // Milliseconds are the finest grain worth writing; round once, then split.
        let totalMillis = (seconds * 1000).rounded()
        guard totalMillis < Double(Int64.max / 2) else { return nil }
        var millis = Int64(totalMillis)
        let days = millis / 86_400_000
        millis %= 86_400_000
        let hours = millis / 3_600_000
        millis %= 3_600_000
        let minutes = millis / 60_000
        millis %= 60_000
        let wholeSeconds = millis / 1000
        let fraction = millis % 1000

        var out = "P"
        if days > 0 { out += "\(days)D" }
        var time = ""
        if hours > 0 { time += "\(hours)H" }
        if minutes > 0 { time += "\(minutes)M" }
        if wholeSeconds > 0 || fraction > 0 || (days == 0 && time.isEmpty) {
            time += "\(wholeSeconds)"
            if fraction > 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: 3 - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                time += "." + digits
            }
            time += "S"
        }
        if !time.isEmpty { out += "T" + time }
        return out
    }

    /// A normalized date (`2004`, `2004-05-12`, `2004-05-12T10:11:12Z`, `...+02:00`) in the
    /// shape LOM's `DateTimeString` pattern accepts: that pattern allows a time zone only after
    /// fractional seconds, so `10:11:12Z` becomes `10:11:12.0Z`. Nil when the value is not a
    /// date of that shape (it then goes out as a date description instead).
    static func lomDateTime(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        func byte(_ index: Int, _ char: Character) -> Bool {
            index < bytes.count && bytes[index] == char.asciiValue!
        }
        guard let year = digits(0..<4), year > 0 else { return nil }
        if bytes.count == 4 { return value }
        guard byte(4, "-"), let month = digits(5..<7), (1...12).contains(month) else { return nil }
        if bytes.count == 7 { return value }
        guard byte(7, "-"), let day = digits(8..<10), (1...31).contains(day) else { return nil }
        if bytes.count == 10 { return value }
        guard byte(10, "T"), let hour = digits(11..<13), hour < 24 else { return nil }
        var index = 13
        guard byte(index, ":"), let minute = digits(14..<16), minute < 60 else {
            return bytes.count == 13 ? value : nil
        }
        index = 16
        guard byte(index, ":"), let second = digits(17..<19), second < 60 else {
            return bytes.count == 16 ? value : nil
        }
        index = 19
        var out = String(decoding: bytes[0..<19], as: UTF8.self)
        var fraction = ""
        if byte(index, ".") {
            var end = index + 1
            while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
            guard end > index + 1 else { return nil }
            fraction = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end
        }
        if index == bytes.count { return out + fraction }
        // Time zone: Z or ±hh:mm, which the pattern accepts only after a fraction.
        let zone = String(decoding: bytes[index...], as: UTF8.self)
        let zoneOK: Bool
        if zone == "Z" {
            zoneOK = true
        } else if zone.utf8.count == 6, byte(index, "+") || byte(index, "-"),
                  let zh = digits(index + 1..<index + 3), zh < 24, byte(index + 3, ":"),
                  let zm = digits(index + 4..<index + 6), zm < 60 {
            zoneOK = true
        } else {
            zoneOK = false
        }
        guard zoneOK else { return nil }
        out += fraction.isEmpty ? ".0" : fraction
        return out + zone
    }

    /// Whether `tag` matches `xs:language` (`[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`).
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (1...8).contains(first.count),
              first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    /// The text with forbidden characters removed and surrounding whitespace trimmed, or nil
    /// when nothing is left: empty values are not written.
    static func nonEmpty(_ value: String?) -> String? {
        guard let value else { return nil }
        let cleaned = XMLWriter.clean(value).trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }

    /// `type/subtype` (RFC 6838 names), optionally with parameters: `application/pdf`,
    /// `text/html; charset=utf-8`.
    static func isMIMEType(_ value: String) -> Bool {
        let essence = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 127 && part.allSatisfy { char in
                char.isASCII && (char.isLetter || char.isNumber || "!#$&-^_.+".contains(char))
            }
        }
    }

    static func isURI(_ value: String) -> Bool {
        let lower = value.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("urn:") || lower.hasPrefix("ark:")
    }

    /// A licence as one readable line: our French label, the version, the URL
    /// ("CC BY-SA – Attribution, Partage dans les mêmes conditions 4.0 – https://…").
    /// Without a known term, the statement as the source wrote it.
    static func licenceText(_ licence: Licence, vocabularies: Vocabularies) -> String? {
        var parts: [String] = []
        let statement = nonEmpty(licence.statement).flatMap { $0.hasPrefix(restrictionsPrefix) ? nil : $0 }
        if let term = licence.term, term.hasPrefix("cc") || term == "pdm" || statement == nil {
            // Creative Commons and public domain: our label says it all, with the version.
            var label = vocabularies.label(of: term, in: .licence) ?? term
            if let version = nonEmpty(licence.version) { label += " " + version }
            parts.append(label)
        } else if let statement {
            // Reservations and unknown licences: the statement says what is allowed.
            parts.append(statement)
        }
        if let url = nonEmpty(licence.url), !parts.contains(where: { $0.contains(url) }) { parts.append(url) }
        return parts.isEmpty ? nil : parts.joined(separator: " – ")
    }

    /// The LOM importer's statement for rights given only as `copyrightAndOtherRestrictions`.
    static let restrictionsPrefix = "copyrightAndOtherRestrictions: "

    /// LOM 6.2: do copyright or other restrictions apply? No for public-domain dedications
    /// and marks, yes for every licence and reservation, nil when nothing is known.
    static func restrictions(_ licence: Licence) -> String? {
        switch licence.term {
        case "cc0", "pdm": return "no"
        case .some: return "yes"
        case nil:
            if let statement = licence.statement, statement.hasPrefix(restrictionsPrefix) {
                let value = statement.dropFirst(restrictionsPrefix.count).lowercased()
                return value == "yes" || value == "no" ? value : nil
            }
            return licence.statement != nil || licence.url != nil ? "yes" : nil
        }
    }
}

/// vCard 3.0 (RFC 2426) for LOM's `entity`: FN, N, ORG, with text values escaped
/// (backslash, comma, semicolon, line breaks) and long lines folded.
enum VCardWriter {
    static func card(name: String?, organization: String?, role: String? = nil) -> String? {
        let name = ExportFormat.nonEmpty(name)
        let organization = ExportFormat.nonEmpty(organization)
        guard let formatted = name ?? organization else { return nil }
        var lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + escape(formatted), "N:;;;;"]
        if let organization { lines.append("ORG:" + escape(organization)) }
        if let role = ExportFormat.nonEmpty(role) { lines.append("ROLE:" + escape(role)) }
        lines.append("END:VCARD")
        return lines.map(fold).joined(separator: "\n")
    }

    /// RFC 2426 5.: `\\`, `\,`, `\;`, `\n`.
    static func escape(_ value: String) -> String {
        var out = ""
        let lines = value.replacingOccurrences(of: "\r\n", with: "\n")
        for scalar in lines.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ",": out += "\\,"
            case ";": out += "\\;"
            case "\n", "\r": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Folds lines longer than 75 octets: each continuation starts with one space (RFC 2426
    /// 2.6). A fold never follows a space, which a reader trimming lines would lose.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var current = String.UnicodeScalarView()
        var currentBytes = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if currentBytes + size > 74, let last = current.last, last != " ", last != "\t" {
                out += String(current) + "\n "
                current = String.UnicodeScalarView()
                currentBytes = 0
            }
            current.append(scalar)
            currentBytes += size
        }
        return out + String(current)
    }
}
