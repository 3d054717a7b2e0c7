import Foundation

/// The `---` header of a Markdown fact sheet: `clé: valeur` lines, lists written `[a, b]` or as
/// following `  - a` lines, values optionally double-quoted (`\"` and `\\` escapes inside).
///
/// The scanner never throws: it records every problem with its line and goes on, so that a
/// rejection can name the first problem, how many others there are, and the identifier.
struct SheetFrontMatter {
    /// Whether a key takes one value or a list. A list key also accepts a single value; a plain
    /// (unquoted) single value of a list key is split on its commas, like an inline list.
    enum Kind { case scalar, list }

    /// The keys of the format, by their folded spelling (lower case, no accents).
    static let keys: [String: Kind] = [
        "identifiant": .scalar, "titre": .scalar, "description": .scalar,
        "mots-cles": .list, "besoins": .list, "niveaux": .list, "domaines": .list, "type": .list,
        "licence": .scalar, "auteurs": .list, "editeur": .scalar, "date": .scalar,
        "langue": .list, "duree": .scalar, "url": .scalar,
    ]

    struct Item: Hashable {
        var text: String
        var line: Int
    }

    struct Entry {
        /// Folded key (`mots-cles` for `Mots-Clés`).
        var key: String
        /// The key as written.
        var writtenKey: String
        /// The value as written after the colon, trimmed (for reports on unknown keys).
        var rawValue: String
        var items: [Item]
        var line: Int
        /// `key:` with nothing after it: items may follow on `- ` lines.
        var awaitsItems: Bool
    }

    struct Issue {
        var line: Int
        var reason: String
    }

    var entries: [Entry] = []
    var issues: [Issue] = []
    /// Line of the closing `---`, nil when the file has none.
    var closingLine: Int?
    /// Byte offset of the body (just after the closing `---` line) in the scanned bytes.
    var bodyStart: Int

