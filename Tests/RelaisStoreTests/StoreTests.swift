import Foundation
import Testing
import RelaisCore
@testable import RelaisStore
import RelaisSQLite
import RelaisText

@Suite struct StoreTests {
    func record(_ identifier: String, title: String, hash: String, levels: [String] = ["P5"]) -> StoredRecord {
        var resource = Resource(id: ResourceID(source: "test", sourceIdentifier: identifier), source: "test",
                                sourceIdentifier: identifier, format: .lom)
        resource.titles = [LangText(title, language: "fr")]
        resource.levels = levels.map { TermValue(term: $0, raw: $0) } + [TermValue(term: nil, raw: "school")]
        resource.licence = Licence(term: "cc-by", statement: "CC BY")
        return StoredRecord(resource: resource,
                            provenance: Provenance(file: "f.xml", recordIndex: 1, line: 3, contentHash: hash),
                            original: "<lom/>")
    }

    /// SQLite keeps no allocation statistics (a process-wide mutex on every allocation, which
    /// the server's readers would contend for): set before its initialization.
    @Test func sqliteIsConfiguredBeforeItsFirstConnection() throws {
        _ = try Store(path: ":memory:")
        #expect(Database.isConfigured)
    }

    /// A database of schema 12 (terms keyed by the text id) keeps every term through
    /// migration 13, now keyed by the resource's row.
    @Test func migration13KeysTermsByRow() throws {
        let path = temporaryStorePath("m13")
        defer { removeStore(path) }
        let byID = "SELECT r.id || ' ' || t.dimension || ':' || t.term FROM resource_terms t JOIN resources r ON "
        var expected: [String] = []
        do {
            let store = try Store(path: path)
            for (index, name) in ["a", "b", "c"].enumerated() {
                _ = try store.write(record(name, title: "Titre \(name)", hash: "\(index)", levels: ["P\(index + 1)", "S1"]), batch: nil)
            }
            let rows = try store.db.prepare(byID + "r.rowid = t.resource_row ORDER BY 1")
            while try rows.step() { expected.append(rows.text(0) ?? "") }
            try store.db.execute("""
                CREATE TABLE old_terms (resource_id TEXT NOT NULL, dimension TEXT NOT NULL, term TEXT NOT NULL,
                                        PRIMARY KEY (resource_id, dimension, term)) WITHOUT ROWID;
                INSERT INTO old_terms SELECT r.id, t.dimension, t.term FROM resource_terms t JOIN resources r ON r.rowid = t.resource_row;
                DROP TABLE resource_terms;
                ALTER TABLE old_terms RENAME TO resource_terms;
                CREATE INDEX resource_terms_by_term ON resource_terms (dimension, term);
                DELETE FROM schema_migrations WHERE version >= 13;
                """)
        }
        let store = try Store(path: path)
        var migrated: [String] = []
        let rows = try store.db.prepare(byID + "r.rowid = t.resource_row ORDER BY 1")
        while try rows.step() { migrated.append(rows.text(0) ?? "") }
        #expect(expected.count >= 12 && migrated == expected)
        #expect(try store.db.scalarInt("SELECT max(version) FROM schema_migrations") == Int64(Migrations.all.count))
        let b = ResourceID(source: "test", sourceIdentifier: "b")
        #expect(try store.delete(id: b, batch: nil))
        let left = try store.db.scalarInt("SELECT count(*) FROM resource_terms")
        #expect(left == Int64(expected.filter { !$0.hasPrefix(b.rawValue + " ") }.count) && left! < Int64(expected.count))
    }

    @Test func createUpdateUnchanged() throws {
        let store = try Store(path: ":memory:")
        #expect(try store.write(record("a", title: "Les fractions", hash: "1"), batch: nil) == .created)
        #expect(try store.write(record("a", title: "Les fractions", hash: "1"), batch: nil) == .unchanged)
        #expect(try store.write(record("a", title: "Les fractions décimales", hash: "2", levels: ["P6"]), batch: nil) == .updated)
        let id = ResourceID(source: "test", sourceIdentifier: "a")
        #expect(try store.resource(id)?.displayTitle == "Les fractions décimales")
        #expect(try store.counts().published == 1)
        let terms = try store.db.scalarText("SELECT group_concat(dimension || ':' || term) FROM resource_terms")
        #expect(terms?.contains("niveaux:P6") == true)
        #expect(terms?.contains("niveaux:P5") == false)
        #expect(terms?.contains("licences:cc-by") == true)
        #expect(try store.searchIDs(matching: "decimales") == [id])
        #expect(try store.searchIDs(matching: "fractions") == [id])
        try store.checkIntegrity()
    }

