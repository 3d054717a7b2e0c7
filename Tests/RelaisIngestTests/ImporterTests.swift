import Foundation
import Testing
import RelaisCore
import RelaisStore
@testable import RelaisIngest

@Suite struct ImporterTests {
    static func lom(_ id: String, title: String, extra: String = "") -> String {
        """
        <lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
          <identifier><catalog>URI</catalog><entry>https://x.example/\(id)</entry></identifier>
          <title><string language="fr">\(title)</string></title>\(extra)</general></lom>
        """
    }

    static func collection(_ records: [String]) -> String {
        "<records>\n" + records.joined(separator: "\n") + "\n</records>"
    }

    func importer(_ store: Store) -> Importer {
        Importer(store: store, vocabularies: TestVocabularies.make())
    }

    @Test func oneTransactionPerFileAndBadRecordsApart() throws {
        let folder = TempFolder()
        folder.write("partenaire/a.xml", Self.collection([Self.lom("1", title: "Les fractions"), Self.lom("2", title: "Le cycle de l'eau")]))
        // Well-formed until its third record: nothing of it may be stored.
        folder.write("partenaire/b.xml", "<records>" + Self.lom("3", title: "Trois") + Self.lom("4", title: "Quatre") + "<lom><oops></records>")
        // One record without a title: rejected alone, its sibling stored.
        folder.write("partenaire/c.xml", Self.collection([Self.lom("5", title: "Cinq"),
                                                           "<lom><general><identifier><entry>https://x.example/6</entry></identifier></general></lom>"]))
        folder.write("partenaire/notes.txt", "pas une notice")
        let store = try Store(path: ":memory:")
        let report = try importer(store).run(paths: [folder.url.path])

        #expect(report.filesRead == 4)
        #expect(report.filesRejected == 1)
        #expect(report.filesSkipped == 1)
        #expect(report.totals.created == 3)
        #expect(report.totals.rejected == 1)
        #expect(try store.counts() == Store.Counts(published: 3, deleted: 0, bySource: ["partenaire": 3]))
        let fileRejection = try #require(report.rejections.first { $0.record == nil })
        #expect(fileRejection.file.hasSuffix("partenaire/b.xml"))
        #expect(fileRejection.line == 5)
        let recordRejection = try #require(report.rejections.first { $0.record != nil })
        #expect(recordRejection.file.hasSuffix("partenaire/c.xml"))
        #expect(recordRejection.record == 2)
        #expect(recordRejection.reason.contains("sans titre"))
        #expect(try store.resource(ResourceID(source: "partenaire", sourceIdentifier: "https://x.example/3")) == nil)
        try store.checkIntegrity()
        // Every file and the batch left an audit row.
        #expect(try store.db.scalarInt("SELECT count(*) FROM audit WHERE action = 'import.file'") == 2)
        #expect(try store.db.scalarInt("SELECT count(*) FROM audit WHERE action = 'import.batch'") == 1)
    }

    /// The import's settings last as long as it does: during it a 32 MB page cache, no memory
    /// map, its own checkpoint interval; after it (even when a file failed) the store's own.
    @Test func importSettingsAreRestored() throws {
        let folder = TempFolder()
        folder.write("partenaire/a.xml", Self.collection([Self.lom("1", title: "Un"), Self.lom("2", title: "Deux")]))
        folder.write("partenaire/b.xml", "<records>" + Self.lom("3", title: "Trois") + "<lom><oops></records>")
        let path = folder.url.appendingPathComponent("relais.sqlite").path
        let store = try Store(path: path)
        let settings = ["cache_size", "mmap_size", "wal_autocheckpoint"]
        func read() throws -> [Int64?] { try settings.map { try store.db.scalarInt("PRAGMA \($0)") } }
        let before = try read()
        let importer = importer(store)
        var during: [Int64?] = []
        importer.onRecord = { _ in during = try read() }
        let report = try importer.run(paths: [folder.url.appendingPathComponent("partenaire").path])
        #expect(report.totals.created == 2 && report.filesRejected == 1)
        #expect(during.first == -Int64(Importer.importCacheKiB))
        #expect(during.count == 3 && during[1] == 0 && during[2] != before[2])
        #expect(try read() == before)
    }

    /// Each file's parsing starts while the file before it commits: records still land in their
    /// own file's transaction, with their own provenance, whatever files fail in between.
    @Test func filesParsedAheadKeepTheirRecordsApart() throws {
        let folder = TempFolder()
        for file in 0..<12 {
            let name = String(format: "lot/f%02d.xml", file)
            if file == 5 {
                folder.write(name, "<records>" + Self.lom("5-0", title: "Cassé") + "<lom><oops></records>")
            } else if file == 8 {
                folder.write(String(format: "lot/f%02d.txt", file), "pas une notice")
            } else {
                folder.write(name, Self.collection((0..<30).map { Self.lom("\(file)-\($0)", title: "Fiche \(file) \($0)") }))
            }
        }
        let store = try Store(path: ":memory:")
        let report = try importer(store).run(paths: [folder.url.path])
        #expect(report.totals.created == 10 * 30 && report.filesRejected == 1 && report.filesSkipped == 1)
        let misplaced = try store.db.scalarInt("""
            SELECT count(*) FROM resources
            WHERE substr(file, -7, 3) != printf('f%02d', CAST(substr(source_identifier, 19, instr(substr(source_identifier, 19), '-') - 1) AS INTEGER))
            """)
        #expect(misplaced == 0)
        #expect(try store.db.scalarInt("SELECT count(DISTINCT file) FROM resources") == 10)
        #expect(try store.db.scalarInt("SELECT count(*) FROM resources WHERE source_identifier LIKE '%/5-%'") == 0)
        try store.checkIntegrity()
    }

