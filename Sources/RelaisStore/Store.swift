import Foundation
import RelaisCore
public import RelaisSQLite
import RelaisText

public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

enum Clock {
    /// ISO 8601 UTC to the second. Formatting a date costs more than writing a row: the string
    /// is reused within the same second.
    nonisolated(unsafe) private static var cache: (second: Int, text: String) = (-1, "")
    private static let lock = NSLock()

    static func now() -> String {
        let seconds = Int(Date().timeIntervalSince1970)
        lock.lock()
        defer { lock.unlock() }
        if cache.second != seconds {
            cache = (seconds, Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601))
        }
        return cache.text
    }
}

/// What storing one record did.
public enum WriteOutcome: String, Codable, Sendable {
    case created, updated, unchanged, deleted
}

/// A record as it goes into the store.
public struct StoredRecord: Sendable {
    public var resource: Resource
    public var provenance: Provenance
    /// The original record's UTF-8 bytes, bound as they are.
    public var originalUTF8: [UInt8]
    public var original: String {
        get { String(decoding: originalUTF8, as: UTF8.self) }
        set { originalUTF8 = Array(newValue.utf8) }
    }

    public init(resource: Resource, provenance: Provenance, original: String) {
        self.init(resource: resource, provenance: provenance, originalUTF8: Array(original.utf8))
    }

    public init(resource: Resource, provenance: Provenance, originalUTF8: [UInt8]) {
        self.resource = resource
        self.provenance = provenance
        self.originalUTF8 = originalUTF8
    }
}

/// The writer side of the store: one connection, used by one task at a time.
/// SQL stays in this module behind Swift types.
public final class Store {
    public let db: Database
    private lazy var selectHash = try! db.prepare("SELECT content_hash, status, rowid FROM resources WHERE id = ?")
    private static let insertResource = """
        INSERT INTO resources (id, source, source_identifier, format, status, title, keywords, description, body,
                               record, original, content_hash, file, record_index, line, batch_id,
                               created_at, updated_at, sort_date, duration)
        VALUES (?1, ?2, ?3, ?4, 'published', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18)
        """
    /// A new row: a plain insert, without triggers, so that SQLite keeps no statement journal
    /// for it (see migration 14); its change is logged by `logInsert`.
    private lazy var insert = try! db.prepare(Self.insertResource)
    private lazy var logInsert = try! db.prepare("INSERT INTO resource_changes (row) VALUES (?)")
    /// A row that exists (updated, or published again after a deletion).
    private lazy var upsert = try! db.prepare(Self.insertResource + "\n" + """
        ON CONFLICT (id) DO UPDATE SET
            format = excluded.format, status = 'published', title = excluded.title,
            keywords = excluded.keywords, description = excluded.description, body = excluded.body,
            record = excluded.record, original = excluded.original, content_hash = excluded.content_hash,
            file = excluded.file, record_index = excluded.record_index, line = excluded.line,
            batch_id = excluded.batch_id, updated_at = excluded.updated_at,
            sort_date = excluded.sort_date, duration = excluded.duration, version = resources.version + 1
        """)
    private var writesSincePrune = 0
    private lazy var deleteTerms = try! db.prepare(
        "DELETE FROM resource_terms WHERE resource_row = ? RETURNING dimension, term")
    private lazy var insertTerm = try! db.prepare(
        "INSERT OR IGNORE INTO resource_terms (resource_row, dimension, term) VALUES (?, ?, ?)")
    private lazy var markDeleted = try! db.prepare("""
        UPDATE resources SET status = 'deleted', title = '', keywords = '', description = '', body = '',
               batch_id = ?2, updated_at = ?3
        WHERE id = ?1 AND status <> 'deleted'
        RETURNING rowid
        """)

    /// The page size of the databases this store creates.
    public static let newPageSize = 32_768