    func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    /// Scans `bytes` from `start`, where the opening `---` line (line 1) begins.
    /// The caller has checked that line 1 is `---` and that the bytes are valid UTF-8.
    static func scan(_ bytes: [UInt8], from start: Int) -> SheetFrontMatter {
        var result = SheetFrontMatter(bodyStart: bytes.count)
        var cursor = SheetLineCursor(bytes: bytes, position: start)
        _ = cursor.next()  // the opening `---`
        var seen: [String: Int] = [:]
        while let line = cursor.next() {
            let text = line.text
            if isFence(text) {
                result.closingLine = line.number
                result.bodyStart = cursor.position
                break
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }

            // A list item: `- valeur`, after a `clé:` with nothing else.
            if trimmed == "-" || trimmed.hasPrefix("- ") || trimmed.hasPrefix("-\t") {
                guard let last = result.entries.indices.last, result.entries[last].awaitsItems else {
                    result.issues.append(Issue(
                        line: line.number,
                        reason: SheetMessages.both(
                            "élément de liste « \(trimmed) » sans clé ouverte au-dessus (écrire « clé: » seul sur la ligne précédente)",
                            "list item without an open key above it")))
                    continue
                }
                let value = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                do {
                    if let item = try parseSingle(value) {
                        result.entries[last].items.append(Item(text: item, line: line.number))
                    }
                } catch {
                    result.issues.append(Issue(line: line.number, reason: error.reason))
                }
                continue
            }

            if let first = text.unicodeScalars.first, first == " " || first == "\t" {
                result.issues.append(Issue(
                    line: line.number,
                    reason: SheetMessages.both(
                        "ligne indentée qui n'est pas un élément de liste « - valeur »",
                        "indented line that is not a '- value' list item")))
                continue
            }

            guard let colon = text.firstIndex(of: ":") else {
                result.issues.append(Issue(
                    line: line.number,
                    reason: SheetMessages.both(
                        "ligne sans « : » dans l'en-tête (attendu « clé: valeur »)",
                        "header line without ':' (expected 'key: value')")))
                continue
            }
            let writtenKey = text[..<colon].trimmingCharacters(in: .whitespaces)
            let key = fold(writtenKey)
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ isKeyScalar($0) }) else {
                result.issues.append(Issue(
                    line: line.number,
                    reason: SheetMessages.both(
                        "clé invalide « \(writtenKey) » (lettres, chiffres et tirets seulement)",
                        "invalid key (letters, digits and hyphens only)")))
                continue
            }
            if let previous = seen[key] {
                result.issues.append(Issue(
                    line: line.number,
                    reason: SheetMessages.both(
                        "clé « \(writtenKey) » en double (déjà définie à la ligne \(previous))",
                        "duplicate key (already set on line \(previous))")))
                continue
            }
            seen[key] = line.number
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            var entry = Entry(key: key, writtenKey: writtenKey, rawValue: value, items: [],
                              line: line.number, awaitsItems: value.isEmpty)
            if keys[key] != nil {
                do {
                    entry.items = try parseValue(value, splitPlain: keys[key] == .list)
                        .map { Item(text: $0, line: line.number) }
                } catch {
                    result.issues.append(Issue(line: line.number, reason: error.reason))
                }
            }
            result.entries.append(entry)
        }
        return result
    }

    /// `---`, trailing spaces allowed.
    static func isFence(_ line: String) -> Bool {
        var text = Substring(line)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text == "---"
    }

    /// Lower case without accents: `Mots-Clés` -> `mots-cles`, `Durée` -> `duree`.
    static func fold(_ key: String) -> String {
        key.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "-" || scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    struct ValueError: Error {
        var reason: String
    }

    /// A value after `clé:`: `[a, "b, c"]`, `"quoted: value"`, or plain text (split on commas
    /// when `splitPlain`).
    static func parseValue(_ value: String, splitPlain: Bool) throws(ValueError) -> [String] {
        if value.isEmpty { return [] }
        if value.hasPrefix("[") { return try parseInlineList(value) }
        if value.hasPrefix("\"") { return try parseSingle(value).map { [$0] } ?? [] }
        if splitPlain {
            return value.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        return [value]
    }

    /// One value: quoted or plain. Nil when empty.
    static func parseSingle(_ value: String) throws(ValueError) -> String? {
        guard value.hasPrefix("\"") else { return value.isEmpty ? nil : value }
        let scalars = Array(value.unicodeScalars)
        var index = 0
        let text = try parseQuoted(scalars, at: &index)
        let rest = String(String.UnicodeScalarView(scalars[index...])).trimmingCharacters(in: .whitespaces)
        guard rest.isEmpty else {
            throw ValueError(reason: SheetMessages.both(
                "texte « \(rest) » après le guillemet fermant",
                "text after the closing quote"))
        }
        return text.isEmpty ? nil : text
    }

    /// Reads `"..."` starting at `index` (on the opening quote); leaves `index` after the
    /// closing quote.
    private static func parseQuoted(_ scalars: [Unicode.Scalar], at index: inout Int) throws(ValueError) -> String {
        var out = String.UnicodeScalarView()
        index += 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" {
                index += 1
                return String(out)
            }
            if scalar == "\\", index + 1 < scalars.count, scalars[index + 1] == "\"" || scalars[index + 1] == "\\" {
                out.append(scalars[index + 1])
                index += 2
                continue
            }
            out.append(scalar)
            index += 1
        }
        throw ValueError(reason: SheetMessages.both(
            "guillemet fermant « \" » manquant", "missing closing double quote"))
    }

    /// `[a, "b, c", d]`; empty items are dropped.
    private static func parseInlineList(_ value: String) throws(ValueError) -> [String] {
        let scalars = Array(value.unicodeScalars)
        var index = 1
        var items: [String] = []
        func skipSpaces() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        }
        while true {
            skipSpaces()
            guard index < scalars.count else {
                throw ValueError(reason: SheetMessages.both(
                    "crochet fermant « ] » manquant à la fin de la liste", "missing closing ']' in list"))
            }
            if scalars[index] == "]" { index += 1; break }
            if scalars[index] == "," { index += 1; continue }
            if scalars[index] == "\"" {
                let item = try parseQuoted(scalars, at: &index)
                if !item.isEmpty { items.append(item) }
                skipSpaces()
                guard index < scalars.count, scalars[index] == "," || scalars[index] == "]" else {
                    throw ValueError(reason: SheetMessages.both(
                        "après une valeur entre guillemets, attendu « , » ou « ] »",
                        "expected ',' or ']' after a quoted value"))
                }
                continue
            }
            var plain = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != ",", scalars[index] != "]" {
                plain.append(scalars[index])
                index += 1
            }
            let item = String(plain).trimmingCharacters(in: .whitespaces)
            if !item.isEmpty { items.append(item) }
        }
        let rest = String(String.UnicodeScalarView(scalars[index...])).trimmingCharacters(in: .whitespaces)
        guard rest.isEmpty else {
            throw ValueError(reason: SheetMessages.both(
                "texte « \(rest) » après le crochet fermant « ] »", "text after the closing ']'"))
        }
        return items
    }
}

/// Lines of a byte buffer, `\n` or `\r\n` terminated, numbered from 1.
struct SheetLineCursor {
    let bytes: [UInt8]
    var position: Int
    var number = 0

    init(bytes: [UInt8], position: Int) {
        self.bytes = bytes
        self.position = position
    }

    mutating func next() -> (text: String, number: Int)? {
        guard position < bytes.count else { return nil }
        let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        var contentEnd = end
        if contentEnd > position, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
        let text = String(decoding: bytes[position..<contentEnd], as: UTF8.self)
        position = min(end + 1, bytes.count)
        number += 1
        return (text, number)
    }
}

/// Report messages in French, then English.
enum SheetMessages {
    static func both(_ french: String, _ english: String) -> String {
        "\(french) / \(english)"
    }
}
