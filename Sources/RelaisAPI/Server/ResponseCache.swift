import Foundation
import NIOCore
import RelaisSQLite
import Synchronization

/// Encoded answers to recent searches and suggestions, dropped as a whole whenever the
/// database changes (whoever wrote it: this server or `relais import` beside it). Teachers ask
/// the same questions again and again; an answer computed once is served from memory.
final class ResponseCache: Sendable {
    private struct Entry {
        var body: ByteBuffer
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var generation = 0
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())
    let capacityBytes: Int

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    var isEnabled: Bool { capacityBytes > 0 }

    /// The generation to hand back to `store`: an answer computed while the data changed is
    /// not kept.
    var generation: Int { state.withLock { $0.generation } }

    func lookup(_ key: String) -> ByteBuffer? {
        guard isEnabled else { return nil }
        return state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.body
        }
    }

    func store(_ key: String, _ body: ByteBuffer, generation: Int) {
        guard isEnabled, body.readableBytes <= capacityBytes / 8 else { return }
        state.withLock { state in
            guard state.generation == generation else { return }
            state.clock += 1
            if let old = state.entries.updateValue(Entry(body: body, lastUse: state.clock), forKey: key) {
                state.bytes -= old.body.readableBytes + key.utf8.count
            }
            state.bytes += body.readableBytes + key.utf8.count
            if state.bytes > capacityBytes {
                // Down to three quarters, least recently used first: one sort per many inserts.
                var byAge = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }[...]
                while state.bytes > capacityBytes * 3 / 4, let (oldKey, oldEntry) = byAge.popFirst() {
                    state.entries[oldKey] = nil
                    state.bytes -= oldEntry.body.readableBytes + oldKey.utf8.count
                }
            }
        }
    }

    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll(keepingCapacity: true)
            state.bytes = 0
        }
    }

    var statistics: (entries: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.entries.count, $0.bytes, $0.hits, $0.misses) }
    }

    /// Watches the database from a connection of its own (SQLite's `data_version` changes when
    /// another connection commits) and empties the cache when resources changed: searches and
    /// suggestions depend on them only, so a login, a comment or an audit row keep the cache.
    func watch(databasePath: String, every interval: TimeInterval = 0.2) throws {
        let database = try Database(path: databasePath, mode: .readOnly)
        let box = WatchedDatabase(database: database)
        // The baseline is read here, not on the new thread: a write made before that thread
        // first runs must count as a change.
        let baseline = try database.scalarInt("PRAGMA data_version")
        let baselineChange = try Self.lastChange(database)
        Thread.detachNewThread { [self] in
            var last = baseline
            var lastChange = baselineChange
            while true {
                Thread.sleep(forTimeInterval: interval)
                let version = try? box.database.scalarInt("PRAGMA data_version")
                guard version != last else { continue }
                last = version
                let change = try? Self.lastChange(box.database)
                if change != lastChange || change == nil {
                    lastChange = change
                    invalidate()
                }
            }
        }
    }

    /// The newest entry of the resources' change log (migration 12).
    static func lastChange(_ database: Database) throws -> Int64? {
        try database.scalarInt("SELECT coalesce(max(seq), 0) FROM resource_changes")
    }
}

/// The watcher's connection, used by its thread only.
private final class WatchedDatabase: @unchecked Sendable {
    let database: Database
    init(database: Database) { self.database = database }
}
