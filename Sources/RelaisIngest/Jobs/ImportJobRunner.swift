import Foundation
import RelaisCore
import RelaisStore

/// The report of an import job: what every file and record became.
public struct ImportJobReport: Codable, Sendable {
    public struct File: Codable, Sendable {
        public var name: String
        /// imported, rejected or skipped.
        public var state: String
        public var counts: ImportCounts
        public var reason: String?
    }
    public var job: Int64
    public var dryRun: Bool
    public var mode: String
    public var totals = ImportCounts()
    public var files: [File] = []
    public var records: [RecordOutcome] = []
    public var rejections: [ImportReport.Rejection] = []
    public var warnings: [ImportReport.Warning] = []
    public var warningValues: [ImportReport.WarningValue] = []
    /// Resources of the source withdrawn because a full export no longer names them.
    public var withdrawn: [String] = []
}

/// Runs the import jobs sent over HTTP, one at a time, on a thread and a connection of its
/// own. Each file is one transaction that also records the file as done, so a process killed
/// mid-job resumes at the first file not committed: no file is ever half-imported.
public final class ImportJobRunner: @unchecked Sendable {
    private let databasePath: String
    private let vocabularies: Vocabularies
    private let limits: ArchiveLimits
    private let log: @Sendable (String) -> Void
    /// Told when a job starts (true) and when the queue is empty again (false).
    private let onActivity: @Sendable (Bool) -> Void
    private let condition = NSCondition()
    private var pending = false
    private var started = false

    public init(databasePath: String, vocabularies: Vocabularies, limits: ArchiveLimits = ArchiveLimits(),
                log: @escaping @Sendable (String) -> Void, onActivity: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.databasePath = databasePath
        self.vocabularies = vocabularies
        self.limits = limits
        self.log = log
        self.onActivity = onActivity
    }

