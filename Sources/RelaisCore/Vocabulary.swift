import Foundation
import Synchronization

/// The dimensions a resource is classified on; each has one vocabulary file.
/// Named Facet rather than Dimension, which Foundation already uses.
public enum Facet: String, Codable, Hashable, Sendable, CaseIterable {
    case level = "niveaux"
    case domain = "domaines"
    case resourceType = "types"
    case intendedRole = "roles"
    case specificNeed = "besoins"
    case licence = "licences"

    public var fileName: String { rawValue + ".json" }
}

/// One term of a vocabulary, with its French label and the source values that map to it.
public struct VocabularyTerm: Codable, Hashable, Sendable {
    public var id: String
    public var label: String
    public var altLabels: [String]?
    /// Id of the broader term (a level's cycle, a discipline's domain).
    public var broader: String?
    public var definition: String?
    /// Source values mapped to this term, by scheme: `lomv1`, `lomfr`, `scolomfr`, `normetic`,
    /// `other`. Values are labels, ids or concept URIs; matching ignores case, accents and
    /// punctuation, and a URI also matches by its last path segment.
    public var mappings: [String: [String]]?

    public init(id: String, label: String, altLabels: [String]? = nil, broader: String? = nil,
                definition: String? = nil, mappings: [String: [String]]? = nil) {
        self.id = id
        self.label = label
        self.altLabels = altLabels
        self.broader = broader
        self.definition = definition
        self.mappings = mappings
    }
}

public struct Vocabulary: Codable, Hashable, Sendable {
    public var name: String
    public var label: String
    public var version: Int
    public var terms: [VocabularyTerm]

    public init(name: String, label: String, version: Int, terms: [VocabularyTerm]) {
        self.name = name
        self.label = label
        self.version = version
        self.terms = terms
    }
}

/// Failure to load the vocabularies: which file, and why.
public struct VocabularyError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var reason: String
    public var description: String { "vocabulaire \(file) : \(reason)" }
}

/// All vocabularies, indexed for mapping source values to our term ids.
public struct Vocabularies: Sendable {
    public let byDimension: [Facet: Vocabulary]
    private let index: [Facet: [String: String]]

    public init(_ vocabularies: [Facet: Vocabulary]) throws {
        self.byDimension = vocabularies
        var index: [Facet: [String: String]] = [:]
        for (dimension, vocabulary) in vocabularies {
            var keys: [String: String] = [:]
            func add(_ value: String, _ term: String) throws {
                for key in Self.keys(for: value) {
                    if let existing = keys[key], existing != term {
                        throw VocabularyError(
                            file: dimension.fileName,
                            reason: "la valeur « \(value) » désigne à la fois « \(existing) » et « \(term) »")
                    }
                    keys[key] = term
                }
            }
            var seen = Set<String>()
            for term in vocabulary.terms {
                guard seen.insert(term.id).inserted else {
                    throw VocabularyError(file: dimension.fileName, reason: "terme « \(term.id) » en double")
                }
                try add(term.id, term.id)
                try add(term.label, term.id)
                for alt in term.altLabels ?? [] { try add(alt, term.id) }
                for values in (term.mappings ?? [:]).values {
                    for value in values { try add(value, term.id) }
                }
            }
            for term in vocabulary.terms {
                if let broader = term.broader, !seen.contains(broader) {
                    throw VocabularyError(
                        file: dimension.fileName,
                        reason: "le terme « \(term.id) » renvoie à un terme plus large inconnu « \(broader) »")
                }
            }
            index[dimension] = keys
        }
        self.index = index
    }

