import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import RelaisAPI
import RelaisAuth
import RelaisCore
import RelaisIngest
import RelaisStore
import Testing

/// Imports over HTTP: scoped tokens, archives, dry runs, full exports, reports.
@Suite struct ImportRouteTests: Sendable {
    let schema: SchemaChecker
    init() throws { schema = try SchemaChecker() }

    static func lom(_ identifier: String, _ title: String) -> String {
        """
        <lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><identifier><catalog>partenaire</catalog><entry>\(identifier)</entry></identifier>
        <title><string language="fr">\(title)</string></title>
        <description><string language="fr">Une activité de classe pour la cinquième primaire.</string></description></general></lom>
        """
    }

    /// Polls the job until it is finished (the runner works on its own thread).
    func finished(_ client: some TestClientProtocol, _ id: Int, _ headers: HTTPFields) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let job = try await client.execute(uri: "/api/v1/imports/\(id)", method: .get, headers: headers) { response in
                try schema.expect(response, "/api/v1/imports/{id}", "get")
                return try response.json()
            }
            if ["succeeded", "failed"].contains(job["state"] as? String) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("import \(id) pas fini en 60 s")
        return [:]
    }

    @Test func archiveImportDryRunAndFullExport() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        let importer = try store.createAccount(email: "import@partenaire.example.be", name: "Import", passwordHash: "x",
                                               role: .importer, source: "partenaire", actor: "test")
        let token = try Credentials.issueToken(for: importer, days: 1, label: nil, store: store, actor: "test").token
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func zip(_ files: [(String, String)]) throws -> ByteBuffer {
            let url = folder.appendingPathComponent("\(UUID().uuidString).zip")
            var writer = try ArchiveWriter(path: url.path, kind: .zip)
            for (name, text) in files { try writer.add(name: name, bytes: Array(text.utf8)) }
            try writer.close()
            return ByteBuffer(bytes: try Data(contentsOf: url))
        }
        let first = try zip([
            ("lot/a.xml", "<c>" + Self.lom("a1", "Les fractions partenaires") + Self.lom("a2", "Les volcans partenaires") + "</c>"),
            ("lot/b.xml", "<c>" + Self.lom("b1", "La lecture partenaire") + "</c>"),
            ("lot/casse.xml", "<c><lom>pas fermé"),
            ("lot/notes.txt", "rien à importer"),
        ])
        // A full export without b1.
        let second = try zip([("a.xml", "<c>" + Self.lom("a1", "Les fractions partenaires") + Self.lom("a2", "Les volcans du partenaire") + "</c>")])
        try await Fixture.application(databasePath: path).test(.router) { client in
            // Who may import where.
            try await client.execute(uri: "/api/v1/imports", method: .post,
                                     headers: people.headers("curator").merging([.contentType: "application/zip"]), body: first) { response in
                #expect(response.status == .forbidden)
                try schema.expect(response, "/api/v1/imports", "post")
            }
            try await client.execute(uri: "/api/v1/imports?source=sonuma", method: .post,
                                     headers: auth.merging([.contentType: "application/zip"]), body: first) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: auth.merging([.contentType: "application/pdf"]),
                                     body: first) { response in
                #expect(response.status == .unsupportedMediaType)
                try schema.expect(response, "/api/v1/imports", "post")
            }
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: auth.merging([.contentType: "application/zip"]),
                                     body: ByteBuffer(string: "<lom/>")) { response in
                #expect(response.status == .badRequest)
            }
            // A dry run reports and writes nothing.
            var id = 0
            try await client.execute(uri: "/api/v1/imports?dry_run=true", method: .post,
                                     headers: auth.merging([.contentType: "application/zip"]), body: first) { response in
                #expect(response.status == .accepted)
                try schema.expect(response, "/api/v1/imports", "post")
                id = try response.json()["id"] as? Int ?? 0
                #expect(response.headers[.location] == "/api/v1/imports/\(id)")
            }
            let dry = try await finished(client, id, auth)
            #expect(dry["state"] as? String == "succeeded")
            let dryReport = try #require(dry["report"] as? [String: Any])
            #expect((dryReport["totals"] as? [String: Any])?["created"] as? Int == 3)
            #expect(try Self.published(path) == nil)
            // The real import: per-file and per-record report.
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: auth.merging([.contentType: "application/zip"]),
                                     body: first) { response in
                id = try response.json()["id"] as? Int ?? 0
            }
            let job = try await finished(client, id, auth)
            let progress = try #require(job["progress"] as? [String: Any])
            #expect(progress["records_total"] as? Int == progress["records_done"] as? Int)
            #expect(progress["files_total"] as? Int == 4 && progress["files_done"] as? Int == 4)
            #expect((progress["bytes_done"] as? Int ?? 0) > 0 && progress["bytes_done"] as? Int == progress["bytes_total"] as? Int)
            let report = try #require(job["report"] as? [String: Any])
            #expect((report["totals"] as? [String: Any])?["created"] as? Int == 3)
            let files = try #require(report["files"] as? [[String: Any]])
            #expect(files.map { $0["state"] as? String } == ["imported", "imported", "rejected", "skipped"])
            #expect((files[2]["reason"] as? String)?.isEmpty == false)
            let records = try #require(report["records"] as? [[String: Any]])
            #expect(records.compactMap { $0["outcome"] as? String } == ["created", "created", "created"])
            #expect(try Self.published(path) == 3)
            // A full export without b1 withdraws it; a1 unchanged, a2 changed.
            try await client.execute(uri: "/api/v1/imports?mode=full", method: .post, headers: auth.merging([.contentType: "application/zip"]),
                                     body: second) { response in
                id = try response.json()["id"] as? Int ?? 0
            }
            let full = try await finished(client, id, auth)
            let fullReport = try #require(full["report"] as? [String: Any])
            let outcomes = (fullReport["records"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes == ["unchanged", "updated"])
            #expect((fullReport["withdrawn"] as? [String])?.count == 1)
            #expect(try Self.published(path) == 2)
            // The source's jobs, newest first; another importer sees none of them.
            try await client.execute(uri: "/api/v1/imports", method: .get, headers: auth) { response in
                try schema.expect(response, "/api/v1/imports", "get")
                let items = try response.json()["items"] as? [[String: Any]]
                #expect(items?.count == 3)
            }
            try await client.execute(uri: "/api/v1/imports/\(id)", method: .get, headers: people.headers("importer", json: false)) { response in
                #expect(response.status == .notFound)
            }
            // Exports: JSONL of the token's source, a zip of LOM files; nobody else's.
            try await client.execute(uri: "/api/v1/export?format=jsonl", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-ndjson")
                let lines = String(buffer: response.body).split(separator: "\n")
                #expect(lines.count == 2)
                #expect(lines.allSatisfy { $0.contains("\"source\":\"partenaire\"") })
            }
            try await client.execute(uri: "/api/v1/export?format=lom", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let url = folder.appendingPathComponent("export.zip")
                try Data(buffer: response.body).write(to: url)
                let entries = try ArchiveReader(path: url.path).validate()
                #expect(entries.count == 2 && entries.allSatisfy { $0.name.hasSuffix(".xml") })
            }
            try await client.execute(uri: "/api/v1/export?source=sonuma", method: .get, headers: auth) { response in
                #expect(response.status == .forbidden)
            }
            for (who, status) in [(nil, 401), ("contributor", 403), ("curator", 200), ("admin", 200)] as [(String?, Int)] {
                try await client.execute(uri: "/api/v1/export?format=jsonl", method: .get, headers: people.headers(who, json: false)) { response in
                    #expect(Int(response.status.code) == status)
                }
            }
        }
        try store.checkIntegrity()
    }

    /// A hostile archive fails the job with the reason and writes nothing.
    @Test func hostileArchiveIsRefusedWhole() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let importer = try store.createAccount(email: "import@partenaire.example.be", name: "Import", passwordHash: "x",
                                               role: .importer, source: "partenaire", actor: "test")
        let token = try Credentials.issueToken(for: importer, days: 1, label: nil, store: store, actor: "test").token
        let auth: HTTPFields = [.authorization: "Bearer \(token)"]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relais-hostile-\(UUID().uuidString).zip")
        var writer = try ArchiveWriter(path: url.path, kind: .zip)
        try writer.add(name: "bon.xml", bytes: Array(Self.lom("x1", "Une notice correcte").utf8))
        try writer.add(name: "../../etc/evil.xml", bytes: Array(Self.lom("x2", "Hors de l'archive").utf8))
        try writer.close()
        try await Fixture.application(databasePath: path).test(.router) { client in
            var id = 0
            try await client.execute(uri: "/api/v1/imports", method: .post, headers: auth.merging([.contentType: "application/zip"]),
                                     body: ByteBuffer(bytes: try Data(contentsOf: url))) { response in
                #expect(response.status == .accepted)
                id = try response.json()["id"] as? Int ?? 0
            }
            let job = try await finished(client, id, auth)
            #expect(job["state"] as? String == "failed")
            #expect((job["error"] as? String)?.contains("evil.xml") == true)
        }
        #expect(try Self.published(path) == nil)
    }
}

extension ImportRouteTests {
    /// Published resources of the partner's source, read on a connection of the test's own.
    static func published(_ path: String) throws -> Int? {
        try Store(path: path).counts().bySource["partenaire"]
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var fields = self
        for field in other { fields[field.name] = field.value }
        return fields
    }
}
