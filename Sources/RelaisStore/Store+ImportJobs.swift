import Foundation
import RelaisCore
import RelaisSQLite

/// An import sent over HTTP, kept until it is done: the upload waits in `spool`.
public struct ImportJob: Sendable, Equatable {
    public enum State: String, Sendable { case queued, running, succeeded, failed }
    public var id: Int64
    public var source: String
    public var accountID: Int64?
    public var state: State
    public var dryRun: Bool
    public var fullMode: Bool
    public var kind: String
    public var spool: String
    public var uploadBytes: Int
    public var filesTotal: Int?
    public var filesDone: Int
    public var recordsDone: Int
    public var report: String?
    public var error: String?
    public var attempts: Int
    /// Decompressed bytes of the files to import, and of those done.
    public var bytesTotal: Int?
    public var bytesDone: Int
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
}

/// A file of a job, as committed.
public struct ImportJobFile: Sendable, Equatable {
    public var index: Int
    public var name: String
    public var state: String
    public var counts: String
    public var records: String?
    public var report: String?
}

extension Store {
    static let jobColumns = """
        id, source, account_id, state, dry_run, mode, kind, spool, upload_bytes, files_total, files_done, records_done,
        report, error, attempts, created_at, started_at, finished_at, bytes_total, bytes_done
        """

    func job(from s: Statement) -> ImportJob {
        ImportJob(id: s.int64(0), source: s.text(1) ?? "", accountID: s.isNull(2) ? nil : s.int64(2),
                  state: ImportJob.State(rawValue: s.text(3) ?? "") ?? .failed, dryRun: s.int(4) != 0, fullMode: s.text(5) == "full",
                  kind: s.text(6) ?? "", spool: s.text(7) ?? "", uploadBytes: s.int(8), filesTotal: s.isNull(9) ? nil : s.int(9),
                  filesDone: s.int(10), recordsDone: s.int(11), report: s.text(12), error: s.text(13), attempts: s.int(14),
                  bytesTotal: s.isNull(18) ? nil : s.int(18), bytesDone: s.int(19),
                  createdAt: s.text(15) ?? "", startedAt: s.text(16), finishedAt: s.text(17))
    }

    public func createImportJob(source: String, accountID: Int64?, dryRun: Bool, fullMode: Bool, kind: String, spool: String,
                                uploadBytes: Int, actor: String) throws -> ImportJob {
        try transaction {
            try db.prepare("""
                INSERT INTO import_jobs (source, account_id, state, dry_run, mode, kind, spool, upload_bytes, created_at)
                VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?)
                """).run([source, accountID, dryRun, fullMode ? "full" : "incremental", kind, spool, uploadBytes, Clock.now()])
            let id = db.lastInsertRowID
            try audit(actor: actor, action: "import.job", object: "import:\(id)",
                      detail: "\(kind), \(uploadBytes) octets\(dryRun ? ", simulation" : "")\(fullMode ? ", export complet" : "")",
                      to: "queued")
            return try importJob(id: id)!
        }
    }

    public func importJob(id: Int64) throws -> ImportJob? {
        let statement = try db.prepare("SELECT \(Self.jobColumns) FROM import_jobs WHERE id = ?")
        try statement.bindAll([id])
        return try statement.step() ? job(from: statement) : nil
    }

    public func importJobs(source: String?, limit: Int = 100) throws -> [ImportJob] {
        let statement = try db.prepare("""
            SELECT \(Self.jobColumns) FROM import_jobs WHERE (?1 IS NULL OR source = ?1) ORDER BY id DESC LIMIT ?2
            """)
        try statement.bindAll([source, limit])
        var jobs: [ImportJob] = []
        while try statement.step() { jobs.append(job(from: statement)) }
        return jobs
    }

    /// The oldest job still to do: one left running by a process that stopped, else a queued one.
    public func nextImportJob() throws -> ImportJob? {
        let statement = try db.prepare("""
            SELECT \(Self.jobColumns) FROM import_jobs WHERE state IN ('running', 'queued')
            ORDER BY state = 'queued', id LIMIT 1
            """)
        return try statement.step() ? job(from: statement) : nil
    }