    /// Starts the worker thread; it first resumes what a previous process left running.
    public func start() throws {
        let store = try Store(path: databasePath, mmapBytes: 0)
        let box = StoreHandle(store)
        condition.lock()
        guard !started else { condition.unlock(); return }
        started = true
        condition.unlock()
        let thread = Thread { [self] in
            while true {
                do {
                    if let job = try box.store.nextImportJob() {
                        onActivity(true)
                        run(job, store: box.store)
                        continue
                    }
                    onActivity(false)
                } catch {
                    log("file des imports illisible : \(error)")
                }
                condition.lock()
                if !pending { _ = condition.wait(until: Date().addingTimeInterval(5)) }
                pending = false
                condition.unlock()
            }
        }
        thread.name = "relais-imports"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// A job was queued: look now rather than at the next poll.
    public func notify() {
        condition.lock()
        pending = true
        condition.signal()
        condition.unlock()
    }

    // MARK: One job

    func run(_ job: ImportJob, store: Store) {
        let actor = "import:\(job.id)"
        let upload = URL(fileURLWithPath: job.spool).appendingPathComponent("upload")
        var report = ImportJobReport(job: job.id, dryRun: job.dryRun, mode: job.fullMode ? "full" : "incremental")
        do {
            try store.startImportJob(id: job.id, filesTotal: nil)
            log("import \(job.id) (\(job.source), \(job.kind)) : \(job.attempts > 0 ? "reprise" : "début")")
            let done = Set(try store.importJobFiles(jobID: job.id).map(\.index))
            var dryFiles: [(ImportJobReport.File, [RecordOutcome], ImportReport)] = []
            switch job.kind {
            case "zip", "tar.gz", "tar":
                let reader = ArchiveReader(path: upload.path, limits: limits)
                let entries: [ArchiveEntry]
                do {
                    entries = try reader.validate()
                } catch {
                    report.rejections = [ImportReport.Rejection(file: error.entry ?? "archive", record: nil, line: nil,
                                                                identifier: nil, reason: error.reason)]
                    try finish(job, store: store, report: report, state: .failed, error: "archive refusée : \(error.description)")
                    return
                }
                try store.setImportJobTotal(id: job.id, filesTotal: entries.count, bytesTotal: entries.reduce(0) { $0 + $1.size })
                try reader.forEachFile { entry, bytes in
                    guard !done.contains(entry.index) else { return }
                    let file = URL(fileURLWithPath: job.spool).appendingPathComponent("entry-\(entry.index)" + Self.suffix(entry.name))
                    try Data(bytes).write(to: file)
                    defer { try? FileManager.default.removeItem(at: file) }
                    if let dry = try importFile(file, name: entry.name, index: entry.index, bytes: bytes.count, job: job, store: store) {
                        dryFiles.append(dry)
                    }
                }
            default:
                try store.setImportJobTotal(id: job.id, filesTotal: 1, bytesTotal: job.uploadBytes)
                if !done.contains(0) {
                    let name = job.kind == "markdown" ? "envoi.md" : "envoi.xml"
                    if let dry = try importFile(upload, name: name, index: 0, bytes: job.uploadBytes, job: job, store: store) {
                        dryFiles.append(dry)
                    }
                }
            }
            if job.dryRun {
                for (file, records, fileReport) in dryFiles { add(file, records, fileReport, to: &report) }
            } else {
                for file in try store.importJobFiles(jobID: job.id) {
                    let decoder = JSONDecoder()
                    let counts = (try? decoder.decode(ImportCounts.self, from: Data(file.counts.utf8))) ?? ImportCounts()
                    let records = file.records.flatMap { try? decoder.decode([RecordOutcome].self, from: Data($0.utf8)) } ?? []
                    let fileReport = file.report.flatMap { try? decoder.decode(ImportReport.self, from: Data($0.utf8)) }
                    let reason = fileReport.flatMap { $0.rejections.first(where: { $0.record == nil })?.reason ?? $0.skipped.first?.reason }
                    add(ImportJobReport.File(name: file.name, state: file.state, counts: counts, reason: file.state == "imported" ? nil : reason),
                        records, fileReport, to: &report)
                }
                if job.fullMode {
                    report.withdrawn = try store.withdrawUnseen(jobID: job.id, source: job.source, actor: actor)
                    report.totals.deleted += report.withdrawn.count
                }
            }
            try finish(job, store: store, report: report, state: .succeeded, error: nil)
        } catch {
            log("import \(job.id) en échec : \(error)")
            try? finish(job, store: store, report: report, state: .failed, error: "\(error)")
        }
    }

    private func add(_ file: ImportJobReport.File, _ records: [RecordOutcome], _ fileReport: ImportReport?,
                     to report: inout ImportJobReport) {
        report.files.append(file)
        report.totals.add(file.counts)
        report.records += records
        if let fileReport {
            report.rejections += fileReport.rejections
            if report.warnings.count < ImportReport.maximumDetailedWarnings {
                report.warnings += fileReport.warnings.prefix(ImportReport.maximumDetailedWarnings - report.warnings.count)
            }
            for value in fileReport.warningValues {
                if let index = report.warningValues.firstIndex(where: { $0.field == value.field && $0.value == value.value && $0.kind == value.kind }) {
                    report.warningValues[index].count += value.count
                } else {
                    report.warningValues.append(value)
                }
            }
        }
    }

    /// Imports one file in its own transaction, recording it as done in that transaction.
    /// For a dry run nothing is recorded: the file's outcome comes back instead.
    private func importFile(_ url: URL, name: String, index: Int, bytes: Int, job: ImportJob, store: Store) throws
        -> (ImportJobReport.File, [RecordOutcome], ImportReport)? {
        let importer = Importer(store: store, vocabularies: vocabularies)
        importer.source = job.source
        importer.dryRun = job.dryRun
        importer.actor = "import:\(job.id)"
        var outcomes: [RecordOutcome] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        importer.onRecord = { outcome in
            outcomes.append(outcome)
            if job.fullMode, !job.dryRun, let id = outcome.id, outcome.outcome != "rejected", outcome.outcome != "deleted" {
                try store.markSeen(jobID: job.id, resourceID: id)
            }
        }
        importer.onFileCommitting = { file, counts in
            guard !job.dryRun else { return }
            try store.recordImportJobFile(jobID: job.id, index: index, name: name, state: "imported",
                                          counts: String(decoding: try encoder.encode(counts), as: UTF8.self),
                                          records: String(decoding: try encoder.encode(outcomes), as: UTF8.self),
                                          recordCount: counts.records, bytes: bytes)
        }
        let fileReport = try importer.run(files: [(url, name)])
        let state = fileReport.filesRejected > 0 ? "rejected" : (fileReport.filesSkipped > 0 ? "skipped" : "imported")
        let reason = fileReport.rejections.first(where: { $0.record == nil })?.reason ?? fileReport.skipped.first?.reason
        if job.dryRun {
            return (ImportJobReport.File(name: name, state: state, counts: fileReport.totals, reason: state == "imported" ? nil : reason),
                    outcomes, fileReport)
        }
        try store.transaction {
            if state != "imported" {
                try store.recordImportJobFile(jobID: job.id, index: index, name: name, state: state,
                                              counts: String(decoding: try encoder.encode(fileReport.totals), as: UTF8.self),
                                              records: nil, recordCount: 0, bytes: bytes)
            }
            try store.setImportJobFileReport(jobID: job.id, index: index,
                                             report: String(decoding: try encoder.encode(fileReport), as: UTF8.self))
        }
        return nil
    }

    private func finish(_ job: ImportJob, store: Store, report: ImportJobReport, state: ImportJob.State, error: String?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try store.finishImportJob(id: job.id, state: state, report: String(decoding: try encoder.encode(report), as: UTF8.self),
                                  error: error, actor: "import:\(job.id)")
        try? FileManager.default.removeItem(atPath: job.spool)
        log("import \(job.id) : \(state.rawValue), \(report.totals.created) créées, \(report.totals.updated) mises à jour, "
            + "\(report.totals.unchanged) inchangées, \(report.totals.rejected) refusées, \(report.totals.queued) à modérer, "
            + "\(report.withdrawn.count) retirées")
    }

    /// The extension of an entry's name, kept only when it is plain (the format is read from
    /// the content; the extension only helps for files the content does not identify).
    static func suffix(_ name: String) -> String {
        let ext = (name as NSString).pathExtension.lowercased()
        guard (1...8).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return "" }
        return "." + ext
    }
}

private final class StoreHandle: @unchecked Sendable {
    let store: Store
    init(_ store: Store) { self.store = store }
}
