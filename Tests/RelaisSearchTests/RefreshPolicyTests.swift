import Foundation
import RelaisCore
import RelaisStore
import Testing
@testable import RelaisSearch

/// While a bulk import asks for it, a new record shows in facets only at the next rebuild;
/// otherwise at once.
@Suite struct RefreshPolicyTests {
    func add(_ store: Store, _ identifier: String) throws {
        var resource = Resource(id: ResourceID(source: "lot", sourceIdentifier: identifier), source: "lot",
                                sourceIdentifier: identifier, format: .lom)
        resource.titles = [LangText("Ressource \(identifier)", language: "fr")]
        _ = try store.write(StoredRecord(resource: resource, provenance: Provenance(file: "lot.xml", recordIndex: 1, line: nil,
                                                                                  contentHash: identifier), original: "<lom/>"), batch: nil)
    }

    func lotCount(_ engine: SearchEngine) throws -> Int {
        try engine.search(SearchRequest(query: "", size: 1)).facets[Store.sourceDimension]?.first { $0.term == "lot" }?.count ?? 0
    }

    @Test func staleOnlyWithinTheIntervalAskedFor() throws {
        let vocabularies = try Vocabularies.load(from: CorpusIndex.vocabulariesFolder)
        let path = try temporaryDatabasePath("refresh")
        let writer = try Store(path: path)
        let reader = try Store(path: path)
        let engine = SearchEngine(store: reader, vocabularies: vocabularies)
        let policy = RefreshPolicy()
        engine.refreshPolicy = policy
        try add(writer, "1")
        #expect(try lotCount(engine) == 1)
        try add(writer, "2")
        #expect(try lotCount(engine) == 2, "no interval: rebuilt after the write")
        policy.setMinimumInterval(60)
        try add(writer, "3")
        #expect(try lotCount(engine) == 2, "within the interval: the index of before the write")
        policy.setMinimumInterval(0)
        #expect(try lotCount(engine) == 3, "interval over: rebuilt")
    }
}

/// The facet index patched from the change log answers exactly as one rebuilt from scratch,
/// through inserts, updates that move a resource between terms, deletions and quality changes.
@Suite struct IncrementalFacetTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11 | state << 53
        }
    }

    @Test func patchedIndexEqualsARebuild() throws {
        let vocabularies = try Vocabularies.load(from: CorpusIndex.vocabulariesFolder)
        let path = try temporaryDatabasePath("incremental")
        let writer = try Store(path: path)
        let patched = SearchEngine(store: try Store(path: path), vocabularies: vocabularies)
        var random = Generator(state: 20261130)
        let levels = ["P1", "P2", "P3", "P4", "P5", "P6", "S1", "S2"]
        let domains = ["mathematiques", "sciences", "francais", "histoire-geographie"]
        let words = ["fractions", "volcans", "lecture", "cartes", "énergie", "poèmes"]
        func write(_ number: Int) throws {
            let identifier = "n\(number)"
            var resource = Resource(id: ResourceID(source: "essai", sourceIdentifier: identifier), source: "essai",
                                    sourceIdentifier: identifier, format: .lom)
            resource.titles = [LangText("\(words.randomElement(using: &random)!) \(words.randomElement(using: &random)!)", language: "fr")]
            resource.levels = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                let level = levels.randomElement(using: &random)!
                return TermValue(term: level, raw: level)
            }
            let domain = domains.randomElement(using: &random)!
            resource.domains = [TermValue(term: domain, raw: domain)]
            resource.duration = Double(Int.random(in: 0...3600, using: &random))
            _ = try writer.write(StoredRecord(resource: resource, provenance: Provenance(file: "f", recordIndex: number, line: nil,
                                                                                       contentHash: "\(random.next())"), original: "<x/>"), batch: nil)
        }
        func answers(_ engine: SearchEngine) throws -> [String] {
            var out: [String] = []
            for request in [SearchRequest(query: "", size: 100), SearchRequest(query: "fractions", size: 100),
                            SearchRequest(query: "", filters: ["niveaux": ["P3", "S1"]], size: 100),
                            SearchRequest(query: "", sort: .recent)] {
                let response = try engine.search(request)
                out.append("\(response.total) " + response.hits.map(\.resource.id.rawValue).sorted().joined(separator: ","))
                for dimension in ["niveaux", "domaines", "sources"] {
                    out.append(dimension + ": " + (response.facets[dimension] ?? []).map { "\($0.term)=\($0.count)" }.sorted().joined(separator: " "))
                }
            }
            return out
        }
        var written = 0
        for step in 0..<150 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                written += 1
                try write(written)
            case 5..<8 where written > 0:
                try write(Int.random(in: 1...written, using: &random))
            case 8 where written > 0:
                _ = try writer.delete(id: ResourceID(source: "essai", sourceIdentifier: "n\(Int.random(in: 1...written, using: &random))"), batch: nil)
            default:
                if written > 0 {
                    try writer.setEvaluationSummary(resourceID: ResourceID(source: "essai", sourceIdentifier: "n\(Int.random(in: 1...written, using: &random))").rawValue,
                                                    quality: Double.random(in: 0...1, using: &random), count: 1, mean: 3)
                }
            }
            if step % 5 == 0 {
                let fresh = SearchEngine(store: try Store(path: path), vocabularies: vocabularies)
                #expect(try answers(patched) == answers(fresh), "étape \(step)")
            }
        }
        #expect(written > 40)
        // The patch path answered, not a rebuild every time.
        #expect(patched.facetIndexBuilds == 1 && patched.facetIndexPatches >= 25, "\(patched.facetIndexBuilds) \(patched.facetIndexPatches)")
    }
}

/// A database file in a folder of its own under the temporary directory, for tests that open
/// it from two connections (a writer and a reader), which `:memory:` cannot.
func temporaryDatabasePath(_ name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("r.sqlite").path
}