    public func startImportJob(id: Int64, filesTotal: Int?) throws {
        try db.prepare("""
            UPDATE import_jobs SET state = 'running', started_at = coalesce(started_at, ?), attempts = attempts + 1,
                   files_total = coalesce(?, files_total) WHERE id = ?
            """).run([Clock.now(), filesTotal, id])
    }

    public func setImportJobTotal(id: Int64, filesTotal: Int, bytesTotal: Int) throws {
        try db.prepare("UPDATE import_jobs SET files_total = ?, bytes_total = ? WHERE id = ?").run([filesTotal, bytesTotal, id])
    }

    /// Records while the job runs: those done, scaled by the bytes still to read (records are
    /// about the same size within one export); exact once the job is over.
    public static func estimatedRecords(_ job: ImportJob) -> Int? {
        if job.state == .succeeded || job.state == .failed { return job.recordsDone }
        guard let total = job.bytesTotal, job.bytesDone > 0, job.recordsDone > 0 else { return nil }
        return Int((Double(job.recordsDone) * Double(total) / Double(job.bytesDone)).rounded())
    }

    /// Records a file of a job (call inside the file's transaction for imported files).
    public func recordImportJobFile(jobID: Int64, index: Int, name: String, state: String, counts: String, records: String?,
                                    recordCount: Int, bytes: Int = 0) throws {
        try db.prepare("""
            INSERT OR REPLACE INTO import_job_files (job_id, entry_index, name, state, counts, records) VALUES (?, ?, ?, ?, ?, ?)
            """).run([jobID, index, name, state, counts, records])
        try db.prepare("""
            UPDATE import_jobs SET files_done = (SELECT count(*) FROM import_job_files WHERE job_id = ?1),
                   records_done = records_done + ?2, bytes_done = bytes_done + ?3 WHERE id = ?1
            """).run([jobID, recordCount, bytes])
    }

    public func setImportJobFileReport(jobID: Int64, index: Int, report: String) throws {
        try db.prepare("UPDATE import_job_files SET report = ? WHERE job_id = ? AND entry_index = ?").run([report, jobID, index])
    }

    public func importJobFiles(jobID: Int64) throws -> [ImportJobFile] {
        let statement = try db.prepare("""
            SELECT entry_index, name, state, counts, records, report FROM import_job_files WHERE job_id = ? ORDER BY entry_index
            """)
        try statement.bindAll([jobID])
        var files: [ImportJobFile] = []
        while try statement.step() {
            files.append(ImportJobFile(index: statement.int(0), name: statement.text(1) ?? "", state: statement.text(2) ?? "",
                                       counts: statement.text(3) ?? "{}", records: statement.text(4), report: statement.text(5)))
        }
        return files
    }

    public func markSeen(jobID: Int64, resourceID: String) throws {
        try db.prepare("INSERT OR IGNORE INTO import_job_seen (job_id, resource_id) VALUES (?, ?)").run([jobID, resourceID])
    }

    /// Withdraws the published resources of `source` a full export did not name; returns their ids.
    public func withdrawUnseen(jobID: Int64, source: String, actor: String) throws -> [String] {
        try transaction {
            let statement = try db.prepare("""
                SELECT id FROM resources WHERE source = ? AND status = 'published'
                  AND id NOT IN (SELECT resource_id FROM import_job_seen WHERE job_id = ?)
                """)
            try statement.bindAll([source, jobID])
            var ids: [String] = []
            while try statement.step() { ids.append(statement.text(0) ?? "") }
            for id in ids {
                _ = try delete(id: ResourceID(rawValue: id), batch: nil)
                try audit(actor: actor, action: "resource.withdraw", object: id, detail: "absente de l'export complet (import:\(jobID))",
                          from: "published", to: "deleted")
            }
            return ids
        }
    }

    public func finishImportJob(id: Int64, state: ImportJob.State, report: String?, error: String?, actor: String) throws {
        try transaction {
            try db.prepare("UPDATE import_jobs SET state = ?, report = ?, error = ?, finished_at = ? WHERE id = ?")
                .run([state.rawValue, report, error, Clock.now(), id])
            try db.prepare("DELETE FROM import_job_seen WHERE job_id = ?").run([id])
            try audit(actor: actor, action: "import.job", object: "import:\(id)", detail: error, from: "running", to: state.rawValue)
        }
    }
}
