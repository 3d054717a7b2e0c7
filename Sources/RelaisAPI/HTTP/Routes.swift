import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelaisCore
import RelaisExport
import RelaisSearch
import RelaisStore

/// The routes: each translates HTTP to a call into RelaisSearch / RelaisStore and back.
enum Routes {
    static func router(_ state: ServerState) -> (Router<RelaisRequestContext>, RouteTable) {
        let router = Router(context: RelaisRequestContext.self, options: [.autoGenerateHeadEndpoints])
        router.add(middleware: AccessLogMiddleware(logger: state.logger))
        router.add(middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.accept, .contentType, .ifNoneMatch, .authorization],
                                              allowMethods: [.get, .head, .post, .put, .patch, .delete, .options],
                                              exposedHeaders: ["ETag", "X-Request-Id", "Retry-After"], maxAge: .seconds(3600)))
        let handlers = Handlers(state: state)
        typealias Handler = @Sendable (Request, RelaisRequestContext) async throws -> Response
        var routes: [(method: HTTPRequest.Method, path: String, documented: Bool, handler: Handler)] = []
        func on(_ method: HTTPRequest.Method, _ path: String, documented: Bool = true, _ handler: @escaping Handler) {
            routes.append((method, path, documented, handler))
        }
        func get(_ path: String, documented: Bool = true, _ handler: @escaping Handler) { on(.get, path, documented: documented, handler) }
        func post(_ path: String, _ handler: @escaping Handler) { on(.post, path, handler) }
        get("/", documented: false, handlers.page)
        get("/ressource/{id}", documented: false, handlers.page)
        get("/static/{file}", documented: false, handlers.asset)
        get("/healthz", handlers.health)
        get("/readyz", handlers.ready)
        get("/openapi.json", handlers.openAPI)
        get("/api/v1/search", handlers.search)
        post("/api/v1/search", handlers.searchPost)
        get("/api/v1/suggest", handlers.suggest)
        get("/api/v1/resources/{id}", handlers.resource)
        get("/api/v1/resources/{id}/lom", handlers.lom)
        get("/api/v1/vocabularies", handlers.vocabularies)
        get("/api/v1/vocabularies/{name}", handlers.vocabulary)
        get("/oai", handlers.oai)
        post("/oai", handlers.oaiPost)

        for page in ["/connexion", "/soumettre", "/mes-contributions", "/contribution/{id}", "/moderation", "/ressource/{id}/evaluer"] {
            get(page, documented: false, handlers.page)
        }
        post("/api/v1/accounts", handlers.register)
        get("/api/v1/accounts", handlers.listAccounts)
        on(.patch, "/api/v1/accounts/{id}", handlers.patchAccount)
        post("/api/v1/auth/login", handlers.login)
        post("/api/v1/auth/logout", handlers.logout)
        get("/api/v1/me", handlers.me)
        get("/api/v1/me/export", handlers.meExport)
        on(.delete, "/api/v1/me", handlers.meDelete)
        post("/api/v1/submissions", handlers.createSubmission)
        get("/api/v1/submissions", handlers.listSubmissions)
        post("/api/v1/submissions/checklist", handlers.liveChecklist)
        get("/api/v1/submissions/{id}", handlers.getSubmission)
        on(.put, "/api/v1/submissions/{id}", handlers.putSubmission)
        post("/api/v1/submissions/{id}/transitions", handlers.transition)
        get("/api/v1/moderation/queue", handlers.queue)
        get("/api/v1/moderation/reasons", handlers.reasons)
        get("/api/v1/moderation/evaluations", handlers.heldEvaluations)
        get("/api/v1/moderation/comments", handlers.flaggedComments)
        get("/api/v1/evaluation-grid", handlers.evaluationGrid)
        get("/api/v1/resources/{id}/synthesis", handlers.synthesis)
        get("/api/v1/resources/{id}/evaluations", handlers.listEvaluations)
        post("/api/v1/resources/{id}/evaluations", handlers.postEvaluation)
        on(.put, "/api/v1/resources/{id}/evaluations/mine", handlers.putEvaluation)
        post("/api/v1/evaluations/{id}/moderation", handlers.moderateEvaluation)
        get("/api/v1/resources/{id}/comments", handlers.listComments)
        post("/api/v1/resources/{id}/comments", handlers.postComment)
        post("/api/v1/comments/{id}/flags", handlers.flagComment)
        post("/api/v1/comments/{id}/hide", handlers.hideComment)
        get("/api/v1/resources/{id}/feedback", handlers.feedbackList)
        post("/api/v1/imports", handlers.postImport)
        get("/api/v1/imports", handlers.listImports)
        get("/api/v1/imports/{id}", handlers.getImport)
        get("/api/v1/export", handlers.export)

        var table = RouteTable()
        for route in routes { table.add(route.method, route.path, documented: route.documented) }
        // Hummingbird wraps a route in the middleware added before it: all of them come first.
        router.add(middleware: ProblemMiddleware(routes: table, logger: state.logger))
        router.add(middleware: RequestLimitsMiddleware())
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(rate: state.configuration.rateLimit)))
        for route in routes { router.on(RouterPath(route.path), method: route.method, use: route.handler) }
        return (router, table)
    }
}