    @Test func reimportIsIdempotentAndChangesUpdateInPlace() throws {
        let folder = TempFolder()
        let file = folder.write("src/a.xml", Self.collection([Self.lom("1", title: "Un"), Self.lom("2", title: "Deux")]))
        let store = try Store(path: ":memory:")
        let checkpointPages = try store.db.scalarInt("PRAGMA wal_autocheckpoint")
        let first = try importer(store).run(paths: [file.path])
        #expect(first.totals.created == 2)
        // Checkpoints are rarer during an import only.
        #expect(try store.db.scalarInt("PRAGMA wal_autocheckpoint") == checkpointPages)
        let before = try store.db.scalarText("SELECT group_concat(updated_at) FROM resources")

        let second = try importer(store).run(paths: [file.path])
        #expect(second.totals.unchanged == 2)
        #expect(second.totals.created + second.totals.updated == 0)
        #expect(try store.db.scalarText("SELECT group_concat(updated_at) FROM resources") == before)

        folder.write("src/a.xml", Self.collection([Self.lom("1", title: "Un"), Self.lom("2", title: "Deux, révisé")]))
        let third = try importer(store).run(paths: [file.path])
        #expect(third.totals.unchanged == 1 && third.totals.updated == 1)
        #expect(try store.counts().published == 2)
        let id = ResourceID(source: "src", sourceIdentifier: "https://x.example/2")
        #expect(try store.resource(id)?.displayTitle == "Deux, révisé")
        #expect(try store.searchIDs(matching: "revise") == [id])
        try store.checkIntegrity()
    }

    @Test func dryRunWritesNothing() throws {
        let folder = TempFolder()
        folder.write("src/a.xml", Self.lom("1", title: "Un"))
        let store = try Store(path: ":memory:")
        let importer = importer(store)
        importer.dryRun = true
        let report = try importer.run(paths: [folder.url.path])
        #expect(report.totals.created == 1)
        #expect(report.batch == nil)
        #expect(try store.counts().published == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM audit") == 0)
    }

    @Test func oaiDeletionsApplyToTheSameSource() throws {
        let folder = TempFolder()
        func page(_ body: String) -> String {
            "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><ListRecords>\(body)</ListRecords></OAI-PMH>"
        }
        let record = "<record><header><identifier>oai:x:1</identifier><datestamp>2024-01-01</datestamp></header><metadata>"
            + Self.lom("1", title: "Un") + "</metadata></record>"
        folder.write("oai/page1.xml", page(record))
        let store = try Store(path: ":memory:")
        #expect(try importer(store).run(paths: [folder.url.path]).totals.created == 1)
        folder.write("oai/page1.xml", page("<record><header status=\"deleted\"><identifier>oai:x:1</identifier><datestamp>2024-02-01</datestamp></header></record>"))
        let report = try importer(store).run(paths: [folder.url.path])
        #expect(report.totals.deleted == 1)
        #expect(try store.counts() == Store.Counts(published: 0, deleted: 1, bySource: [:]))
        try store.checkIntegrity()
    }

    @Test func explicitSourceWins() throws {
        let folder = TempFolder()
        folder.write("dossier/a.xml", Self.lom("1", title: "Un"))
        let store = try Store(path: ":memory:")
        let importer = importer(store)
        importer.source = "consortiums"
        _ = try importer.run(paths: [folder.url.path])
        #expect(try store.counts().bySource == ["consortiums": 1])
    }

    @Test func unmappedValuesAreReported() throws {
        let folder = TempFolder()
        folder.write("src/a.xml", Self.lom("1", title: "Un") .replacingOccurrences(of: "</general>", with: """
            </general><educational><learningResourceType><source>LOMv1.0</source><value>portfolio</value></learningResourceType></educational>
            """))
        let store = try Store(path: ":memory:")
        let report = try importer(store).run(paths: [folder.url.path])
        let warning = try #require(report.warnings.first)
        #expect(warning.value == "portfolio" && warning.field == "types" && warning.record == 1)
        #expect(warning.file.hasSuffix("src/a.xml"))
    }
}

@Suite struct ImportReportMemoryTests {
    @Test func warningsBeyondTheCapAreCountedNotKept() throws {
        let folder = TempFolder()
        let records = (1...1_200).map { index in
            ImporterTests.lom("\(index)", title: "Titre \(index)").replacingOccurrences(of: "</general>", with: """
                </general><educational><learningResourceType><source>LOMv1.0</source><value>portfolio</value></learningResourceType></educational>
                """)
        }
        folder.write("src/a.xml", ImporterTests.collection(records))
        let store = try Store(path: ":memory:")
        let report = try Importer(store: store, vocabularies: TestVocabularies.make()).run(paths: [folder.url.path])
        #expect(report.totals.warnings == 1_200)
        #expect(report.warnings.count == ImportReport.maximumDetailedWarnings)
        #expect(report.warningsNotDetailed == 200)
        #expect(report.warningValues.count == 1)
        #expect(report.warningValues.first?.count == 1_200)
        #expect(report.warningValues.first?.value == "portfolio")
    }
}
