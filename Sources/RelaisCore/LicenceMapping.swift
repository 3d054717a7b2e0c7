import Foundation

extension Vocabularies {
    /// Maps a rights statement (a Creative Commons URL, a short code such as "CC BY-SA 4.0", a
    /// French or English licence name, "tous droits réservés"...) to a licence term.
    /// The statement is always kept; `term` is nil when nothing matched.
    public func licence(statement: String?, url: String? = nil) -> Licence? {
        licenceCache.value(for: LicenceKey(statement: statement.map(ByteKey.init), url: url.map(ByteKey.init))) { mapLicence(statement: statement, url: url) }
    }

    private func mapLicence(statement: String?, url: String?) -> Licence? {
        let text = [statement, url].compactMap { $0 }.joined(separator: " ")
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        let foundURL = url ?? Self.firstURL(in: text)

        if let parsed = Self.creativeCommons(url: text) {
            return Licence(term: parsed.term, version: parsed.version, url: foundURL, statement: statement)
        }
        let folded = Self.fold(text)
        if let parsed = Self.creativeCommons(code: folded) {
            return Licence(term: parsed.term, version: parsed.version, url: foundURL, statement: statement)
        }
        if let statement, let term = term(for: statement, in: .licence) {
            return Licence(term: term, version: Self.version(in: folded), url: foundURL, statement: statement)
        }
        // Long names and free text: look for a known label inside the statement, longest first.
        if let term = longestContainedLabel(in: folded) {
            return Licence(term: term, version: Self.version(in: folded), url: foundURL, statement: statement)
        }
        return Licence(term: nil, url: foundURL, statement: statement)
    }

    private func longestContainedLabel(in folded: String) -> String? {
        guard let vocabulary = byDimension[.licence] else { return nil }
        var best: (length: Int, term: String)?
        let padded = " " + folded + " "
        for term in vocabulary.terms {
            let candidates = [term.label] + (term.altLabels ?? []) + (term.mappings ?? [:]).values.flatMap { $0 }
            for candidate in candidates {
                let key = Self.fold(candidate)
                guard key.count >= 6, padded.contains(" " + key + " ") else { continue }
                if best == nil || key.count > best!.length { best = (key.count, term.id) }
            }
        }
        return best?.term
    }

    static func firstURL(in text: String) -> String? {
        // `https?://[^\s<>"]+` without NSRegularExpression.
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index + 7 <= scalars.count {
            var end = index
            for (offset, c) in "http".unicodeScalars.enumerated() where scalars[index + offset] != c { end = -1; break }
            if end >= 0 {
                end = index + 4
                if end < scalars.count, scalars[end] == "s" { end += 1 }
                if end + 3 <= scalars.count, scalars[end] == ":", scalars[end + 1] == "/", scalars[end + 2] == "/" {
                    end += 3
                    let start = end
                    while end < scalars.count, !scalars[end].properties.isWhitespace,
                          scalars[end] != "<", scalars[end] != ">", scalars[end] != "\"" { end += 1 }
                    if end > start {
                        var url = String.UnicodeScalarView()
                        url.append(contentsOf: scalars[index..<end])
                        return String(url)
                    }
                }
            }
            index += 1
        }
        return nil
    }

    /// creativecommons.org/licenses/by-nc-sa/4.0/, /publicdomain/zero/1.0/, /publicdomain/mark/1.0/
    static func creativeCommons(url text: String) -> (term: String, version: String?)? {
        let lower = text.lowercased()
        guard let host = lower.range(of: "creativecommons.org/") else { return nil }
        let path = lower[host.upperBound...].split(whereSeparator: { $0 == "/" || $0 == " " || $0 == "\n" })
        guard path.count >= 2 else { return nil }
        let version = path.count >= 3 && path[2].first?.isNumber == true ? String(path[2]) : nil
        switch path[0] {
        case "licenses", "licences":
            let code = String(path[1])
            guard ["by", "by-sa", "by-nc", "by-nc-sa", "by-nd", "by-nc-nd"].contains(code) else { return nil }
            return ("cc-" + code, version)
        case "publicdomain":
            if path[1] == "zero" { return ("cc0", version) }
            if path[1] == "mark" { return ("pdm", version) }
            return nil
        default:
            return nil
        }
    }

    /// "cc by nc sa 4 0", "cc-by-sa", "cc0": the codes people write.
    static func creativeCommons(code folded: String) -> (term: String, version: String?)? {
        let words = folded.split(separator: " ").map(String.init)
        if words.contains("cc0") || folded.contains("cc zero") { return ("cc0", version(in: folded)) }
        guard let start = words.firstIndex(of: "cc") ?? words.firstIndex(of: "creative") else { return nil }
        var parts: Set<String> = []
        var index = start + 1
        if words[start] == "creative" {
            guard index < words.count, words[index] == "commons" else { return nil }
            index += 1
        }
        while index < words.count, ["by", "nc", "sa", "nd"].contains(words[index]) {
            parts.insert(words[index])
            index += 1
        }
        guard parts.contains("by") else { return nil }
        var code = "cc-by"
        if parts.contains("nc") { code += "-nc" }
        if parts.contains("sa") { code += "-sa" }
        if parts.contains("nd") { code += "-nd" }
        guard !(parts.contains("sa") && parts.contains("nd")) else { return nil }
        return (code, version(in: folded))
    }

    /// "4 0" -> "4.0" in a folded statement.
    static func version(in folded: String) -> String? {
        // `\b[1-4] 0\b` on folded text (alphanumerics and single spaces), without NSRegularExpression.
        let bytes = Array(folded.utf8)
        guard bytes.count >= 3 else { return nil }
        for i in 0...(bytes.count - 3) where (0x31...0x34).contains(bytes[i]) && bytes[i + 1] == 0x20 && bytes[i + 2] == 0x30 {
            if (i == 0 || bytes[i - 1] == 0x20) && (i + 3 == bytes.count || bytes[i + 3] == 0x20) {
                return String(UnicodeScalar(bytes[i])) + ".0"
            }
        }
        return nil
    }
}