struct Handlers: Sendable {
    let state: ServerState

    // MARK: Plumbing

    static let json = "application/json; charset=utf-8"

    func jsonData(_ value: some Encodable) throws -> Data {
        try Self.jsonData(value)
    }

    static func jsonData(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return try encoder.encode(value)
    }

    func encode(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try jsonData(value)
        var fields = headers
        fields[.contentType] = Self.json
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// 406 unless the client accepts `mediaType` (or anything). Problems are always sendable.
    func negotiate(_ request: Request, _ mediaType: String) throws(Problem) {
        guard let accept = request.headers[.accept], !accept.isEmpty else { return }
        let (type, _) = mediaType.split(separator: "/").map(String.init).pair
        let ranges = accept.split(separator: ",").map {
            $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
        let accepted = ranges.contains { range in
            range == "*/*" || range == mediaType || range == "\(type)/*"
                || (mediaType == "application/json" && range == "application/problem+json")
        }
        guard accepted else {
            throw Problem(.notAcceptable, slug: "format-non-disponible", title: "Format non disponible",
                          detail: "cette adresse ne produit que \(mediaType) (en-tête Accept : \(accept.prefix(100)))",
                          parameter: "Accept")
        }
    }

    /// The request body, up to the body limit, when it is of `mediaType` (415 otherwise).
    func body(of request: Request, mediaType: String) async throws -> ByteBuffer {
        let given = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard given == mediaType else {
            throw Problem(.unsupportedMediaType, slug: "format-de-corps-non-pris-en-charge", title: "Format de corps non pris en charge",
                          detail: "le corps doit être en \(mediaType) (reçu : \(given ?? "aucun Content-Type"))",
                          parameter: "Content-Type")
        }
        return try await request.body.collect(upTo: Limits.bodyBytes)
    }

    func parameters(_ request: Request, allowed: Set<String>) throws(Problem) -> QueryParameters {
        try QueryParameters(query: request.uri.query, allowed: allowed)
    }

    func resourceID(_ context: RelaisRequestContext) throws(Problem) -> ResourceID {
        let raw = context.parameters.get("id") ?? ""
        // Ids are "r" + 20 base32 characters; anything else cannot exist.
        guard raw.utf8.count <= 64, raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw Problem.notFound("identifiant de ressource invalide : « \(raw.prefix(64)) »")
        }
        return ResourceID(rawValue: raw)
    }

    // MARK: Pages

    @Sendable func page(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        // The page reads its own parameters; links from mail or social tools add others (utm_source...).
        try negotiate(request, "text/html")
        return state.assets.response(for: "index.html", request: request)
    }

    @Sendable func asset(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard state.assets.contains(name) else { throw Problem.notFound("fichier inconnu : \(name.prefix(100))") }
        return state.assets.response(for: name, request: request)
    }

    @Sendable func openAPI(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        return state.assets.response(for: "openapi.json", request: request)
    }

    // MARK: Health

    @Sendable func health(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try encode(HealthPayload(status: "ok", resources: nil, detail: nil))
    }

    @Sendable func ready(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        switch state.readiness.current {
        case .ready:
            let count = try await state.pool.run { reader in try reader.store.counts().published }
            return try encode(HealthPayload(status: "pret", resources: count, detail: nil))
        case .importing(let step):
            return try encode(HealthPayload(status: "preparation", resources: nil, detail: step),
                              status: .serviceUnavailable, headers: [.retryAfter: "2"])
        case .failed(let reason):
            return try encode(HealthPayload(status: "echec", resources: nil, detail: reason), status: .serviceUnavailable)
        }
    }

    // MARK: Search

    @Sendable func search(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let parameters = try parameters(request, allowed: SearchParameters.allowed)
        return try await runSearch(SearchParameters.request(parameters))
    }

    /// The same search with its parameters in a JSON body: for queries too long for a URL.
    @Sendable func searchPost(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let body = try await body(of: request, mediaType: "application/json")
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)) else {
            throw Problem.badParameter("body", "un objet JSON est attendu, dont les valeurs sont des chaînes, des nombres, des booléens ou des listes de chaînes")
        }
        var pairs: [(name: String, value: String)] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            guard SearchParameters.allowed.contains(name) else {
                throw Problem.badParameter(name, "paramètre inconnu « \(name.prefix(40)) » ; paramètres acceptés : "
                                           + SearchParameters.allowed.sorted().joined(separator: ", "))
            }
            guard value.fits(searchParameter: name), let strings = value.strings else {
                throw Problem.badParameter(name, JSONValue.expectation(searchParameter: name))
            }
            pairs += strings.map { (name, $0) }
        }
        return try await runSearch(SearchParameters.request(QueryParameters(pairs: pairs)))
    }

    func runSearch(_ searchRequest: SearchRequest) async throws -> Response {
        try state.readiness.require()
        let labeller = state.labeller
        return try await cached("s\u{1}" + SearchParameters.cacheKey(searchRequest)) {
            let (response, evaluations) = try await state.pool.run { reader in
                let response = try reader.engine.search(searchRequest)
                return (response, try reader.store.evaluationSummaries(ids: response.hits.map(\.resource.id.rawValue)))
            }
            return try labeller.search(response, request: searchRequest, evaluations: evaluations).json()
        }
    }

    /// The answer from the cache, or computed, kept and sent; `X-Cache` says which.
    func cached(_ key: String, _ compute: () async throws -> Data) async throws -> Response {
        if let body = state.cache.lookup(key) {
            return Response(status: .ok, headers: [.contentType: Self.json, Self.cacheHeader: "hit"], body: .init(byteBuffer: body))
        }
        let generation = state.cache.generation
        let body = ByteBuffer(bytes: try await compute())
        state.cache.store(key, body, generation: generation)
        return Response(status: .ok, headers: [.contentType: Self.json, Self.cacheHeader: "miss"], body: .init(byteBuffer: body))
    }

    static let cacheHeader = HTTPField.Name("X-Cache")!

    @Sendable func suggest(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let parameters = try parameters(request, allowed: ["q", "size"])
        let prefix = try parameters.single("q") ?? ""
        let limit = try parameters.integer("size", default: 8, range: 1...20)
        guard prefix.count <= 100 else { throw Problem.badParameter("q", "préfixe trop long (100 caractères au plus)") }
        try state.readiness.require()
        return try await cached("a\u{1}\(limit)\u{1}" + prefix) {
            let suggestions = prefix.trimmingCharacters(in: .whitespaces).isEmpty
                ? [] : try await state.pool.run { reader in try reader.engine.suggest(prefix, limit: limit) }
            return try jsonData(SuggestPayload(query: prefix, suggestions: suggestions))
        }
    }

    // MARK: Resources

    @Sendable func resource(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let id = try resourceID(context)
        try state.readiness.require()
        let labeller = state.labeller
        let handlers = self
        let payload: ResourcePayload? = try await state.pool.run { reader in
            guard let record = try reader.store.publishedRecord(id) else { return nil }
            let related = try reader.engine.related(to: record.resource, limit: 5)
                .map { RelatedPayload(id: $0.id.rawValue, title: $0.displayTitle) }
            let version = try reader.store.publishedVersion(id)?.version ?? 1
            let synthesis = try handlers.workbench(reader.store).synthesis(resourceID: id.rawValue)
            return labeller.resource(record.resource, provenance: record.provenance, related: related, version: version,
                                     synthesis: synthesis)
        }
        guard let payload else { throw Problem.notFound("aucune ressource publiée n'a l'identifiant « \(id.rawValue) »") }
        return conditional(Array(try jsonData(payload)), contentType: Self.json, request: request)
    }

    @Sendable func lom(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/xml")
        _ = try parameters(request, allowed: [])
        let id = try resourceID(context)
        try state.readiness.require()
        let vocabularies = state.vocabularies
        let xml: String? = try await state.pool.run { reader in
            guard let record = try reader.store.publishedRecord(id) else { return nil }
            return LOMExporter.xml(record.resource, vocabularies: vocabularies)
        }
        guard let xml else { throw Problem.notFound("aucune ressource publiée n'a l'identifiant « \(id.rawValue) »") }
        return conditional(Array(xml.utf8), contentType: "application/xml; charset=utf-8", request: request)
    }

    /// ETag from the bytes sent; 304 when the client already has them.
    func conditional(_ body: [UInt8], contentType: String, request: Request) -> Response {
        let tag = EntityTag.of(body)
        if EntityTag.matches(request.headers[.ifNoneMatch], tag) {
            return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: "no-cache"])
        }
        return Response(status: .ok, headers: [.contentType: contentType, .eTag: tag, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: OAI-PMH

    @Sendable func oai(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try await oaiResponse(pairs: oaiPairs(request.uri.query ?? ""), request: request)
    }

    /// OAI-PMH over POST: the same arguments, form-encoded in the body.
    @Sendable func oaiPost(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        let body = try await body(of: request, mediaType: "application/x-www-form-urlencoded")
        return try await oaiResponse(pairs: oaiPairs(String(buffer: body)), request: request)
    }

    /// Every argument reaches the provider, which answers an unknown or badly encoded one with
    /// OAI-PMH's badArgument, as harvesters expect.
    func oaiPairs(_ query: String) -> [(name: String, value: String)] {
        do {
            return try QueryParameters(query: query, allowed: nil).pairs
        } catch {
            return [("verb", "\u{0}"), (OAIProvider.badlyEncoded, "")]
        }
    }

    func oaiResponse(pairs: [(name: String, value: String)], request: Request) async throws -> Response {
        try negotiate(request, "text/xml")
        try state.readiness.require()
        let provider = OAIProvider(vocabularies: state.vocabularies, pageSize: state.configuration.oaiPageSize,
                                   adminEmail: state.configuration.adminEmail, tokenLifetime: 3600)
        let baseURL = state.configuration.publicURL.map { $0 + "/oai" }
            ?? "http://\(request.head.authority ?? "\(state.configuration.host):\(state.configuration.port)")/oai"
        let xml = try await state.pool.run { reader in provider.respond(pairs, baseURL: baseURL, store: reader.store) }
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    // MARK: Vocabularies

    @Sendable func vocabularies(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let list = Facet.allCases.compactMap { facet in state.vocabularies.byDimension[facet] }
            .map { VocabularySummaryPayload(name: $0.name, label: $0.label, count: $0.terms.count) }
        return try encode(VocabularyListPayload(vocabularies: list))
    }

    @Sendable func vocabulary(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let name = context.parameters.get("name") ?? ""
        guard let facet = Facet(rawValue: name), let vocabulary = state.vocabularies.byDimension[facet] else {
            throw Problem.notFound("vocabulaire inconnu « \(name.prefix(40)) » ; vocabulaires : "
                                   + Facet.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return try encode(VocabularyPayload(
            name: vocabulary.name, label: vocabulary.label, version: vocabulary.version,
            terms: vocabulary.terms.map {
                VocabularyTermPayload(id: $0.id, label: $0.label, altLabels: $0.altLabels ?? [], broader: $0.broader,
                                      definition: $0.definition)
            }))
    }
}

private extension Array where Element == String {
    var pair: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}
