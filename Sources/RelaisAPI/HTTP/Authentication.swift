import Foundation
import HTTPTypes
import Hummingbird
import RelaisAuth
import RelaisCore
import RelaisStore

/// Who is calling: read from `Authorization: Bearer <token>` on the routes that need it.
struct Authentication: Sendable {
    let pool: ReaderPool
    let writer: Writer

    /// Token lookups happen on every authenticated request; recording the last use is
    /// bookkeeping, written at most once a minute per token.
    static let touchInterval: TimeInterval = 60

    /// The caller's account, or nil without an Authorization header. A header that is not a
    /// valid, current bearer token is a 401 (never silently anonymous).
    func account(_ request: Request) async throws -> Account? {
        guard let caller = try await caller(request) else { return nil }
        return caller.account
    }

    /// Who called, with which token.
    struct Caller: Sendable {
        var account: Account
        var tokenID: Int64
    }

    /// The caller's account and the token they came with.
    func caller(_ request: Request) async throws -> Caller? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("l'en-tête Authorization doit être « Bearer <jeton> »")
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard Credentials.looksLikeToken(token) else { throw Self.unauthorized("jeton mal formé") }
        let hash = Credentials.tokenHash(token)
        let found = try await pool.run { reader in try reader.store.tokenAccount(hash: hash) }
        guard let found else { throw Self.unauthorized("jeton inconnu, expiré ou révoqué ; reconnectez-vous") }
        let stale = found.lastUsedAt.flatMap { try? Date($0, strategy: .iso8601) }
            .map { Date().timeIntervalSince($0) > Self.touchInterval } ?? true
        if stale {
            let id = found.tokenID
            writer.submit { store in try store.touchToken(id: id) }
        }
        return Caller(account: found.account, tokenID: found.tokenID)
    }

    /// The caller's account; 401 without one.
    func require(_ request: Request) async throws -> Account {
        guard let account = try await account(request) else {
            throw Self.unauthorized("connectez-vous (POST /api/v1/auth/login) et envoyez « Authorization: Bearer <jeton> »")
        }
        return account
    }

    static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, slug: "non-authentifie", title: "Authentification requise", detail: detail,
                              parameter: "Authorization")
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"relais\""
        return problem
    }
}

extension Problem {
    /// The HTTP form of a refusal from the workflow.
    init(_ refusal: Refusal) {
        switch refusal.kind {
        case .notFound:
            self = Problem.notFound(refusal.message)
        case .forbidden:
            self = Problem(.forbidden, slug: "interdit", title: "Action non permise", detail: refusal.message,
                           parameter: refusal.field)
        case .conflict:
            self = Problem(.conflict, slug: "conflit", title: "Conflit", detail: refusal.message, parameter: refusal.field)
            allowed = refusal.allowed
        case .invalid:
            self = Problem.badParameter(refusal.field ?? "body", refusal.message)
        case .unprocessable:
            self = Problem(.unprocessableContent, slug: "liste-de-verification-incomplete", title: "Liste de vérification incomplète",
                           detail: refusal.message)
            checklist = refusal.checklist
        case .unauthorized:
            self = Authentication.unauthorized(refusal.message)
        }
    }
}
