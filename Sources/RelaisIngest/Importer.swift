import Foundation
import RelaisCore
import RelaisStore

/// Counts for one format (or for everything).
public struct ImportCounts: Codable, Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var deleted = 0
    public var rejected = 0
    /// Records of an untrusted source put in the moderation queue instead of published.
    public var queued = 0
    public var warnings = 0

    public init() {}

    public var records: Int { created + updated + unchanged + deleted + rejected + queued }

    mutating func add(_ other: ImportCounts) {
        created += other.created
        updated += other.updated
        unchanged += other.unchanged
        deleted += other.deleted
        rejected += other.rejected
        queued += other.queued
        warnings += other.warnings
    }
}

/// Everything a partner needs to act on an import.
public struct ImportReport: Codable, Sendable {
    public struct Rejection: Codable, Sendable {
        public var file: String
        /// Nil when the whole file was refused.
        public var record: Int?
        public var line: Int?
        public var identifier: String?
        public var reason: String
    }
    public struct Skipped: Codable, Sendable {
        public var file: String
        public var reason: String
    }
    public struct Warning: Codable, Sendable {
        public var file: String
        public var record: Int
        public var line: Int?
        public var identifier: String
        public var kind: String
        public var field: String
        public var value: String
        public var message: String
    }

    public var batch: Int64?
    public var dryRun: Bool
    public var paths: [String]
    public var filesRead = 0
    public var filesRejected = 0
    public var filesSkipped = 0
    public var totals = ImportCounts()
    public var byFormat: [String: ImportCounts] = [:]
    public var elapsedSeconds: Double = 0
    public var recordsPerSecond: Double = 0
    public var rejections: [Rejection] = []
    public var skipped: [Skipped] = []
    /// The first `maximumDetailedWarnings` warnings in full; the rest are counted in
    /// `warningValues` only, so a batch of millions of records keeps its memory flat.
    public var warnings: [Warning] = []
    public var warningsNotDetailed = 0
    /// Every warning, counted by field and value ("types « portfolio »": 12).
    public var warningValues: [WarningValue] = []

    public struct WarningValue: Codable, Sendable {
        public var kind: String
        public var field: String
        public var value: String
        public var count: Int
    }

    public static let maximumDetailedWarnings = 1_000

    public var hasRejections: Bool { !rejections.isEmpty }
}

/// What became of one record: the line of a per-record report.
public struct RecordOutcome: Codable, Sendable, Equatable {
    public var file: String
    public var record: Int
    public var line: Int?
    public var identifier: String?
    public var id: String?
    /// created, updated, unchanged, deleted, queued or rejected.
    public var outcome: String
    public var reason: String?
}

/// What the importer tells its caller as it goes (for a progress bar or log lines).
public struct ImportProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var recordsDone: Int
    public var currentFile: String
}

/// Batch import: files or folders, formats detected by content, one transaction per file.
/// A file that fails leaves nothing behind; a bad record inside a good file is reported and
/// skipped while its siblings are stored.
public final class Importer {
    public static let mapperVersion = "relais-mappers-1"
    /// The page cache while importing, in KiB (see `run`).
    static let importCacheKiB = 32 * 1024

    let store: Store
    let vocabularies: Vocabularies
    public var source: String?
    public var dryRun = false
    public var limits = XMLLimits()
    public var maxSheetBytes = 2 << 20
    public var actor = "import"
    /// Called for every record, inside the file's transaction.
    public var onRecord: ((RecordOutcome) throws -> Void)?
    /// Called once a file's records are written, inside its transaction (before the commit):
    /// whatever it writes is committed with the file or not at all.
    public var onFileCommitting: ((_ file: String, _ counts: ImportCounts) throws -> Void)?

    private struct WarningKey: Hashable {
        var kind: String
        var field: String
        var value: String
    }

    private var warningIndex: [WarningKey: Int] = [:]

    public init(store: Store, vocabularies: Vocabularies) {
        self.store = store
        self.vocabularies = vocabularies
    }

    public func run(paths: [String], progress: ((ImportProgress) -> Void)? = nil) throws -> ImportReport {
        try run(entries: try Self.collectFiles(paths), paths: paths, progress: progress)
    }

    /// Imports files under names of the caller's choosing (the entries of an uploaded archive,
    /// spooled to files of ours): `display` is what reports and provenance say.
    public func run(files: [(url: URL, display: String)], progress: ((ImportProgress) -> Void)? = nil) throws -> ImportReport {
        let entries = files.map { FileEntry(url: $0.url, display: $0.display, source: source ?? "") }
        return try run(entries: entries, paths: files.map(\.display), progress: progress)
    }

