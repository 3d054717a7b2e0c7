import Foundation
import RelaisCore

/// Markdown fact sheets (`Corpus/amenagements/`): one resource per file.
///
/// ```
/// ---
/// identifiant: amg-0001
/// titre: "Dyslexie : adapter les consignes"
/// description: Des pistes concrètes pour la classe.
/// besoins: [dyslexie, dyspraxie]
/// niveaux:
///   - P3
///   - P4
/// ---
/// # Pourquoi
/// Texte CommonMark...
/// ```
///
/// Keys: `identifiant`, `titre`, `description` (required), `mots-cles`, `besoins`, `niveaux`,
/// `domaines`, `type`, `licence`, `auteurs`, `editeur`, `date`, `langue`, `duree`, `url`.
/// Keys are matched ignoring case and accents (`Durée` is `duree`). An unknown key is a
/// warning; a duplicate key, a line without `:`, a missing closing `---` or a missing required
/// key rejects the record. A file that does not start with `---`, is larger than
/// `maxFileBytes` or is not UTF-8 is rejected as a whole.
public struct MarkdownSheetParser: RecordParser {
    /// Files above this size are refused (2 MiB).
    public static let maxFileBytes = 2 * 1024 * 1024

    /// Vocabulary scheme recorded on the values of a sheet.
    static let scheme = "fiche"

    public init() {}

    /// Format detection: the first bytes, after an optional UTF-8 byte order mark, are `---`
    /// and an end of line (trailing spaces allowed).
    public static func looksLikeSheet(_ head: [UInt8]) -> Bool {
        var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard head.count >= index + 3, head[index..<index + 3].elementsEqual("---".utf8) else { return false }
        index += 3
        while index < head.count, head[index] == UInt8(ascii: " ") || head[index] == UInt8(ascii: "\t") { index += 1 }
        guard index < head.count else { return false }
        if head[index] == UInt8(ascii: "\n") { return true }
        return head[index] == UInt8(ascii: "\r") && index + 1 < head.count && head[index + 1] == UInt8(ascii: "\n")
    }

    public func parse(file: URL, context: MappingContext, emit: (RecordEvent) throws -> Void) throws {
        try parse(bytes: Self.read(file), context: context, emit: emit)
    }

    /// Parses a sheet already in memory (an archive entry, an upload).
    public func parse(bytes: [UInt8], context: MappingContext, emit: (RecordEvent) throws -> Void) throws {
        try emit(event(bytes: bytes, context: context))
    }

    /// The one event of a sheet; throws `FileRejection`.
    func event(text: String, context: MappingContext) throws -> RecordEvent {
        try event(bytes: Array(text.utf8), context: context)
    }

