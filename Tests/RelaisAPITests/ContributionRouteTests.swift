import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import RelaisAPI
import RelaisAuth
import RelaisCore
import RelaisStore
import Testing

/// Accounts with a token each, one per role, made straight in the database.
struct People {
    var tokens: [String: String] = [:]
    var ids: [String: Int64] = [:]

    static let roles: [(name: String, role: Role)] = [
        ("contributor", .contributor), ("other", .contributor), ("evaluator", .evaluator), ("curator", .curator),
        ("curator2", .curator), ("importer", .importer), ("admin", .admin),
    ]

    init(store: Store) throws {
        for (name, role) in Self.roles {
            let account = try store.createAccount(email: "\(name)@ecole.example.be", name: "Personne \(name)",
                                                  passwordHash: Credentials.hashPassword("mot-de-passe-\(name)", cost: 4),
                                                  role: role, source: role == .importer ? "consortiums" : nil, actor: "test")
            ids[name] = account.id
            tokens[name] = try Credentials.issueToken(for: account, days: 1, label: nil, store: store, actor: "test").token
        }
    }

    func headers(_ who: String?, json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [:]
        if json { fields[.contentType] = "application/json" }
        if let who, let token = tokens[who] { fields[.authorization] = "Bearer \(token)" }
        return fields
    }
}

let newResourceBody = #"""
{"kind": "new_resource", "format": "json", "metadata": {"title": "Le cycle de l'eau en quatre expériences zigomatiques",
 "description": "Une séquence de quatre leçons pour comprendre le cycle de l'eau avec des expériences simples, menées en classe de cinquième primaire.",
 "levels": ["P5"], "domains": ["sciences"], "types": ["sequence-didactique"], "licence": "cc-by-sa", "url": "https://ecole.example.be/eau"}}