    /// Loads every vocabulary file from a folder (`Corpus/vocabularies`).
    public static func load(from folder: URL) throws -> Vocabularies {
        var result: [Facet: Vocabulary] = [:]
        let decoder = JSONDecoder()
        for dimension in Facet.allCases {
            let url = folder.appendingPathComponent(dimension.fileName)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw VocabularyError(file: url.path, reason: "fichier illisible (\(error.localizedDescription))")
            }
            do {
                result[dimension] = try decoder.decode(Vocabulary.self, from: data)
            } catch {
                throw VocabularyError(file: url.path, reason: "JSON invalide (\(error))")
            }
        }
        return try Vocabularies(result)
    }

    /// The term id that `value` maps to in `dimension`, or nil.
    public func term(for value: String, in dimension: Facet) -> String? {
        let cacheKey = CacheKey(facet: dimension, value: ByteKey(value))
        if let cached = cache.lookup(cacheKey) { return cached }
        guard let keys = index[dimension] else { return nil }
        var found: String?
        for key in Self.keys(for: value) {
            if let term = keys[key] {
                found = term
                break
            }
        }
        cache.store(cacheKey, found)
        return found
    }

    /// Source values repeat endlessly ("LOMv1.0", "P5", "exercise"): folding each one again
    /// costs more than the rest of the mapping, so answers are remembered.
    private let cache = Memo<CacheKey, String?>()
    let licenceCache = Memo<LicenceKey, Licence?>(capacity: 10_000)

    public func map(_ value: String, in dimension: Facet, scheme: String? = nil) -> TermValue {
        TermValue(term: term(for: value, in: dimension), raw: value, scheme: scheme)
    }

    public func label(of term: String, in dimension: Facet) -> String? {
        byDimension[dimension]?.terms.first { $0.id == term }?.label
    }

    /// Lookup keys of a value: its folded form, and for a URI its folded last segment too.
    static func keys(for value: String) -> [String] {
        let folded = fold(value)
        guard !folded.isEmpty else { return [] }
        // Foundation's `contains("/")` (and "#") is true only when the byte is there: no scalar
        // decomposes to either. Most values hold neither, and asking Foundation cost more than
        // folding them.
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "#") }) else { return [folded] }
        var keys = [folded]
        let segment: String?
        if let ascii = asciiLastSegment(value) { segment = ascii } else { segment = foundationLastSegment(value) }
        if let segment {
            let last = fold(segment)
            if !last.isEmpty && last != folded { keys.append(last) }
        }
        return keys
    }

    /// `foundationLastSegment` for an ASCII value, on its bytes: a byte is a Character there (CR
    /// LF apart, neither of which is trimmed or a separator). nil when the value is not ASCII.
    static func asciiLastSegment(_ value: String) -> String?? {
        var value = value
        return value.withUTF8 { bytes -> String?? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            func trimmed(_ byte: UInt8) -> Bool {
                byte == UInt8(ascii: "/") || byte == UInt8(ascii: "#") || byte == 0x20 || byte == 0x0A || byte == 0x09
            }
            var start = 0
            var end = bytes.count
            while start < end && trimmed(bytes[start]) { start += 1 }
            while end > start && trimmed(bytes[end - 1]) { end -= 1 }
            var cut = end
            while cut > start {
                cut -= 1
                if bytes[cut] == UInt8(ascii: "/") || bytes[cut] == UInt8(ascii: "#") {
                    return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[(cut + 1) ..< end]), as: UTF8.self))
                }
            }
            return .some(nil)
        }
    }

    /// What follows the last "/" or "#" once "/# \n\t" are trimmed, if the value has one.
    static func foundationLastSegment(_ value: String) -> String? {
        guard value.contains("/") || value.contains("#") else { return nil }
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "/# \n\t"))
        guard let cut = trimmed.lastIndex(where: { $0 == "/" || $0 == "#" }) else { return nil }
        return String(trimmed[trimmed.index(after: cut)...])
    }

    /// Case-, accent- and punctuation-insensitive form: "Éducation physique" -> "education physique".
    public static func fold(_ value: String) -> String {
        latinFold(value) ?? foundationFold(value)
    }

    /// `foundationFold` for text made of ASCII, U+00A0-U+017F and U+2010-U+2027 (the French of
    /// vocabularies and records), on its bytes: none of those scalars combines with another, so
    /// each folds on its own, as `latinFolds` holds it. nil for any other text.
    static func latinFold(_ value: String) -> String? {
        var value = value
        return value.withUTF8 { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    let lower = byte &- 0x41 < 26 ? byte | 0x20 : byte
                    if lower &- 0x61 < 26 || lower &- 0x30 < 10 {
                        if pendingSpace && !out.isEmpty { out.append(0x20) }
                        pendingSpace = false
                        out.append(lower)
                    } else {
                        pendingSpace = true
                    }
                    index += 1
                } else if byte >= 0xC2 && byte <= 0xC5 {
                    // A String is valid UTF-8: one continuation byte follows.
                    let scalar = Int(byte & 0x1F) << 6 | Int(bytes[index + 1] & 0x3F)
                    guard scalar >= 0xA0 else { return nil }
                    index += 2
                    // Spaces stand for what is not alphanumeric once folded; the other bytes
                    // are whole scalars (a lead byte and its continuation bytes).
                    for folded in latinFolds[scalar - 0xA0].utf8 {
                        if folded == 0x20 {
                            pendingSpace = true
                        } else {
                            if pendingSpace && !out.isEmpty { out.append(0x20) }
                            pendingSpace = false
                            out.append(folded)
                        }
                    }
                } else if byte == 0xE2 && bytes[index + 1] == 0x80 && bytes[index + 2] >= 0x90 && bytes[index + 2] <= 0xA7 {
                    // U+2010-U+2027 (dashes, quotes, bullets, ellipsis): punctuation.
                    pendingSpace = true
                    index += 3
                } else {
                    return nil
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Foundation's folding (case, diacritics, width), then each run of other than
    /// alphanumerics as one space, none at either end.
    static func foundationFold(_ value: String) -> String {
        let lowered = value.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive],
                                    locale: nil)
        var out = ""
        out.reserveCapacity(lowered.utf8.count)
        var pendingSpace = false
        for scalar in lowered.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out
    }

    /// `foundationFold` of each scalar U+00A0-U+017F alone, a space for each scalar of the
    /// result that is not alphanumeric (the tests check it against Foundation).
    static let latinFolds: [String] = [
        " ", " ", " ", " ", " ", " ", " ", " ", " ", " ", "\u{AA}", " ",
        " ", " ", " ", " ", " ", " ", "\u{B2}", "\u{B3}", " ", "\u{3BC}", " ", " ",
        " ", "\u{B9}", "\u{BA}", " ", "\u{BC}", "\u{BD}", "\u{BE}", " ", "a", "a", "a", "a",
        "a", "a", "\u{E6}", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "\u{F0}", "n", "o", "o", "o", "o", "o", " ", "\u{F8}", "u", "u", "u",
        "u", "y", "\u{FE}", "ss", "a", "a", "a", "a", "a", "a", "\u{E6}", "c",
        "e", "e", "e", "e", "i", "i", "i", "i", "\u{F0}", "n", "o", "o",
        "o", "o", "o", " ", "\u{F8}", "u", "u", "u", "u", "y", "\u{FE}", "y",
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c",
        "c", "c", "d", "d", "\u{111}", "\u{111}", "e", "e", "e", "e", "e", "e",
        "e", "e", "e", "e", "g", "g", "g", "g", "g", "g", "g", "g",
        "h", "h", "\u{127}", "\u{127}", "i", "i", "i", "i", "i", "i", "i", "i",
        "i", "\u{131}", "\u{133}", "\u{133}", "j", "j", "k", "k", "\u{138}", "l", "l", "l",
        "l", "l", "l", "\u{140}", "\u{140}", "\u{142}", "\u{142}", "n", "n", "n", "n", "n",
        "n", "\u{2BC}n", "\u{14B}", "\u{14B}", "o", "o", "o", "o", "o", "o", "\u{153}", "\u{153}",
        "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
        "s", "s", "t", "t", "t", "t", "\u{167}", "\u{167}", "u", "u", "u", "u",
        "u", "u", "u", "u", "u", "u", "u", "u", "w", "w", "y", "y",
        "y", "z", "z", "z", "z", "z", "z", "s",
    ]
}