    /// The one event of a sheet; throws `FileRejection`.
    func event(bytes: [UInt8], context: MappingContext) throws -> RecordEvent {
        guard bytes.count <= Self.maxFileBytes else { throw Self.tooLarge(bytes.count) }
        func rejection(at offset: Int, _ french: String, _ english: String) -> FileRejection {
            let lineStart = bytes[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let line = bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            return FileRejection(line: line, column: offset - lineStart + 1, reason: SheetMessages.both(french, english))
        }
        if let offset = Self.firstInvalidUTF8(bytes) {
            throw rejection(at: offset,
                "UTF-8 invalide à l'octet d'offset \(offset) (octet 0x\(String(bytes[offset], radix: 16, uppercase: true))) : la fiche doit être enregistrée en UTF-8",
                "invalid UTF-8 at byte offset \(offset): the sheet must be saved as UTF-8")
        }
        // A NUL byte is valid UTF-8 but no text has one: the file is damaged or binary. Kept, it
        // would cut the stored original (SQLite text ends there for most readers).
        if let offset = bytes.firstIndex(of: 0) {
            throw rejection(at: offset,
                "octet nul (0x00) à l'octet d'offset \(offset) : une fiche est du texte, ce fichier est abîmé ou binaire",
                "NUL byte at byte offset \(offset): a sheet is text, this file is damaged or binary")
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var cursor = SheetLineCursor(bytes: bytes, position: start)
        let first = cursor.next()
        guard let first, SheetFrontMatter.isFence(first.text) else {
            let found = first.map { "trouvé « \(String($0.text.prefix(60))) »" } ?? "fichier vide"
            throw FileRejection(
                line: 1,
                reason: SheetMessages.both(
                    "ce n'est pas une fiche : la première ligne doit être « --- » (début de l'en-tête) ; \(found)",
                    "not a fact sheet: the first line must be '---' (start of the header)"))
        }

        let original = String(decoding: bytes[start...], as: UTF8.self)
        let header = SheetFrontMatter.scan(bytes, from: start)
        let identifier = header.entry("identifiant")?.items.first?.text

        func reject(line: Int, _ reason: String) -> RecordEvent {
            .rejected(RecordRejection(recordIndex: 1, line: line, identifier: identifier, reason: reason))
        }
        guard let closingLine = header.closingLine else {
            return reject(line: 1, SheetMessages.both(
                "en-tête ouvert à la ligne 1 par « --- » mais jamais fermé : aucune ligne « --- » jusqu'à la fin du fichier",
                "header opened on line 1 is never closed by a '---' line"))
        }
        if let issue = header.issues.first {
            let others = header.issues.count - 1
            let more = others > 0 ? " (+\(others) autre(s) problème(s) dans l'en-tête / other header problem(s))" : ""
            return reject(line: issue.line, issue.reason + more)
        }

        var mapper = SheetMapper(header: header, context: context)
        let resource: Resource
        do {
            resource = try mapper.resource()
        } catch {
            return reject(line: error.line ?? 1, error.reason)
        }

        var mapped = resource
        do {
            let body = try SheetBody.read(bytes[header.bodyStart...])
            mapped.sections = body.sections
            mapped.bodyHTML = body.html
        } catch {
            return reject(line: closingLine + 1, SheetMessages.both(
                "le corps Markdown n'a pas pu être lu par libcmark", "libcmark could not parse the Markdown body"))
        }
        return .record(ParsedRecord(resource: mapped, original: original, recordIndex: 1, line: 1,
                                    warnings: mapper.warnings))
    }

    static func read(_ file: URL) throws -> [UInt8] {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        } catch {
            throw FileRejection(reason: SheetMessages.both(
                "fichier illisible (\(error.localizedDescription))", "unreadable file"))
        }
        guard data.count <= maxFileBytes else {
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? data.count
            throw tooLarge(size)
        }
        return [UInt8](data)
    }

    static func tooLarge(_ size: Int) -> FileRejection {
        FileRejection(reason: SheetMessages.both(
            "fichier trop volumineux pour une fiche : \(size) octets, au plus \(maxFileBytes) (2 Mio)",
            "file too large for a fact sheet: \(size) bytes, at most \(maxFileBytes) (2 MiB)"))
    }

    /// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong
    /// forms, surrogates, values above U+10FFFF and truncated sequences included), or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            let trailing: Int
            switch lead {
            case 0xC2...0xDF: trailing = 1
            case 0xE0: trailing = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: trailing = 2
            case 0xED: trailing = 2; high = 0x9F
            case 0xF0: trailing = 3; low = 0x90
            case 0xF1...0xF3: trailing = 3
            case 0xF4: trailing = 3; high = 0x8F
            default: return index
            }
            guard index + trailing < count else { return index }
            guard (low...high).contains(bytes[index + 1]) else { return index }
            for next in stride(from: index + 2, through: index + trailing, by: 1) where bytes[next] & 0xC0 != 0x80 {
                return index
            }
            index += trailing + 1
        }
        return nil
    }
}

/// Maps a scanned header to a Resource, collecting warnings.
struct SheetMapper {
    let header: SheetFrontMatter
    let context: MappingContext
    var warnings: [ImportWarning] = []

    struct Failure: Error {
        var line: Int?
        var reason: String
    }

    init(header: SheetFrontMatter, context: MappingContext) {
        self.header = header
        self.context = context
    }

    private func items(_ key: String) -> [SheetFrontMatter.Item] {
        var seen = Set<String>()
        return (header.entry(key)?.items ?? []).filter { seen.insert($0.text).inserted }
    }

    /// The value of a one-value key; more than one is a failure.
    private func single(_ key: String) throws(Failure) -> SheetFrontMatter.Item? {
        guard let entry = header.entry(key) else { return nil }
        guard entry.items.count <= 1 else {
            throw Failure(line: entry.line, reason: SheetMessages.both(
                "la clé « \(entry.writtenKey) » attend une seule valeur, pas une liste de \(entry.items.count)",
                "key '\(entry.key)' takes one value, not a list"))
        }
        return entry.items.first
    }