"""#

@Suite struct ContributionRouteTests: Sendable {
    let schema: SchemaChecker
    init() throws { schema = try SchemaChecker() }

    /// A contributor's resource goes through a curator to a search hit; on the way, nobody
    /// else sees the draft, an illegal step is a 409 naming what is allowed, and the checklist
    /// stops an incomplete submission.
    @Test func submissionFromContributorThroughCuratorToSearchHit() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        try await Fixture.application(databasePath: path).test(.router) { client in
            // The live checklist: nothing stored.
            try await client.execute(uri: "/api/v1/submissions/checklist", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"kind":"new_resource","format":"json","metadata":{"title":"Eau"}}"#)) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/submissions/checklist", "post")
                let body = try response.json()
                #expect(body["ready"] as? Bool == false)
                let failed = (body["checklist"] as? [[String: Any]] ?? []).filter { $0["passed"] as? Bool == false }.compactMap { $0["id"] as? String }
                #expect(Set(failed).isSuperset(of: ["titre", "description", "niveau", "domaine", "type", "licence", "url"]))
            }
            // An incomplete draft is saved but cannot be submitted (422 with the checklist).
            var incomplete = 0
            try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"kind":"new_resource","format":"json","metadata":{"title":"Brouillon"}}"#)) { response in
                #expect(response.status == .created)
                try schema.expect(response, "/api/v1/submissions", "post")
                incomplete = try response.json()["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/v1/submissions/\(incomplete)/transitions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"action":"submit"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                try schema.expect(response, "/api/v1/submissions/{id}/transitions", "post")
                #expect((try response.json()["checklist"] as? [Any])?.isEmpty == false)
            }
            // Fields the server owns are refused.
            try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"kind":"new_resource","state":"published"}"#)) { response in
                #expect(response.status == .forbidden)
                let answer = try response.json()
                #expect(answer["parameter"] as? String == "state")
            }
            var id = 0
            try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: newResourceBody)) { response in
                #expect(response.status == .created)
                try schema.expect(response, "/api/v1/submissions", "post")
                let body = try response.json()
                id = body["id"] as? Int ?? 0
                #expect(body["state"] as? String == "draft")
                #expect(body["ready"] as? Bool == true)
                #expect(body["allowed_actions"] as? [String] == ["submit", "withdraw"])
            }
            // Another contributor: not found, whether reading or editing.
            try await client.execute(uri: "/api/v1/submissions/\(id)", method: .get, headers: people.headers("other", json: false)) { response in
                #expect(response.status == .notFound)
                try schema.expect(response, "/api/v1/submissions/{id}", "get")
            }
            try await client.execute(uri: "/api/v1/submissions/\(id)", method: .put, headers: people.headers("other"),
                                     body: ByteBuffer(string: newResourceBody)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/submissions/\(id)/transitions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"action":"submit"}"#)) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/submissions/{id}/transitions", "post")
            }
            // Curator: approve before claiming is illegal, the answer names the allowed step.
            try await client.execute(uri: "/api/v1/submissions/\(id)/transitions", method: .post, headers: people.headers("curator"),
                                     body: ByteBuffer(string: #"{"action":"approve"}"#)) { response in
                #expect(response.status == .conflict)
                try schema.expect(response, "/api/v1/submissions/{id}/transitions", "post")
                let answer = try response.json()
                #expect(answer["allowed"] as? [String] == ["claim"])
            }
            try await client.execute(uri: "/api/v1/moderation/queue?state=submitted", method: .get, headers: people.headers("curator", json: false)) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/moderation/queue", "get")
                let items = try response.json()["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["id"] as? Int } == [id])
            }
            for action in ["claim", "approve", "publish"] {
                try await client.execute(uri: "/api/v1/submissions/\(id)/transitions", method: .post, headers: people.headers("curator"),
                                         body: ByteBuffer(string: #"{"action":"\#(action)"}"#)) { response in
                    #expect(response.status == .ok, "\(action): \(response.text.prefix(300))")
                    try schema.expect(response, "/api/v1/submissions/{id}/transitions", "post")
                }
            }
            var resourceID = ""
            try await client.execute(uri: "/api/v1/submissions/\(id)", method: .get, headers: people.headers("contributor", json: false)) { response in
                let body = try response.json()
                #expect(body["state"] as? String == "published")
                resourceID = body["resource_id"] as? String ?? ""
                let history = (body["history"] as? [[String: Any]] ?? []).compactMap { $0["to"] as? String }
                #expect(history == ["draft", "submitted", "in_review", "approved", "published"])
            }
            try await client.execute(uri: "/api/v1/search?q=zigomatiques", method: .get) { response in
                let hits = try response.json()["hits"] as? [[String: Any]] ?? []
                #expect(hits.first?["id"] as? String == resourceID)
            }
            try await client.execute(uri: "/api/v1/resources/\(resourceID)", method: .get) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/resources/{id}", "get")
                let synthesis = try response.json()["synthesis"] as? [String: Any]
                #expect(synthesis?["state"] as? String == "not_evaluated")
            }
            // Withdrawn by a curator: out of the search index.
            try await client.execute(uri: "/api/v1/submissions/\(id)/transitions", method: .post, headers: people.headers("curator"),
                                     body: ByteBuffer(string: #"{"action":"withdraw","comment":"retirée à la demande de l'école"}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/search?q=zigomatiques", method: .get) { response in
                let answer = try response.json()
                #expect(answer["total"] as? Int == 0)
            }
        }
        try store.checkIntegrity()
    }

    /// Two curators claim the same submission at the same moment: exactly one wins.
    @Test func twoCuratorsClaimingAtOnceExactlyOneWins() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        try await Fixture.application(databasePath: path).test(.router) { client in
            var ids: [Int] = []
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                         body: ByteBuffer(string: newResourceBody)) { response in
                    ids.append(try response.json()["id"] as? Int ?? 0)
                }
                try await client.execute(uri: "/api/v1/submissions/\(ids.last!)/transitions", method: .post,
                                         headers: people.headers("contributor"), body: ByteBuffer(string: #"{"action":"submit"}"#)) { _ in }
            }
            for id in ids {
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for curator in ["curator", "curator2"] {
                        group.addTask {
                            try await client.execute(uri: "/api/v1/submissions/\(id)/transitions", method: .post,
                                                     headers: people.headers(curator), body: ByteBuffer(string: #"{"action":"claim"}"#)) { $0.status }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            }
        }
        let claims = try store.auditRows().filter { $0.action == "submission.claim" }
        #expect(claims.count == 5)
    }

    /// Every role against every co-construction route: the status each must get.
    @Test func authorizationMatrix() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        let resource = try #require(try store.publishedIDs().first).rawValue
        try await Fixture.application(databasePath: path).test(.router) { client in
            // Objects to act on: a draft by "contributor", a comment by "other".
            var draft = 0
            try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: newResourceBody)) { draft = try $0.json()["id"] as? Int ?? 0 }
            var comment = 0
            try await client.execute(uri: "/api/v1/resources/\(resource)/comments", method: .post, headers: people.headers("other"),
                                     body: ByteBuffer(string: #"{"text":"Testé en P5, très bien reçu."}"#)) { comment = try $0.json()["id"] as? Int ?? 0 }

            // role order: anonymous, contributor, other, evaluator, curator, importer, admin
            let who: [String?] = [nil, "contributor", "other", "evaluator", "curator", "importer", "admin"]
            typealias Row = (method: HTTPRequest.Method, uri: String, pattern: String, body: String?, expected: [Int])
            let rows: [Row] = [
                (.get, "/api/v1/me", "/api/v1/me", nil, [401, 200, 200, 200, 200, 200, 200]),
                (.get, "/api/v1/accounts", "/api/v1/accounts", nil, [401, 403, 403, 403, 403, 403, 200]),
                (.patch, "/api/v1/accounts/\(people.ids["other"]!)", "/api/v1/accounts/{id}", #"{"role":"contributor"}"#,
                 [401, 403, 403, 403, 403, 403, 200]),
                (.get, "/api/v1/submissions", "/api/v1/submissions", nil, [401, 200, 200, 200, 200, 200, 200]),
                (.get, "/api/v1/submissions/\(draft)", "/api/v1/submissions/{id}", nil, [401, 200, 404, 404, 200, 404, 200]),
                (.put, "/api/v1/submissions/\(draft)", "/api/v1/submissions/{id}", newResourceBody, [401, 200, 404, 404, 403, 404, 403]),
                (.post, "/api/v1/submissions", "/api/v1/submissions", newResourceBody, [401, 201, 201, 201, 201, 403, 201]),
                (.post, "/api/v1/submissions/checklist", "/api/v1/submissions/checklist", newResourceBody, [401, 200, 200, 200, 200, 403, 200]),
                (.post, "/api/v1/submissions/\(draft)/transitions", "/api/v1/submissions/{id}/transitions", #"{"action":"claim"}"#,
                 [401, 409, 404, 404, 409, 404, 409]),
                (.get, "/api/v1/moderation/queue", "/api/v1/moderation/queue", nil, [401, 403, 403, 403, 200, 403, 200]),
                (.get, "/api/v1/moderation/reasons", "/api/v1/moderation/reasons", nil, [401, 403, 403, 403, 200, 403, 200]),
                (.get, "/api/v1/moderation/evaluations", "/api/v1/moderation/evaluations", nil, [401, 403, 403, 403, 200, 403, 200]),
                (.get, "/api/v1/moderation/comments", "/api/v1/moderation/comments", nil, [401, 403, 403, 403, 200, 403, 200]),
                (.get, "/api/v1/evaluation-grid", "/api/v1/evaluation-grid", nil, [200, 200, 200, 200, 200, 200, 200]),
                (.get, "/api/v1/resources/\(resource)/synthesis", "/api/v1/resources/{id}/synthesis", nil, [200, 200, 200, 200, 200, 200, 200]),
                (.get, "/api/v1/resources/\(resource)/evaluations", "/api/v1/resources/{id}/evaluations", nil, [200, 200, 200, 200, 200, 200, 200]),
                (.put, "/api/v1/resources/\(resource)/evaluations/mine", "/api/v1/resources/{id}/evaluations/mine", Self.evaluation(3),
                 [401, 404, 404, 404, 404, 403, 404]),
                (.get, "/api/v1/resources/\(resource)/comments", "/api/v1/resources/{id}/comments", nil, [200, 200, 200, 200, 200, 200, 200]),
                (.post, "/api/v1/comments/\(comment)/hide", "/api/v1/comments/{id}/hide", #"{"reason":"hors sujet"}"#,
                 [401, 403, 403, 403, 204, 403, 409]),
                (.get, "/api/v1/resources/\(resource)/feedback", "/api/v1/resources/{id}/feedback", nil, [200, 200, 200, 200, 200, 200, 200]),
                (.get, "/api/v1/me/export", "/api/v1/me/export", nil, [401, 200, 200, 200, 200, 200, 200]),
            ]
            for row in rows {
                for (index, person) in who.enumerated() {
                    try await client.execute(uri: row.uri, method: row.method, headers: people.headers(person, json: row.body != nil),
                                             body: row.body.map { ByteBuffer(string: $0) }) { response in
                        #expect(Int(response.status.code) == row.expected[index],
                                "\(row.method) \(row.uri) as \(person ?? "anonymous"): \(response.status.code) \(response.text.prefix(200))")
                        try schema.expect(response, row.pattern, row.method.rawValue.lowercased())
                        if response.status == .unauthorized { #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true) }
                    }
                }
            }
            // Evaluating: anonymous 401, importer 403, everyone else 201 once, then 409.
            for (index, person) in who.enumerated() {
                try await client.execute(uri: "/api/v1/resources/\(resource)/evaluations", method: .post,
                                         headers: people.headers(person), body: ByteBuffer(string: Self.evaluation(3))) { response in
                    let expected = [401, 201, 201, 201, 201, 403, 201][index]
                    #expect(Int(response.status.code) == expected, "évaluation par \(person ?? "anonymous"): \(response.text.prefix(200))")
                    try schema.expect(response, "/api/v1/resources/{id}/evaluations", "post")
                }
            }
            try await client.execute(uri: "/api/v1/resources/\(resource)/evaluations", method: .post,
                                     headers: people.headers("evaluator"), body: ByteBuffer(string: Self.evaluation(2))) { response in
                #expect(response.status == .conflict)
            }
            // Only admins manage roles; nobody gives themselves one at registration.
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: people.headers(nil),
                                     body: ByteBuffer(string: #"{"email":"x@ecole.example.be","name":"X","password":"un-long-mot-de-passe","role":"admin"}"#)) { response in
                #expect(response.status == .forbidden)
                try schema.expect(response, "/api/v1/accounts", "post")
            }
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: people.headers("admin"),
                                     body: ByteBuffer(string: #"{"email":"cur3@ecole.example.be","name":"C3","password":"un-long-mot-de-passe","role":"curator"}"#)) { response in
                #expect(response.status == .created)
                try schema.expect(response, "/api/v1/accounts", "post")
                let answer = try response.json()
                #expect(answer["role"] as? String == "curator")
            }
        }
        // Each role change is audited.
        #expect(try store.auditRows().contains { $0.action == "account.create" && $0.to == "curator" })
    }

    static func evaluation(_ score: Int) -> String {
        let criteria = ["pertinence", "faisabilite", "methodologie", "clarte", "conformite", "accessibilite"]
            .map { #""\#($0)": {"score": \#(score), "comment": null}"# }.joined(separator: ", ")
        return #"{"criteria": {\#(criteria)}, "strengths": "Des exemples concrets", "improvements": "Des consignes plus courtes"}"#
    }

    @Test func loginLogoutAndTheirLimits() async throws {
        let (path, store) = try Fixture.privateDatabase()
        _ = store
        try await Fixture.application(databasePath: path, configure: { $0.loginsPerMinute = 3 }).test(.router) { client in
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"anne@ecole.example.be","name":"Anne","password":"court"}"#)) { response in
                #expect(response.status == .badRequest)
                let answer = try response.json()
                #expect(answer["parameter"] as? String == "password")
            }
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"pas une adresse","name":"Anne","password":"un-long-mot-de-passe"}"#)) { response in
                #expect(response.status == .badRequest)
                let answer = try response.json()
                #expect(answer["parameter"] as? String == "email")
            }
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"anne@ecole.example.be","name":"Anne","password":"un-long-mot-de-passe"}"#)) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"ANNE@ecole.example.be","name":"Anne","password":"un-long-mot-de-passe"}"#)) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"anne@ecole.example.be","password":"mauvais-mot-de-passe"}"#)) { response in
                #expect(response.status == .unauthorized)
                try schema.expect(response, "/api/v1/auth/login", "post")
            }
            var token = ""
            try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"anne@ecole.example.be","password":"un-long-mot-de-passe"}"#)) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/auth/login", "post")
                token = try response.json()["token"] as? String ?? ""
            }
            #expect(Credentials.looksLikeToken(token))
            try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                let answer = try response.json()
                #expect(answer["email"] as? String == "anne@ecole.example.be")
            }
            try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .unauthorized)
            }
            for header in ["Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer ", "Bearer rls_court", "Bearer " + "rls_" + String(repeating: "A", count: 43)] {
                try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header)")
                    try schema.expect(response, "/api/v1/me", "get")
                }
            }
            try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"anne@ecole.example.be","password":"encore-un-faux"}"#)) { response in
                #expect(response.status == .unauthorized)
            }
            // Three attempts a minute: the fourth is refused, with the time to wait.
            try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"email":"anne@ecole.example.be","password":"encore-faux-mot"}"#)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                try schema.expect(response, "/api/v1/auth/login", "post")
            }
        }
        // The token is stored as its SHA-256 only.
        let hashes = try store.db.prepare("SELECT hash FROM tokens")
        while try hashes.step() { #expect(hashes.text(0)?.count == 64) }
    }

    /// Comments flagged then hidden; feedback from class published; the person's data
    /// exported then erased through the API.
    @Test func commentsFeedbackAndPersonalData() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        let resource = try #require(try store.publishedIDs().first).rawValue
        try await Fixture.application(databasePath: path).test(.router) { client in
            var comment = 0
            try await client.execute(uri: "/api/v1/resources/\(resource)/comments", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"text":"Utilisé en P5 avec des dés, les élèves ont adoré."}"#)) { response in
                #expect(response.status == .created)
                try schema.expect(response, "/api/v1/resources/{id}/comments", "post")
                comment = try response.json()["id"] as? Int ?? 0
            }
            for (who, expected) in [("other", 204), ("other", 409), ("evaluator", 204)] {
                try await client.execute(uri: "/api/v1/comments/\(comment)/flags", method: .post, headers: people.headers(who),
                                         body: ByteBuffer(string: #"{"reason":"publicité"}"#)) { response in
                    #expect(Int(response.status.code) == expected)
                    try schema.expect(response, "/api/v1/comments/{id}/flags", "post")
                }
            }
            try await client.execute(uri: "/api/v1/moderation/comments", method: .get, headers: people.headers("curator", json: false)) { response in
                try schema.expect(response, "/api/v1/moderation/comments", "get")
                let items = try response.json()["items"] as? [[String: Any]] ?? []
                #expect(items.first?["flags"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/comments/\(comment)/hide", method: .post, headers: people.headers("curator"),
                                     body: ByteBuffer(string: #"{"reason":"publicité"}"#)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/resources/\(resource)/comments", method: .get) { response in
                let items = try response.json()["items"] as? [Any] ?? []
                #expect(items.isEmpty)
            }
            // Feedback from class, published by a curator.
            var feedback = 0
            let body = #"{"kind":"feedback","resource_id":"\#(resource)","feedback":{"level":"P5","context":"Classe de 22 élèves, deux périodes.","worked":"La manipulation.","adapt":"Prévoir plus de temps."}}"#
            try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                try schema.expect(response, "/api/v1/submissions", "post")
                feedback = try response.json()["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/v1/submissions/\(feedback)/transitions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: #"{"action":"submit"}"#)) { #expect($0.status == .ok) }
            for action in ["claim", "approve", "publish"] {
                try await client.execute(uri: "/api/v1/submissions/\(feedback)/transitions", method: .post, headers: people.headers("curator"),
                                         body: ByteBuffer(string: #"{"action":"\#(action)"}"#)) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/api/v1/resources/\(resource)/feedback", method: .get) { response in
                try schema.expect(response, "/api/v1/resources/{id}/feedback", "get")
                let items = try response.json()["items"] as? [[String: Any]] ?? []
                #expect(items.first?["worked"] as? String == "La manipulation.")
            }
            // Personal data: the export holds their submission and comment; erasure keeps the feedback.
            try await client.execute(uri: "/api/v1/me/export", method: .get, headers: people.headers("contributor", json: false)) { response in
                #expect(response.status == .ok)
                try schema.expect(response, "/api/v1/me/export", "get")
                let export = try response.json()
                #expect((export["submissions"] as? [Any])?.count == 1)
                #expect((export["comments"] as? [Any])?.count == 1)
                #expect((export["account"] as? [String: Any])?["email"] as? String == "contributor@ecole.example.be")
            }
            try await client.execute(uri: "/api/v1/me", method: .delete, headers: people.headers("contributor", json: false)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: people.headers("contributor", json: false)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/resources/\(resource)/feedback", method: .get) { response in
                let items = try response.json()["items"] as? [[String: Any]] ?? []
                #expect((items.first?["author"] as? [String: Any])?["name"] as? String == "ancien contributeur")
            }
        }
        #expect(try store.account(email: "contributor@ecole.example.be") == nil)
    }

    @Test func writesAreLimitedPerAccount() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        let resource = try #require(try store.publishedIDs().first).rawValue
        try await Fixture.application(databasePath: path, configure: { $0.writesPerSecond = 1 }).test(.router) { client in
            var statuses: [Int] = []
            for index in 0..<8 {
                try await client.execute(uri: "/api/v1/resources/\(resource)/comments", method: .post, headers: people.headers("contributor"),
                                         body: ByteBuffer(string: #"{"text":"commentaire \#(index)"}"#)) { response in
                    statuses.append(Int(response.status.code))
                    if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
                }
            }
            #expect(statuses.prefix(4).allSatisfy { $0 == 201 }, "\(statuses)")
            #expect(statuses.contains(429), "\(statuses)")
        }
    }
}

/// Hostile bodies on every write route: always a problem the client can act on, never a 500.
@Suite struct HostileContributionBodies: Sendable {
    static let bodies: [String] = [
        "", " ", "null", "[]", "42", "\"texte\"", "{", "{}", "{\"kind\": null}", "{\"kind\": 7}", "{\"kind\": \"inconnu\"}",
        "{\"kind\": \"new_resource\", \"format\": \"json\", \"metadata\": []}",
        "{\"kind\": \"new_resource\", \"format\": \"json\", \"metadata\": {\"levels\": \"P5\"}}",
        "{\"kind\": \"new_resource\", \"format\": \"json\", \"metadata\": {\"learning_time_minutes\": -1e308}}",
        "{\"kind\": \"new_resource\", \"format\": \"lom\", \"content\": \"<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><lom>&a;</lom>\"}",
        "{\"kind\": \"new_resource\", \"format\": \"markdown\", \"content\": \"---\\n---\\n\"}",
        "{\"kind\": \"new_resource\", \"format\": \"import\", \"content\": \"{}\"}",
        "{\"kind\": \"improvement\", \"resource_id\": \"../../etc\", \"changes\": {}}",
        "{\"kind\": \"improvement\", \"resource_id\": \"" + String(repeating: "r", count: 5000) + "\"}",
        "{\"kind\": \"feedback\", \"resource_id\": null, \"feedback\": {\"level\": \"P9\"}}",
        "{\"action\": \"publish\"}", "{\"action\": [\"claim\"]}", "{\"action\": \"claim\", \"assignee_id\": 1.5}",
        "{\"action\": \"reassign\", \"assignee_id\": 99999999999}", "{\"action\": \"reject\", \"reason\": {}}",
        "{\"criteria\": {\"pertinence\": {\"score\": true}}}", "{\"criteria\": {\"pertinence\": {\"score\": 2.5}}}",
        "{\"criteria\": {\"pertinence\": {\"score\": 99999999999999999999}}}", "{\"criteria\": []}",
        "{\"text\": \"\\u0000\"}", "{\"text\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
        "{\"email\": \"a@b.c\", \"name\": \"x\", \"password\": \"" + String(repeating: "é", count: 100) + "\"}",
        "{\"role\": \"root\"}", "{\"disabled\": \"oui\"}", "{\"reason\": 3}",
    ]

    @Test func neverAServerError() async throws {
        let (path, store) = try Fixture.privateDatabase()
        let people = try People(store: store)
        let resource = try #require(try store.publishedIDs().first).rawValue
        try await Fixture.application(databasePath: path).test(.router) { client in
            var submission = 0
            try await client.execute(uri: "/api/v1/submissions", method: .post, headers: people.headers("contributor"),
                                     body: ByteBuffer(string: newResourceBody)) { submission = try $0.json()["id"] as? Int ?? 0 }
            let routes: [(HTTPRequest.Method, String, String)] = [
                (.post, "/api/v1/submissions", "curator"), (.post, "/api/v1/submissions/checklist", "contributor"),
                (.put, "/api/v1/submissions/\(submission)", "contributor"), (.post, "/api/v1/submissions/\(submission)/transitions", "curator"),
                (.post, "/api/v1/resources/\(resource)/evaluations", "evaluator"), (.put, "/api/v1/resources/\(resource)/evaluations/mine", "evaluator"),
                (.post, "/api/v1/resources/\(resource)/comments", "contributor"), (.post, "/api/v1/accounts", "admin"),
                (.patch, "/api/v1/accounts/\(people.ids["other"]!)", "admin"), (.post, "/api/v1/auth/login", "contributor"),
                (.post, "/api/v1/comments/1/flags", "contributor"), (.post, "/api/v1/evaluations/1/moderation", "curator"),
            ]
            var seen: [Int: Int] = [:]
            for (method, uri, who) in routes {
                for body in Self.bodies {
                    try await client.execute(uri: uri, method: method, headers: people.headers(who), body: ByteBuffer(string: body)) { response in
                        let status = Int(response.status.code)
                        seen[status, default: 0] += 1
                        #expect(status < 500, "\(method) \(uri) « \(body.prefix(80)) » : \(status) \(response.text.prefix(200))")
                        if status >= 400 {
                            #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                        }
                    }
                }
            }
            #expect(seen.keys.allSatisfy { $0 < 500 }, "\(seen)")
            print("corps hostiles : \(routes.count * Self.bodies.count) requêtes, statuts \(seen.sorted { $0.key < $1.key })")
        }
        try store.checkIntegrity()
    }
}
