import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import RelaisAuth
import RelaisCore
import RelaisIngest
import RelaisStore
import RelaisWorkflow

/// Accounts, submissions, moderation, evaluations, comments, personal data. Each handler
/// authenticates, reads a strict body, and hands the work to `Workbench` on the writer (for
/// changes) or a reader (for the rest).
extension Handlers {
    // MARK: Plumbing

    func json(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        jsonResponse(try JSONShape.data(object), status: status)
    }

    /// JSON already encoded (by a store job: the objects built there are not Sendable).
    func jsonResponse(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: Self.json], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// A JSON object body whose members are all in `allowed`; members the server owns are
    /// refused as forbidden, others as unknown.
    func object(_ request: Request, allowed: Set<String>, forbidden: Set<String> = []) async throws -> [String: JSONValue] {
        let body = try await body(of: request, mediaType: "application/json")
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)) else {
            throw Problem.badParameter("body", "un objet JSON est attendu")
        }
        for key in object.keys.sorted() where !allowed.contains(key) {
            if forbidden.contains(key) || ["state", "status", "owner", "author_id", "role", "id"].contains(key) {
                throw Problem(.forbidden, slug: "interdit", title: "Action non permise",
                              detail: "le champ « \(key) » n'est pas modifiable ici", parameter: key)
            }
            throw Problem.badParameter(key, "membre inconnu « \(key.prefix(40)) » ; membres acceptés : " + allowed.sorted().joined(separator: ", "))
        }
        return object
    }

    func string(_ object: [String: JSONValue], _ key: String, required: Bool = false, max: Int = 4000) throws -> String? {
        guard let raw = object[key], !raw.isNull else {
            if required { throw Problem.badParameter(key, "membre requis") }
            return nil
        }
        guard case .string(let text) = raw else { throw Problem.badParameter(key, "une chaîne est attendue") }
        guard text.count <= max else { throw Problem.badParameter(key, "\(max) caractères au plus") }
        // Free text is shown to others: no invisible control characters (NUL, escape sequences).
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" || $0.value == 0x7F }) {
            throw Problem.badParameter(key, "caractère de contrôle U+\(String(format: "%04X", bad.value)) refusé")
        }
        if required && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw Problem.badParameter(key, "ne peut être vide")
        }
        return text
    }

    func numericID(_ context: RelaisRequestContext, _ what: String) throws(Problem) -> Int64 {
        let raw = context.parameters.get("id") ?? ""
        guard raw.count <= 18, let id = Int64(raw), id > 0 else {
            throw Problem.notFound("\(what) introuvable : « \(raw.prefix(40)) »")
        }
        return id
    }

    func workbench(_ store: Store) -> Workbench {
        var workbench = Workbench(store: store, vocabularies: state.vocabularies, grids: state.grids)
        workbench.newAccountDays = state.configuration.newAccountDays
        return workbench
    }

    /// 429 once the caller or their address has written too much; every write route calls it.
    func limitWrites(_ account: Account?, _ context: RelaisRequestContext) throws(Problem) {
        let keys = ["a:" + context.remoteAddress] + (account.map { ["c:\($0.id)"] } ?? [])
        for key in keys {
            if let wait = state.writeLimiter.take(key) {
                var problem = Problem(.tooManyRequests, slug: "trop-d-ecritures", title: "Trop de requêtes",
                                      detail: "trop d'écritures en peu de temps ; réessayez dans \(wait) s")
                problem.headers[.retryAfter] = String(wait)
                throw problem
            }
        }
    }

    /// Runs bcrypt off the event loops and off the store threads (it takes a quarter of a second on purpose).
    func slowHash<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    // MARK: Accounts

    @Sendable func register(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.account(request)
        try limitWrites(caller, context)
        let isAdmin = caller?.role.administers == true
        let body = try await object(request, allowed: isAdmin ? ["email", "name", "password", "role", "source"] : ["email", "name", "password"],
                                    forbidden: ["role", "source"])
        guard let email = try string(body, "email", required: true, max: 254)?.trimmingCharacters(in: .whitespaces),
              Self.looksLikeEmail(email) else {
            throw Problem.badParameter("email", "adresse électronique invalide")
        }
        let name = try string(body, "name", required: true, max: 120)!.trimmingCharacters(in: .whitespacesAndNewlines)
        let password = try string(body, "password", required: true, max: 200)!
        if let problem = Credentials.passwordProblem(password) { throw Problem.badParameter("password", problem) }
        var role = Role.contributor
        if let raw = try string(body, "role") {
            guard let given = Role(rawValue: raw) else {
                throw Problem.badParameter("role", "rôle inconnu ; rôles : " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            role = given
        }
        let source = try string(body, "source", max: 100)
        if role == .importer && source == nil { throw Problem.badParameter("source", "un compte importateur a une source") }
        let cost = state.configuration.passwordCost
        let hash = try await slowHash { Credentials.hashPassword(password, cost: cost) }
        let actor = caller?.auditName ?? "inscription"
        let newRole = role
        let account = try await state.writer.run { store in
            try store.createAccount(email: email, name: name, passwordHash: hash, role: newRole, source: source, actor: actor)
        }
        return try json(JSONShape.account(account), status: .created)
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    @Sendable func listAccounts(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let caller = try await state.authentication.require(request)
        guard caller.role.administers else { throw Problem(Refusal(.forbidden, "réservé aux administrateurs")) }
        let accounts = try await state.pool.run { reader in try reader.store.accounts() }
        return try json(["items": accounts.map(JSONShape.account), "total": accounts.count] as [String: Any])
    }

    @Sendable func patchAccount(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        guard caller.role.administers else { throw Problem(Refusal(.forbidden, "seuls les administrateurs gèrent les rôles")) }
        let id = try numericID(context, "compte")
        let body = try await object(request, allowed: ["role", "source", "disabled"])
        var role: Role?
        if let raw = try string(body, "role") {
            guard let given = Role(rawValue: raw) else {
                throw Problem.badParameter("role", "rôle inconnu ; rôles : " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            role = given
        }
        var source: String?? = nil
        if body.keys.contains("source") { source = .some(try string(body, "source", max: 100)) }
        var disabled: Bool?
        if let raw = body["disabled"] {
            guard case .bool(let flag) = raw else { throw Problem.badParameter("disabled", "un booléen est attendu") }
            disabled = flag
        }
        if id == caller.id && (role != nil && role != .admin || disabled == true) {
            throw Problem(Refusal(.conflict, "un administrateur ne retire pas ses propres droits ; demandez à un autre administrateur"))
        }
        let change = (role: role, source: source, disabled: disabled)
        let actor = caller.auditName
        let account = try await state.writer.run { store in
            try store.updateAccount(id: id, role: change.role, source: change.source, disabled: change.disabled, actor: actor)
        }
        return try json(JSONShape.account(account))
    }

    @Sendable func login(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let body = try await object(request, allowed: ["email", "password"])
        let email = try string(body, "email", required: true, max: 254)!.trimmingCharacters(in: .whitespaces)
        let password = try string(body, "password", required: true, max: 200)!
        for key in ["a:" + context.remoteAddress, "e:" + email.lowercased()] {
            if let wait = state.loginLimiter.take(key) {
                var problem = Problem(.tooManyRequests, slug: "trop-de-connexions", title: "Trop de tentatives",
                                      detail: "trop de tentatives de connexion ; réessayez dans \(wait) s")
                problem.headers[.retryAfter] = String(wait)
                throw problem
            }
        }
        let found = try await state.pool.run { reader in try reader.store.credentials(email: email) }
        let verified = try await slowHash { () -> Bool in
            guard let (account, hash) = found else {
                _ = Credentials.verify(password, hash: Credentials.decoyHash)
                return false
            }
            return Credentials.verify(password, hash: hash) && !account.disabled && account.erasedAt == nil
        }
        guard verified, let account = found?.0 else {
            throw Authentication.unauthorized("adresse ou mot de passe incorrect")
        }
        let days = state.configuration.tokenDays
        let issued = try await state.writer.run { store in
            try Credentials.issueToken(for: account, days: days, label: "connexion", store: store, actor: account.auditName)
        }
        return try json(["token": issued.token, "expires_at": issued.expiresAt.formatted(.iso8601),
                         "account": JSONShape.account(account)] as [String: Any])
    }

    @Sendable func logout(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        guard let found = try await state.authentication.caller(request) else {
            throw Authentication.unauthorized("connectez-vous pour vous déconnecter : aucun jeton dans Authorization")
        }
        let (actor, owner, tokenID) = (found.account.auditName, found.account.id, found.tokenID)
        try await state.writer.run { store in try store.revokeToken(id: tokenID, owner: owner, actor: actor) }
        return Self.noContent()
    }

    @Sendable func me(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let caller = try await state.authentication.require(request)
        return try json(JSONShape.account(caller))
    }

    /// Everything held about the caller (GDPR right of access).
    @Sendable func meExport(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let caller = try await state.authentication.require(request)
        let handlers = self
        let data = try await state.pool.run { reader in
            let store = reader.store
            let workbench = handlers.workbench(store)
            let submissions = try store.submissions(authorID: caller.id).map {
                try JSONShape.submission($0, workbench: workbench, actor: caller)
            }
            let evaluations = try store.evaluations(status: nil, evaluatorID: caller.id).map { try JSONShape.evaluation($0, store) }
            let comments = try store.ownComments(authorID: caller.id).map { comment -> [String: Any] in
                ["id": comment.id, "resource_id": comment.resourceID, "text": comment.text, "created_at": comment.createdAt,
                 "hidden_at": JSONShape.value(comment.hiddenAt), "hidden_reason": JSONShape.value(comment.hiddenReason)]
            }
            let flags = try store.ownFlags(accountID: caller.id).map { flag -> [String: Any] in
                ["comment_id": flag.commentID, "reason": JSONShape.value(flag.reason), "created_at": flag.createdAt]
            }
            let tokens = try store.tokens(accountID: caller.id).map { token -> [String: Any] in
                ["id": token.id, "created_at": token.createdAt, "expires_at": token.expiresAt,
                 "last_used_at": JSONShape.value(token.lastUsedAt), "revoked_at": JSONShape.value(token.revokedAt)]
            }
            let audit = try (store.auditRows(actor: caller.auditName) + store.auditRows(object: caller.auditName))
                .sorted { $0.id < $1.id }
                .map { row -> [String: Any] in
                    ["id": row.id, "at": row.at, "actor": row.actor, "action": row.action, "object": JSONShape.value(row.object),
                     "detail": JSONShape.value(row.detail), "version": JSONShape.value(row.version), "from": JSONShape.value(row.from),
                     "to": JSONShape.value(row.to), "reason": JSONShape.value(row.reason)]
                }
            let object: [String: Any] = [
                "account": JSONShape.account(caller), "tokens": tokens, "submissions": submissions, "evaluations": evaluations,
                "comments": comments, "flags": flags, "audit": audit,
            ]
            return try JSONShape.data(object)
        }
        return Response(status: .ok, headers: [.contentType: Self.json, .contentDisposition: "attachment; filename=\"mes-donnees-relais.json\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Erases the caller (GDPR right to erasure).
    @Sendable func meDelete(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        try await state.writer.run { store in try store.erase(accountID: caller.id) }
        return Self.noContent()
    }

    // MARK: Submissions

    func submissionBody(_ request: Request) async throws -> SubmissionBody {
        let body = try await body(of: request, mediaType: "application/json")
        return try SubmissionBody.decode(Data(buffer: body))
    }

    @Sendable func createSubmission(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let body = try await submissionBody(request)
        let handlers = self
        let (id, data) = try await state.writer.run { store in
            let workbench = handlers.workbench(store)
            let record = try workbench.create(body, by: caller)
            return (record.id, try JSONShape.data(try JSONShape.submission(record, workbench: workbench, actor: caller)))
        }
        return Response(status: .created, headers: [.contentType: Self.json, .location: "/api/v1/submissions/\(id)"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func liveChecklist(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        guard caller.role.contributes else { throw Problem(Refusal(.forbidden, "un compte importateur ne contribue pas")) }
        let body = try await submissionBody(request)
        let handlers = self
        let data = try await state.pool.run { reader in
            let assessment = try handlers.workbench(reader.store).assess(body, submissionID: nil)
            return try JSONShape.data(["checklist": assessment.checklist.map(JSONShape.checklistItem), "ready": assessment.ready,
                                       "diff": assessment.diff.map(JSONShape.fieldChange)] as [String: Any])
        }
        return jsonResponse(data)
    }

    @Sendable func listSubmissions(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let caller = try await state.authentication.require(request)
        let handlers = self
        let data = try await state.pool.run { reader in
            let records = try handlers.workbench(reader.store).mine(caller)
            return try JSONShape.data(["items": try records.map { try JSONShape.summary($0, reader.store) }, "total": records.count] as [String: Any])
        }
        return jsonResponse(data)
    }

    @Sendable func getSubmission(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let caller = try await state.authentication.require(request)
        let id = try numericID(context, "soumission")
        let handlers = self
        let data = try await state.pool.run { reader in
            let workbench = handlers.workbench(reader.store)
            let record = try workbench.visibleSubmission(id, to: caller)
            return try JSONShape.data(try JSONShape.submission(record, workbench: workbench, actor: caller))
        }
        return jsonResponse(data)
    }

    @Sendable func putSubmission(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let id = try numericID(context, "soumission")
        let body = try await submissionBody(request)
        let handlers = self
        let data = try await state.writer.run { store in
            let workbench = handlers.workbench(store)
            let record = try workbench.edit(id, body, by: caller)
            return try JSONShape.data(try JSONShape.submission(record, workbench: workbench, actor: caller))
        }
        return jsonResponse(data)
    }

    @Sendable func transition(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let id = try numericID(context, "soumission")
        let body = try await object(request, allowed: ["action", "comment", "reason", "reason_text", "assignee_id"])
        let raw = try string(body, "action", required: true, max: 40)!
        guard let action = ModerationAction(rawValue: raw) else {
            throw Problem.badParameter("action", "action inconnue ; actions : " + ModerationAction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var assignee: Int64?
        if let value = body["assignee_id"], !value.isNull {
            guard case .integer(let number) = value else { throw Problem.badParameter("assignee_id", "un entier est attendu") }
            assignee = Int64(number)
        }
        let transition = Workbench.TransitionRequest(
            action: action, comment: try string(body, "comment"), reason: try string(body, "reason", max: 40),
            reasonText: try string(body, "reason_text"), assigneeID: assignee)
        let handlers = self
        let data = try await state.writer.run { store in
            let workbench = handlers.workbench(store)
            let record = try workbench.transition(id, transition, by: caller)
            return try JSONShape.data(try JSONShape.submission(record, workbench: workbench, actor: caller))
        }
        return jsonResponse(data)
    }

    // MARK: Moderation

    func requireModerator(_ request: Request) async throws -> Account {
        let caller = try await state.authentication.require(request)
        guard caller.role.moderates else { throw Problem(Refusal(.forbidden, "réservé aux curateurs")) }
        return caller
    }

    @Sendable func queue(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let parameters = try parameters(request, allowed: ["state", "kind", "source", "older_than_days", "page", "size"])
        let caller = try await requireModerator(request)
        var filter = QueueFilter()
        let states = parameters.all("state")
        if !states.isEmpty {
            filter.states = try states.map { raw throws(Problem) in
                guard let state = SubmissionState(rawValue: raw) else {
                    throw Problem.badParameter("state", "état inconnu ; états : " + SubmissionState.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return state
            }
        }
        if let raw = try parameters.single("kind") {
            guard let kind = SubmissionKind(rawValue: raw) else {
                throw Problem.badParameter("kind", "sorte inconnue ; sortes : " + SubmissionKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.kind = kind
        }
        filter.source = try parameters.single("source")
        if !parameters.all("older_than_days").isEmpty {
            filter.olderThanDays = try parameters.integer("older_than_days", default: 0, range: 0...3650)
        }
        let size = try parameters.integer("size", default: 20, range: 1...100)
        let page = try parameters.integer("page", default: 1, range: 1...10_000)
        filter.limit = size
        filter.offset = (page - 1) * size
        let handlers = self
        let queueFilter = filter
        let data = try await state.pool.run { reader in
            let (items, total, counts) = try handlers.workbench(reader.store).queue(queueFilter, by: caller)
            var countObject: [String: Any] = [:]
            for (state, count) in counts { countObject[state.rawValue] = count }
            return try JSONShape.data(["items": try items.map { try JSONShape.summary($0, reader.store) }, "total": total,
                                       "counts": countObject] as [String: Any])
        }
        return jsonResponse(data)
    }

    @Sendable func reasons(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        _ = try await requireModerator(request)
        return try json(["reasons": RejectionReason.all.map { ["id": $0.id, "label": $0.label] }])
    }

    @Sendable func heldEvaluations(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        _ = try await requireModerator(request)
        let data = try await state.pool.run { reader in
            let items = try reader.store.evaluations(status: .held).map { try JSONShape.evaluation($0, reader.store) }
            return try JSONShape.data(["items": items])
        }
        return jsonResponse(data)
    }

    @Sendable func flaggedComments(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        _ = try await requireModerator(request)
        let data = try await state.pool.run { reader in
            let items = try reader.store.flaggedComments().map { comment -> [String: Any] in
                var object = try JSONShape.comment(comment, reader.store)
                object["resource_id"] = comment.resourceID
                object["flags"] = comment.flags
                return object
            }
            return try JSONShape.data(["items": items])
        }
        return jsonResponse(data)
    }

    // MARK: Evaluations

    @Sendable func evaluationGrid(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        return try json(JSONShape.encoded(state.grids.last!))
    }

    func publishedResourceID(_ context: RelaisRequestContext) async throws -> String {
        let id = try resourceID(context)
        let exists = try await state.pool.run { reader in try reader.store.publishedVersion(id) != nil }
        guard exists else { throw Problem.notFound("aucune ressource publiée n'a l'identifiant « \(id.rawValue) »") }
        return id.rawValue
    }

    @Sendable func synthesis(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let id = try await publishedResourceID(context)
        let handlers = self
        let synthesis = try await state.pool.run { reader in try handlers.workbench(reader.store).synthesis(resourceID: id) }
        return try json(JSONShape.encoded(synthesis))
    }

    @Sendable func listEvaluations(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let id = try await publishedResourceID(context)
        let data = try await state.pool.run { reader in
            let items = try reader.store.evaluations(resourceID: id, status: .visible).map { try JSONShape.evaluation($0, reader.store) }
            return try JSONShape.data(["items": items])
        }
        return jsonResponse(data)
    }

    func evaluationInput(_ request: Request) async throws -> EvaluationInput {
        let body = try await object(request, allowed: ["criteria", "strengths", "improvements"])
        guard case .object(let criteria)? = body["criteria"] else {
            throw Problem.badParameter("criteria", "un objet { critère: { score, comment } } est attendu")
        }
        var answers: [String: CriterionAnswer] = [:]
        for (id, raw) in criteria {
            guard case .object(let answer) = raw else {
                throw Problem.badParameter("criteria.\(id)", "un objet { score, comment } est attendu")
            }
            for key in answer.keys where key != "score" && key != "comment" {
                throw Problem.badParameter("criteria.\(id).\(key)", "membre inconnu ; membres : score, comment")
            }
            var score: Int?
            switch answer["score"] {
            case .integer(let number)?: score = number
            case .null?: score = nil
            case nil: throw Problem.badParameter("criteria.\(id).score", "membre requis (null pour « sans objet »)")
            default: throw Problem.badParameter("criteria.\(id).score", "un entier de 1 à 4 est attendu, ou null pour « sans objet »")
            }
            var comment: String?
            switch answer["comment"] {
            case .string(let text)?: comment = text
            case .null?, nil: comment = nil
            default: throw Problem.badParameter("criteria.\(id).comment", "une chaîne est attendue")
            }
            answers[id] = CriterionAnswer(score: score, comment: comment)
        }
        return EvaluationInput(criteria: answers, strengths: try string(body, "strengths", max: 100_000),
                               improvements: try string(body, "improvements", max: 100_000))
    }

    @Sendable func postEvaluation(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try await saveEvaluation(request, context: context, replacing: false)
    }

    @Sendable func putEvaluation(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try await saveEvaluation(request, context: context, replacing: true)
    }

    func saveEvaluation(_ request: Request, context: RelaisRequestContext, replacing: Bool) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let id = try resourceID(context).rawValue
        let input = try await evaluationInput(request)
        let handlers = self
        let data = try await state.writer.run { store in
            let record = try handlers.workbench(store).evaluate(resourceID: id, input: input, by: caller, replacing: replacing)
            return try JSONShape.data(try JSONShape.evaluation(record, store))
        }
        return jsonResponse(data, status: replacing ? .ok : .created)
    }

    @Sendable func moderateEvaluation(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await requireModerator(request)
        try limitWrites(caller, context)
        let id = try numericID(context, "évaluation")
        let body = try await object(request, allowed: ["action"])
        let action = try string(body, "action", required: true, max: 20)!
        guard action == "release" || action == "hide" else {
            throw Problem.badParameter("action", "action inconnue ; actions : release, hide")
        }
        let handlers = self
        let data = try await state.writer.run { store in
            let record = try handlers.workbench(store).moderateEvaluation(id: id, release: action == "release", by: caller)
            return try JSONShape.data(try JSONShape.evaluation(record, store))
        }
        return jsonResponse(data)
    }

    // MARK: Comments and feedback

    @Sendable func listComments(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let id = try await publishedResourceID(context)
        let data = try await state.pool.run { reader in
            try JSONShape.data(["items": try reader.store.comments(resourceID: id).map { try JSONShape.comment($0, reader.store) }])
        }
        return jsonResponse(data)
    }

    @Sendable func postComment(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let id = try resourceID(context).rawValue
        let body = try await object(request, allowed: ["text"])
        let text = try string(body, "text", required: true, max: 4000)!
        let handlers = self
        let data = try await state.writer.run { store in
            let record = try handlers.workbench(store).comment(resourceID: id, text: text, by: caller)
            return try JSONShape.data(try JSONShape.comment(record, store))
        }
        return jsonResponse(data, status: .created)
    }

    @Sendable func flagComment(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let id = try numericID(context, "commentaire")
        let body = try await object(request, allowed: ["reason"])
        let reason = try string(body, "reason", max: 1000)
        let handlers = self
        try await state.writer.run { store in try handlers.workbench(store).flagComment(id: id, reason: reason, by: caller) }
        return Self.noContent()
    }

    @Sendable func hideComment(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        let caller = try await requireModerator(request)
        try limitWrites(caller, context)
        let id = try numericID(context, "commentaire")
        let body = try await object(request, allowed: ["reason"])
        let reason = try string(body, "reason", required: true, max: 1000)
        let handlers = self
        try await state.writer.run { store in try handlers.workbench(store).hideComment(id: id, reason: reason, by: caller) }
        return Self.noContent()
    }

    @Sendable func feedbackList(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let id = try await publishedResourceID(context)
        let handlers = self
        let data = try await state.pool.run { reader in
            let workbench = handlers.workbench(reader.store)
            return try JSONShape.data(["items": try reader.store.publishedFeedback(resourceID: id).map {
                try JSONShape.feedbackEntry($0, workbench: workbench)
            }])
        }
        return jsonResponse(data)
    }
}