struct CacheKey: Hashable, Sendable {
    var facet: Facet
    var value: ByteKey
}

/// A string hashed and compared by its UTF-8 bytes. String's own hashing normalizes non-ASCII
/// text (NFC) on every call, which cost more than the memoized work for names like "Véronique";
/// two canonically equal spellings become two keys, which for a memo only means a miss.
public struct ByteKey: Hashable, Sendable {
    public let string: String

    public init(_ string: String) {
        var string = string
        string.makeContiguousUTF8()
        self.string = string
    }

    public static func == (a: ByteKey, b: ByteKey) -> Bool {
        a.string.utf8.withContiguousStorageIfAvailable { x in
            b.string.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }.flatMap { $0 } ?? a.string.utf8.elementsEqual(b.string.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { for byte in string.utf8 { hasher.combine(byte) } }
    }
}

/// The statement and URL of a licence, as memo key.
struct LicenceKey: Hashable, Sendable {
    var statement: ByteKey?
    var url: ByteKey?
}

/// A bounded memo shared by the threads that map records.
public final class Memo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let storage = Mutex<[Key: Value]>([:])
    private let capacity: Int

    public init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    public func lookup(_ key: Key) -> Value? {
        storage.withLock { $0[key] }
    }

    public func store(_ key: Key, _ value: Value) {
        storage.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }

    /// The remembered value, or `make()`'s, remembered.
    public func value(for key: Key, _ make: () -> Value) -> Value {
        if let known = lookup(key) { return known }
        let made = make()
        store(key, made)
        return made
    }
}
