import Foundation
import RelaisCore
import RelaisSQLite

/// A submission as stored: its content is the request body it was made from (JSON), so an
/// edit replaces it whole and an export gives it back as sent.
public struct SubmissionRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: SubmissionKind
    public var state: SubmissionState
    public var authorID: Int64?
    public var assigneeID: Int64?
    /// The resource improved or commented on; for a new resource, the one created once published.
    public var resourceID: String?
    public var resourceVersion: Int?
    public var source: String
    public var title: String
    public var payload: String
    public var decisionReason: String?
    public var decisionText: String?
    public var createdAt: String
    public var updatedAt: String
    public var submittedAt: String?
    public var decidedAt: String?
    public var publishedAt: String?

    public var auditObject: String { "soumission:\(id)" }
}

public struct SubmissionComment: Sendable, Equatable {
    public var id: Int64
    public var authorID: Int64?
    public var text: String
    public var createdAt: String
}

/// Filters of the moderation queue.
public struct QueueFilter: Sendable {
    public var states: [SubmissionState] = [.submitted, .inReview]
    public var kind: SubmissionKind?
    public var source: String?
    /// Only submissions waiting at least this many days.
    public var olderThanDays: Int?
    public var offset = 0
    public var limit = 20
    public init() {}
}

extension Store {
    static let submissionColumns = """
        id, kind, state, author_id, assignee_id, resource_id, resource_version, source, title, payload,
        decision_reason, decision_text, created_at, updated_at, submitted_at, decided_at, published_at
        """

    func submission(from s: Statement) -> SubmissionRecord {
        SubmissionRecord(
            id: s.int64(0), kind: SubmissionKind(rawValue: s.text(1) ?? "") ?? .newResource,
            state: SubmissionState(rawValue: s.text(2) ?? "") ?? .draft,
            authorID: s.isNull(3) ? nil : s.int64(3), assigneeID: s.isNull(4) ? nil : s.int64(4),
            resourceID: s.text(5), resourceVersion: s.isNull(6) ? nil : s.int(6), source: s.text(7) ?? "",
            title: s.text(8) ?? "", payload: s.text(9) ?? "{}", decisionReason: s.text(10), decisionText: s.text(11),
            createdAt: s.text(12) ?? "", updatedAt: s.text(13) ?? "", submittedAt: s.text(14), decidedAt: s.text(15),
            publishedAt: s.text(16))
    }

