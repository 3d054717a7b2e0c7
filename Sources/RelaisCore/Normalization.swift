import Foundation

/// Normalizers for the messy values real metadata carries.
public enum Normalize {
    /// Trims and collapses runs of whitespace to one space.
    public static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Trims, keeping paragraphs: blank-line-separated blocks are kept, other whitespace collapses.
    public static func paragraphs(_ value: String) -> String {
        value.components(separatedBy: "\n")
            .map { text($0) }
            .split(separator: "", omittingEmptySubsequences: true)
            .map { $0.joined(separator: " ") }
            .joined(separator: "\n\n")
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
        var value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.contains("/") {
            value = String(value.split(separator: "/").last ?? "")
        }
        value = value.replacingOccurrences(of: "_", with: "-")
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
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return nil }
        let pattern = #"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$"#
        if let match = value.wholeMatch(of: try! Regex(pattern)) {
            func group(_ index: Int) -> String? {
                match.output[index].substring.map(String.init)
            }
            guard let year = group(1) else { return nil }
            var out = year
            guard let month = group(2) else { return out }
            guard let m = Int(month), (1...12).contains(m) else { return nil }
            out += "-" + month
            guard let day = group(3) else { return out }
            guard let d = Int(day), (1...31).contains(d) else { return nil }
            out += "-" + day
            guard let hour = group(4), let minute = group(5) else { return out }
            guard let h = Int(hour), h < 24, let mi = Int(minute), mi < 60 else { return nil }
            out += "T" + hour + ":" + minute + ":" + (group(6) ?? "00")
            if var zone = group(7) {
                if zone != "Z" {
                    zone = zone.replacingOccurrences(of: ":", with: "")
                    if zone.count == 3 { zone += "00" }
                    zone = String(zone.prefix(3)) + ":" + String(zone.suffix(2))
                }
                out += zone
            }
            return out
        }
        if let match = value.wholeMatch(of: #/(\d{1,2})[/.](\d{1,2})[/.](\d{4})/#) {
            guard let d = Int(match.1), let m = Int(match.2), (1...31).contains(d), (1...12).contains(m) else { return nil }
            return String(format: "%@-%02d-%02d", String(match.3), m, d)
        }
        return nil
    }

    /// Durations in seconds: ISO 8601 (`PT0H14M54S`, `P1DT2H`, `PT1.5S`), clock form
    /// (`01:00:00`, `14:54`), SMPTE timecode (`00:14:54:12`, frames at `fps`), plain seconds.
    public static func duration(_ raw: String, framesPerSecond fps: Double = 25) -> Double? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard !value.isEmpty else { return nil }
        if value.hasPrefix("P") {
            guard let match = value.wholeMatch(
                of: #/P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?/#
            ) else { return nil }
            func number(_ s: Substring?) -> Double { s.flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) } ?? 0 }
            let total = number(match.1) * 365 * 86400 + number(match.2) * 30 * 86400 + number(match.3) * 7 * 86400
                + number(match.4) * 86400 + number(match.5) * 3600 + number(match.6) * 60 + number(match.7)
            return value == "P" || value == "PT" ? nil : total
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
}
