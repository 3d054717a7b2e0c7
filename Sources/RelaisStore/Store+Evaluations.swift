import Foundation
import RelaisCore
import RelaisSQLite

public struct EvaluationRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case visible, held, hidden }
    public var id: Int64
    public var resourceID: String
    public var resourceVersion: Int
    public var evaluatorID: Int64
    public var gridVersion: Int
    public var input: EvaluationInput
    public var expert: Bool
    public var status: Status
    public var createdAt: String
    public var updatedAt: String
}

public struct CommentRecord: Sendable, Equatable {
    public var id: Int64
    public var resourceID: String
    public var authorID: Int64?
    public var text: String
    public var createdAt: String
    public var hiddenAt: String?
    public var hiddenReason: String?
    public var flags: Int
}

public struct FlagRecord: Sendable, Equatable {
    public var commentID: Int64
    public var reason: String?
    public var createdAt: String
}

extension Store {
    static let evaluationColumns = """
        id, resource_id, resource_version, evaluator_id, grid_version, answers, expert, status, created_at, updated_at
        """

    func evaluation(from s: Statement) throws -> EvaluationRecord {
        EvaluationRecord(
            id: s.int64(0), resourceID: s.text(1) ?? "", resourceVersion: s.int(2), evaluatorID: s.int64(3),
            gridVersion: s.int(4), input: try JSONDecoder().decode(EvaluationInput.self, from: Data((s.text(5) ?? "{}").utf8)),
            expert: s.int(6) != 0, status: EvaluationRecord.Status(rawValue: s.text(7) ?? "") ?? .held,
            createdAt: s.text(8) ?? "", updatedAt: s.text(9) ?? "")
    }

