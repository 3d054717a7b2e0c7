import Dispatch
import Foundation
import RelaisStore
import Synchronization

/// The one connection that writes, on a thread of its own: every change goes through it in
/// turn, so SQLite never sees two writers of ours and conditional updates decide races
/// (two curators claiming at once: one of them changes the row).
final class Writer: Sendable {
    private let box: StoreBox
    private let thread = JobThread(name: "relais-writer")
    /// Called after each job of `run` that changed resources, on the writer's thread: the answer cache
    /// forgets at once instead of at the watcher's next look (a curator who withdraws a
    /// resource must not find it in the next search).
    private let afterChange: @Sendable () -> Void

    init(store: Store, afterChange: @escaping @Sendable () -> Void = {}) {
        box = StoreBox(store: store)
        self.afterChange = afterChange
    }

    /// Runs `job` with the writer's store, off the caller's thread.
    func run<T: Sendable>(_ job: @escaping @Sendable (Store) throws -> T) async throws -> T {
        let box = box
        let afterChange = afterChange
        return try await withCheckedThrowingContinuation { continuation in
            thread.submit {
                do {
                    let before = try? box.store.lastResourceChange()
                    let result = try job(box.store)
                    if (try? box.store.lastResourceChange()) != before { afterChange() }
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Runs `job` later, without waiting (bookkeeping such as a token's last use).
    func submit(_ job: @escaping @Sendable (Store) throws -> Void) {
        let box = box
        thread.submit { try? job(box.store) }
    }
}

/// The store handed between threads; only the writer's thread uses it.
private final class StoreBox: @unchecked Sendable {
    let store: Store
    init(store: Store) { self.store = store }
}