    mutating func resource() throws(Failure) -> Resource {
        let required = ["identifiant", "titre", "description"]
        let missing = required.filter { (header.entry($0)?.items ?? []).isEmpty }
        if !missing.isEmpty {
            let names = missing.map { "« \($0) »" }.joined(separator: ", ")
            let lines = "lignes 1 à \(header.closingLine ?? 1)"
            throw Failure(line: 1, reason: SheetMessages.both(
                "clé(s) obligatoire(s) absente(s) ou vide(s) dans l'en-tête (\(lines)) : \(names)",
                "required key(s) missing or empty in the header: \(missing.joined(separator: ", "))"))
        }
        guard let identifier = try single("identifiant")?.text.trimmingCharacters(in: .whitespaces),
              let title = try single("titre")?.text,
              let description = try single("description")?.text
        else {
            // Unreachable: the three keys were checked just above.
            throw Failure(line: 1, reason: SheetMessages.both("clé obligatoire vide", "empty required key"))
        }

        for entry in header.entries where SheetFrontMatter.keys[entry.key] == nil {
            let value = entry.rawValue.isEmpty ? entry.items.map(\.text).joined(separator: ", ") : entry.rawValue
            warnings.append(ImportWarning(
                kind: .skipped, field: entry.writtenKey, value: value,
                message: "clé inconnue « \(entry.writtenKey) » ignorée (ligne \(entry.line))"))
        }

        var resource = Resource(
            id: ResourceID(source: context.source, sourceIdentifier: identifier),
            source: context.source, sourceIdentifier: identifier, format: .markdown)

        for item in items("langue") {
            if let tag = Normalize.language(item.text) {
                if !resource.languages.contains(tag) { resource.languages.append(tag) }
            } else {
                warn(.invalidValue, "langue", item, "code de langue non reconnu")
            }
        }
        let language = resource.languages.first ?? "fr"

        resource.titles = [LangText(Normalize.text(title), language: language)]
        resource.descriptions = [LangText(Normalize.text(description), language: language)]
        resource.keywords = items("mots-cles").map { LangText(Normalize.text($0.text), language: language) }
        resource.contributors = items("auteurs").map { Contributor(role: "author", name: Normalize.text($0.text)) }
        resource.publisher = try single("editeur").map { Normalize.text($0.text) }

        if let date = try single("date") {
            if let normalized = Normalize.date(date.text) {
                resource.created = normalized
            } else {
                warn(.invalidValue, "date", date, "date non reconnue (attendu AAAA, AAAA-MM-JJ ou JJ/MM/AAAA)")
            }
        }

        resource.levels = terms("niveaux", .level)
        resource.domains = terms("domaines", .domain)
        resource.specificNeeds = terms("besoins", .specificNeed)
        resource.resourceTypes = terms("type", .resourceType)

        if let duration = try single("duree") {
            if let seconds = Normalize.duration(duration.text) {
                resource.learningTime = seconds
            } else {
                warn(.invalidValue, "duree", duration, "durée non reconnue (attendu ISO 8601 « PT1H30M » ou « 01:30:00 »)")
            }
        }

        if let statement = try single("licence") {
            let licence = context.vocabularies.licence(statement: statement.text)
            resource.licence = licence
            if licence?.term == nil {
                warn(.unmappedValue, Facet.licence.rawValue, statement, "licence non reconnue, gardée telle quelle")
            }
        }

        if let url = try single("url") {
            let lower = url.text.lowercased()
            if (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && URL(string: url.text) != nil {
                resource.location = url.text
            } else {
                warn(.invalidValue, "url", url, "adresse ignorée : seules les URL http(s) sont acceptées")
            }
        }
        return resource
    }

    /// Maps the values of a classification key; every unmapped value is kept (term nil) and
    /// reported.
    private mutating func terms(_ key: String, _ facet: Facet) -> [TermValue] {
        items(key).map { item in
            let value = context.vocabularies.map(item.text, in: facet, scheme: MarkdownSheetParser.scheme)
            if value.term == nil {
                warn(.unmappedValue, facet.rawValue, item,
                     "valeur absente du vocabulaire « \(facet.rawValue) », gardée sans terme")
            }
            return value
        }
    }

    private mutating func warn(_ kind: ImportWarning.Kind, _ field: String, _ item: SheetFrontMatter.Item, _ why: String) {
        warnings.append(ImportWarning(
            kind: kind, field: field, value: item.text,
            message: "« \(item.text) » : \(why) (ligne \(item.line))"))
    }
}
