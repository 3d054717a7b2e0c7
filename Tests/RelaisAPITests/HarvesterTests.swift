import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RelaisIngest
import RelaisCore
import RelaisStore
import Synchronization
import Testing

/// The harvester against a scripted OAI-PMH server on loopback (503 then pages, a token with a
/// `+`, a deleted header), and against our own provider.
@Suite struct HarvesterTests {
    static func envelope(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-05T00:00:00Z</responseDate>
        <request>http://localhost/oai</request>\(body)</OAI-PMH>
        """
    }

    static func record(_ id: String, _ datestamp: String, title: String) -> String {
        """
        <record><header><identifier>oai:autre:\(id)</identifier><datestamp>\(datestamp)</datestamp></header>
        <metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title><string language="fr">\(title)</string></title>
        <description><string language="fr">Une ressource moissonnée pour le test du moissonneur.</string></description>
        </general></lom></metadata></record>
        """
    }

    final class Script: Sendable {
        let calls = Mutex<[String]>([])
    }

    func scriptedServer(_ script: Script) -> some ApplicationProtocol {
        let router = Router()
        router.get("/oai") { request, _ -> Response in
            let query = request.uri.query ?? ""
            let count = script.calls.withLock { $0.append(query); return $0.count }
            func xml(_ body: String) -> Response {
                Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: Self.envelope(body))))
            }
            if query.contains("verb=Identify") {
                return xml("<Identify><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>")
            }
            if query.contains("from=2026-01-03T10:00:00Z") {
                return xml(#"<error code="noRecordsMatch">rien de neuf</error>"#)
            }
            if count == 2 {
                return Response(status: .serviceUnavailable, headers: [.retryAfter: "1"])
            }
            if query.removingPercentEncoding?.contains("resumptionToken=tok+1/2") == true {
                return xml("<ListRecords>" + Self.record("c", "2026-01-03T10:00:00Z", title: "Troisième")
                           + #"<record><header status="deleted"><identifier>oai:autre:a</identifier><datestamp>2026-01-03T09:00:00Z</datestamp></header></record>"#
                           + #"<resumptionToken completeListSize="4" cursor="2"/></ListRecords>"#)
            }
            return xml("<ListRecords>" + Self.record("a", "2026-01-01T00:00:00Z", title: "Première")
                       + Self.record("b", "2026-01-02T00:00:00Z", title: "Deuxième")
                       + #"<resumptionToken completeListSize="4" cursor="0">tok+1/2</resumptionToken></ListRecords>"#)
        }
        return Application(router: router)
    }

    @Test(.timeLimit(.minutes(1))) func followsTokensRetries503AppliesDeletionsAndRemembersTheDate() async throws {
        let script = Script()
        try await scriptedServer(script).test(.live) { client in
            let port = try #require(client.port)
            let store = try Store(path: ":memory:")
            let harvester = Harvester(store: store, vocabularies: try Vocabularies.load(from: Fixture.vocabularies))
            let waits = Mutex<[TimeInterval]>([])
            harvester.sleep = { seconds in waits.withLock { $0.append(seconds) } }
            var options = HarvestOptions(baseURL: URL(string: "http://127.0.0.1:\(port)/oai")!, source: "autre")
            options.metadataPrefix = "lom"

            let first = try await harvester.run(options)
            #expect(first.imported.totals.created == 3)
            #expect(first.imported.totals.deleted == 1)
            #expect(first.retries == 1)
            #expect(waits.withLock { $0 } == [1])
            #expect(first.pages == 2)
            #expect(first.lastDatestamp == "2026-01-03T10:00:00Z")
            #expect(try store.counts().published == 2)

            // The next run asks only for what changed since.
            let second = try await harvester.run(options)
            #expect(second.from == "2026-01-03T10:00:00Z")
            #expect(second.imported.totals.records == 0)
            #expect(script.calls.withLock { $0 }.contains { $0.contains("resumptionToken=tok%2B1") })
        }
    }

    @Test func aRepositoryRepeatingItsTokenIsStopped() async throws {
        let router = Router()
        router.get("/oai") { request, _ -> Response in
            let body = (request.uri.query ?? "").contains("Identify")
                ? "<Identify><granularity>YYYY-MM-DD</granularity></Identify>"
                : "<ListRecords>" + Self.record("a", "2026-01-01", title: "Boucle") + "<resumptionToken>même</resumptionToken></ListRecords>"
            return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: Self.envelope(body))))
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let harvester = Harvester(store: try Store(path: ":memory:"), vocabularies: try Vocabularies.load(from: Fixture.vocabularies))
            await #expect(throws: HarvestError.self) {
                _ = try await harvester.run(HarvestOptions(baseURL: URL(string: "http://127.0.0.1:\(port)/oai")!, source: "boucle"))
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func harvestsOurOwnProviderCompletely() async throws {
        let app = try await Fixture.application(oaiPageSize: 9)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let store = try Store(path: ":memory:")
            let harvester = Harvester(store: store, vocabularies: try Vocabularies.load(from: Fixture.vocabularies))
            let report = try await harvester.run(HarvestOptions(baseURL: URL(string: "http://127.0.0.1:\(port)/oai")!, source: "relais"))
            let expected = try Store(path: try Fixture.databasePath()).counts().published
            #expect(report.imported.totals.created == expected)
            #expect(report.imported.totals.rejected == 0)
            #expect(report.pages == (expected + 8) / 9)
            #expect(try store.counts().published == expected)
        }
    }
}
