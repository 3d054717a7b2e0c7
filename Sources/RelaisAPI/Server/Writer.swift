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

    init(store: Store) {
        box = StoreBox(store: store)
    }

    /// Runs `job` with the writer's store, off the caller's thread.
    func run<T: Sendable>(_ job: @escaping @Sendable (Store) throws -> T) async throws -> T {
        let box = box
        return try await withCheckedThrowingContinuation { continuation in
            thread.submit {
                do {
                    continuation.resume(returning: try job(box.store))
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
