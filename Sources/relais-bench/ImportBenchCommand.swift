import ArgumentParser
import Foundation

struct ImportBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Generates a corpus, then times the release `relais import` on it (child process) and a re-import.",
        discussion: """
            Run from the repository root (vocabularies resolve against the current directory). \
            Prints: records, files, seconds, records/s, peak RSS of the child (wait4 ru_maxrss), \
            database size; then the same for a re-import of the unchanged folder. Exits non-zero \
            if `relais import` failed or rejected anything.
            """
    )

    @OptionGroup var corpus: CorpusOptions

    @Option(name: .long, help: "Generate into this folder and keep it (default: a temporary folder, removed).")
    var keep: String?

    @Option(name: .long, help: "The relais executable (default: `relais` next to this executable).")
    var relais: String?

    @Option(name: .long, help: "Vocabulary folder passed to relais import; if it lacks any of the six files, six empty vocabularies are used instead.")
    var vocabularies: String = "Corpus/vocabularies"

    @Flag(name: .long, help: "Use six empty vocabularies whatever --vocabularies holds.")
    var emptyVocabularies = false

    @Option(name: .long, help: "Database path to create and keep (must not exist; default: temporary, removed).")
    var db: String?

    @Flag(name: .long, help: "Skip the re-import.")
    var noReimport = false

    @Flag(name: .long, help: "Print relais import's own summary.")
    var verbose = false

    func run() throws {
        let manager = FileManager.default
        let relaisPath = relais ?? URL(fileURLWithPath: currentExecutablePath()).deletingLastPathComponent()
            .appendingPathComponent("relais").path
        guard manager.isExecutableFile(atPath: relaisPath) else {
            throw BenchError("relais executable not found at \(relaisPath) (build it: swift build -c release --product relais, or pass --relais)")
        }
        let work = manager.temporaryDirectory.appendingPathComponent("relais-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try manager.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: work) }

        let folder = keep.map { URL(fileURLWithPath: $0) } ?? work.appendingPathComponent("bench")
        let databasePath: String
        if let db {
            guard !manager.fileExists(atPath: db) else { throw BenchError("--db \(db) already exists") }
            databasePath = db
        } else {
            databasePath = work.appendingPathComponent("bench.sqlite").path
        }
        let vocabularyFolder = try prepareVocabularies(vocabularies, empty: emptyVocabularies, work: work)

        let summary = try corpus.generate(into: folder)
        print("relais: \(relaisPath)")
        print("vocabularies: \(vocabularyFolder)")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(Self.loadAverage())")

        let arguments = ["import", folder.path, "--db", databasePath, "--vocabularies", vocabularyFolder]
        let first = try runImport(arguments, label: "import", work: work)
        let size = Self.databaseBytes(databasePath)
        print(String(format: "import:    records %d · files %d · %.2f s · %.0f records/s · peak RSS %.1f MB · DB %.1f MB"
                        + " · created %d · warnings %d · cpu %.2f s user + %.2f s sys",
                     corpus.records, summary.files, first.run.seconds, Double(corpus.records) / first.run.seconds,
                     Double(first.run.peakRSSBytes) / 1_048_576, Double(size) / 1_048_576,
                     first.counts.created, first.counts.warnings, first.run.userSeconds, first.run.systemSeconds))
        if let own = Self.ownPeakRSSKilobytes() {
            // Linux carries the spawning process's high-water RSS into the child at exec, so the
            // child's ru_maxrss is at least this figure.
            print(String(format: "(peak RSS never reads below relais-bench's own %.1f MB: Linux carries the parent's RSS into the child at spawn)",
                         Double(own) / 1024))
        }
        var failed = try check(first, expected: \.created)

        if !noReimport {
            let second = try runImport(arguments, label: "reimport", work: work)
            print(String(format: "re-import: records %d · files %d · %.2f s · %.0f records/s · peak RSS %.1f MB · DB %.1f MB"
                            + " · unchanged %d · cpu %.2f s user + %.2f s sys",
                         corpus.records, summary.files, second.run.seconds, Double(corpus.records) / second.run.seconds,
                         Double(second.run.peakRSSBytes) / 1_048_576, Double(Self.databaseBytes(databasePath)) / 1_048_576,
                         second.counts.unchanged, second.run.userSeconds, second.run.systemSeconds))
            failed = try check(second, expected: \.unchanged) || failed
        }
        if db == nil { Self.removeDatabase(databasePath) }
        if failed { throw ExitCode.failure }
    }

    // MARK: Steps

    struct Outcome {
        var run: ChildRun
        var counts: RelaisSummary
        var stdout: String
        var stderr: String
    }

    private func runImport(_ arguments: [String], label: String, work: URL) throws -> Outcome {
        let relaisPath = relais ?? URL(fileURLWithPath: currentExecutablePath()).deletingLastPathComponent()
            .appendingPathComponent("relais").path
        let out = work.appendingPathComponent("\(label).out").path
        let err = work.appendingPathComponent("\(label).err").path
        let run = try ChildRun.run(relaisPath, arguments, stdout: out, stderr: err)
        let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        if verbose { print(stdout, terminator: "") }
        return Outcome(run: run, counts: RelaisSummary(stdout), stdout: stdout, stderr: stderr)
    }

    /// Reports a failed child; returns true when the benchmark must fail.
    private func check(_ outcome: Outcome, expected: KeyPath<RelaisSummary, Int>) throws -> Bool {
        switch outcome.run.termination {
        case .exited(0):
            if outcome.counts[keyPath: expected] != corpus.records {
                print("WARNING: expected \(corpus.records) records, relais reported \(outcome.counts)")
            }
            return false
        case .exited(1):
            print("FAILED: relais import rejected \(outcome.counts.rejected) record(s) and \(outcome.counts.filesRejected) file(s)")
            for line in outcome.stdout.split(separator: "\n") where line.contains("REFUSÉ") || line.contains("...") {
                print("  " + line.trimmingCharacters(in: .whitespaces))
            }
            return true
        case .exited(let code):
            print("FAILED: relais import exited with status \(code)")
            print(outcome.stderr.split(separator: "\n").suffix(10).joined(separator: "\n"))
            return true
        case .signaled(let signal):
            print("FAILED: relais import killed by signal \(signal)")
            return true
        }
    }

    /// This process's high-water RSS (VmHWM), in kB.
    static func ownPeakRSSKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").compactMap { Int($0) }.first
        }
        return nil
    }

    /// The 1-minute load average: other work on the machine skews wall-clock figures.
    static func loadAverage() -> String {
        var loads = [Double](repeating: 0, count: 3)
        guard getloadavg(&loads, 3) == 3 else { return "?" }
        return String(format: "%.2f", loads[0])
    }

    static func databaseBytes(_ path: String) -> Int {
        ["", "-wal", "-shm"].reduce(0) { total, suffix in
            let size = (try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? NSNumber)?.intValue
            return total + (size ?? 0)
        }
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// The counts `relais import` prints: the "total" row of its table and the "Fichiers" line.
struct RelaisSummary: CustomStringConvertible {
    var created = 0
    var updated = 0
    var unchanged = 0
    var deleted = 0
    var rejected = 0
    var queued = 0
    var warnings = 0
    var filesRead = 0
    var filesSkipped = 0
    var filesRejected = 0

    init(_ stdout: String) {
        for line in stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            // created, updated, unchanged, deleted, rejected, queued for moderation, warnings
            if words.first == "total", words.count == 8 {
                let numbers = words.dropFirst().compactMap { Int($0) }
                if numbers.count == 7 {
                    (created, updated, unchanged, deleted, rejected, queued, warnings) =
                        (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6])
                }
            } else if line.hasPrefix("Fichiers") {
                let numbers = words.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }
                if numbers.count == 3 { (filesRead, filesSkipped, filesRejected) = (numbers[0], numbers[1], numbers[2]) }
            }
        }
    }

    var description: String {
        "created \(created), updated \(updated), unchanged \(unchanged), deleted \(deleted), rejected \(rejected), queued \(queued), "
            + "warnings \(warnings); files read \(filesRead), skipped \(filesSkipped), rejected \(filesRejected)"
    }
}

/// The vocabulary folder to use: `path` when it holds the six files, else (or when `empty`)
/// a folder of six empty vocabularies under `work`.
func prepareVocabularies(_ path: String, empty: Bool, work: URL) throws -> String {
    let names = ["niveaux", "domaines", "types", "roles", "besoins", "licences"]
    let manager = FileManager.default
    let given = URL(fileURLWithPath: path).standardizedFileURL
    let missing = names.filter { !manager.fileExists(atPath: given.appendingPathComponent("\($0).json").path) }
    if !empty && missing.isEmpty { return given.path }
    if !empty {
        print("note: \(given.path) lacks \(missing.map { $0 + ".json" }.joined(separator: ", ")): using six empty vocabularies")
    }
    let folder = work.appendingPathComponent("vocabularies")
    try manager.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in names {
        try Data(#"{"name":"\#(name)","label":"\#(name)","version":1,"terms":[]}"#.utf8)
            .write(to: folder.appendingPathComponent("\(name).json"))
    }
    return folder.path
}