    public func insertSubmission(kind: SubmissionKind, state: SubmissionState = .draft, authorID: Int64?,
                                 resourceID: String?, resourceVersion: Int?, source: String, title: String,
                                 payload: String, actor: String) throws -> SubmissionRecord {
        try transaction {
            let now = Clock.now()
            try db.prepare("""
                INSERT INTO submissions (kind, state, author_id, resource_id, resource_version, source, title, payload,
                                         created_at, updated_at, submitted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([kind.rawValue, state.rawValue, authorID, resourceID, resourceVersion, source, title, payload,
                          now, now, state == .draft ? nil : now])
            let id = db.lastInsertRowID
            try audit(actor: actor, action: "submission.create", object: "soumission:\(id)", detail: kind.rawValue,
                      version: resourceVersion, to: state.rawValue)
            return try submission(id: id)!
        }
    }

    public func submission(id: Int64) throws -> SubmissionRecord? {
        let statement = try db.prepare("SELECT \(Self.submissionColumns) FROM submissions WHERE id = ?")
        try statement.bindAll([id])
        return try statement.step() ? submission(from: statement) : nil
    }

    /// Replaces the content of a submission still in `state` (optimistic: a concurrent change
    /// of state makes it a conflict).
    public func updateSubmissionContent(id: Int64, expectedState: SubmissionState, title: String, payload: String,
                                        resourceVersion: Int?, actor: String) throws {
        try transaction {
            try db.prepare("""
                UPDATE submissions SET title = ?, payload = ?, resource_version = coalesce(?, resource_version), updated_at = ?
                WHERE id = ? AND state = ?
                """).run([title, payload, resourceVersion, Clock.now(), id, expectedState.rawValue])
            guard db.changes == 1 else {
                throw Refusal(.conflict, "la soumission a changé d'état entre-temps ; rechargez-la")
            }
            try audit(actor: actor, action: "submission.edit", object: "soumission:\(id)", detail: nil,
                      version: resourceVersion)
        }
    }

    /// Moves a submission from `from` to `to` only if it is still in `from` (and, when
    /// `expectedAssignee` is given, still held by them): of two curators claiming at once,
    /// exactly one changes the row. Writes the audit row in the same transaction.
    public func moveSubmission(id: Int64, from: SubmissionState, to: SubmissionState, action: ModerationAction,
                               assignee: Int64??, expectedAssignee: Int64? = nil, decision: (reason: String?, text: String?)? = nil,
                               resourceID: String? = nil, resourceVersion: Int? = nil, actor: String, reason: String?) throws {
        try transaction {
            let now = Clock.now()
            var sets = ["state = ?1", "updated_at = ?2"]
            var values: [(any SQLBindable)?] = [to.rawValue, now, id, from.rawValue, expectedAssignee]
            func set(_ column: String, _ value: (any SQLBindable)?) {
                values.append(value)
                sets.append("\(column) = ?\(values.count)")
            }
            if let assignee { set("assignee_id", assignee) }
            if to == .submitted { set("submitted_at", now) }
            if [.approved, .rejected, .changesRequested].contains(to) { set("decided_at", now) }
            if to == .published { set("published_at", now) }
            if let decision {
                set("decision_reason", decision.reason)
                set("decision_text", decision.text)
            }
            if let resourceID { set("resource_id", resourceID) }
            if let resourceVersion { set("resource_version", resourceVersion) }
            try db.prepare("""
                UPDATE submissions SET \(sets.joined(separator: ", "))
                WHERE id = ?3 AND state = ?4 AND (?5 IS NULL OR assignee_id = ?5)
                """).run(values)
            guard db.changes == 1 else {
                let current = try submission(id: id)
                throw Refusal(.conflict, "la soumission n'est plus « \(from.label) » (elle est « \(current?.state.label ?? "?") ») : une autre décision est passée avant",
                              allowed: current.map { Workflow.actions(in: $0.state).map(\.rawValue) } ?? [])
            }
            try audit(actor: actor, action: "submission.\(action.rawValue)", object: "soumission:\(id)", detail: nil,
                      version: resourceVersion, from: from.rawValue, to: to.rawValue, reason: reason)
        }
    }

    public func submissions(authorID: Int64) throws -> [SubmissionRecord] {
        let statement = try db.prepare("""
            SELECT \(Self.submissionColumns) FROM submissions WHERE author_id = ? ORDER BY updated_at DESC, id DESC
            """)
        try statement.bindAll([authorID])
        var result: [SubmissionRecord] = []
        while try statement.step() { result.append(submission(from: statement)) }
        return result
    }

    /// The queue page, oldest submitted first, its total and the counts of every state.
    public func queue(_ filter: QueueFilter) throws -> (items: [SubmissionRecord], total: Int, counts: [SubmissionState: Int]) {
        var conditions: [String] = []
        var values: [(any SQLBindable)?] = []
        if !filter.states.isEmpty {
            conditions.append("state IN (\(filter.states.map { _ in "?" }.joined(separator: ", ")))")
            values += filter.states.map(\.rawValue)
        }
        if let kind = filter.kind {
            conditions.append("kind = ?")
            values.append(kind.rawValue)
        }
        if let source = filter.source {
            conditions.append("source = ?")
            values.append(source)
        }
        if let days = filter.olderThanDays {
            let limit = Date().addingTimeInterval(-Double(days) * 86_400).formatted(.iso8601)
            conditions.append("coalesce(submitted_at, created_at) <= ?")
            values.append(limit)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let countStatement = try db.prepare("SELECT count(*) FROM submissions \(whereClause)")
        try countStatement.bindAll(values)
        let total = try countStatement.step() ? countStatement.int(0) : 0
        let page = try db.prepare("""
            SELECT \(Self.submissionColumns) FROM submissions \(whereClause)
            ORDER BY coalesce(submitted_at, created_at), id LIMIT ? OFFSET ?
            """)
        try page.bindAll(values + [filter.limit, filter.offset])
        var items: [SubmissionRecord] = []
        while try page.step() { items.append(submission(from: page)) }
        var counts: [SubmissionState: Int] = [:]
        let byState = try db.prepare("SELECT state, count(*) FROM submissions WHERE state <> 'draft' GROUP BY state")
        while try byState.step() {
            if let state = SubmissionState(rawValue: byState.text(0) ?? "") { counts[state] = byState.int(1) }
        }
        return (items, total, counts)
    }

    public func addSubmissionComment(submissionID: Int64, authorID: Int64, text: String) throws {
        try db.prepare("INSERT INTO submission_comments (submission_id, author_id, text, created_at) VALUES (?, ?, ?, ?)")
            .run([submissionID, authorID, text, Clock.now()])
    }

    public func submissionComments(submissionID: Int64) throws -> [SubmissionComment] {
        let statement = try db.prepare("""
            SELECT id, author_id, text, created_at FROM submission_comments WHERE submission_id = ? ORDER BY id
            """)
        try statement.bindAll([submissionID])
        var result: [SubmissionComment] = []
        while try statement.step() {
            result.append(SubmissionComment(id: statement.int64(0), authorID: statement.isNull(1) ? nil : statement.int64(1),
                                            text: statement.text(2) ?? "", createdAt: statement.text(3) ?? ""))
        }
        return result
    }

    /// Published feedback from class on a resource, oldest first.
    public func publishedFeedback(resourceID: String) throws -> [SubmissionRecord] {
        let statement = try db.prepare("""
            SELECT \(Self.submissionColumns) FROM submissions
            WHERE resource_id = ? AND kind = 'feedback' AND state = 'published' ORDER BY published_at, id
            """)
        try statement.bindAll([resourceID])
        var result: [SubmissionRecord] = []
        while try statement.step() { result.append(submission(from: statement)) }
        return result
    }

    // MARK: Versions and authors

    /// The version number and record of a published resource.
    public func publishedVersion(_ id: ResourceID) throws -> (version: Int, record: String)? {
        let statement = try db.prepare("SELECT version, record FROM resources WHERE id = ? AND status = 'published'")
        try statement.bindAll([id.rawValue])
        guard try statement.step() else { return nil }
        return (statement.int(0), statement.text(1) ?? "{}")
    }

    /// Keeps a version's record before it is replaced.
    public func keepVersion(resourceID: String, version: Int, record: String, submissionID: Int64?) throws {
        try db.prepare("""
            INSERT OR IGNORE INTO resource_versions (resource_id, version, record, created_at, submission_id)
            VALUES (?, ?, ?, ?, ?)
            """).run([resourceID, version, record, Clock.now(), submissionID])
    }

    public func addAuthor(resourceID: String, accountID: Int64) throws {
        try db.prepare("INSERT OR IGNORE INTO resource_authors (resource_id, account_id) VALUES (?, ?)")
            .run([resourceID, accountID])
    }

    public func isAuthor(resourceID: String, accountID: Int64) throws -> Bool {
        let statement = try db.prepare("SELECT 1 FROM resource_authors WHERE resource_id = ? AND account_id = ?")
        try statement.bindAll([resourceID, accountID])
        return try statement.step()
    }

    /// Published contributions of an account (new resources, improvements, feedback).
    public func publishedContributionCount(accountID: Int64) throws -> Int {
        Int(try db.scalarInt("SELECT count(*) FROM submissions WHERE author_id = \(accountID) AND state = 'published'") ?? 0)
    }

    /// Whether a source publishes on import (true unless marked untrusted).
    public func isTrusted(source: String) throws -> Bool {
        let statement = try db.prepare("SELECT trusted FROM sources WHERE name = ?")
        try statement.bindAll([source])
        return try statement.step() ? statement.int(0) != 0 : true
    }

    public func setTrusted(source: String, _ trusted: Bool, actor: String) throws {
        try transaction {
            try db.prepare("INSERT INTO sources (name, trusted) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET trusted = excluded.trusted")
                .run([source, trusted])
            try audit(actor: actor, action: trusted ? "source.trust" : "source.distrust", object: "source:\(source)", detail: nil)
        }
    }
}

extension Store {
    /// Puts an imported record of an untrusted source in the moderation queue: a new
    /// submission, or the pending one of the same resource updated. False when the pending
    /// submission already holds these exact bytes.
    public func queueImported(_ record: StoredRecord, actor: String) throws -> Bool {
        let id = record.resource.id.rawValue
        let pending = try db.prepare("""
            SELECT id, content_hash, state FROM submissions
            WHERE resource_id = ? AND kind = 'new_resource' AND author_id IS NULL
              AND state IN ('submitted', 'in_review', 'changes_requested', 'approved')
            ORDER BY id DESC LIMIT 1
            """)
        try pending.bindAll([id])
        let json = try ResourceJSON.encode(record.resource)
        let payload = try Self.importPayload(resourceJSON: json)
        let provenance = String(decoding: try JSONEncoder().encode(record.provenance), as: UTF8.self)
        let title = record.resource.displayTitle
        if try pending.step() {
            let existing = pending.int64(0)
            guard pending.text(1) != record.provenance.contentHash else { return false }
            try db.prepare("""
                UPDATE submissions SET title = ?, payload = ?, original = ?, provenance = ?, content_hash = ?, updated_at = ?
                WHERE id = ?
                """).run([title, payload, record.original, provenance, record.provenance.contentHash, Clock.now(), existing])
            try audit(actor: actor, action: "submission.reimport", object: "soumission:\(existing)", detail: record.provenance.file)
            return true
        }
        let now = Clock.now()
        try db.prepare("""
            INSERT INTO submissions (kind, state, author_id, resource_id, source, title, payload, original, provenance, content_hash,
                                     created_at, updated_at, submitted_at)
            VALUES ('new_resource', 'submitted', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([id, record.resource.source, title, payload, record.original, provenance, record.provenance.contentHash,
                      now, now, now])
        let submission = db.lastInsertRowID
        try audit(actor: actor, action: "submission.create", object: "soumission:\(submission)",
                  detail: "import \(record.provenance.file)", to: SubmissionState.submitted.rawValue)
        return true
    }

    /// The submission body of a queued import: the mapped resource as JSON.
    static func importPayload(resourceJSON: String) throws -> String {
        let object: [String: Any] = ["kind": "new_resource", "format": "import", "content": resourceJSON]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                      as: UTF8.self)
    }

    /// The original record and provenance of a queued import.
    public func importedOriginal(submissionID: Int64) throws -> (original: String, provenance: Provenance)? {
        let statement = try db.prepare("SELECT original, provenance FROM submissions WHERE id = ? AND original IS NOT NULL")
        try statement.bindAll([submissionID])
        guard try statement.step(), let original = statement.text(0), let provenance = statement.text(1) else { return nil }
        return (original, try JSONDecoder().decode(Provenance.self, from: Data(provenance.utf8)))
    }
}
