import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore
import Testing
@testable import RelaisSearch
import RelaisTestSupport

/// The shipped corpus (Corpus/consortiums, sonuma, amenagements), imported once per test
/// process into an in-memory store, behind one search engine.
///
/// `Store` and `SearchEngine` are not Sendable (one connection, caches): every use goes through
/// `CorpusIndex.search` / `withEngine`, which hold a lock, so suites may run in parallel.
final class CorpusIndex: @unchecked Sendable {
    /// Repository root, from this file's path (Tests/RelaisSearchTests/Support.swift).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = root.appendingPathComponent("Corpus")
    static let vocabulariesFolder = corpus.appendingPathComponent("vocabularies")
    static let sourceFolders = ["consortiums", "sonuma", "amenagements"]

    /// Built on first use (Swift statics are lazy and initialized once, thread-safely).
    private static let loaded: Result<CorpusIndex, any Error> = Result { try CorpusIndex() }

    static func shared() throws -> CorpusIndex { try loaded.get() }

    let vocabularies: Vocabularies
    let report: ImportReport
    private let store: Store
    private let engine: SearchEngine
    private let lock = NSLock()

    private init() throws {
        vocabularies = try Vocabularies.load(from: Self.vocabulariesFolder)
        (store, report) = try Self.importCorpus(vocabularies: vocabularies)
        engine = SearchEngine(store: store, vocabularies: vocabularies)
    }

    /// A fresh in-memory store holding the whole corpus (for tests that write to it).
    static func importCorpus(vocabularies: Vocabularies) throws -> (Store, ImportReport) {
        let store = try Store(path: ":memory:")
        let importer = Importer(store: store, vocabularies: vocabularies)
        // Folder arguments: each file's source is the folder name (consortiums, sonuma, amenagements).
        let report = try importer.run(paths: sourceFolders.map { corpus.appendingPathComponent($0).path })
        return (store, report)
    }

    func withEngine<T>(_ body: (SearchEngine) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(engine)
    }

    func search(_ request: SearchRequest) throws -> SearchResponse {
        try withEngine { try $0.search(request) }
    }

    func search(_ query: String, filters: [String: Set<String>] = [:], size: Int = 100) throws -> SearchResponse {
        try search(SearchRequest(query: query, filters: filters, size: size))
    }

    func suggest(_ prefix: String, limit: Int = 10) throws -> [String] {
        try withEngine { try $0.suggest(prefix, limit: limit) }
    }

    /// Every published resource (browse, all pages), by source identifier.
    func allResources() throws -> [String: Resource] {
        var result: [String: Resource] = [:]
        for hit in try allHits(SearchRequest(query: "", size: 50)) { result[hit.resource.sourceIdentifier] = hit.resource }
        return result
    }

    /// Walks every page of `request` (its size is the page size) and returns all hits in order.
    func allHits(_ request: SearchRequest) throws -> [SearchHit] {
        var hits: [SearchHit] = []
        var page = 1
        while true {
            var paged = request
            paged.page = page
            let response = try search(paged)
            hits += response.hits
            if response.hits.isEmpty || hits.count >= response.total { break }
            page += 1
        }
        return hits
    }
}

extension Resource {
    /// The terms this resource carries in a facet dimension, as the store indexes them
    /// (mapped vocabulary terms, licence term, source, language without region).
    func facetTerms(_ dimension: String) -> Set<String> {
        switch dimension {
        case Facet.level.rawValue: Set(levels.compactMap(\.term))
        case Facet.domain.rawValue: Set(domains.compactMap(\.term))
        case Facet.resourceType.rawValue: Set(resourceTypes.compactMap(\.term))
        case Facet.intendedRole.rawValue: Set(intendedRoles.compactMap(\.term))
        case Facet.specificNeed.rawValue: Set(specificNeeds.compactMap(\.term))
        case Facet.licence.rawValue: Set([licence?.term].compactMap { $0 })
        case Store.sourceDimension: [source]
        case Store.languageDimension: Set(languages.map { String($0.prefix { $0 != "-" }) })
        default: []
        }
    }

    /// Whether the resource passes `filters` (AND across dimensions, OR inside one),
    /// optionally ignoring one dimension. With `vocabularies`, a resource also carries the
    /// broader terms of its terms (a P5 resource is a "primaire" one).
    func passes(_ filters: [String: Set<String>], ignoring ignored: String? = nil,
                broaderFrom vocabularies: Vocabularies? = nil) -> Bool {
        filters.allSatisfy { dimension, terms in
            guard dimension != ignored, !terms.isEmpty else { return true }
            var carried = facetTerms(dimension)
            if let vocabularies, let facet = Facet(rawValue: dimension),
               let vocabulary = vocabularies.byDimension[facet] {
                let broader = Dictionary(vocabulary.terms.map { ($0.id, $0.broader) }, uniquingKeysWith: { a, _ in a })
                var pending = Array(carried)
                while let term = pending.popLast() {
                    if let parent = broader[term] ?? nil, carried.insert(parent).inserted { pending.append(parent) }
                }
            }
            return !carried.isDisjoint(with: terms)
        }
    }

    /// All the indexed text of the resource (title, keywords, description, sections, segments).
    var indexedText: String {
        var parts = titles.map(\.text) + keywords.map(\.text) + descriptions.map(\.text)
        for section in sections { parts += [section.heading, section.text] }
        for segment in segments { parts += [segment.title, segment.description, segment.transcript].compactMap { $0 } }
        return parts.joined(separator: "\n")
    }
}

extension SearchResponse {
    var identifiers: [String] { hits.map(\.resource.sourceIdentifier) }
}

/// Lower case, no accents: to compare what a user typed with what the corpus holds.
func folded(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
}

/// A substring by UTF-16 offsets (what `Snippet.highlights` counts).
func utf16Slice(_ text: String, _ range: Range<Int>) -> String? {
    let units = Array(text.utf16)
    guard range.lowerBound >= 0, range.upperBound <= units.count else { return nil }
    return String(decoding: units[range], as: UTF16.self)
}

/// The seeded generator of the property tests.
typealias SeededGenerator = SplitMix64