    @Test func deleteLeavesATombstoneOutOfTheIndex() throws {
        let store = try Store(path: ":memory:")
        _ = try store.write(record("a", title: "Le cycle de l'eau", hash: "1"), batch: nil)
        let id = ResourceID(source: "test", sourceIdentifier: "a")
        #expect(try store.delete(id: id, batch: nil))
        #expect(try store.delete(id: id, batch: nil) == false)
        #expect(try store.resource(id) == nil)
        #expect(try store.searchIDs(matching: "eau").isEmpty)
        #expect(try store.counts() == Store.Counts(published: 0, deleted: 1, bySource: [:]))
        try store.checkIntegrity()
        // Re-importing the record brings it back.
        #expect(try store.write(record("a", title: "Le cycle de l'eau", hash: "1"), batch: nil) == .updated)
        #expect(try store.searchIDs(matching: "cycle") == [id])
        try store.checkIntegrity()
    }

    @Test func failedTransactionLeavesNothing() throws {
        let store = try Store(path: ":memory:")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.transaction {
                _ = try store.write(record("a", title: "Un", hash: "1"), batch: nil)
                throw Boom()
            }
        }
        #expect(try store.counts().published == 0)
        #expect(try store.searchIDs(matching: "un").isEmpty)
        try store.checkIntegrity()
    }

    /// An original with a NUL byte would be stored cut there: the write is refused whole, with
    /// the byte's offset, alone or in a transaction.
    @Test func anOriginalWithANulByteIsRefused() throws {
        let store = try Store(path: ":memory:")
        var stored = record("a", title: "Un", hash: "1")
        stored.originalUTF8 = Array("<lom>avant".utf8) + [0] + Array("après</lom>".utf8)
        #expect(throws: StoreError.self) { _ = try store.write(stored, batch: nil) }
        do {
            _ = try store.transaction { try store.write(stored, batch: nil) }
            Issue.record("stored")
        } catch let error as StoreError {
            #expect(error.reason.contains("offset 10"))
        }
        #expect(try store.counts().published == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM resource_terms") == 0)
        stored.originalUTF8.removeAll { $0 == 0 }
        #expect(try store.write(stored, batch: nil) == .created)
        try store.checkIntegrity()
    }

    @Test func auditIsAppendOnly() throws {
        let store = try Store(path: ":memory:")
        try store.audit(actor: "import", action: "import.file", object: "f.xml", detail: "1 créée")
        #expect(throws: (any Error).self) { try store.db.execute("UPDATE audit SET actor = 'x'") }
        #expect(throws: (any Error).self) { try store.db.execute("DELETE FROM audit") }
        #expect(try store.db.scalarInt("SELECT count(*) FROM audit") == 1)
    }

    @Test func migrationsAreRecordedAndReopenWorks() throws {
        let path = temporaryStorePath()
        defer { removeStore(path) }
        do {
            let store = try Store(path: path)
            _ = try store.write(record("a", title: "Un", hash: "1"), batch: nil)
            #expect(store.schemaVersion == Migrations.all.count)
        }
        let reopened = try Store(path: path)
        #expect(try reopened.counts().published == 1)
        #expect(try reopened.db.scalarText("PRAGMA journal_mode") == "wal")
    }

    @Test func newDatabasesGetLargePagesExistingOnesKeepTheirs() throws {
        let path = temporaryStorePath()
        let old = temporaryStorePath()
        defer {
            removeStore(path)
            removeStore(old)
        }
        do {
            let store = try Store(path: path)
            _ = try store.write(record("a", title: "Un", hash: "1"), batch: nil)
            #expect(try store.db.scalarInt("PRAGMA page_size") == Int64(Store.newPageSize))
        }
        #expect(try Store(path: path).db.scalarInt("PRAGMA page_size") == Int64(Store.newPageSize))
        do {
            // A database made with 4 kB pages (before this store chose its page size).
            let db = try Database(path: old)
            try db.execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t (x)")
        }
        let reopened = try Store(path: old)
        _ = try reopened.write(record("b", title: "Deux", hash: "2"), batch: nil)
        #expect(try reopened.db.scalarInt("PRAGMA page_size") == 4096)
        #expect(try reopened.counts().published == 1)
    }

    /// The log of changed rows (what searches refresh their facets from) gets one entry per
    /// write that changes a row: a new row from `write` itself, an update and a deletion from
    /// their triggers; an unchanged write none. Twice the same row would mean the insert
    /// trigger (dropped by migration 14) fires again.
    @Test func everyChangedRowIsLoggedOnce() throws {
        let store = try Store(path: ":memory:")
        func logged() throws -> [Int64] {
            let rows = try store.db.prepare("SELECT row FROM resource_changes ORDER BY seq")
            var found: [Int64] = []
            while try rows.step() { found.append(rows.int64(0)) }
            return found
        }
        func row(_ name: String) throws -> Int64 {
            try store.db.scalarInt("SELECT rowid FROM resources WHERE source_identifier = '\(name)'") ?? -1
        }
        #expect(try store.write(record("a", title: "Un", hash: "1"), batch: nil) == .created)
        let inOneTransaction = try store.transaction {
            [try store.write(record("b", title: "Deux", hash: "1"), batch: nil),
             try store.write(record("c", title: "Trois", hash: "1"), batch: nil)]
        }
        #expect(inOneTransaction == [.created, .created])
        let (a, b, c) = (try row("a"), try row("b"), try row("c"))
        #expect(try logged() == [a, b, c])
        #expect(try store.write(record("a", title: "Un", hash: "1"), batch: nil) == .unchanged)
        #expect(try store.write(record("a", title: "Un, revu", hash: "2"), batch: nil) == .updated)
        #expect(try store.delete(id: ResourceID(source: "test", sourceIdentifier: "b"), batch: nil))
        #expect(try store.write(record("b", title: "Deux, de retour", hash: "3"), batch: nil) == .updated)
        #expect(try logged() == [a, b, c, a, b, b])
        #expect(try store.lastResourceChange() == 6)
        #expect(try store.db.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'resource_changes_insert'") == 0)
        try store.checkIntegrity()
    }

    /// A database of schema 13 (an insert trigger logged new rows) loses the trigger through
    /// migration 14 and logs each new row once.
    @Test func migration14LogsNewRowsOnce() throws {
        let path = temporaryStorePath("m14")
        defer { removeStore(path) }
        do {
            let store = try Store(path: path)
            try store.db.execute("""
                CREATE TRIGGER resource_changes_insert AFTER INSERT ON resources BEGIN
                    INSERT INTO resource_changes (row) VALUES (new.rowid);
                END;
                DELETE FROM schema_migrations WHERE version >= 14;
                """)
        }
        let store = try Store(path: path)
        #expect(store.schemaVersion >= 14)
        #expect(try store.write(record("a", title: "Un", hash: "1"), batch: nil) == .created)
        #expect(try store.db.scalarInt("SELECT count(*) FROM resource_changes") == 1)
    }

    /// The OAI-PMH set list reads `resource_term_counts` since migration 15 dropped the index of
    /// terms by term: after migrating a database of schema 14 that holds resources, and after
    /// every kind of write (in and out of a transaction, an update that changes terms, a
    /// deletion, a publication again, a rolled-back transaction), the sets are what one query
    /// per dimension over the terms says (the old way, the oracle), in the caller's order of
    /// dimensions, and the counts are the terms' (`checkIntegrity`).
    @Test func setsFollowTheTermsThroughEveryWrite() throws {
        let path = temporaryStorePath("m15")
        defer { removeStore(path) }
        do {
            let store = try Store(path: path)
            _ = try store.write(record("r0", title: "Titre 0", hash: "0", levels: ["P5", "S1"]), batch: nil)
            _ = try store.write(record("r1", title: "Titre 1", hash: "1", levels: ["M2"]), batch: nil)
            try store.db.execute("""
                DROP TABLE resource_term_counts;
                CREATE INDEX resource_terms_by_term ON resource_terms (dimension, term);
                DELETE FROM schema_migrations WHERE version >= 15;
                """)
        }
        let store = try Store(path: path)
        #expect(try store.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'resource_terms_by_term'") == 0)
        func oneQueryPerDimension(_ dimensions: [String]) throws -> [String] {
            var found: [String] = []
            for dimension in dimensions {
                let rows = try store.db.prepare("SELECT DISTINCT term FROM resource_terms WHERE dimension = ? ORDER BY term")
                try rows.bindAll([dimension])
                while try rows.step() { found.append(dimension + ":" + (rows.text(0) ?? "")) }
            }
            return found
        }
        func check(_ step: String) throws {
            for dimensions in [["niveaux", "licences"], ["licences", "niveaux", "absente"], []] {
                let sets = try store.harvestSets(dimensions: dimensions)
                #expect(sets.terms.map { $0.dimension + ":" + $0.term } == (try oneQueryPerDimension(dimensions)), "\(step)")
                #expect(sets.sources == ["test"], "\(step)")
            }
            try store.checkIntegrity()
        }
        try check("migrated")
        #expect(try store.harvestSets(dimensions: ["niveaux"]).terms.map(\.term) == ["M2", "P1", "P5", "S1"].filter { $0 != "P1" })
        try store.transaction {
            _ = try store.write(record("r2", title: "Titre 2", hash: "2", levels: ["S6", "P5", "P1"]), batch: nil)
            _ = try store.write(record("r3", title: "Titre 3", hash: "3", levels: ["S3"]), batch: nil)
        }
        try check("written in a transaction")
        #expect(try store.write(record("r1", title: "Titre 1, revu", hash: "1b", levels: ["S2"]), batch: nil) == .updated)
        try check("M2 left with its only resource")
        #expect(try store.harvestSets(dimensions: ["niveaux"]).terms.map(\.term) == ["P1", "P5", "S1", "S2", "S3", "S6"])
        #expect(try store.delete(id: ResourceID(source: "test", sourceIdentifier: "r3"), batch: nil))
        try check("deleted")
        #expect(!(try store.harvestSets(dimensions: ["niveaux"]).terms.map(\.term).contains("S3")))
        struct Rollback: Error {}
        #expect(throws: Rollback.self) {
            try store.transaction {
                _ = try store.write(record("r4", title: "Titre 4", hash: "4", levels: ["M1"]), batch: nil)
                _ = try store.delete(id: ResourceID(source: "test", sourceIdentifier: "r0"), batch: nil)
                throw Rollback()
            }
        }
        try check("rolled back")
        #expect(try store.write(record("r3", title: "Titre 3, de retour", hash: "3b", levels: ["S3", "S4"]), batch: nil) == .updated)
        try check("published again")
        #expect(try store.db.scalarInt("SELECT resources FROM resource_term_counts WHERE dimension = 'niveaux' AND term = 'P5'") == 2)
    }

    @Test func newerSchemaIsRefused() throws {
        let path = temporaryStorePath()
        defer { removeStore(path) }
        do {
            let store = try Store(path: path)
            try store.db.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
        }
        #expect(throws: StoreError.self) { _ = try Store(path: path) }
    }
}

