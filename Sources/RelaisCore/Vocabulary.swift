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
        var keys = [folded]
        if value.contains("/") || value.contains("#") {
            let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "/# \n\t"))
            if let cut = trimmed.lastIndex(where: { $0 == "/" || $0 == "#" }) {
                let last = fold(String(trimmed[trimmed.index(after: cut)...]))
                if !last.isEmpty && last != folded { keys.append(last) }
            }
        }
        return keys
    }

    /// Case-, accent- and punctuation-insensitive form: "Éducation physique" -> "education physique".
    public static func fold(_ value: String) -> String {
        // Fast path for ASCII values (codes, ids, LOM values): no Foundation folding needed.
        if value.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(value.utf8.count)
            var pendingSpace = false
            for byte in value.utf8 {
                let lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                    if pendingSpace && !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(lower)
                } else {
                    pendingSpace = true
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
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
