import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import RelaisAPI
import Testing

/// Every route through Hummingbird's router test framework, each response checked against
/// the OpenAPI document.
@Suite struct RouteTests: Sendable {
    let schema: SchemaChecker

    init() throws { schema = try SchemaChecker() }

    @Test func searchReturnsHitsFacetsAndCorrections() async throws {
        try await Fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/search?q=dyslexy+lecture&size=5", method: .get) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/search")
                let body = try response.json()
                #expect((body["total"] as? Int ?? 0) > 0)
                let corrections = try #require(body["corrections"] as? [[String: String]])
                #expect(corrections.first?["used"] == "dyslexie")
                let hits = try #require(body["hits"] as? [[String: Any]])
                #expect(hits.count <= 5 && !hits.isEmpty)
                let snippet = try #require(hits.first?["snippet"] as? [String: Any])
                #expect((snippet["html"] as? String)?.contains("<mark>") == true)
                let facets = try #require(body["facets"] as? [String: [String: Any]])
                #expect(Set(facets.keys) == ["niveaux", "domaines", "types", "roles", "besoins", "licences", "sources", "langues"])
            }
            // Filters: OR inside a dimension (repeated or comma-separated), AND across; explain.
            try await client.execute(uri: "/api/v1/search?niveau=P5,P6&domaine=mathematiques&explain=true&sort=titre",
                                     method: .get) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/search")
                let hits = try #require(try response.json()["hits"] as? [[String: Any]])
                for hit in hits {
                    let levels = (hit["levels"] as? [[String: String]] ?? []).compactMap { $0["term"] }
                    #expect(!Set(levels).isDisjoint(with: ["P5", "P6"]))
                }
            }
            // An archive sequence: the matching segment with its timecode.
            try await client.execute(uri: "/api/v1/search?q=%C3%A9tat+f%C3%A9d%C3%A9ral&source=sonuma", method: .get) { response in
                try schema.expect(response, "/api/v1/search")
                let hits = try #require(try response.json()["hits"] as? [[String: Any]])
                let segment = try #require(hits.first?["segment"] as? [String: Any])
                #expect((segment["timecode"] as? String)?.count == 8)
            }
        }
    }

    @Test func postSearchTakesJSONBody() async throws {
        try await Fixture.application().test(.router) { client in
            let body = ByteBuffer(string: #"{"q": "fractions", "niveau": ["P4", "P5"], "size": 3, "explain": false}"#)
            try await client.execute(uri: "/api/v1/search", method: .post, headers: [.contentType: "application/json"],
                                     body: body) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/search", "post")
                let size = try response.json()["size"] as? Int
                #expect(size == 3)
            }
            try await client.execute(uri: "/api/v1/search", method: .post, headers: [.contentType: "text/plain"],
                                     body: ByteBuffer(string: "fractions")) { response in
                #expect(response.status == .unsupportedMediaType)
                try schema.expect(response, "/api/v1/search", "post")
            }
            try await client.execute(uri: "/api/v1/search", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"q": {"nested": 1}}"#)) { response in
                #expect(response.status == .badRequest)
            }
            for (body, parameter) in [(#"{"explain": 0}"#, "explain"), (#"{"page": "2"}"#, "page"), (#"{"q": ["a"]}"#, "q"),
                                      (#"{"niveau": 5}"#, "niveau"), (#"{"size": 2.5}"#, "size"), (#"{"inconnu": "x"}"#, "inconnu")] {
                try await client.execute(uri: "/api/v1/search", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    let named = try response.json()["parameter"] as? String
                    #expect(named == parameter, "\(body)")
                }
            }
            try await client.execute(uri: "/api/v1/search", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(repeating: UInt8(ascii: " "), count: 100_000)) { response in
                #expect(response.status == .contentTooLarge)
                try schema.expect(response, "/api/v1/search", "post")
            }
        }
    }

    @Test(arguments: [
        ("size=0", "size"), ("size=101", "size"), ("page=0", "page"), ("page=abc", "page"), ("sort=hasard", "sort"),
        ("niveau=P9", "niveau"), ("niveaux=P5", "niveaux"), ("explain=peut-etre", "explain"), ("q=%ZZ", "q"),
        ("duree_min=-3", "duree_min"), ("duree_min=600&duree_max=60", "duree_min"), ("q=a&q=b", "q"),
        ("q=%22non+ferm%C3%A9", "q"), ("page=1000&size=100", "page"),
    ])
    func badParametersAre400NamingTheParameter(query: String, parameter: String) async throws {
        try await Fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/search?" + query, method: .get) { response in
                if response.status == .ok {
                    // An unclosed quote is forgiven by the query language: then it must be a real result.
                    #expect(parameter == "q" && query.contains("%22"), "\(query) accepté")
                    return
                }
                #expect(response.status == .badRequest, "\(query): \(response.status)")
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                let body = try response.json()
                #expect(body["parameter"] as? String == parameter, "\(query): \(body)")
                #expect((body["detail"] as? String)?.isEmpty == false)
                try schema.expect(response, "/api/v1/search")
            }
        }
    }

    @Test func nastyQueriesNeverFail() async throws {
        let nasty = ["\"", "*", "NEAR(", "AND", "c++", "100%", "-", "OR OR", "titre:", "motcle:\"", "(((", "l'", "'",
                     String(repeating: "é", count: 600), "\u{0}\u{1}\u{7f}", "💥 émoji", "%", "a%2Fb", "<script>alert(1)</script>"]
        try await Fixture.application().test(.router) { client in
            for text in nasty {
                let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                try await client.execute(uri: "/api/v1/search?q=" + encoded, method: .get) { response in
                    #expect([.ok, .badRequest].contains(response.status), "\(text.prefix(20)): \(response.status)")
                    try schema.expect(response, "/api/v1/search")
                }
            }
        }
    }

    @Test func resourceWithETagAndLOM() async throws {
        try await Fixture.application().test(.router) { client in
            let id = try await client.execute(uri: "/api/v1/search?q=f%C3%A9d%C3%A9ralisation&size=1", method: .get) { response in
                try #require((try response.json()["hits"] as? [[String: Any]])?.first?["id"] as? String)
            }
            let etag = try await client.execute(uri: "/api/v1/resources/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/resources/{id}")
                let body = try response.json()
                #expect((body["segments"] as? [Any])?.isEmpty == false)
                #expect((body["related"] as? [[String: String]])?.contains { $0["id"] == id } == false)
                #expect((body["provenance"] as? [String: Any])?["file"] != nil)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/api/v1/resources/\(id)", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/v1/resources/\(id)/lom", method: .get,
                                     headers: [.accept: "application/xml"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/xml") == true)
                #expect(response.text.contains("http://ltsc.ieee.org/xsd/LOM"))
                #expect(response.headers[.eTag] != nil)
            }
            for missing in ["rzzzzzzzzzzzzzzzzzzzz", "nope", "..%2F..%2Fetc", String(repeating: "a", count: 200)] {
                try await client.execute(uri: "/api/v1/resources/\(missing)", method: .get) { response in
                    #expect(response.status == .notFound, "\(missing)")
                    try schema.expect(response, "/api/v1/resources/{id}")
                }
            }
        }
    }

    @Test func factSheetBodyIsSafeHTML() async throws {
        try await Fixture.application().test(.router) { client in
            let id = try await client.execute(uri: "/api/v1/search?source=amenagements&besoin=dyslexie&size=1", method: .get) { response in
                try #require((try response.json()["hits"] as? [[String: Any]])?.first?["id"] as? String)
            }
            try await client.execute(uri: "/api/v1/resources/\(id)", method: .get) { response in
                let html = try #require(try response.json()["body_html"] as? String)
                #expect(html.contains("<h2>") || html.contains("<p>"))
                #expect(!html.lowercased().contains("<script"))
            }
        }
    }

    @Test func suggestVocabulariesHealth() async throws {
        try await Fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/suggest?q=frac", method: .get) { response in
                try schema.expect(response, "/api/v1/suggest")
                let suggestions = try #require(try response.json()["suggestions"] as? [String])
                #expect(suggestions.contains { $0.lowercased().hasPrefix("fraction") })
            }
            try await client.execute(uri: "/api/v1/suggest?q=" + String(repeating: "a", count: 101), method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/vocabularies", method: .get) { response in
                try schema.expect(response, "/api/v1/vocabularies")
                let count = try (response.json()["vocabularies"] as? [Any])?.count
                #expect(count == 6)
            }
            try await client.execute(uri: "/api/v1/vocabularies/niveaux", method: .get) { response in
                try schema.expect(response, "/api/v1/vocabularies/{name}")
                let terms = try #require(try response.json()["terms"] as? [[String: Any]])
                #expect(terms.contains { $0["id"] as? String == "P5" && ($0["label"] as? String)?.contains("primaire") == true })
            }
            try await client.execute(uri: "/api/v1/vocabularies/inconnu", method: .get) { response in
                #expect(response.status == .notFound)
                try schema.expect(response, "/api/v1/vocabularies/{name}")
            }
            for path in ["/healthz", "/readyz"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    try schema.expect(response, path)
                }
            }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let version = try response.json()["openapi"] as? String
                #expect(version == "3.1.0")
            }
        }
    }

    @Test func pageAndAssets() async throws {
        try await Fixture.application().test(.router) { client in
            for path in ["/", "/ressource/rabc", "/?q=fractions&niveau=P5"] {
                try await client.execute(uri: path, method: .get, headers: [.accept: "text/html"]) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                    #expect(response.text.contains("lang=\"fr\""))
                }
            }
            try await client.execute(uri: "/static/inexistant.js", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/static/..%2FRelaisServer.swift", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func protocolErrors() async throws {
        try await Fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/v1/search", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD, POST")
                try schema.expect(response, "/api/v1/search")
            }
            try await client.execute(uri: "/api/v1/resources/rabc", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
            // The literal route wins over /api/v1/submissions/{id} (GET, PUT), as in the router.
            try await client.execute(uri: "/api/v1/submissions/checklist", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/api/v2/search", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            }
            try await client.execute(uri: "/api/v1/search", method: .get, headers: [.accept: "text/csv"]) { response in
                #expect(response.status == .notAcceptable)
                try schema.expect(response, "/api/v1/search")
            }
            try await client.execute(uri: "/api/v1/search?q=" + String(repeating: "a", count: 9_000), method: .get) { response in
                #expect(response.status == .uriTooLong)
                try schema.expect(response, "/api/v1/search")
            }
            try await client.execute(uri: "/api/v1/search?q=fractions", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/v1/search", method: .options,
                                     headers: [.origin: "https://ecole.example.be", .accessControlRequestMethod: "GET"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            try await client.execute(uri: "/api/v1/vocabularies", method: .get, headers: [.origin: "https://ecole.example.be"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.init("X-Request-Id")!] != nil)
            }
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        try await Fixture.application(rateLimit: 2).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            // 2 per second, bursts of 4: the first 4 pass, and a 429 comes unless every request
            // takes half a second (the whole suite runs in parallel on two cores).
            while statuses.count < 40 && !statuses.contains(.tooManyRequests) {
                statuses.append(try await client.execute(uri: "/healthz", method: .get) { response in
                    if response.status == .tooManyRequests {
                        #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                        try schema.expect(response, "/healthz")
                    }
                    return response.status
                })
            }
            #expect(statuses.prefix(4).allSatisfy { $0 == .ok })
            #expect(statuses.contains(.tooManyRequests))
        }
    }
}

/// The OpenAPI document and the routes the server registers describe the same API.
@Suite struct OpenAPICompletenessTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let table = try await Fixture.routeTable()
        let document = try SchemaChecker()
        let served = Set(table.routes.filter(\.documented).map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        let documented = Set(document.paths.flatMap { path, operations in
            operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0) \(path)" }
        })
        #expect(served.subtracting(documented).isEmpty, "routes sans description : \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "décrites mais absentes : \(documented.subtracting(served).sorted())")
        #expect(served.count >= 10)
    }

    @Test func everyReferenceResolves() throws {
        let checker = try SchemaChecker()
        let text = try String(contentsOf: Fixture.root.appendingPathComponent("Sources/RelaisAPI/openapi.json"), encoding: .utf8)
        let components = ((checker.document["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
        let references = text.components(separatedBy: "\"#/components/schemas/").dropFirst()
            .map { String($0.prefix { $0 != "\"" }) }
        #expect(!references.isEmpty)
        for reference in Set(references) { #expect(components[reference] != nil, "\(reference)") }
    }
}