@Suite struct FrenchIndexTests {
    func store(_ titles: [String]) throws -> Store {
        let store = try Store(path: ":memory:")
        for (index, title) in titles.enumerated() {
            var resource = Resource(id: ResourceID(source: "t", sourceIdentifier: "\(index)"), source: "t",
                                    sourceIdentifier: "\(index)", format: .lom)
            resource.titles = [LangText(title, language: "fr")]
            _ = try store.write(StoredRecord(resource: resource,
                                             provenance: Provenance(file: "f", recordIndex: index, line: nil, contentHash: "\(index)"),
                                             original: ""), batch: nil)
        }
        return store
    }

    func titles(_ store: Store, _ query: String) throws -> [String] {
        try store.searchIDs(matching: query).compactMap { try store.resource($0)?.displayTitle }
    }

    @Test(arguments: [
        ("\"ecole\"", "L'École d'autrefois"), ("\"écoles\"", "L'École d'autrefois"), ("\"ECOLE\"", "L'École d'autrefois"),
        ("\"autrefois\"", "L'École d'autrefois"), ("\"activité\"", "Une activite sans accents"),
        ("\"activites\"", "Une activite sans accents"), ("\"élèves\"", "Les eleves en classe"),
        ("\"email\"", "Écrire un e-mail"), ("\"evaluation\"", "Évaluations diagnostiques"),
    ])
    func accentsElisionsPluralsMatchBothWays(query: String, expected: String) throws {
        let store = try store(["L'École d'autrefois", "Une activite sans accents", "Les eleves en classe",
                               "Écrire un e-mail", "Évaluations diagnostiques", "Le cycle de l'eau"])
        #expect(try titles(store, query) == [expected])
    }