    private func run(entries files: [FileEntry], paths: [String], progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        let started = ContinuousClock.now
        var report = ImportReport(dryRun: dryRun, paths: paths)
        warningIndex = [:]
        // The store maps up to 1 GB of the file for searches (`PRAGMA mmap_size`). An import
        // touches every page it writes near, and each mapped page stays in its RSS: 800 MB
        // peak at 100k records. It reads through SQLite's page cache instead, bounded by
        // `cache_size`, and the mapping comes back when it is done.
        let mappedBytes = try store.db.scalarInt("PRAGMA mmap_size") ?? 0
        if mappedBytes != 0 { try store.db.execute("PRAGMA mmap_size = 0") }
        defer { if mappedBytes != 0 { try? store.db.execute("PRAGMA mmap_size = \(mappedBytes)") } }
        // A page cache of 32 MB instead of 16 while importing: past ~50k records the indexes'
        // pages no longer fitted and were read back by `pread` at every insert (100k records:
        // 9,463 / 9,231 → 9,834 / 9,623 records/s, peak RSS 99 → 114 MB; 64 MB: 147 MB).
        // (`cache_size` is in pages when positive, in KiB when negative.)
        let pageSize = try store.db.scalarInt("PRAGMA page_size") ?? 4096
        let cacheSetting = try store.db.scalarInt("PRAGMA cache_size") ?? -16000
        let cacheKiB = cacheSetting < 0 ? -cacheSetting : cacheSetting * pageSize / 1024
        if cacheKiB < Int64(Self.importCacheKiB) {
            try store.db.execute("PRAGMA cache_size = -\(Self.importCacheKiB)")
        }
        defer { try? store.db.execute("PRAGMA cache_size = \(cacheSetting)") }
        // A checkpoint after every file copied again the index pages each file rewrites; one per
        // 32 MB of WAL copies them once: 100k records 5 % faster than every 4 MB. In bytes, not
        // pages: at 16 kB a page, 8,000 pages let the WAL of a 10k import grow to 94 MB and be
        // copied whole at the end (7,630 / 7,646 → 8,030 / 7,944 records/s with 2,000 pages).
        let checkpointPages = try store.db.scalarInt("PRAGMA wal_autocheckpoint") ?? 1000
        try store.db.execute("PRAGMA wal_autocheckpoint = \((32 << 20) / max(pageSize, 512))")
        defer { try? store.db.execute("PRAGMA wal_autocheckpoint = \(checkpointPages)") }
        if !dryRun {
            report.batch = try store.beginBatch(arguments: paths.joined(separator: " "))
        }
        // The log and file on their way to the disk while the import writes, not at each sync.
        let writeBehind = dryRun ? nil : store.startWriteBehind()
        defer { writeBehind?.stop() }
        var recordsDone = 0
        defer { prefetched?.job.cancel(); prefetched = nil }
        for (index, entry) in files.enumerated() {
            progress?(ImportProgress(filesDone: index, filesTotal: files.count, recordsDone: recordsDone,
                                     currentFile: entry.display))
            let base = recordsDone
            let next = index + 1 < files.count ? files[index + 1] : nil
            if !dryRun && index > 0 && next == nil {
                // The log copied back now, while the last file is parsed on the other core, and
                // not at the close, when nothing else is left to do (~30 ms of a 10k import).
                try? store.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
            recordsDone += importFile(entry, next: next, into: &report) { inFile in
                // Large files report as they go, not only when they end.
                progress?(ImportProgress(filesDone: index, filesTotal: files.count, recordsDone: base + inFile,
                                         currentFile: entry.display))
            }
        }
        progress?(ImportProgress(filesDone: files.count, filesTotal: files.count, recordsDone: recordsDone,
                                 currentFile: ""))
        let elapsed = ContinuousClock.now - started
        report.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report.recordsPerSecond = report.elapsedSeconds > 0 ? Double(report.totals.records) / report.elapsedSeconds : 0
        if let batch = report.batch {
            let summary = try String(decoding: JSONEncoder().encode(report.totals), as: UTF8.self)
            try store.transaction {
                try store.finishBatch(batch, summary: summary)
                try store.audit(actor: actor, action: "import.batch", object: "batch:\(batch)", detail: summary)
            }
        }
        return report
    }

    // MARK: One file

    /// The parser of the next file, started when the current file's storing starts: it parses
    /// while the current file's last records are stored, its search index flushed and its
    /// transaction committed, when nothing parsed before.
    private var prefetched: (url: URL, job: ParseJob)?

    private func parser(for detected: DetectedFormat) -> (any RecordParser)? {
        switch detected {
        case .xml: XMLRecordParser(limits: limits)
        case .markdown: MarkdownSheetParser()
        case .jsonl: JSONLRecordParser()
        case .unknown: nil
        }
    }

    private func context(for entry: FileEntry) -> MappingContext {
        MappingContext(vocabularies: vocabularies, source: self.source ?? entry.source, file: entry.display)
    }

    /// Starts parsing `entry` ahead (nothing when its format is not one we parse: `importFile`
    /// reports that when it gets there).
    private func prefetch(_ entry: FileEntry) {
        guard let detected = try? Self.detect(entry.url), let parser = parser(for: detected) else { return }
        prefetched = (entry.url, ParseJob(parser: parser, file: entry.url, context: context(for: entry)))
    }

    private func importFile(_ entry: FileEntry, next: FileEntry?, into report: inout ImportReport,
                            recordProgress: (Int) -> Void) -> Int {
        // The parse started ahead for this file, if any; one of another file is stopped.
        var job: ParseJob?
        if let prefetched, prefetched.url == entry.url { job = prefetched.job } else { prefetched?.job.cancel() }
        prefetched = nil
        // Stopped if the file ends early (a rejection, a storage error): its thread must end.
        defer { job?.cancel() }
        report.filesRead += 1
        let detected: DetectedFormat
        do {
            detected = try Self.detect(entry.url)
        } catch {
            report.filesRejected += 1
            report.rejections.append(.init(file: entry.display, reason: "\(error)"))
            return 0
        }
        guard let parser = parser(for: detected) else {
            if case .unknown(let why) = detected {
                report.filesSkipped += 1
                report.skipped.append(.init(file: entry.display, reason: why))
            }
            return 0
        }
        let source = self.source ?? entry.source
        let context = context(for: entry)
        var counts: [String: ImportCounts] = [:]
        var rejections: [ImportReport.Rejection] = []
        var warnings: [ImportReport.Warning] = []
        var fileWarningValues: [WarningKey: Int] = [:]
        let batch = report.batch
        var seen = 0
        let trusted: Bool
        do {
            trusted = try store.isTrusted(source: source)
        } catch {
            report.filesRejected += 1
            report.rejections.append(.init(file: entry.display, reason: "\(error)"))
            return 0
        }
        do {
            let work = {
                let parsing = job ?? ParseJob(parser: parser, file: entry.url, context: context)
                job = parsing
                // The next file is parsed from now on too: when this file's parsing ends, its last
                // queued records are still to store, then its index to flush and its transaction to
                // commit; the parsing thread sat idle through all that. Its queue bounds how far it gets.
                if let next, self.prefetched == nil { self.prefetch(next) }
                try parsing.consume { event in
                    seen += 1
                    if seen % 1000 == 0 { recordProgress(seen) }
                    switch event {
                    case .record(let record):
                        let format = record.resource.format.rawValue
                        let provenance = Provenance(
                            file: entry.display, recordIndex: record.recordIndex, line: record.line, batch: batch,
                            contentHash: ContentHash.hex(record.originalUTF8, salt: Self.mapperVersion))
                        let stored = StoredRecord(resource: record.resource, provenance: provenance,
                                                  originalUTF8: record.originalUTF8)
                        guard trusted else {
                            let queued = try self.store.queueImported(stored, actor: self.actor)
                            if queued {
                                counts[format, default: .init()].queued += 1
                            } else {
                                counts[format, default: .init()].unchanged += 1
                            }
                            try self.onRecord?(RecordOutcome(file: entry.display, record: record.recordIndex, line: record.line,
                                                             identifier: record.resource.sourceIdentifier, id: record.resource.id.rawValue,
                                                             outcome: queued ? "queued" : "unchanged"))
                            return
                        }
                        let outcome = try self.store.write(stored, batch: batch)
                        try self.onRecord?(RecordOutcome(file: entry.display, record: record.recordIndex, line: record.line,
                                                         identifier: record.resource.sourceIdentifier, id: record.resource.id.rawValue,
                                                         outcome: outcome.rawValue))
                        switch outcome {
                        case .created: counts[format, default: .init()].created += 1
                        case .updated: counts[format, default: .init()].updated += 1
                        case .unchanged: counts[format, default: .init()].unchanged += 1
                        case .deleted: counts[format, default: .init()].deleted += 1
                        }
                        counts[format, default: .init()].warnings += record.warnings.count
                        for warning in record.warnings {
                            fileWarningValues[WarningKey(kind: warning.kind.rawValue, field: warning.field,
                                                         value: warning.value), default: 0] += 1
                            guard warnings.count < ImportReport.maximumDetailedWarnings else { continue }
                            warnings.append(.init(file: entry.display, record: record.recordIndex, line: record.line,
                                                  identifier: record.resource.sourceIdentifier, kind: warning.kind.rawValue,
                                                  field: warning.field, value: warning.value, message: warning.message))
                        }
                    case .deleted(let identifier, let recordIndex, let line):
                        let id = ResourceID(source: source, sourceIdentifier: identifier)
                        let deleted = try self.store.delete(id: id, batch: batch)
                        if deleted {
                            counts[detected.name, default: .init()].deleted += 1
                        }
                        try self.onRecord?(RecordOutcome(file: entry.display, record: recordIndex, line: line, identifier: identifier,
                                                         id: id.rawValue, outcome: deleted ? "deleted" : "unchanged"))
                    case .rejected(let rejection):
                        counts[detected.name, default: .init()].rejected += 1
                        try self.onRecord?(RecordOutcome(file: entry.display, record: rejection.recordIndex, line: rejection.line,
                                                         identifier: rejection.identifier, id: nil, outcome: "rejected",
                                                         reason: rejection.reason))
                        rejections.append(.init(file: entry.display, record: rejection.recordIndex, line: rejection.line,
                                                identifier: rejection.identifier, reason: rejection.reason))
                    }
                }
                let summary = counts.values.reduce(into: ImportCounts()) { $0.add($1) }
                try self.onFileCommitting?(entry.display, summary)
                if !self.dryRun {
                    try self.store.audit(actor: self.actor, action: "import.file", object: entry.display,
                                         detail: "batch \(batch ?? 0): \(summary.created) créées, \(summary.updated) mises à jour, "
                                            + "\(summary.unchanged) inchangées, \(summary.deleted) supprimées, \(summary.rejected) refusées"
                                            + (summary.queued > 0 ? ", \(summary.queued) en attente de modération" : ""))
                }
            }
            if dryRun { try store.rehearse(work) } else { try store.transaction(work) }
        } catch let skipped as FileSkipped {
            report.filesSkipped += 1
            report.skipped.append(.init(file: entry.display, reason: skipped.reason))
            return 0
        } catch let rejection as FileRejection {
            report.filesRejected += 1
            report.rejections.append(.init(file: entry.display, line: rejection.line, reason: rejection.description))
            return 0
        } catch {
            report.filesRejected += 1
            report.rejections.append(.init(file: entry.display, reason: "\(error)"))
            return 0
        }
        var done = 0
        for (format, count) in counts {
            report.byFormat[format, default: .init()].add(count)
            report.totals.add(count)
            done += count.records
        }
        report.rejections.append(contentsOf: rejections)
        for (key, count) in fileWarningValues.sorted(by: { ($0.key.field, $0.key.value) < ($1.key.field, $1.key.value) }) {
            if let index = warningIndex[key] {
                report.warningValues[index].count += count
            } else if warningIndex.count < 100_000 {
                warningIndex[key] = report.warningValues.count
                report.warningValues.append(.init(kind: key.kind, field: key.field, value: key.value, count: count))
            }
        }
        let room = max(0, ImportReport.maximumDetailedWarnings - report.warnings.count)
        report.warnings.append(contentsOf: warnings.prefix(room))
        report.warningsNotDetailed += fileWarningValues.values.reduce(0, +) - min(room, warnings.count)
        return done
    }

    // MARK: Files and formats

    struct FileEntry {
        var url: URL
        /// Path as shown in reports: relative to the argument's parent when possible.
        var display: String
        /// Default source: the first folder under a folder argument, else the file's folder.
        var source: String
    }

    static func collectFiles(_ paths: [String]) throws -> [FileEntry] {
        var entries: [FileEntry] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw FileRejection(reason: "chemin introuvable : \(path)")
            }
            let root = URL(fileURLWithPath: path).standardizedFileURL
            if !isDirectory.boolValue {
                entries.append(FileEntry(url: root, display: path,
                                         source: root.deletingLastPathComponent().lastPathComponent))
                continue
            }
            guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                      options: [.skipsHiddenFiles]) else { continue }
            var found: [FileEntry] = []
            let rootComponents = root.pathComponents.count
            for case let url as URL in enumerator {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let components = url.standardizedFileURL.pathComponents
                let relative = components.dropFirst(rootComponents)
                let source = relative.count > 1 ? relative.first! : root.lastPathComponent
                let display = (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/" + relative.joined(separator: "/")
                found.append(FileEntry(url: url, display: display, source: source))
            }
            entries.append(contentsOf: found.sorted { $0.display < $1.display })
        }
        return entries
    }

    enum DetectedFormat {
        case xml, markdown, jsonl, unknown(String)

        var name: String {
            switch self {
            case .xml: "xml"
            case .markdown: "markdown"
            case .jsonl: "jsonl"
            case .unknown: "inconnu"
            }
        }
    }

    /// By content first: `<` starts XML, `{` a JSONL export, `---` a fact sheet; the extension only decides for
    /// files whose content says nothing we know (then `.xml` / `.md` are read and rejected
    /// with the parser's reason, anything else is skipped).
    static func detect(_ url: URL) throws -> DetectedFormat {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FileRejection(reason: "fichier illisible")
        }
        defer { try? handle.close() }
        let head = Array(handle.readData(ofLength: 512))
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let content = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let ext = url.pathExtension.lowercased()
        if content.first == UInt8(ascii: "<") { return .xml }
        // A JSONL export of Relais: each line an object with the resource and its original.
        if content.first == UInt8(ascii: "{") { return .jsonl }
        if MarkdownSheetParser.looksLikeSheet(Array(head)) { return .markdown }
        if ["xml", "lom", "oai"].contains(ext) { return .xml }
        if ["md", "markdown"].contains(ext) { return .unknown("Markdown sans en-tête « --- » : pas une fiche") }
        if head.isEmpty { return .unknown("fichier vide") }
        return .unknown("format non reconnu (ni XML, ni fiche Markdown avec en-tête ---)")
    }
}

