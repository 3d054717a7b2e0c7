import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process run to completion, with its own resource usage (wait4), so peak RSS is the
/// child's and not the maximum over every child this process ever waited for.
struct ChildRun {
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    var termination: Termination
    var seconds: Double
    /// Peak resident set size in bytes (Linux reports ru_maxrss in kB, macOS in bytes).
    var peakRSSBytes: Int
    var userSeconds: Double
    var systemSeconds: Double

    var succeeded: Bool { termination == .exited(0) }

    /// Runs `executable` with `arguments`, stdout and stderr redirected to files.
    static func run(_ executable: String, _ arguments: [String], stdout: String, stderr: String) throws -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }

        var pid: pid_t = 0
        let started = ContinuousClock.now
        let rc = argv.withUnsafeBufferPointer { buffer in
            posix_spawn(&pid, executable, &actions, nil, buffer.baseAddress!, environ)
        }
        guard rc == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let seconds = (ContinuousClock.now - started).seconds
        let termination: Termination = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
        #if os(Linux)
        let peak = Int(usage.ru_maxrss) * 1024
        #else
        let peak = Int(usage.ru_maxrss)
        #endif
        func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return ChildRun(termination: termination, seconds: seconds, peakRSSBytes: peak,
                        userSeconds: time(usage.ru_utime), systemSeconds: time(usage.ru_stime))
    }
}

/// The path of this executable (for finding `relais` next to it).
func currentExecutablePath() -> String {
    #if os(Linux)
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    #endif
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}
