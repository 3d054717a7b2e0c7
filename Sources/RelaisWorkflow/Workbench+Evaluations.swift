import Foundation
import RelaisCore
import RelaisStore

extension Workbench {
    // MARK: Evaluations

    /// Records (or, with `replacing`, updates) the caller's evaluation of the current version.
    public func evaluate(resourceID: String, input: EvaluationInput, by actor: Account, replacing: Bool) throws -> EvaluationRecord {
        try requireContributor(actor)
        guard let (version, _) = try store.publishedVersion(ResourceID(rawValue: resourceID)) else {
            throw Refusal(.notFound, "aucune ressource publiée n'a l'identifiant « \(resourceID.prefix(64)) »")
        }
        if try store.isAuthor(resourceID: resourceID, accountID: actor.id) {
            throw Refusal(.forbidden, "vous avez écrit ou amélioré cette ressource : vous ne pouvez pas l'évaluer")
        }
        do {
            try grid.validate(input)
        } catch {
            throw Refusal(.invalid, error.message, field: error.field)
        }
        // One transaction: the synthesis written is the one of every evaluation stored so far,
        // whichever connection stored them.
        return try store.transaction {
        let record: EvaluationRecord
        if replacing {
            guard let existing = try store.evaluation(resourceID: resourceID, version: version, evaluatorID: actor.id) else {
                throw Refusal(.notFound, "vous n'avez pas encore évalué la version \(version) de cette ressource (POST pour en créer une)")
            }
            record = try store.updateEvaluation(id: existing.id, gridVersion: grid.version, input: input, actor: actor.auditName)
        } else {
            record = try store.insertEvaluation(resourceID: resourceID, version: version, evaluatorID: actor.id,
                                                gridVersion: grid.version, input: input, expert: actor.role.isExpert,
                                                status: try isHeld(actor) ? .held : .visible, actor: actor.auditName)
        }
        try refreshQuality(resourceID: resourceID)
        return record
        }
    }

    /// Evaluations of brand-new contributor accounts wait for a curator (spam, rings of friends);
    /// experts and curators are appointed, so theirs do not.
    func isHeld(_ actor: Account) throws -> Bool {
        guard actor.role == .contributor else { return false }
        let created = (try? Date(actor.createdAt, strategy: .iso8601)) ?? Date()
        let young = Date().timeIntervalSince(created) < newAccountDays * 86_400
        return try young && store.publishedContributionCount(accountID: actor.id) == 0
    }

    public func moderateEvaluation(id: Int64, release: Bool, by actor: Account) throws -> EvaluationRecord {
        try requireModerator(actor)
        guard let record = try store.evaluation(id: id) else { throw Refusal(.notFound, "aucune évaluation \(id)") }
        guard record.status != (release ? .visible : .hidden) else {
            throw Refusal(.conflict, "l'évaluation est déjà « \(record.status.rawValue) »",
                          allowed: [release ? "hide" : "release"])
        }
        try store.transaction {
            try store.setEvaluationStatus(id: id, from: record.status, to: release ? .visible : .hidden, actor: actor.auditName)
            try refreshQuality(resourceID: record.resourceID)
        }
        return try store.evaluation(id: id)!
    }

    /// The synthesis teachers see: visible evaluations of every version of the resource.
    public func synthesis(resourceID: String) throws -> EvaluationSynthesis {
        let evaluations = try store.evaluations(resourceID: resourceID, status: .visible)
        return EvaluationSynthesis.build(grid: grid, evaluations: evaluations.map {
            ScoredEvaluation(input: $0.input, expert: $0.expert)
        })
    }

    /// Feeds the synthesis into the search ranking.
    func refreshQuality(resourceID: String) throws {
        let synthesis = try synthesis(resourceID: resourceID)
        try store.setEvaluationSummary(resourceID: resourceID, quality: synthesis.qualityPrior, count: synthesis.count,
                                       mean: synthesis.overallMean)
    }

    // MARK: Comments

    public func comment(resourceID: String, text: String, by actor: Account) throws -> CommentRecord {
        try requireContributor(actor)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal(.invalid, "le commentaire est vide", field: "text") }
        guard trimmed.count <= 4000 else { throw Refusal(.invalid, "4000 caractères au plus", field: "text") }
        guard try store.publishedVersion(ResourceID(rawValue: resourceID)) != nil else {
            throw Refusal(.notFound, "aucune ressource publiée n'a l'identifiant « \(resourceID.prefix(64)) »")
        }
        return try store.insertComment(resourceID: resourceID, authorID: actor.id, text: trimmed, actor: actor.auditName)
    }

    public func flagComment(id: Int64, reason: String?, by actor: Account) throws {
        guard let comment = try store.comment(id: id), comment.hiddenAt == nil else {
            throw Refusal(.notFound, "aucun commentaire \(id)")
        }
        if let reason, reason.count > 1000 { throw Refusal(.invalid, "1000 caractères au plus", field: "reason") }
        try store.flagComment(id: id, accountID: actor.id, reason: reason, actor: actor.auditName)
    }

    public func hideComment(id: Int64, reason: String?, by actor: Account) throws {
        try requireModerator(actor)
        guard try store.comment(id: id) != nil else { throw Refusal(.notFound, "aucun commentaire \(id)") }
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty, reason.count <= 1000 else {
            throw Refusal(.invalid, "le motif est requis (1000 caractères au plus)", field: "reason")
        }
        try store.hideComment(id: id, curatorID: actor.id, reason: reason, actor: actor.auditName)
    }
}