/// A file parsed and mapped on a thread of its own while the calling thread stores its records:
/// two cores, two stages. Started ahead, it parses the next file while the current one commits.
final class ParseJob: @unchecked Sendable {
    // Room for two files of 1,000 records: with 256 the parsing thread of the next file filled
    // the queue and waited through the whole flush of the current file's search index.
    private let queue = EventQueue(capacity: 2048)

    init(parser: any RecordParser, file: URL, context: MappingContext) {
        let queue = self.queue
        let thread = Thread {
            do {
                try parser.parse(file: file, context: context) { event in
                    if !queue.put(.event(event)) { throw CancellationError() }
                }
                _ = queue.put(.done(nil))
            } catch {
                _ = queue.put(.done(error))
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Hands each event to `handle`, on this thread, until the file ends; throws the parser's
    /// error, or `handle`'s (the parsing then stops).
    func consume(_ handle: (RecordEvent) throws -> Void) throws {
        while true {
            switch queue.take() {
            case .event(let event):
                do { try handle(event) } catch { queue.cancel(); throw error }
            case .done(let error):
                if let error { throw error }
                return
            }
        }
    }

    /// Stops the parsing thread at its next record (it may be waiting for room in the queue).
    func cancel() {
        queue.cancel()
    }
}

/// A bounded blocking queue between the parsing thread and the storing thread.
///
/// The storing thread is usually the faster one: it found the queue empty after each record,
/// slept, and was woken for the next one, a futex wake and a context switch per record. A
/// waiting taker is now woken once `wakeBatch` items are ready (or at the end, or when the
/// queue is full), and takes them one after the other without sleeping. Order and contents
/// are the same; only when the storing thread sleeps changes.
final class EventQueue: @unchecked Sendable {
    enum Item { case event(RecordEvent), done((any Error)?) }
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0
    private let capacity: Int
    private let wakeBatch: Int
    private var cancelled = false
    private var takerWaiting = false
    private var putterWaiting = false

    init(capacity: Int, wakeBatch: Int = 16) {
        self.capacity = capacity
        self.wakeBatch = max(1, min(wakeBatch, capacity))
    }

    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled {
            putterWaiting = true
            condition.wait()
        }
        putterWaiting = false
        if cancelled { return false }
        items.append(item)
        let ready = items.count - head
        if takerWaiting, ready >= wakeBatch || ready >= capacity || { if case .done = item { true } else { false } }() {
            condition.broadcast()
        }
        return true
    }

    func take() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count {
            takerWaiting = true
            condition.wait()
        }
        takerWaiting = false
        let item = items[head]
        head += 1
        if head >= 1024 { items.removeFirst(head); head = 0 }
        if putterWaiting { condition.broadcast() }
        return item
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