    /// Opens (creating if needed) the database at `path`, in WAL mode, and migrates it.
    /// `:memory:` gives a private in-memory database. `mmapBytes` of the file are read through
    /// a memory map: faster reads of large rows, but every mapped page a connection touched
    /// counts in the process's resident memory (once per connection), so a server with several
    /// connections passes 0.
    public init(path: String, mmapBytes: Int = 1 << 30) throws {
        if path != ":memory:" {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        db = try Database(path: path)
        if path != ":memory:" {
            // A new database gets 32 kB pages: a row (original XML ~5 kB, record JSON ~2 kB)
            // overflowed 4 kB pages into chains of three or four, each page written to the WAL
            // and checkpointed on its own; 16 kB pages held two rows and left 11 % of the table
            // unused, and every file imported rewrote most of the indexes' leaves (100,000
            // records: 10,950 → 11,373 records/s from 16 to 32 kB, 64 kB no faster; search
            // latency the same at 16, 32 and 64 kB). The size is taken before the first write
            // only: an existing database keeps its own (changing it in WAL mode needs a VACUUM).
            if try db.scalarInt("PRAGMA page_count") == 0 {
                try db.execute("PRAGMA page_size = \(Store.newPageSize)")
            }
            try db.execute("PRAGMA journal_mode = WAL")
        }
        // mmap: reads of large rows (records and originals overflow their page) map the file
        // instead of copying every page through read().
        try db.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000; PRAGMA mmap_size = \(max(0, mmapBytes))")
        try db.prepareForRelais()
        try Migrations.migrate(db)
        switch try analyzerVersion() {
        case nil:
            // A new database: migration 2 built the index with this analyzer.
            try recordAnalyzerVersion()
        case FrenchAnalyzer.version:
            break
        default:
            try reindex()
        }
    }

    /// The analyzer version the index was built with (nil before the first build).
    public func analyzerVersion() throws -> Int? {
        let statement = try db.prepare("SELECT value FROM settings WHERE key = 'analyzer_version'")
        return try statement.step() ? statement.text(0).flatMap { Int($0) } : nil
    }

    private func recordAnalyzerVersion() throws {
        try db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('analyzer_version', ?)")
            .run([String(FrenchAnalyzer.version)])
    }

    /// Rebuilds the search index from the stored records with the current analyzer.
    public func reindex() throws {
        try db.transaction {
            try db.execute("INSERT INTO resources_fts (resources_fts) VALUES ('rebuild')")
            try recordAnalyzerVersion()
            try audit(actor: "system", action: "index.rebuild", object: "resources_fts",
                      detail: "analyseur version \(FrenchAnalyzer.version)")
        }
    }

    /// Runs `body` in a transaction. Writes defer some index work (one FTS5 statement per
    /// transaction instead of one per row): it is flushed before the commit, dropped on rollback.
    /// Inside a transaction already, `body` joins it.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if !db.isAutocommit { return try body() }
        do {
            return try db.transaction {
                let result = try body()
                try flushPending()
                return result
            }
        } catch {
            discardPending()
            throw error
        }
    }

    /// For a long write (an import): the database's files on their way to the disk while it goes
    /// on (see `WriteBehind`), until `stop()`. Nil for an in-memory database.
    public func startWriteBehind() -> WriteBehind? {
        db.path == ":memory:" || db.path.isEmpty ? nil : WriteBehind(databasePath: db.path)
    }