    @Test func highlightsKeepTheOriginalText() throws {
        let store = try store(["L’École d’autrefois à Liège"])
        let highlighted = try store.db.scalarText(
            "SELECT highlight(resources_fts, 0, '[', ']') FROM resources_fts WHERE resources_fts MATCH '\"ecole\" OR \"liege\"'")
        #expect(highlighted == "L’[École] d’autrefois à [Liège]")
    }

    @Test func changedAnalyzerVersionRebuildsTheIndex() throws {
        let path = temporaryStorePath()
        defer { removeStore(path) }
        do {
            let store = try Store(path: path)
            try store.db.execute("UPDATE settings SET value = '0' WHERE key = 'analyzer_version'")
        }
        let reopened = try Store(path: path)
        #expect(try reopened.analyzerVersion() == FrenchAnalyzer.version)
        #expect(try reopened.db.scalarInt("SELECT count(*) FROM audit WHERE action = 'index.rebuild'") == 1)
        try reopened.checkIntegrity()
    }
}

@Suite struct DeferredIndexTests {
    func record(_ identifier: String, _ title: String, hash: String) -> StoredRecord {
        var resource = Resource(id: ResourceID(source: "t", sourceIdentifier: identifier), source: "t",
                                sourceIdentifier: identifier, format: .lom)
        resource.titles = [LangText(title, language: "fr")]
        return StoredRecord(resource: resource, provenance: Provenance(file: "f", recordIndex: 1, line: nil, contentHash: hash),
                            original: "")
    }

