import Foundation
import RelaisCore

/// Reads the `record` column back into a `Resource`: what `JSONDecoder` gives for the same
/// JSON (members in any order, any whitespace, escapes, `null` for an absent optional, unknown
/// members skipped; an absent list reads as empty where `JSONDecoder` would refuse the record),
/// written by hand because `JSONDecoder` took ~60 µs per record, a fifth of a search that shows
/// 20 of them. `ResourceJSONTests` checks it against `JSONDecoder` on fuzzed resources and
/// malformed input.
public struct ResourceJSONReader {
    public struct Malformed: Error, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "JSON de notice illisible à l'octet \(offset) : \(reason)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Nesting of skipped values: unknown members cannot recurse without bound.
    private static let maximumDepth = 64

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Resource {
        var reader = ResourceJSONReader(bytes.bindMemory(to: UInt8.self))
        let resource = try reader.resource()
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else { throw reader.error("contenu après la notice") }
        return resource
    }

    public static func decode(_ text: String) throws -> Resource {
        var text = text
        return try text.withUTF8 { try decode(UnsafeRawBufferPointer($0)) }
    }

    public static func decode(_ data: Data) throws -> Resource {
        try data.withUnsafeBytes { try decode($0) }
    }

    // MARK: Lexing

    private func error(_ reason: String) -> Malformed { Malformed(offset: position, reason: reason) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// The next significant byte, not consumed.
    private mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw error("fin inattendue") }
        return bytes[position]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw error("« \(Character(Unicode.Scalar(byte))) » attendu") }
        position += 1
    }

    /// `null` consumed: the optional is nil.
    private mutating func null() throws -> Bool {
        guard try peek() == 0x6E else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count,
              word.withUTF8Buffer({ memcmp($0.baseAddress!, bytes.baseAddress! + position, length) == 0 }) else {
            throw error("valeur inconnue")
        }
        position += length
    }

    private mutating func string() throws -> String {
        try expect(0x22)
        let start = position
        // Most strings have no escape: one copy of their bytes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                let text = try validated(start..<position)
                position += 1
                return text
            }
            if byte == 0x5C { break }
            guard byte >= 0x20 else { throw error("caractère de contrôle dans une chaîne") }
            position += 1
        }
        var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case 0x22:
                guard let text = String(validating: scalars, as: UTF8.self) else { throw error("UTF-8 invalide") }
                return text
            case 0x5C:
                guard position < bytes.count else { throw error("fin inattendue") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: scalars.append(escape)
                case 0x62: scalars.append(0x08)
                case 0x66: scalars.append(0x0C)
                case 0x6E: scalars.append(0x0A)
                case 0x72: scalars.append(0x0D)
                case 0x74: scalars.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == 0x75 else {
                            throw error("moitié de paire UTF-16 isolée")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("moitié de paire UTF-16 isolée") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("moitié de paire UTF-16 isolée")
                    }
                    scalars.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw error("échappement inconnu")
                }
            default:
                guard byte >= 0x20 else { throw error("caractère de contrôle dans une chaîne") }
                scalars.append(byte)
            }
        }
        throw error("chaîne non terminée")
    }

    private func validated(_ range: Range<Int>) throws -> String {
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw error("UTF-8 invalide")
        }
        return text
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("fin inattendue") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw error("échappement \\u invalide")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// The bytes of a JSON number, checked against its grammar.
    private mutating func numberText() throws -> String {
        skipWhitespace()
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
            return position - from
        }
        if position < bytes.count, bytes[position] == 0x2D { position += 1 }
        let integer = digits()
        guard integer > 0, integer == 1 || bytes[position - integer] != 0x30 else { throw error("nombre attendu") }
        if position < bytes.count, bytes[position] == 0x2E {
            position += 1
            guard digits() > 0 else { throw error("nombre mal formé") }
        }
        if position < bytes.count, bytes[position] | 0x20 == 0x65 {
            position += 1
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }
            guard digits() > 0 else { throw error("nombre mal formé") }
        }
        return try validated(start..<position)
    }

    private mutating func double() throws -> Double {
        let text = try numberText()
        guard let value = Double(text), value.isFinite else { throw error("nombre hors limites") }
        return value
    }

    private mutating func int() throws -> Int {
        let text = try numberText()
        if let value = Int(text) { return value }
        // `JSONDecoder` takes 3.0 or 3e0 for an Int.
        guard let value = Double(text), value.rounded() == value, let exact = Int(exactly: value) else {
            throw error("entier attendu")
        }
        return exact
    }

    private mutating func skipValue(depth: Int = 0) throws {
        guard depth < Self.maximumDepth else { throw error("imbrication trop profonde") }
        switch try peek() {
        case 0x22: _ = try string()
        case 0x7B: try object { reader, _ in try reader.skipValue(depth: depth + 1) }
        case 0x5B: try array { reader in try reader.skipValue(depth: depth + 1) }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        default: _ = try numberText()
        }
    }

    /// Calls `member` for each member's name; it must consume the value.
    private mutating func object(_ member: (inout ResourceJSONReader, String) throws -> Void) throws {
        try expect(0x7B)
        if try peek() == 0x7D { position += 1; return }
        while true {
            let name = try string()
            try expect(0x3A)
            try member(&self, name)
            switch try peek() {
            case 0x2C: position += 1
            case 0x7D: position += 1; return
            default: throw error("« , » ou « } » attendu")
            }
        }
    }

    private mutating func array(_ element: (inout ResourceJSONReader) throws -> Void) throws {
        try expect(0x5B)
        if try peek() == 0x5D { position += 1; return }
        while true {
            try element(&self)
            switch try peek() {
            case 0x2C: position += 1
            case 0x5D: position += 1; return
            default: throw error("« , » ou « ] » attendu")
            }
        }
    }

    private mutating func list<T>(_ element: (inout ResourceJSONReader) throws -> T) throws -> [T] {
        var values: [T] = []
        try array { values.append(try element(&$0)) }
        return values
    }

    private mutating func optionalString() throws -> String? { try null() ? nil : string() }
    private mutating func optionalDouble() throws -> Double? { try null() ? nil : double() }

    /// A required member that was absent or null, as `JSONDecoder` refuses it.
    private func missing(_ name: String) -> Malformed { error("membre « \(name) » manquant") }

    // MARK: The record

    private mutating func resource() throws -> Resource {
        var id: String?, source: String?, sourceIdentifier: String?, format: SourceFormat?
        var r = Resource(id: ResourceID(rawValue: ""), source: "", sourceIdentifier: "", format: .lom)
        try object { reader, name in
            switch name {
            case "id": id = try reader.string()
            case "source": source = try reader.string()
            case "sourceIdentifier": sourceIdentifier = try reader.string()
            case "format":
                let raw = try reader.string()
                guard let known = SourceFormat(rawValue: raw) else { throw reader.error("format « \(raw) » inconnu") }
                format = known
            case "titles": r.titles = try reader.list { try $0.langText() }
            case "descriptions": r.descriptions = try reader.list { try $0.langText() }
            case "keywords": r.keywords = try reader.list { try $0.langText() }
            case "languages": r.languages = try reader.list { try $0.string() }
            case "contributors": r.contributors = try reader.list { try $0.contributor() }
            case "publisher": r.publisher = try reader.optionalString()
            case "created": r.created = try reader.optionalString()
            case "modified": r.modified = try reader.optionalString()
            case "levels": r.levels = try reader.list { try $0.term() }
            case "domains": r.domains = try reader.list { try $0.term() }
            case "resourceTypes": r.resourceTypes = try reader.list { try $0.term() }
            case "intendedRoles": r.intendedRoles = try reader.list { try $0.term() }
            case "specificNeeds": r.specificNeeds = try reader.list { try $0.term() }
            case "contexts": r.contexts = try reader.list { try $0.string() }
            case "learningTime": r.learningTime = try reader.optionalDouble()
            case "licence": r.licence = try reader.null() ? nil : reader.licence()
            case "location": r.location = try reader.optionalString()
            case "mediaFormats": r.mediaFormats = try reader.list { try $0.string() }
            case "duration": r.duration = try reader.optionalDouble()
            case "segments": r.segments = try reader.list { try $0.segment() }
            case "sections": r.sections = try reader.list { try $0.section() }
            case "bodyHTML": r.bodyHTML = try reader.optionalString()
            case "relations": r.relations = try reader.list { try $0.relation() }
            default: try reader.skipValue()
            }
        }
        guard let id else { throw missing("id") }
        guard let source else { throw missing("source") }
        guard let sourceIdentifier else { throw missing("sourceIdentifier") }
        guard let format else { throw missing("format") }
        r.id = ResourceID(rawValue: id)
        r.source = source
        r.sourceIdentifier = sourceIdentifier
        r.format = format
        return r
    }

    private mutating func langText() throws -> LangText {
        var language: String?, text: String?
        try object { reader, name in
            switch name {
            case "language": language = try reader.optionalString()
            case "text": text = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let text else { throw missing("text") }
        return LangText(text, language: language)
    }

    private mutating func term() throws -> TermValue {
        var term: String?, raw: String?, scheme: String?
        try object { reader, name in
            switch name {
            case "term": term = try reader.optionalString()
            case "raw": raw = try reader.string()
            case "scheme": scheme = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        guard let raw else { throw missing("raw") }
        return TermValue(term: term, raw: raw, scheme: scheme)
    }

    private mutating func contributor() throws -> Contributor {
        var c = Contributor()
        try object { reader, name in
            switch name {
            case "role": c.role = try reader.optionalString()
            case "name": c.name = try reader.optionalString()
            case "organization": c.organization = try reader.optionalString()
            case "date": c.date = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        return c
    }

    private mutating func licence() throws -> Licence {
        var l = Licence(term: nil)
        try object { reader, name in
            switch name {
            case "term": l.term = try reader.optionalString()
            case "version": l.version = try reader.optionalString()
            case "url": l.url = try reader.optionalString()
            case "statement": l.statement = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        return l
    }

    private mutating func segment() throws -> Segment {
        var s = Segment()
        try object { reader, name in
            switch name {
            case "identifier": s.identifier = try reader.optionalString()
            case "title": s.title = try reader.optionalString()
            case "description": s.description = try reader.optionalString()
            case "start": s.start = try reader.optionalDouble()
            case "end": s.end = try reader.optionalDouble()
            case "transcript": s.transcript = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        return s
    }

    private mutating func section() throws -> Section {
        var level: Int?, heading: String?, text: String?
        try object { reader, name in
            switch name {
            case "level": level = try reader.int()
            case "heading": heading = try reader.string()
            case "text": text = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let level else { throw missing("level") }
        guard let heading else { throw missing("heading") }
        guard let text else { throw missing("text") }
        return Section(level: level, heading: heading, text: text)
    }

    private mutating func relation() throws -> Relation {
        var kind: String?, target: String?, description: String?
        try object { reader, name in
            switch name {
            case "kind": kind = try reader.optionalString()
            case "target": target = try reader.string()
            case "description": description = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        guard let target else { throw missing("target") }
        return Relation(kind: kind, target: target, description: description)
    }
}
