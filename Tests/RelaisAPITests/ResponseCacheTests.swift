import Foundation
import RelaisCore
import HummingbirdTesting
import NIOCore
@testable import RelaisAPI
import RelaisStore
import Testing

@Suite struct ResponseCacheTests {
    @Test func repeatedSearchIsServedFromMemory() async throws {
        try await Fixture.application().test(.router) { client in
            let uri = "/api/v1/search?q=volcans&niveau=S2,S1&size=3"
            let first = try await client.execute(uri: uri, method: .get) { $0 }
            // Same request, filters in another order: the same answer, from the cache.
            let second = try await client.execute(uri: "/api/v1/search?size=3&niveau=S1,S2&q=volcans", method: .get) { $0 }
            #expect(first.headers[.init("X-Cache")!] == "miss")
            #expect(second.headers[.init("X-Cache")!] == "hit")
            #expect(first.body == second.body)
        }
    }

    @Test func aWriteByAnotherConnectionEmptiesIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("r.sqlite").path
        let store = try Store(path: path)
        let cache = ResponseCache(capacityBytes: 1 << 20)
        try cache.watch(databasePath: path, every: 0.02)
        cache.store("k", ByteBuffer(string: "réponse"), generation: cache.generation)
        #expect(cache.lookup("k") != nil)
        // A write that touches no resource (an audit row, a login...) keeps the answers.
        try store.audit(actor: "test", action: "write", object: nil, detail: nil)
        try await Task.sleep(for: .milliseconds(300))
        #expect(cache.lookup("k") != nil)
        var resource = Resource(id: ResourceID(source: "s", sourceIdentifier: "1"), source: "s", sourceIdentifier: "1", format: .lom)
        resource.titles = [LangText("Une ressource", language: "fr")]
        _ = try store.write(StoredRecord(resource: resource, provenance: Provenance(file: "f", recordIndex: 1, line: nil, contentHash: "h"),
                                         original: "<lom/>"), batch: nil)
        var emptied = false
        // The watcher is a thread of its own; this task, though, may wait long for a turn when
        // the whole suite runs at once: the limit is in wall-clock time, not in turns.
        let limit = ContinuousClock.now + .seconds(60)
        while !emptied && ContinuousClock.now < limit {
            try await Task.sleep(for: .milliseconds(10))
            emptied = cache.lookup("k") == nil
        }
        #expect(emptied)
        // An answer computed before the change is not kept.
        let stale = cache.generation - 1
        cache.store("k", ByteBuffer(string: "ancienne"), generation: stale)
        #expect(cache.lookup("k") == nil)
    }

    @Test func evictsLeastRecentlyUsedBeyondCapacity() {
        let cache = ResponseCache(capacityBytes: 8_000)
        let body = ByteBuffer(repeating: 0x61, count: 900)
        for index in 0..<20 {
            cache.store("k\(index)", body, generation: cache.generation)
            _ = cache.lookup("k0") // k0 stays in use
        }
        #expect(cache.statistics.bytes <= 8_000)
        #expect(cache.lookup("k0") != nil)
        #expect(cache.lookup("k1") == nil)
    }
}
