internal import CSQLite
import Foundation

/// Has the kernel start writing a database's log and file out every few milliseconds while a
/// long write goes on, without waiting for it (`sync_file_range` with `SYNC_FILE_RANGE_WRITE` on
/// Linux, nothing elsewhere). With `synchronous = FULL` every commit syncs the log and every
/// checkpoint the file; Linux otherwise left all their pages dirty until then, so the writer
/// sat in `fdatasync` while megabytes went to the disk: 140 ms of a 10,000-record import, half of
/// it now. The data and what is durable when do not change: only when the disk gets the pages.
public final class WriteBehind: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread for the database at `path` (its `-wal` file and itself; a file that
    /// does not exist yet is looked for again at the next round).
    public init(databasePath path: String, interval: Duration = .milliseconds(2)) {
        let paths = [path + "-wal", path]
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let thread = Thread { [self] in run(paths, seconds) }
        thread.name = "relais-write-behind"
        thread.start()
    }

    private func run(_ paths: [String], _ interval: Double) {
        var files = paths.map { _ in Int32(-1) }
        condition.lock()
        while !stopping {
            condition.unlock()
            for index in paths.indices {
                if files[index] < 0 { files[index] = open(paths[index], O_RDONLY | O_CLOEXEC) }
                if files[index] >= 0 { _ = csqlite_start_writeback(files[index]) }
            }
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
        }
        condition.unlock()
        for file in files where file >= 0 { close(file) }
        finished.signal()
    }

    /// Stops the thread and closes its files; returns once they are closed.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }
}
