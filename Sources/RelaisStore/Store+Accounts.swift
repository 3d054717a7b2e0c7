import Foundation
import RelaisCore
import RelaisSQLite

/// A person or a machine that logs in. Erased accounts keep their row (published work and
/// audit rows point to it) without name, e-mail or password.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var email: String?
    public var name: String?
    public var role: Role
    /// The one source an importer account may load.
    public var source: String?
    public var disabled: Bool
    public var createdAt: String
    public var erasedAt: String?

    /// The name shown beside their work.
    public var displayName: String { erasedAt != nil ? formerContributorName : (name ?? formerContributorName) }

    /// How audit rows name an account: an id, never a name or an address (erasure leaves them).
    public var auditName: String { "compte:\(id)" }
}

public struct TokenInfo: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var label: String?
    public var createdAt: String
    public var expiresAt: String
    public var lastUsedAt: String?
    public var revokedAt: String?
}

/// A refusal the caller can act on: what, and why. The HTTP layer maps the kind to a status.
public struct Refusal: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case notFound, forbidden, conflict, invalid, unprocessable, unauthorized }
    public var kind: Kind
    public var message: String
    /// The field of the request concerned.
    public var field: String?
    /// For conflicts on a transition: what is allowed now.
    public var allowed: [String]
    public var checklist: [ChecklistItem]

    public init(_ kind: Kind, _ message: String, field: String? = nil, allowed: [String] = [], checklist: [ChecklistItem] = []) {
        self.kind = kind
        self.message = message
        self.field = field
        self.allowed = allowed
        self.checklist = checklist
    }

    public var description: String { message }
}

extension Store {
    static let accountColumns = "id, email, name, role, source, disabled, created_at, erased_at"

    func account(from statement: Statement) -> Account {
        Account(id: statement.int64(0), email: statement.text(1), name: statement.text(2),
                role: Role(rawValue: statement.text(3) ?? "") ?? .contributor, source: statement.text(4),
                disabled: statement.int(5) != 0, createdAt: statement.text(6) ?? "", erasedAt: statement.text(7))
    }

    /// Creates an account; an e-mail already used is a conflict.
    public func createAccount(email: String, name: String, passwordHash: String, role: Role, source: String?,
                              actor: String) throws -> Account {
        try transaction {
            let existing = try db.prepare("SELECT 1 FROM accounts WHERE email = ?")
            try existing.bindAll([email])
            if try existing.step() {
                throw Refusal(.conflict, "un compte existe déjà pour cette adresse", field: "email")
            }
            try db.prepare("""
                INSERT INTO accounts (email, name, password_hash, role, source, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """).run([email, name, passwordHash, role.rawValue, source, Clock.now()])
            let id = db.lastInsertRowID
            try audit(actor: actor, action: "account.create", object: "compte:\(id)", detail: nil,
                      to: role.rawValue)
            return try account(id: id)!
        }
    }

    public func account(id: Int64) throws -> Account? {
        let statement = try db.prepare("SELECT \(Self.accountColumns) FROM accounts WHERE id = ?")
        try statement.bindAll([id])
        return try statement.step() ? account(from: statement) : nil
    }

    public func account(email: String) throws -> Account? {
        let statement = try db.prepare("SELECT \(Self.accountColumns) FROM accounts WHERE email = ?")
        try statement.bindAll([email])
        return try statement.step() ? account(from: statement) : nil
    }

    /// The account and its password hash, for a login.
    public func credentials(email: String) throws -> (Account, String)? {
        let statement = try db.prepare("SELECT \(Self.accountColumns), password_hash FROM accounts WHERE email = ?")
        try statement.bindAll([email])
        guard try statement.step(), let hash = statement.text(8) else { return nil }
        return (account(from: statement), hash)
    }

    public func accounts() throws -> [Account] {
        let statement = try db.prepare("SELECT \(Self.accountColumns) FROM accounts WHERE erased_at IS NULL ORDER BY id")
        var result: [Account] = []
        while try statement.step() { result.append(account(from: statement)) }
        return result
    }

    /// Changes role, source or the disabled flag; each change is audited. A disabled account's
    /// tokens are revoked.
    public func updateAccount(id: Int64, role: Role?, source: String??, disabled: Bool?, actor: String) throws -> Account {
        try transaction {
            guard let before = try account(id: id), before.erasedAt == nil else {
                throw Refusal(.notFound, "aucun compte n'a l'identifiant \(id)")
            }
            if let role, role != before.role {
                try db.prepare("UPDATE accounts SET role = ? WHERE id = ?").run([role.rawValue, id])
                try audit(actor: actor, action: "account.role", object: "compte:\(id)", detail: nil,
                          from: before.role.rawValue, to: role.rawValue)
            }
            if let source, source != before.source {
                try db.prepare("UPDATE accounts SET source = ? WHERE id = ?").run([source, id])
                try audit(actor: actor, action: "account.source", object: "compte:\(id)", detail: nil,
                          from: before.source, to: source)
            }
            if let disabled, disabled != before.disabled {
                try db.prepare("UPDATE accounts SET disabled = ? WHERE id = ?").run([disabled, id])
                if disabled {
                    try db.prepare("UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL")
                        .run([Clock.now(), id])
                }
                try audit(actor: actor, action: disabled ? "account.disable" : "account.enable", object: "compte:\(id)",
                          detail: nil)
            }
            return try account(id: id)!
        }
    }

