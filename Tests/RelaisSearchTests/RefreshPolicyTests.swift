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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-refresh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("r.sqlite").path
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