    private static func answers(_ input: EvaluationInput) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(input), as: UTF8.self)
    }

    /// Records an evaluation; a second one by the same evaluator on the same version is a conflict.
    public func insertEvaluation(resourceID: String, version: Int, evaluatorID: Int64, gridVersion: Int,
                                 input: EvaluationInput, expert: Bool, status: EvaluationRecord.Status,
                                 actor: String) throws -> EvaluationRecord {
        try transaction {
            let exists = try db.prepare("""
                SELECT 1 FROM evaluations WHERE resource_id = ? AND resource_version = ? AND evaluator_id = ?
                """)
            try exists.bindAll([resourceID, version, evaluatorID])
            if try exists.step() {
                throw Refusal(.conflict, "vous avez déjà évalué la version \(version) de cette ressource ; modifiez votre évaluation (PUT …/evaluations/mine)",
                              allowed: ["PUT"])
            }
            let now = Clock.now()
            try db.prepare("""
                INSERT INTO evaluations (resource_id, resource_version, evaluator_id, grid_version, answers, expert, status,
                                         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([resourceID, version, evaluatorID, gridVersion, try Self.answers(input), expert, status.rawValue, now, now])
            let id = db.lastInsertRowID
            try audit(actor: actor, action: "evaluation.create", object: "evaluation:\(id)", detail: "ressource \(resourceID)",
                      version: version, to: status.rawValue)
            return try evaluation(id: id)!
        }
    }

    public func updateEvaluation(id: Int64, gridVersion: Int, input: EvaluationInput, actor: String) throws -> EvaluationRecord {
        try transaction {
            try db.prepare("UPDATE evaluations SET answers = ?, grid_version = ?, updated_at = ? WHERE id = ?")
                .run([try Self.answers(input), gridVersion, Clock.now(), id])
            try audit(actor: actor, action: "evaluation.update", object: "evaluation:\(id)", detail: nil)
            return try evaluation(id: id)!
        }
    }

    public func setEvaluationStatus(id: Int64, from: EvaluationRecord.Status, to: EvaluationRecord.Status, actor: String) throws {
        try transaction {
            try db.prepare("UPDATE evaluations SET status = ? WHERE id = ? AND status = ?").run([to.rawValue, id, from.rawValue])
            guard db.changes == 1 else {
                throw Refusal(.conflict, "l'évaluation n'est plus « \(from.rawValue) »", allowed: [])
            }
            try audit(actor: actor, action: "evaluation.\(to == .visible ? "release" : "hide")", object: "evaluation:\(id)",
                      detail: nil, from: from.rawValue, to: to.rawValue)
        }
    }

    public func evaluation(id: Int64) throws -> EvaluationRecord? {
        let statement = try db.prepare("SELECT \(Self.evaluationColumns) FROM evaluations WHERE id = ?")
        try statement.bindAll([id])
        return try statement.step() ? evaluation(from: statement) : nil
    }

    /// The evaluator's evaluation of a version.
    public func evaluation(resourceID: String, version: Int, evaluatorID: Int64) throws -> EvaluationRecord? {
        let statement = try db.prepare("""
            SELECT \(Self.evaluationColumns) FROM evaluations WHERE resource_id = ? AND resource_version = ? AND evaluator_id = ?
            """)
        try statement.bindAll([resourceID, version, evaluatorID])
        return try statement.step() ? evaluation(from: statement) : nil
    }

    /// Evaluations of a resource (every version), or of any resource, with a status.
    public func evaluations(resourceID: String? = nil, status: EvaluationRecord.Status? = .visible,
                            evaluatorID: Int64? = nil) throws -> [EvaluationRecord] {
        let statement = try db.prepare("""
            SELECT \(Self.evaluationColumns) FROM evaluations
            WHERE (?1 IS NULL OR resource_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR evaluator_id = ?3)
            ORDER BY created_at, id
            """)
        try statement.bindAll([resourceID, status?.rawValue, evaluatorID])
        var result: [EvaluationRecord] = []
        while try statement.step() { result.append(try evaluation(from: statement)) }
        return result
    }

    /// The quality prior the search ranks with (nil: neutral), and the summary hits show.
    public func setEvaluationSummary(resourceID: String, quality: Double?, count: Int, mean: Double?) throws {
        try db.prepare("UPDATE resources SET quality = ?, evaluation_count = ?, evaluation_mean = ? WHERE id = ?")
            .run([quality, count, mean, resourceID])
    }

    /// Count and mean (1-4) of the visible evaluations of each resource, for search hits.
    public func evaluationSummaries(ids: [String]) throws -> [String: (count: Int, mean: Double?)] {
        guard !ids.isEmpty else { return [:] }
        let statement = try db.prepare("""
            SELECT id, evaluation_count, evaluation_mean FROM resources
            WHERE id IN (SELECT value FROM json_each(?)) AND evaluation_count > 0
            """)
        let list = "[" + ids.map { "\"" + $0.filter { $0.isLetter || $0.isNumber } + "\"" }.joined(separator: ",") + "]"
        try statement.bindAll([list])
        var result: [String: (count: Int, mean: Double?)] = [:]
        while try statement.step() {
            result[statement.text(0) ?? ""] = (statement.int(1), statement.isNull(2) ? nil : statement.double(2))
        }
        return result
    }

    // MARK: Comments

    static let commentColumns = """
        c.id, c.resource_id, c.author_id, c.text, c.created_at, c.hidden_at,
        (SELECT count(*) FROM comment_flags f WHERE f.comment_id = c.id), c.hidden_reason
        """

    func comment(from s: Statement) -> CommentRecord {
        CommentRecord(id: s.int64(0), resourceID: s.text(1) ?? "", authorID: s.isNull(2) ? nil : s.int64(2),
                      text: s.text(3) ?? "", createdAt: s.text(4) ?? "", hiddenAt: s.text(5), hiddenReason: s.text(7),
                      flags: s.int(6))
    }

    public func insertComment(resourceID: String, authorID: Int64, text: String, actor: String) throws -> CommentRecord {
        try transaction {
            try db.prepare("INSERT INTO comments (resource_id, author_id, text, created_at) VALUES (?, ?, ?, ?)")
                .run([resourceID, authorID, text, Clock.now()])
            let id = db.lastInsertRowID
            try audit(actor: actor, action: "comment.create", object: "commentaire:\(id)", detail: "ressource \(resourceID)")
            return try comment(id: id)!
        }
    }

    public func comment(id: Int64) throws -> CommentRecord? {
        let statement = try db.prepare("SELECT \(Self.commentColumns) FROM comments c WHERE c.id = ?")
        try statement.bindAll([id])
        return try statement.step() ? comment(from: statement) : nil
    }

    public func comments(resourceID: String, includeHidden: Bool = false) throws -> [CommentRecord] {
        let statement = try db.prepare("""
            SELECT \(Self.commentColumns) FROM comments c
            WHERE c.resource_id = ? AND (? OR c.hidden_at IS NULL) ORDER BY c.created_at, c.id
            """)
        try statement.bindAll([resourceID, includeHidden])
        var result: [CommentRecord] = []
        while try statement.step() { result.append(comment(from: statement)) }
        return result
    }

    /// Comments flagged at least once and not hidden yet, most flagged first.
    public func flaggedComments() throws -> [CommentRecord] {
        let statement = try db.prepare("""
            SELECT \(Self.commentColumns) FROM comments c
            WHERE c.hidden_at IS NULL AND EXISTS (SELECT 1 FROM comment_flags f WHERE f.comment_id = c.id)
            ORDER BY 7 DESC, c.id
            """)
        var result: [CommentRecord] = []
        while try statement.step() { result.append(comment(from: statement)) }
        return result
    }

    /// A person's comments, hidden ones too (their personal data export).
    public func ownComments(authorID: Int64) throws -> [CommentRecord] {
        let statement = try db.prepare("SELECT \(Self.commentColumns) FROM comments c WHERE c.author_id = ? ORDER BY c.id")
        try statement.bindAll([authorID])
        var result: [CommentRecord] = []
        while try statement.step() { result.append(comment(from: statement)) }
        return result
    }

    public func ownFlags(accountID: Int64) throws -> [FlagRecord] {
        let statement = try db.prepare("SELECT comment_id, reason, created_at FROM comment_flags WHERE account_id = ? ORDER BY created_at")
        try statement.bindAll([accountID])
        var result: [FlagRecord] = []
        while try statement.step() {
            result.append(FlagRecord(commentID: statement.int64(0), reason: statement.text(1), createdAt: statement.text(2) ?? ""))
        }
        return result
    }

    public func flagComment(id: Int64, accountID: Int64, reason: String?, actor: String) throws {
        try transaction {
            let statement = try db.prepare("SELECT 1 FROM comment_flags WHERE comment_id = ? AND account_id = ?")
            try statement.bindAll([id, accountID])
            if try statement.step() { throw Refusal(.conflict, "vous avez déjà signalé ce commentaire") }
            try db.prepare("INSERT INTO comment_flags (comment_id, account_id, reason, created_at) VALUES (?, ?, ?, ?)")
                .run([id, accountID, reason, Clock.now()])
            try audit(actor: actor, action: "comment.flag", object: "commentaire:\(id)", detail: nil)
        }
    }

    public func hideComment(id: Int64, curatorID: Int64, reason: String, actor: String) throws {
        try transaction {
            try db.prepare("UPDATE comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ? AND hidden_at IS NULL")
                .run([Clock.now(), curatorID, reason, id])
            guard db.changes == 1 else { throw Refusal(.conflict, "ce commentaire est déjà masqué") }
            try audit(actor: actor, action: "comment.hide", object: "commentaire:\(id)", detail: nil, reason: reason)
        }
    }

    // MARK: Personal data

    /// Erases a person: name, e-mail and password hash go, tokens are deleted, their comments and
    /// the free text of their evaluations are deleted, their unpublished submissions are deleted.
    /// Published work stays, shown as "ancien contributeur". Old bytes are overwritten
    /// (secure_delete) and the WAL is checkpointed so that no copy remains in the files.
    public func erase(accountID: Int64) throws {
        try db.execute("PRAGMA secure_delete = ON")
        defer { try? db.execute("PRAGMA secure_delete = OFF") }
        try transaction {
            let actor = "compte:\(accountID)"
            try db.prepare("UPDATE accounts SET email = NULL, name = NULL, password_hash = NULL, erased_at = ?, disabled = 1 WHERE id = ?")
                .run([Clock.now(), accountID])
            try db.prepare("DELETE FROM tokens WHERE account_id = ?").run([accountID])
            try db.prepare("DELETE FROM comments WHERE author_id = ?").run([accountID])
            try db.prepare("DELETE FROM comment_flags WHERE account_id = ?").run([accountID])
            try db.prepare("DELETE FROM submission_comments WHERE author_id = ?").run([accountID])
            try db.prepare("DELETE FROM submissions WHERE author_id = ? AND state <> 'published'").run([accountID])
            for evaluation in try evaluations(status: nil, evaluatorID: accountID) {
                var input = evaluation.input
                input.strengths = nil
                input.improvements = nil
                for key in input.criteria.keys { input.criteria[key]?.comment = nil }
                try db.prepare("UPDATE evaluations SET answers = ? WHERE id = ?").run([try Self.answers(input), evaluation.id])
            }
            try audit(actor: actor, action: "account.erase", object: actor, detail: nil)
        }
        if db.path != ":memory:" {
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
