import Dispatch
import Foundation
import RelaisCore
import RelaisSQLite
import RelaisSearch
import RelaisStore
import Synchronization

/// A reader: its own SQLite connection and the search engine over it. Used by one job at a
/// time, always on its own thread, so that blocking SQLite calls never run on an event loop.
public final class Reader: @unchecked Sendable {
    public let store: Store
    public let engine: SearchEngine
    public let vocabularies: Vocabularies
    fileprivate let thread: JobThread

    init(path: String, vocabularies: Vocabularies, index: Int, mmapBytes: Int, refreshPolicy: RefreshPolicy?) throws {
        store = try Store(path: path, mmapBytes: mmapBytes)
        engine = SearchEngine(store: store, vocabularies: vocabularies)
        engine.refreshPolicy = refreshPolicy
        self.vocabularies = vocabularies
        thread = JobThread(name: "relais-reader-\(index)")
    }
}

/// A thread of its own that runs the jobs it is given, in order. Not a dispatch queue: a
/// queue's job can wait for a worker thread while other blocking work holds them all (seen:
/// 34 s on a loaded CI), and a reader must start when it is handed a job.
final class JobThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    init(name: String) {
        let thread = Thread { [condition, weak self] in
            while true {
                condition.lock()
                while self?.jobs.isEmpty ?? false { condition.wait() }
                guard let self else { condition.unlock(); return }
                let job = self.jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.name = name
        thread.start()
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }
}

/// The deadline of a request passed while it was running.
public struct DeadlineExceeded: Error, Sendable {
    public var seconds: Double
}

/// A fixed set of readers lent to one job at a time; jobs beyond that wait in line (FIFO).
/// A job that outlives the deadline has its SQLite statement interrupted.
public final class ReaderPool: Sendable {
    private struct State {
        var free: [Int]
        var waiting: [CheckedContinuation<Int, Never>] = []
    }

    private let readers: [Reader]
    private let state: Mutex<State>
    public let deadline: Duration

    public init(path: String, vocabularies: Vocabularies, size: Int, deadline: Duration, mmapBytes: Int = 0,
                refreshPolicy: RefreshPolicy? = nil) throws {
        readers = try (0..<max(1, size)).map {
            try Reader(path: path, vocabularies: vocabularies, index: $0, mmapBytes: mmapBytes, refreshPolicy: refreshPolicy)
        }
        state = Mutex(State(free: Array(readers.indices)))
        self.deadline = deadline
    }

    public var size: Int { readers.count }

    /// Runs `job` with a reader of its own, off the caller's thread; `deadline` replaces the
    /// pool's for long jobs (exports).
    public func run<T: Sendable>(deadline: Duration? = nil, _ job: @escaping @Sendable (Reader) throws -> T) async throws -> T {
        let index = await acquire()
        defer { release(index) }
        let reader = readers[index]
        let deadline = deadline ?? self.deadline
        let seconds = Double(deadline.components.seconds) + Double(deadline.components.attoseconds) / 1e18
        return try await withCheckedThrowingContinuation { continuation in
            reader.thread.submit {
                reader.store.db.setDeadline(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9))
                defer { reader.store.db.setDeadline(uptimeNanoseconds: nil) }
                do {
                    continuation.resume(returning: try job(reader))
                } catch let error as SQLiteError where error.isInterrupted {
                    continuation.resume(throwing: DeadlineExceeded(seconds: seconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Every reader runs `job` once (warming caches before the server says it is ready).
    public func forEach(deadline: Duration? = nil, _ job: @escaping @Sendable (Reader) throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in readers.indices {
                group.addTask { try await self.run(deadline: deadline, job) }
            }
            try await group.waitForAll()
        }
    }

    private func acquire() async -> Int {
        if let index = state.withLock({ $0.free.popLast() }) { return index }
        return await withCheckedContinuation { continuation in
            let index: Int? = state.withLock { state in
                if let index = state.free.popLast() { return index }
                state.waiting.append(continuation)
                return nil
            }
            if let index { continuation.resume(returning: index) }
        }
    }

    private func release(_ index: Int) {
        let next: CheckedContinuation<Int, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.free.append(index)
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: index)
    }
}