    // MARK: Tokens

    /// Stores a token by its hash; returns the token's id.
    public func insertToken(accountID: Int64, hash: String, label: String?, expiresAt: Date, actor: String) throws -> Int64 {
        try transaction {
            try db.prepare("""
                INSERT INTO tokens (account_id, hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """).run([accountID, hash, label, Clock.now(), expiresAt.formatted(.iso8601)])
            let id = db.lastInsertRowID
            try audit(actor: actor, action: "token.issue", object: "compte:\(accountID)", detail: "jeton \(id)")
            return id
        }
    }

    /// The account a token hash belongs to, when the token is valid now (not revoked, not
    /// expired, account active), with the token id and its last use.
    public func tokenAccount(hash: String, now: Date = Date()) throws -> (tokenID: Int64, account: Account, lastUsedAt: String?)? {
        let statement = try db.prepare("""
            SELECT a.id, a.email, a.name, a.role, a.source, a.disabled, a.created_at, a.erased_at,
                   t.id, t.expires_at, t.revoked_at, t.last_used_at
            FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?
            """)
        try statement.bindAll([hash])
        guard try statement.step() else { return nil }
        let account = account(from: statement)
        guard statement.isNull(10), !account.disabled, account.erasedAt == nil,
              let expires = statement.text(9), expires > now.formatted(.iso8601) else { return nil }
        return (statement.int64(8), account, statement.text(11))
    }

    public func touchToken(id: Int64) throws {
        try db.prepare("UPDATE tokens SET last_used_at = ? WHERE id = ?").run([Clock.now(), id])
    }

    /// Revokes a token; false when it was unknown or already revoked. `owner` limits it to
    /// one account's tokens.
    @discardableResult
    public func revokeToken(id: Int64, owner: Int64? = nil, actor: String) throws -> Bool {
        try transaction {
            try db.prepare("""
                UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND (?3 IS NULL OR account_id = ?3)
                """).run([Clock.now(), id, owner])
            guard db.changes > 0 else { return false }
            try audit(actor: actor, action: "token.revoke", object: "jeton:\(id)", detail: nil)
            return true
        }
    }

    public func tokens(accountID: Int64) throws -> [TokenInfo] {
        let statement = try db.prepare("""
            SELECT id, account_id, label, created_at, expires_at, last_used_at, revoked_at FROM tokens
            WHERE account_id = ? ORDER BY id
            """)
        try statement.bindAll([accountID])
        var result: [TokenInfo] = []
        while try statement.step() {
            result.append(TokenInfo(id: statement.int64(0), accountID: statement.int64(1), label: statement.text(2),
                                    createdAt: statement.text(3) ?? "", expiresAt: statement.text(4) ?? "",
                                    lastUsedAt: statement.text(5), revokedAt: statement.text(6)))
        }
        return result
    }

    // MARK: Audit

    public struct AuditRow: Sendable, Equatable {
        public var id: Int64
        public var at: String
        public var actor: String
        public var action: String
        public var object: String?
        public var detail: String?
        public var version: Int?
        public var from: String?
        public var to: String?
        public var reason: String?
    }

    /// An audit row with the parts of a transition.
    public func audit(actor: String, action: String, object: String?, detail: String?, version: Int? = nil,
                      from: String? = nil, to: String? = nil, reason: String? = nil) throws {
        try db.prepare("""
            INSERT INTO audit (at, actor, action, object, detail, version, from_state, to_state, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([Clock.now(), actor, action, object, detail, version, from, to, reason])
    }

    /// Audit rows about an object (`soumission:12`) or by an actor (`compte:3`), oldest first.
    public func auditRows(object: String? = nil, actor: String? = nil) throws -> [AuditRow] {
        let statement = try db.prepare("""
            SELECT id, at, actor, action, object, detail, version, from_state, to_state, reason FROM audit
            WHERE (?1 IS NULL OR object = ?1) AND (?2 IS NULL OR actor = ?2) ORDER BY id
            """)
        try statement.bindAll([object, actor])
        var rows: [AuditRow] = []
        while try statement.step() {
            rows.append(AuditRow(id: statement.int64(0), at: statement.text(1) ?? "", actor: statement.text(2) ?? "",
                                 action: statement.text(3) ?? "", object: statement.text(4), detail: statement.text(5),
                                 version: statement.isNull(6) ? nil : statement.int(6), from: statement.text(7),
                                 to: statement.text(8), reason: statement.text(9)))
        }
        return rows
    }
}
