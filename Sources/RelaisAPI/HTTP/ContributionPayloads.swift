import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore
import RelaisWorkflow

/// The JSON of co-construction answers, as `openapi.json` describes it: absent values are
/// explicit nulls. Built inside a store job (names of people are looked up as needed).
enum JSONShape {
    static func value(_ optional: Any?) -> Any { optional ?? NSNull() }

    /// An Encodable domain value as a JSON object with snake_case keys.
    static func encoded(_ value: some Encodable) -> Any {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return NSNull()
        }
        return object
    }

    static func data(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static func checklistItem(_ item: ChecklistItem) -> [String: Any] {
        ["id": item.id, "label": item.label, "passed": item.passed, "blocking": item.blocking,
         "detail": value(item.detail), "link": value(item.link)]
    }

    static func fieldChange(_ change: FieldChange) -> [String: Any] {
        ["field": change.field, "label": change.label, "before": value(change.before), "after": value(change.after)]
    }

    static func account(_ account: Account) -> [String: Any] {
        ["id": account.id, "email": value(account.email), "name": value(account.name), "role": account.role.rawValue,
         "source": value(account.source), "created_at": account.createdAt, "disabled": account.disabled]
    }

    static func person(_ id: Int64?, _ store: Store) throws -> Any {
        guard let id else { return ["id": 0, "name": formerContributorName] as [String: Any] }
        let name = try store.account(id: id)?.displayName ?? formerContributorName
        return ["id": id, "name": name] as [String: Any]
    }

    static func ageDays(_ record: SubmissionRecord) -> Int {
        let since = (try? Date(record.submittedAt ?? record.createdAt, strategy: .iso8601)) ?? Date()
        return max(0, Int(Date().timeIntervalSince(since) / 86_400))
    }

    static func summary(_ record: SubmissionRecord, _ store: Store) throws -> [String: Any] {
        ["id": record.id, "kind": record.kind.rawValue, "state": record.state.rawValue, "state_label": record.state.label,
         "title": record.title, "resource_id": value(record.resourceID),
         "author": record.authorID == nil ? ["id": 0, "name": "import « \(record.source) »"] as [String: Any] : try person(record.authorID, store),
         "assignee": record.assigneeID == nil ? NSNull() : try person(record.assigneeID, store),
         "created_at": record.createdAt, "updated_at": record.updatedAt, "submitted_at": value(record.submittedAt),
         "age_days": ageDays(record)]
    }

    static func metadata(_ metadata: ContributedMetadata?) -> Any {
        guard let metadata else { return NSNull() }
        return ["title": value(metadata.title), "description": value(metadata.description), "keywords": value(metadata.keywords),
                "levels": value(metadata.levels), "domains": value(metadata.domains), "types": value(metadata.types),
                "needs": value(metadata.needs), "licence": value(metadata.licence), "url": value(metadata.url),
                "language": value(metadata.language), "learning_time_minutes": value(metadata.learningTimeMinutes)] as [String: Any]
    }

    static func feedback(_ feedback: ClassFeedback?) -> Any {
        guard let feedback else { return NSNull() }
        return ["level": value(feedback.level), "context": value(feedback.context), "worked": value(feedback.worked),
                "adapt": value(feedback.adapt)] as [String: Any]
    }

    /// A submission as its author or a curator sees it.
    static func submission(_ record: SubmissionRecord, workbench: Workbench, actor: Account) throws -> [String: Any] {
        let store = workbench.store
        let body = try workbench.body(of: record)
        // The checklist is recomputed: the catalogue (near-duplicates, the improved resource) moves.
        let assessment = try? workbench.checklist(of: record)
        var decision: Any = NSNull()
        if let reason = record.decisionReason, let known = RejectionReason.named(reason) {
            decision = ["reason": known.id, "reason_label": known.label, "text": value(record.decisionText)] as [String: Any]
        }
        let comments = try store.submissionComments(submissionID: record.id).map { comment -> [String: Any] in
            ["author": try person(comment.authorID, store), "at": comment.createdAt, "text": comment.text]
        }
        let history = try store.auditRows(object: record.auditObject).map { row -> [String: Any] in
            let actorID = row.actor.hasPrefix("compte:") ? Int64(row.actor.dropFirst(7)) : nil
            return ["at": row.at, "actor": actorID == nil ? NSNull() : try person(actorID, store), "action": row.action,
                    "from": value(row.from), "to": value(row.to), "reason": value(row.reason)]
        }
        var object = try summary(record, store)
        object.removeValue(forKey: "age_days")
        object["source"] = record.source
        object["format"] = record.kind == .newResource ? (body.format ?? "json") : NSNull()
        object["metadata"] = metadata(body.metadata)
        object["content"] = value(body.content)
        object["changes"] = metadata(body.changes)
        object["rationale"] = value(body.rationale)
        object["feedback"] = feedback(body.feedback)
        object["diff"] = (assessment?.diff ?? []).map(fieldChange)
        object["checklist"] = (assessment?.checklist ?? []).map(checklistItem)
        object["ready"] = assessment?.ready ?? false
        object["allowed_actions"] = workbench.allowedActions(record, for: actor).map(\.rawValue)
        object["decision"] = decision
        object["comments"] = comments
        object["history"] = history
        return object
    }

    static func answers(_ input: EvaluationInput) -> [String: Any] {
        var criteria: [String: Any] = [:]
        for (id, answer) in input.criteria {
            criteria[id] = ["score": value(answer.score), "comment": value(answer.comment)] as [String: Any]
        }
        return criteria
    }

    static func evaluation(_ record: EvaluationRecord, _ store: Store) throws -> [String: Any] {
        ["id": record.id, "resource_id": record.resourceID, "resource_version": record.resourceVersion,
         "grid_version": record.gridVersion, "evaluator": try person(record.evaluatorID, store), "expert": record.expert,
         "status": record.status.rawValue, "criteria": answers(record.input), "strengths": value(record.input.strengths),
         "improvements": value(record.input.improvements), "created_at": record.createdAt, "updated_at": record.updatedAt]
    }

    static func comment(_ record: CommentRecord, _ store: Store) throws -> [String: Any] {
        ["id": record.id, "author": try person(record.authorID, store), "text": record.text, "created_at": record.createdAt]
    }

    static func feedbackEntry(_ record: SubmissionRecord, workbench: Workbench) throws -> [String: Any] {
        let feedback = try workbench.body(of: record).feedback ?? ClassFeedback()
        return ["id": record.id, "author": try person(record.authorID, workbench.store), "level": feedback.level ?? "",
                "context": feedback.context ?? "", "worked": feedback.worked ?? "", "adapt": value(feedback.adapt),
                "published_at": record.publishedAt ?? record.updatedAt]
    }
}
