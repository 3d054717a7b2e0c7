import Foundation
import HummingbirdTesting
import NIOCore
@testable import RelaisAPI
import RelaisCore
import RelaisStore
import Testing

/// The OAI-PMH provider through the router: every verb, every error code that applies,
/// complete harvests by resumption token, tombstones, and the OAI-PMH XSD of the samples.
@Suite struct OAIProviderTests {
    static let oaiSchema = Fixture.samples.appendingPathComponent("infrae-pyoai/infrae_OAI-PMH.xsd")

    func xml(_ client: some TestClientProtocol, _ query: String) async throws -> String {
        try await client.execute(uri: "/oai?" + query, method: .get) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/xml") == true)
            return String(buffer: response.body)
        }
    }

    func errorCode(_ document: String) -> String? {
        guard let range = document.range(of: #"<error code="[A-Za-z]+""#, options: .regularExpression) else { return nil }
        return String(document[range].dropFirst(#"<error code=""#.count).dropLast())
    }

    func values(_ element: String, in document: String) -> [String] {
        document.components(separatedBy: "<\(element)>").dropFirst().compactMap { $0.components(separatedBy: "</\(element)>").first }
    }

    func expectValid(_ document: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let problems = try Fixture.xmllint(document, schema: Self.oaiSchema) else { return }
        #expect(problems.isEmpty, "\(problems.prefix(600))", sourceLocation: sourceLocation)
    }

    @Test func identifyAndFormats() async throws {
        try await Fixture.application().test(.router) { client in
            let identify = try await xml(client, "verb=Identify")
            try expectValid(identify)
            #expect(identify.contains("<protocolVersion>2.0</protocolVersion>"))
            #expect(identify.contains("<deletedRecord>persistent</deletedRecord>"))
            #expect(identify.contains("<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"))
            let formats = try await xml(client, "verb=ListMetadataFormats")
            try expectValid(formats)
            #expect(values("metadataPrefix", in: formats) == ["oai_dc", "lom"])
            let sets = try await xml(client, "verb=ListSets")
            try expectValid(sets)
            let specs = values("setSpec", in: sets)
            #expect(specs.contains("source:sonuma") && specs.contains("niveau:P5") && specs.contains("domaine:mathematiques"))
        }
    }

    @Test(arguments: ["oai_dc", "lom"]) func completeHarvestByResumptionTokens(prefix: String) async throws {
        let total = try Store(path: try Fixture.databasePath()).counts().published
        try await Fixture.application(oaiPageSize: 10).test(.router) { client in
            var identifiers: [String] = []
            var query = "verb=ListRecords&metadataPrefix=\(prefix)"
            var pages = 0
            while true {
                let page = try await xml(client, query)
                pages += 1
                try expectValid(page)
                #expect(errorCode(page) == nil, "\(page.prefix(500))")
                identifiers += values("identifier", in: page).filter { $0.hasPrefix("oai:") }
                #expect(page.contains("<metadata>"))
                guard let tokenRange = page.range(of: #"<resumptionToken[^>]*>[^<]*</resumptionToken>|<resumptionToken[^>]*/>"#,
                                                  options: .regularExpression) else { break }
                let element = String(page[tokenRange])
                #expect(element.contains("completeListSize=\"\(total)\""), "\(element)")
                #expect(element.contains("cursor=\"\((pages - 1) * 10)\""), "\(element)")
                let token = element.components(separatedBy: ">").dropFirst().first?.components(separatedBy: "<").first ?? ""
                if token.isEmpty { break }
                query = "verb=ListRecords&resumptionToken=" + token
            }
            #expect(identifiers.count == total)
            #expect(Set(identifiers).count == total)
            #expect(pages == (total + 9) / 10)
        }
    }

    @Test func lomRecordsValidateAgainstTheLOMSchema() async throws {
        let lomSchema = Fixture.samples.appendingPathComponent("Prvat33-WL-lom-xsd/lom.xsd")
        try await Fixture.application().test(.router) { client in
            let id = try await client.execute(uri: "/api/v1/search?source=sonuma&size=1", method: .get) { response in
                try #require((try response.json()["hits"] as? [[String: Any]])?.first?["id"] as? String)
            }
            let page = try await xml(client, "verb=GetRecord&metadataPrefix=lom&identifier=oai:relais.fwb.be:\(id)")
            try expectValid(page)
            let start = try #require(page.range(of: "<lom "))
            let end = try #require(page.range(of: "</lom>"))
            let lom = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + page[start.lowerBound..<end.upperBound]
            if let problems = try Fixture.xmllint(lom, schema: lomSchema) { #expect(problems.isEmpty, "\(problems.prefix(500))") }
            let dc = try await xml(client, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:relais.fwb.be:\(id)")
            try expectValid(dc)
            #expect(dc.contains("<oai_dc:dc") && dc.contains("<dc:title"))
        }
    }

    @Test func setsAndDates() async throws {
        try await Fixture.application().test(.router) { client in
            let level = try await xml(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=niveau:P5")
            try expectValid(level)
            let headers = level.components(separatedBy: "<header>").dropFirst()
            #expect(!headers.isEmpty)
            #expect(headers.allSatisfy { $0.contains("<setSpec>niveau:P5</setSpec>") })
            let source = try await xml(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=source:sonuma")
            #expect(source.components(separatedBy: "<header>").dropFirst().allSatisfy { $0.contains("source:sonuma") })
            let past = try await xml(client, "verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01")
            #expect(errorCode(past) == "noRecordsMatch")
            let all = try await xml(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2000-01-01T00:00:00Z&until=2999-12-31T23:59:59Z")
            #expect(errorCode(all) == nil)
            let unknownSet = try await xml(client, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=collection:x")
            #expect(errorCode(unknownSet) == "noRecordsMatch")
        }
    }

    @Test(arguments: [
        ("", "badVerb"), ("verb=Bogus", "badVerb"), ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&extra=1", "badArgument"), ("verb=Identify&x=%ZZ", "badArgument"), ("verb=ListRecords", "badArgument"),
        ("verb=GetRecord&metadataPrefix=lom", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lom&metadataPrefix=oai_dc", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lom&from=2020-13-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lom&from=2020-01-02&until=2020-01-01", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lom&from=2020-01-01&until=2021-01-01T00:00:00Z", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lom&set=%20", "badArgument"),
        ("verb=ListRecords&metadataPrefix=lom&resumptionToken=abc", "badArgument"),
        ("verb=ListRecords&resumptionToken=abc", "badResumptionToken"),
        ("verb=ListSets&resumptionToken=abc", "badResumptionToken"),
        ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
        ("verb=GetRecord&metadataPrefix=lom&identifier=oai:relais.fwb.be:rnexistepas", "idDoesNotExist"),
        ("verb=GetRecord&metadataPrefix=lom&identifier=http://ailleurs", "idDoesNotExist"),
        ("verb=ListMetadataFormats&identifier=oai:relais.fwb.be:rnexistepas", "idDoesNotExist"),
    ])
    func errorsOfTheSpecification(query: String, code: String) async throws {
        try await Fixture.application().test(.router) { client in
            let document = try await xml(client, query)
            #expect(errorCode(document) == code, "\(query): \(document.suffix(300))")
            try expectValid(document)
            if code == "badVerb" || code == "badArgument" {
                #expect(document.contains("<request>"), "les attributs de request doivent manquer : \(query)")
            }
        }
    }

    @Test func expiredTokenAndPOST() async throws {
        let expired = ResumptionToken(prefix: "lom", set: nil, from: nil, until: nil, after: nil, cursor: 10, total: 98,
                                      expires: Date(timeIntervalSinceNow: -60))
        try await Fixture.application().test(.router) { client in
            let document = try await xml(client, "verb=ListRecords&resumptionToken=" + expired.encoded)
            #expect(errorCode(document) == "badResumptionToken")
            #expect(document.contains("expiré"))
            try await client.execute(uri: "/oai", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "verb=ListMetadataFormats")) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<metadataPrefix>lom</metadataPrefix>"))
            }
            try await client.execute(uri: "/oai", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unsupportedMediaType)
            }
        }
    }

    @Test func deletedRecordsStayAsTombstones() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let ids = try store.searchIDs(matching: "volcans", limit: 1)
        let id = try #require(ids.first)
        _ = try store.transaction { try store.delete(id: id, batch: nil) }
        try await Fixture.application(databasePath: path).test(.router) { client in
            let record = try await xml(client, "verb=GetRecord&metadataPrefix=lom&identifier=oai:relais.fwb.be:\(id.rawValue)")
            try expectValid(record)
            #expect(record.contains(#"<header status="deleted">"#))
            #expect(!record.contains("<metadata>"))
            let list = try await xml(client, "verb=ListIdentifiers&metadataPrefix=oai_dc")
            #expect(list.contains(#"<header status="deleted">"#))
            // The public API no longer shows it.
            try await client.execute(uri: "/api/v1/resources/\(id.rawValue)", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