    @Test func insertUpdateAndDeleteInOneTransactionKeepTheIndexSound() throws {
        let store = try Store(path: ":memory:")
        try store.transaction {
            _ = try store.write(record("a", "Premier titre", hash: "1"), batch: nil)
            _ = try store.write(record("b", "Deuxième", hash: "1"), batch: nil)
            #expect(try store.write(record("a", "Titre corrigé", hash: "2"), batch: nil) == .updated)
            _ = try store.write(record("c", "Troisième", hash: "1"), batch: nil)
            #expect(try store.delete(id: ResourceID(source: "t", sourceIdentifier: "c"), batch: nil))
        }
        try store.checkIntegrity()
        #expect(try store.searchIDs(matching: "corrige").count == 1)
        #expect(try store.searchIDs(matching: "premier").isEmpty)
        #expect(try store.searchIDs(matching: "troisieme").isEmpty)
        #expect(try store.searchIDs(matching: "deuxieme").count == 1)
    }

    @Test func rolledBackWritesLeaveNothingPending() throws {
        let store = try Store(path: ":memory:")
        struct Stop: Error {}
        _ = try? store.transaction {
            _ = try store.write(record("a", "Fantôme", hash: "1"), batch: nil)
            throw Stop()
        }
        try store.transaction { _ = try store.write(record("b", "Vivant", hash: "1"), batch: nil) }
        try store.checkIntegrity()
        #expect(try store.searchIDs(matching: "fantome").isEmpty)
        #expect(try store.searchIDs(matching: "vivant").count == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM lexicon WHERE folded = 'fantome'") == 0)
    }

    @Test func writesOutsideATransactionAreIndexedAtOnce() throws {
        let store = try Store(path: ":memory:")
        _ = try store.write(record("a", "Immédiat", hash: "1"), batch: nil)
        #expect(try store.searchIDs(matching: "immediat").count == 1)
        try store.checkIntegrity()
    }
}

@Suite struct WriteBehindTests {
    /// Descriptors of this process open on `path` (Linux: /proc/self/fd).
    func openDescriptors(on path: String) -> Int {
        let folder = "/proc/self/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + $0)) == path }.count
    }

    /// While it runs, the writer commits as usual and every row is there afterwards; `stop`
    /// closes the files it opened, the log included once it appeared.
    @Test func writesGoOnAndStopClosesItsFiles() throws {
        let path = temporaryStorePath("wb")
        defer { removeStore(path) }
        let store = try Store(path: path)
        let before = openDescriptors(on: path) + openDescriptors(on: path + "-wal")
        let writeBehind = try #require(store.startWriteBehind())
        for file in 0 ..< 5 {
            try store.transaction {
                for index in 0 ..< 200 {
                    let name = "r\(file)-\(index)"
                    var resource = Resource(id: ResourceID(source: "test", sourceIdentifier: name), source: "test",
                                            sourceIdentifier: name, format: .lom)
                    resource.titles = [LangText("Titre \(name)", language: "fr")]
                    _ = try store.write(StoredRecord(resource: resource,
                                                     provenance: Provenance(file: "f", recordIndex: index, line: nil, contentHash: name),
                                                     original: String(repeating: "<x/>", count: 500)), batch: nil)
                }
            }
        }
        Thread.sleep(forTimeInterval: 0.02)
        #expect(openDescriptors(on: path) + openDescriptors(on: path + "-wal") >= before + 2)
        writeBehind.stop()
        #expect(openDescriptors(on: path) + openDescriptors(on: path + "-wal") == before)
        #expect(try store.counts().published == 1_000)
        try store.checkIntegrity()
    }

    /// A database in memory has no files to write out.
    @Test func nothingForADatabaseInMemory() throws {
        #expect(try Store(path: ":memory:").startWriteBehind() == nil)
    }
}

/// A database path of its own under the temporary directory.
func temporaryStorePath(_ name: String = "store") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("relais-\(name)-\(UUID().uuidString).sqlite").path
}

/// Removes a database file with its log and shared memory.
func removeStore(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