    /// Runs `body` in a transaction that is always rolled back: for dry runs.
    public func rehearse<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN IMMEDIATE")
        defer {
            discardPending()
            try? db.execute("ROLLBACK")
        }
        return try body()
    }

    public var schemaVersion: Int {
        Int((try? db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migrations")) ?? 0)
    }

    // MARK: Import batches

    public func beginBatch(arguments: String) throws -> Int64 {
        try db.prepare("INSERT INTO import_batches (started_at, arguments) VALUES (?, ?)")
            .run([Clock.now(), arguments])
        return db.lastInsertRowID
    }

    public func finishBatch(_ id: Int64, summary: String) throws {
        try db.prepare("UPDATE import_batches SET finished_at = ?, summary = ? WHERE id = ?")
            .run([Clock.now(), summary, id])
    }

    // MARK: Records

    /// Creates, updates or leaves alone the record, by its id and content hash.
    public func write(_ record: StoredRecord, batch: Int64?) throws -> WriteOutcome {
        // Alone, a write is a transaction of its own: the row, its terms and their counts together.
        if db.isAutocommit { return try transaction { try write(record, batch: batch) } }
        let resource = record.resource
        let id = resource.id.rawValue
        selectHash.reset()
        try selectHash.bind(1, id)
        var existed = false
        var rowid: Int64 = 0
        if try selectHash.step() {
            existed = true
            let hash = selectHash.text(0)
            let status = selectHash.text(1)
            rowid = selectHash.int64(2)
            selectHash.reset()
            // The update trigger removes the old text from the index: it must be there first.
            if pendingSearchSet.contains(rowid) { try flushSearchIndex() }
            if hash == record.provenance.contentHash && status == "published" { return .unchanged }
        } else {
            selectHash.reset()
        }
        var json = JSONWriter(capacity: 4096)
        try json.resource(resource)
        let search = SearchText(resource)
        // Bound one by one: an array of existentials per row cost more than the binding.
        let statement = existed ? upsert : insert
        statement.reset()
        try statement.bind(1, id)
        try statement.bind(2, resource.source)
        try statement.bind(3, resource.sourceIdentifier)
        try statement.bind(4, resource.format.rawValue)
        try statement.bind(5, search.title)
        try statement.bind(6, search.keywords)
        try statement.bind(7, search.description)
        try statement.bind(8, search.body)
        try statement.bind(11, record.provenance.contentHash)
        try statement.bind(12, record.provenance.file)
        try statement.bind(13, record.provenance.recordIndex)
        try statement.bind(14, record.provenance.line)
        try statement.bind(15, batch)
        try statement.bind(16, Clock.now())
        try statement.bind(17, resource.modified ?? resource.created)
        try statement.bind(18, resource.duration)
        // The record and the original, most of the row's bytes, are read where they are.
        try json.withBytes { recordJSON in
            try statement.withBorrowedUTF8(9, recordJSON) {
                try record.originalUTF8.withUnsafeBufferPointer { original in
                    // Text ends at a NUL for SQLite's readers: such an original would come back cut.
                    // The parsers refuse one where it is; this keeps any other way in from storing it.
                    if let base = original.baseAddress, let nul = memchr(base, 0, original.count) {
                        throw StoreError(reason: "l'original de \(id) contient un octet nul (offset \(base.distance(to: nul.assumingMemoryBound(to: UInt8.self)))) : rien n'est enregistré")
                    }
                    try statement.withBorrowedText(10, utf8: original) { try statement.runBound() }
                }
            }
        }
        if existed {
            try removeTerms(rowid)
        } else {
            rowid = db.lastInsertRowID
            logInsert.reset()
            try logInsert.bind(1, rowid)
            try logInsert.runBound()
            pendingSearchRows.append(rowid)
            pendingSearchSet.insert(rowid)
        }
        for (dimension, values) in resource.classifications {
            for term in Set(values.compactMap(\.term)) {
                try addTerm(rowid, dimension.rawValue, term)
            }
        }
        if let term = resource.licence?.term {
            try addTerm(rowid, Facet.licence.rawValue, term)
        }
        try addTerm(rowid, Store.sourceDimension, resource.source)
        for language in Set(resource.languages.map { String($0.prefix(while: { $0 != "-" })) }) {
            try addTerm(rowid, Store.languageDimension, language)
        }
        if !existed { try addToLexicon(resource) }
        writesSincePrune += 1
        if writesSincePrune >= 10_000 { try pruneChanges() }
        return existed ? .updated : .created
    }

    private func addTerm(_ row: Int64, _ dimension: String, _ term: String) throws {
        insertTerm.reset()
        try insertTerm.bind(1, row)
        try insertTerm.bind(2, dimension)
        try insertTerm.bind(3, term)
        try insertTerm.runBound()
        if db.changes == 1 { termCountChanges[TermKey(dimension: dimension, term: term), default: 0] += 1 }
    }

    private func removeTerms(_ row: Int64) throws {
        deleteTerms.reset()
        try deleteTerms.bind(1, row)
        while try deleteTerms.step() {
            termCountChanges[TermKey(dimension: deleteTerms.text(0) ?? "", term: deleteTerms.text(1) ?? ""), default: 0] -= 1
        }
        deleteTerms.reset()
    }

    struct TermKey: Hashable {
        var dimension: String
        var term: String
    }

    /// How many resources each term gained or lost since the last flush: `resource_term_counts`
    /// (what the OAI-PMH set list reads) takes one upsert per term and transaction.
    private var termCountChanges: [TermKey: Int] = [:]

    private lazy var addTermCount = try! db.prepare("""
        INSERT INTO resource_term_counts (dimension, term, resources) VALUES (?, ?, ?)
        ON CONFLICT (dimension, term) DO UPDATE SET resources = resources + excluded.resources
        """)

    private func flushTermCounts() throws {
        guard !termCountChanges.isEmpty else { return }
        var lost = false
        for (key, change) in termCountChanges where change != 0 {
            addTermCount.reset()
            try addTermCount.bind(1, key.dimension)
            try addTermCount.bind(2, key.term)
            try addTermCount.bind(3, change)
            try addTermCount.runBound()
            lost = lost || change < 0
        }
        termCountChanges.removeAll(keepingCapacity: true)
        if lost { try db.execute("DELETE FROM resource_term_counts WHERE resources <= 0") }
    }

    /// The change log keeps the last `changesKept` rows: a reader further behind rebuilds in full.
    static let changesKept = 200_000

    /// The newest entry of the resources' change log: it moves exactly when a resource row is
    /// written (searches and suggestions depend on nothing else).
    public func lastResourceChange() throws -> Int64 {
        try db.scalarInt("SELECT coalesce(max(seq), 0) FROM resource_changes") ?? 0
    }

    func pruneChanges() throws {
        writesSincePrune = 0
        try db.prepare("DELETE FROM resource_changes WHERE seq <= (SELECT max(seq) FROM resource_changes) - ?")
            .run([Self.changesKept])
    }

    /// Facet dimensions stored with the vocabulary facets in `resource_terms`.
    public static let sourceDimension = "sources"
    public static let languageDimension = "langues"

    /// Counts each distinct word of the title and keywords once per resource. Counts only grow
    /// (an update or deletion does not decrement): they rank suggestions, they are not facts.
    private func addToLexicon(_ resource: Resource) throws {
        lexicon.add(resource)
    }

    /// Lexicon counts gathered since the last flush: one upsert per distinct word and file,
    /// not one per word and record.
    private var lexicon = LexiconCounts()

    private lazy var addLexicon = try! db.prepare("""
        INSERT INTO lexicon (folded, word, documents) VALUES (?, ?, ?)
        ON CONFLICT (folded) DO UPDATE SET documents = documents + excluded.documents
        """)

    /// Writes what `write` deferred; call before committing the transaction.
    public func flushPending() throws {
        try flushTermCounts()
        try lexicon.drain { folded, word, documents in
            addLexicon.reset()
            try addLexicon.bind(1, folded)
            try addLexicon.bind(2, word)
            try addLexicon.bind(3, documents)
            try addLexicon.runBound()
        }
        try flushSearchIndex()
    }

    /// Rows inserted since the last flush: indexed in one statement, because FTS5 flushes its
    /// pending terms to a new segment at every statement savepoint (one segment per row otherwise).
    private var pendingSearchRows: [Int64] = []
    private var pendingSearchSet: Set<Int64> = []

    /// What was deferred belongs to a transaction that did not commit.
    private func discardPending() {
        pendingSearchRows.removeAll(keepingCapacity: true)
        pendingSearchSet.removeAll(keepingCapacity: true)
        termCountChanges.removeAll(keepingCapacity: true)
        lexicon.discard()
    }

    private func flushSearchIndex() throws {
        guard !pendingSearchRows.isEmpty else { return }
        let list = "[" + pendingSearchRows.map(String.init).joined(separator: ",") + "]"
        pendingSearchRows.removeAll(keepingCapacity: true)
        pendingSearchSet.removeAll(keepingCapacity: true)
        try db.prepare("""
            INSERT INTO resources_fts (rowid, title, keywords, description, body)
            SELECT rowid, title, keywords, description, body FROM resources
            WHERE rowid IN (SELECT value FROM json_each(?))
            """).run([list])
    }

    /// Marks the record deleted (a tombstone: the id stays, the content leaves the index).
    public func delete(id: ResourceID, batch: Int64?) throws -> Bool {
        if db.isAutocommit { return try transaction { try delete(id: id, batch: batch) } }
        if !pendingSearchRows.isEmpty { try flushSearchIndex() }
        try markDeleted.bindAll([id.rawValue, batch, Clock.now()])
        guard try markDeleted.step() else { markDeleted.reset(); return false }
        let rowid = markDeleted.int64(0)
        markDeleted.reset()
        try removeTerms(rowid)
        return true
    }

    // MARK: Reading

    public func resource(_ id: ResourceID) throws -> Resource? {
        let statement = try db.prepare("SELECT record FROM resources WHERE id = ? AND status = 'published'")
        try statement.bindAll([id.rawValue])
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return try statement.withBlob(0) { try ResourceJSONReader.decode($0) }
    }

    public func original(_ id: ResourceID) throws -> String? {
        let statement = try db.prepare("SELECT original FROM resources WHERE id = ?")
        try statement.bindAll([id.rawValue])
        return try statement.step() ? statement.text(0) : nil
    }

    public struct Counts: Sendable, Equatable {
        public var published: Int
        public var deleted: Int
        public var bySource: [String: Int]

        public init(published: Int, deleted: Int, bySource: [String: Int]) {
            self.published = published
            self.deleted = deleted
            self.bySource = bySource
        }
    }

    public func counts() throws -> Counts {
        let published = Int(try db.scalarInt("SELECT count(*) FROM resources WHERE status = 'published'") ?? 0)
        let deleted = Int(try db.scalarInt("SELECT count(*) FROM resources WHERE status = 'deleted'") ?? 0)
        var bySource: [String: Int] = [:]
        let statement = try db.prepare(
            "SELECT source, count(*) FROM resources WHERE status = 'published' GROUP BY source")
        while try statement.step() { bySource[statement.text(0) ?? ""] = statement.int(1) }
        return Counts(published: published, deleted: deleted, bySource: bySource)
    }

    /// Ids of published resources matching an FTS5 query (already safe FTS5 syntax).
    public func searchIDs(matching ftsQuery: String, limit: Int = 20) throws -> [ResourceID] {
        let statement = try db.prepare("""
            SELECT r.id FROM resources_fts f JOIN resources r ON r.rowid = f.rowid
            WHERE resources_fts MATCH ? AND r.status = 'published' ORDER BY bm25(resources_fts, 10, 5, 2, 1) LIMIT ?
            """)
        try statement.bindAll([ftsQuery, limit])
        var ids: [ResourceID] = []
        while try statement.step() { ids.append(ResourceID(rawValue: statement.text(0) ?? "")) }
        return ids
    }

    /// FTS5 `integrity-check` with the external content compared too; throws on corruption.
    public func checkIntegrity() throws {
        try db.execute("INSERT INTO resources_fts (resources_fts, rank) VALUES ('integrity-check', 1)")
        guard try db.scalarText("PRAGMA integrity_check") == "ok" else {
            throw StoreError(reason: "PRAGMA integrity_check a signalé une corruption")
        }
        let counted = "SELECT dimension, term, count(*) FROM resource_terms GROUP BY dimension, term"
        let kept = "SELECT dimension, term, resources FROM resource_term_counts"
        let drift = try db.scalarInt("""
            SELECT (SELECT count(*) FROM (\(counted) EXCEPT \(kept))) + (SELECT count(*) FROM (\(kept) EXCEPT \(counted)))
            """) ?? 0
        guard drift == 0 else {
            throw StoreError(reason: "resource_term_counts ne correspond pas à resource_terms (\(drift) termes)")
        }
    }
}

@available(*, unavailable)
extension Store: Sendable {}

extension Resource {
    /// The classification dimensions with their values (licence apart: it has its own type).
    var classifications: [(Facet, [TermValue])] {
        [(.level, levels), (.domain, domains), (.resourceType, resourceTypes),
         (.intendedRole, intendedRoles), (.specificNeed, specificNeeds)]
    }
}

/// The text of a resource as it is indexed, by column.
struct SearchText {
    var title: String
    var keywords: String
    var description: String
    var body: String

    init(_ resource: Resource) {
        title = resource.titles.map(\.text).joined(separator: "\n")
        keywords = resource.keywords.map(\.text).joined(separator: "\n")
        description = resource.descriptions.map(\.text).joined(separator: "\n")
        var body: [String] = []
        for section in resource.sections {
            if !section.heading.isEmpty { body.append(section.heading) }
            if !section.text.isEmpty { body.append(section.text) }
        }
        for segment in resource.segments {
            body.append(contentsOf: [segment.title, segment.description, segment.transcript].compactMap { $0 })
        }
        self.body = body.joined(separator: "\n")
    }
}

/// The `record` column of `Store.write`: the same bytes as `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` (see `JSONWriter`), written by hand because
/// `JSONEncoder` cost ~80 µs per record, more than the row insert. `ResourceJSONTests` compares
/// both encoders byte for byte; a new field of `Resource` or its parts must be added here too
/// (the test fails until it is).
enum ResourceJSON {
    static func encode(_ resource: Resource) throws -> String {
        var writer = JSONWriter(capacity: 4096)
        try writer.resource(resource)
        return writer.text
    }

    /// A JSON string literal, escaped as the records are (exports splice records into lines).
    static func quoted(_ value: String) -> String {
        var writer = JSONWriter(capacity: value.utf8.count + 2)
        writer.string(value)
        return writer.text
    }
}

extension JSONWriter {
    fileprivate mutating func texts(_ name: StaticString, _ values: [LangText], _ first: inout Bool) {
        field(name, values, &first) { writer, text in
            writer.object { writer, f in
                writer.field("language", text.language, &f)
                writer.field("text", text.text, &f)
            }
        }
    }

    fileprivate mutating func terms(_ name: StaticString, _ values: [TermValue], _ first: inout Bool) {
        field(name, values, &first) { writer, term in
            writer.object { writer, f in
                writer.field("raw", term.raw, &f)
                writer.field("scheme", term.scheme, &f)
                writer.field("term", term.term, &f)
            }
        }
    }

    mutating func resource(_ r: Resource) throws {
        try object { writer, f in
            writer.field("bodyHTML", r.bodyHTML, &f)
            writer.field("contexts", r.contexts, &f)
            writer.field("contributors", r.contributors, &f) { writer, c in
                writer.object { writer, g in
                    writer.field("date", c.date, &g)
                    writer.field("name", c.name, &g)
                    writer.field("organization", c.organization, &g)
                    writer.field("role", c.role, &g)
                }
            }
            writer.field("created", r.created, &f)
            writer.texts("descriptions", r.descriptions, &f)
            writer.terms("domains", r.domains, &f)
            try writer.field("duration", r.duration, &f)
            writer.field("format", r.format.rawValue, &f)
            writer.field("id", r.id.rawValue, &f)
            writer.terms("intendedRoles", r.intendedRoles, &f)
            writer.texts("keywords", r.keywords, &f)
            writer.field("languages", r.languages, &f)
            try writer.field("learningTime", r.learningTime, &f)
            writer.terms("levels", r.levels, &f)
            if let licence = r.licence {
                writer.key("licence", first: &f)
                writer.object { writer, g in
                    writer.field("statement", licence.statement, &g)
                    writer.field("term", licence.term, &g)
                    writer.field("url", licence.url, &g)
                    writer.field("version", licence.version, &g)
                }
            }
            writer.field("location", r.location, &f)
            writer.field("mediaFormats", r.mediaFormats, &f)
            writer.field("modified", r.modified, &f)
            writer.field("publisher", r.publisher, &f)
            writer.field("relations", r.relations, &f) { writer, relation in
                writer.object { writer, g in
                    writer.field("description", relation.description, &g)
                    writer.field("kind", relation.kind, &g)
                    writer.field("target", relation.target, &g)
                }
            }
            writer.terms("resourceTypes", r.resourceTypes, &f)
            writer.field("sections", r.sections, &f) { writer, section in
                writer.object { writer, g in
                    writer.field("heading", section.heading, &g)
                    writer.field("level", section.level, &g)
                    writer.field("text", section.text, &g)
                }
            }
            try writer.field("segments", r.segments, &f) { writer, segment in
                try writer.object { writer, g in
                    writer.field("description", segment.description, &g)
                    try writer.field("end", segment.end, &g)
                    writer.field("identifier", segment.identifier, &g)
                    try writer.field("start", segment.start, &g)
                    writer.field("title", segment.title, &g)
                    writer.field("transcript", segment.transcript, &g)
                }
            }
            writer.field("source", r.source, &f)
            writer.field("sourceIdentifier", r.sourceIdentifier, &f)
            writer.terms("specificNeeds", r.specificNeeds, &f)
            writer.texts("titles", r.titles, &f)
        }
    }
}
