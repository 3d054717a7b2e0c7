import Foundation
@testable import RelaisAPI
import RelaisCore
import RelaisSQLite
import Synchronization
import Testing

@Suite struct ReaderPoolTests {
    @Test func aQueryPastTheDeadlineIsInterrupted() async throws {
        let pool = try ReaderPool(path: try Fixture.databasePath(),
                                  vocabularies: try Vocabularies.load(from: Fixture.vocabularies),
                                  size: 1, deadline: .milliseconds(100))
        // Timed on the reader's thread: the awaiting task may wait for a cooperative thread
        // when the whole suite runs at once on two cores.
        let ran = Mutex<Duration?>(nil)
        await #expect(throws: DeadlineExceeded.self) {
            // Counts to a billion: seconds of work that only the interrupt can stop.
            _ = try await pool.run { reader in
                let started = ContinuousClock.now
                defer { ran.withLock { $0 = ContinuousClock.now - started } }
                return try reader.store.db.scalarInt("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n")
            }
        }
        let elapsed = try #require(ran.withLock { $0 })
        #expect(elapsed < .seconds(3), "la requête a duré \(elapsed)")
        // The reader is usable again afterwards.
        let count = try await pool.run { reader in try reader.store.counts().published }
        #expect(count > 90)
    }

    @Test func jobsBeyondThePoolWaitTheirTurn() async throws {
        let pool = try ReaderPool(path: try Fixture.databasePath(),
                                  vocabularies: try Vocabularies.load(from: Fixture.vocabularies),
                                  size: 2, deadline: .seconds(5))
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try await pool.run { reader in try reader.store.counts().published } }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.count == 20 && Set(results).count == 1)
    }
}
