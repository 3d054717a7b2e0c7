import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore
import RelaisText

/// The co-construction rules: who may do what to which submission, evaluation or comment,
/// and what each step writes. One instance per job, over the connection the job runs on
/// (the writer for changes, a reader for the rest).
public struct Workbench {
    public let store: Store
    public let mapper: ContributionMapper
    /// Every grid version; evaluations use the last one.
    public let grids: [EvaluationGrid]
    /// Accounts younger than this have their evaluations held for a curator.
    public var newAccountDays = 7.0

    public init(store: Store, vocabularies: Vocabularies, grids: [EvaluationGrid]) {
        self.store = store
        self.mapper = ContributionMapper(vocabularies: vocabularies)
        self.grids = grids
    }

    public var grid: EvaluationGrid { grids.last! }

    // MARK: Checking a submission

    /// What a body would become, with its checklist: for the live checklist, for saving and
    /// for submitting.
    public struct Assessment: Sendable {
        public var title: String
        public var checklist: [ChecklistItem]
        public var diff: [FieldChange]
        /// The resource as it would be published (new resources and improvements).
        public var resource: Resource?
        public var resourceVersion: Int?
        public var ready: Bool { SubmissionChecklist.isReady(checklist) }
    }

    public func assess(_ body: SubmissionBody, submissionID: Int64?) throws -> Assessment {
        switch body.kind {
        case .newResource:
            let identifier = ContributionMapper.identifier(submission: submissionID ?? 0)
            let resource: Resource
            switch body.format ?? "json" {
            case "json":
                guard body.content == nil else {
                    throw Refusal(.invalid, "le format json prend ses données dans « metadata », pas « content »", field: "content")
                }
                resource = try mapped { () throws(ContributionError) in
                    try mapper.resource(from: body.metadata ?? ContributedMetadata(), identifier: identifier)
                }
            case "lom", "markdown":
                guard body.metadata == nil else {
                    throw Refusal(.invalid, "les formats lom et markdown prennent leur texte dans « content »", field: "metadata")
                }
                resource = try mapped { () throws(ContributionError) in
                    try mapper.resource(format: body.format!, content: body.content ?? "", identifier: identifier).0
                }
            case "import":
                // A record of an untrusted source, queued by the importer: published as mapped.
                guard let content = body.content,
                      let imported = try? JSONDecoder().decode(Resource.self, from: Data(content.utf8)) else {
                    throw Refusal(.invalid, "notice importée illisible", field: "content")
                }
                // The contributor criteria (open licence, description length) inform the
                // curator about a partner's record; only a title is required.
                let checklist = SubmissionChecklist.forResource(imported, nearDuplicates: try nearDuplicates(of: imported, excluding: [imported.id.rawValue]))
                    .map { item in
                        var item = item
                        item.blocking = item.blocking && item.id == "titre"
                        return item
                    }
                return Assessment(title: imported.displayTitle, checklist: checklist, diff: [], resource: imported, resourceVersion: nil)
            case let other:
                throw Refusal(.invalid, "format inconnu « \(other.prefix(20)) » ; formats : json, lom, markdown", field: "format")
            }
            try refuseMembers(body, except: ["format", "metadata", "content"])
            let duplicates = try nearDuplicates(of: resource, excluding: [resource.id.rawValue])
            return Assessment(title: resource.displayTitle == identifier ? "(sans titre)" : resource.displayTitle,
                              checklist: SubmissionChecklist.forResource(resource, nearDuplicates: duplicates),
                              diff: [], resource: resource, resourceVersion: nil)
        case .improvement:
            try refuseMembers(body, except: ["resource_id", "changes", "rationale"])
            let (original, version) = try publishedResource(body.resourceID)
            let merged = try mapped { () throws(ContributionError) in
                try mapper.applying(body.changes ?? ContributedMetadata(), to: original)
            }
            if let rationale = body.rationale, rationale.count > 4000 {
                throw Refusal(.invalid, "4000 caractères au plus", field: "rationale")
            }
            let duplicates = try nearDuplicates(of: merged, excluding: [original.id.rawValue])
            return Assessment(title: "Amélioration : " + original.displayTitle,
                              checklist: SubmissionChecklist.forImprovement(original: original, merged: merged, nearDuplicates: duplicates),
                              diff: SubmissionChecklist.diff(original, merged), resource: merged, resourceVersion: version)
        case .feedback:
            try refuseMembers(body, except: ["resource_id", "feedback"])
            let (resource, version) = try publishedResource(body.resourceID)
            let feedback = body.feedback ?? ClassFeedback()
            for (name, text) in [("context", feedback.context), ("worked", feedback.worked), ("adapt", feedback.adapt)] {
                if let text, text.count > 4000 { throw Refusal(.invalid, "4000 caractères au plus", field: "feedback.\(name)") }
            }
            if let level = feedback.level, !level.isEmpty, mapper.vocabularies.label(of: level, in: .level) == nil {
                throw Refusal(.invalid, "niveau inconnu « \(level.prefix(20)) » (voir /api/v1/vocabularies/niveaux)", field: "feedback.level")
            }
            return Assessment(title: "Retour d'expérience : " + resource.displayTitle,
                              checklist: SubmissionChecklist.forFeedback(level: feedback.level, context: feedback.context,
                                                                        worked: feedback.worked, adapt: feedback.adapt),
                              diff: [], resource: nil, resourceVersion: version)
        }
    }

    /// "import" is the importer's own format, not one a person sends.
    private func refuseImportFormat(_ body: SubmissionBody) throws {
        if body.format == "import" {
            throw Refusal(.invalid, "format inconnu « import » ; formats : json, lom, markdown", field: "format")
        }
    }

    private func mapped<T>(_ body: () throws(ContributionError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Refusal(.invalid, error.message, field: error.field)
        }
    }

    private func refuseMembers(_ body: SubmissionBody, except allowed: Set<String>) throws {
        let given: [(String, Bool)] = [
            ("format", body.format != nil), ("metadata", body.metadata != nil), ("content", body.content != nil),
            ("resource_id", body.resourceID != nil), ("changes", body.changes != nil), ("rationale", body.rationale != nil),
            ("feedback", body.feedback != nil),
        ]
        for (name, present) in given where present && !allowed.contains(name) {
            throw Refusal(.invalid, "« \(name) » ne s'emploie pas pour une soumission « \(body.kind.rawValue) »", field: name)
        }
    }

    private func publishedResource(_ id: String?) throws -> (Resource, Int) {
        guard let id, !id.isEmpty else { throw Refusal(.invalid, "l'identifiant de la ressource est requis", field: "resource_id") }
        guard id.utf8.count <= 64, let (version, record) = try store.publishedVersion(ResourceID(rawValue: id)) else {
            throw Refusal(.invalid, "aucune ressource publiée n'a l'identifiant « \(id.prefix(64)) »", field: "resource_id")
        }
        return (try ResourceJSONReader.decode(record), version)
    }

    /// Published resources whose title is nearly the same (most of the same words).
    public func nearDuplicates(of resource: Resource, excluding: Set<String>) throws -> [NearDuplicate] {
        let title = resource.displayTitle
        let words = Set(FrenchAnalyzer.words(title).map { FrenchAnalyzer.fold($0.normalized) }.filter { $0.count >= 2 })
        guard words.count >= 2 || (words.count == 1 && title.count >= 5) else { return [] }
        let query = words.sorted().prefix(12).map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"" }
            .joined(separator: " OR ")
        var found: [NearDuplicate] = []
        for id in try store.searchIDs(matching: "title : (\(query))", limit: 10) where !excluding.contains(id.rawValue) {
            guard let other = try store.resource(id) else { continue }
            let otherWords = Set(FrenchAnalyzer.words(other.displayTitle).map { FrenchAnalyzer.fold($0.normalized) }
                .filter { $0.count >= 2 })
            let union = words.union(otherWords).count
            guard union > 0 else { continue }
            if Double(words.intersection(otherWords).count) / Double(union) >= 0.75 {
                found.append(NearDuplicate(id: id.rawValue, title: other.displayTitle))
            }
        }
        return Array(found.prefix(3))
    }

    // MARK: Submissions

    func requireContributor(_ actor: Account) throws {
        guard actor.role.contributes else {
            throw Refusal(.forbidden, "un compte « \(actor.role.label) » ne peut pas contribuer")
        }
    }

    public func create(_ body: SubmissionBody, by actor: Account) throws -> SubmissionRecord {
        try requireContributor(actor)
        try refuseImportFormat(body)
        let assessment = try assess(body, submissionID: nil)
        return try store.insertSubmission(kind: body.kind, authorID: actor.id, resourceID: body.resourceID,
                                          resourceVersion: assessment.resourceVersion, source: ContributionMapper.source,
                                          title: assessment.title, payload: body.encoded(), actor: actor.auditName)
    }

    /// The submission if the caller may see it: its author, or a curator. Anyone else gets
    /// "not found", so that ids of others' work reveal nothing.
    public func visibleSubmission(_ id: Int64, to actor: Account) throws -> SubmissionRecord {
        guard let record = try store.submission(id: id),
              record.authorID == actor.id || actor.role.moderates else {
            throw Refusal(.notFound, "aucune soumission \(id) parmi celles que vous pouvez voir")
        }
        return record
    }

    public func body(of record: SubmissionRecord) throws -> SubmissionBody {
        try JSONDecoder().decode(SubmissionBody.self, from: Data(record.payload.utf8))
    }

    public func edit(_ id: Int64, _ body: SubmissionBody, by actor: Account) throws -> SubmissionRecord {
        let record = try visibleSubmission(id, to: actor)
        guard record.authorID == actor.id else {
            throw Refusal(.forbidden, "seul l'auteur modifie le contenu d'une soumission ; les curateurs demandent des modifications")
        }
        guard Workflow.isEditable(record.state) else {
            throw Refusal(.conflict, "une soumission « \(record.state.label) » ne se modifie plus",
                          allowed: Workflow.actions(in: record.state, by: .author).map(\.rawValue))
        }
        guard body.kind == record.kind else {
            throw Refusal(.invalid, "la sorte d'une soumission ne change pas (elle est « \(record.kind.rawValue) »)", field: "kind")
        }
        guard body.resourceID == record.resourceID || record.kind == .newResource else {
            throw Refusal(.invalid, "la ressource visée ne change pas", field: "resource_id")
        }
        try refuseImportFormat(body)
        let assessment = try assess(body, submissionID: id)
        try store.updateSubmissionContent(id: id, expectedState: record.state, title: assessment.title, payload: body.encoded(),
                                          resourceVersion: assessment.resourceVersion, actor: actor.auditName)
        return try store.submission(id: id)!
    }

    public func checklist(of record: SubmissionRecord) throws -> Assessment {
        try assess(try body(of: record), submissionID: record.id)
    }

    /// What the caller may do now.
    public func allowedActions(_ record: SubmissionRecord, for actor: Account) -> [ModerationAction] {
        var actions: [ModerationAction] = []
        if record.authorID == actor.id { actions += Workflow.actions(in: record.state, by: .author) }
        if actor.role.moderates {
            for action in Workflow.actions(in: record.state, by: .curator) where !actions.contains(action) {
                if Self.assigneeOnly.contains(action), record.assigneeID != actor.id { continue }
                actions.append(action)
            }
        }
        return ModerationAction.allCases.filter(actions.contains)
    }

    /// Decisions only the curator who claimed the submission takes.
    static let assigneeOnly: Set<ModerationAction> = [.requestChanges, .approve, .reject]

    public struct TransitionRequest: Sendable {
        public var action: ModerationAction
        public var comment: String?
        public var reason: String?
        public var reasonText: String?
        public var assigneeID: Int64?
        public init(action: ModerationAction, comment: String? = nil, reason: String? = nil, reasonText: String? = nil,
                    assigneeID: Int64? = nil) {
            self.action = action
            self.comment = comment
            self.reason = reason
            self.reasonText = reasonText
            self.assigneeID = assigneeID
        }
    }

    /// Takes a step of the workflow. Illegal steps are conflicts naming what is allowed;
    /// publishing writes the resource, its index entry and the audit row in one transaction.
    public func transition(_ id: Int64, _ request: TransitionRequest, by actor: Account) throws -> SubmissionRecord {
        let record = try visibleSubmission(id, to: actor)
        let action = request.action
        let isAuthor = record.authorID == actor.id
        let performer: Performer
        if isAuthor, Workflow.target(of: action, from: record.state, by: .author) != nil {
            performer = .author
        } else if actor.role.moderates, Workflow.target(of: action, from: record.state, by: .curator) != nil {
            performer = .curator
        } else if Workflow.target(of: action, from: record.state, by: .curator) != nil && !actor.role.moderates {
            throw Refusal(.forbidden, "seuls les curateurs peuvent « \(action.label) »")
        } else {
            let allowed = allowedActions(record, for: actor)
            throw Refusal(.conflict, "« \(action.label) » est impossible depuis l'état « \(record.state.label) »"
                          + (allowed.isEmpty ? "" : " ; possible : " + allowed.map(\.rawValue).joined(separator: ", ")),
                          allowed: allowed.map(\.rawValue))
        }
        if performer == .curator, record.authorID == actor.id, action != .withdraw {
            throw Refusal(.forbidden, "un curateur ne modère pas sa propre soumission")
        }
        guard let target = Workflow.target(of: action, from: record.state, by: performer) else {
            throw Refusal(.conflict, "transition impossible", allowed: allowedActions(record, for: actor).map(\.rawValue))
        }
        if performer == .curator, Self.assigneeOnly.contains(action), record.assigneeID != actor.id {
            throw Refusal(.conflict, "seul le curateur qui a pris la soumission en charge décide ; prenez-la d'abord (claim) ou demandez une réattribution",
                          allowed: allowedActions(record, for: actor).map(\.rawValue))
        }
        let trimmedComment = request.comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comment = trimmedComment, comment.count > 4000 {
            throw Refusal(.invalid, "4000 caractères au plus", field: "comment")
        }
        var assignee: Int64?? = nil
        var expectedAssignee: Int64? = nil
        var decision: (reason: String?, text: String?)? = nil
        var reasonForAudit: String? = trimmedComment
        switch action {
        case .submit:
            let assessment = try checklist(of: record)
            guard assessment.ready else {
                throw Refusal(.unprocessable, "la liste de vérification n'est pas complète : "
                              + assessment.checklist.filter { $0.blocking && !$0.passed }.map(\.label).joined(separator: " ; "),
                              checklist: assessment.checklist)
            }
            assignee = .some(nil)
        case .claim:
            assignee = .some(actor.id)
        case .unclaim:
            assignee = .some(nil)
            expectedAssignee = record.assigneeID
        case .reassign:
            guard let target = request.assigneeID else {
                throw Refusal(.invalid, "le curateur à qui confier la soumission est requis", field: "assignee_id")
            }
            guard let other = try store.account(id: target), other.role.moderates, !other.disabled, other.erasedAt == nil else {
                throw Refusal(.invalid, "le compte \(target) n'est pas un curateur actif", field: "assignee_id")
            }
            guard other.id != record.authorID else {
                throw Refusal(.invalid, "l'auteur ne peut pas relire sa propre soumission", field: "assignee_id")
            }
            assignee = .some(other.id)
            expectedAssignee = record.assigneeID
            reasonForAudit = "confiée au compte:\(other.id)" + (trimmedComment.map { " — \($0)" } ?? "")
        case .requestChanges:
            guard let comment = trimmedComment, !comment.isEmpty else {
                throw Refusal(.invalid, "dites à l'auteur ce qu'il faut modifier", field: "comment")
            }
            decision = (nil, comment)
            expectedAssignee = actor.id
        case .approve:
            decision = (nil, trimmedComment)
            expectedAssignee = actor.id
        case .reject:
            guard let reasonID = request.reason, let reason = RejectionReason.named(reasonID) else {
                throw Refusal(.invalid, "motif requis parmi : " + RejectionReason.all.map(\.id).joined(separator: ", "), field: "reason")
            }
            let text = request.reasonText?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let text, text.count > 4000 { throw Refusal(.invalid, "4000 caractères au plus", field: "reason_text") }
            decision = (reason.id, text)
            expectedAssignee = actor.id
            reasonForAudit = reason.id + (text.map { " — \($0)" } ?? "")
        case .withdraw, .publish:
            break
        }
        try store.transaction {
            var resourceID: String?
            var version: Int?
            if action == .publish {
                (resourceID, version) = try publish(record, by: actor)
            } else if action == .withdraw && record.state == .published {
                try unpublish(record, by: actor)
            }
            try store.moveSubmission(id: id, from: record.state, to: target, action: action, assignee: assignee,
                                     expectedAssignee: expectedAssignee, decision: decision, resourceID: resourceID,
                                     resourceVersion: version ?? record.resourceVersion, actor: actor.auditName,
                                     reason: reasonForAudit)
            if let comment = trimmedComment, !comment.isEmpty {
                try store.addSubmissionComment(submissionID: id, authorID: actor.id, text: comment)
            }
        }
        return try store.submission(id: id)!
    }

    /// Puts the submission's content live; returns the resource and version it touched.
    private func publish(_ record: SubmissionRecord, by actor: Account) throws -> (String?, Int?) {
        let body = try body(of: record)
        if record.kind == .improvement, let id = record.resourceID,
           let (current, _) = try store.publishedVersion(ResourceID(rawValue: id)), current != record.resourceVersion {
            throw Refusal(.conflict, "la ressource est passée à la version \(current) depuis la proposition (faite sur la version \(record.resourceVersion ?? 0)) ; demandez à l'auteur de la mettre à jour",
                          allowed: [])
        }
        let assessment = try assess(body, submissionID: record.id)
        guard assessment.ready else {
            throw Refusal(.unprocessable, "la soumission ne remplit plus la liste de vérification (la ressource visée a pu changer)",
                          checklist: assessment.checklist)
        }
        switch record.kind {
        case .newResource, .improvement:
            guard var resource = assessment.resource else { return (nil, nil) }
            let today = String(Date().formatted(.iso8601).prefix(10))
            var original = record.payload
            if record.kind == .newResource {
                if resource.created == nil { resource.created = today }
            } else {
                resource.modified = today
                guard let (current, currentRecord) = try store.publishedVersion(resource.id),
                      current == record.resourceVersion || record.resourceVersion == nil else {
                    throw Refusal(.conflict, "la ressource a changé depuis la proposition (version \(record.resourceVersion ?? 0)) ; l'auteur doit la mettre à jour",
                                  allowed: [ModerationAction.requestChanges.rawValue, ModerationAction.reject.rawValue])
                }
                try store.keepVersion(resourceID: resource.id.rawValue, version: current, record: currentRecord, submissionID: nil)
                original = try store.original(resource.id) ?? record.payload
            }
            var provenance = Provenance(file: record.auditObject, recordIndex: 1, line: nil,
                                        contentHash: ContentHash.hex(Array(record.payload.utf8), salt: "contribution-\(record.id)"))
            if body.format == "import", let imported = try store.importedOriginal(submissionID: record.id) {
                (original, provenance) = imported
            }
            _ = try store.write(StoredRecord(resource: resource, provenance: provenance, original: original), batch: nil)
            if let author = record.authorID { try store.addAuthor(resourceID: resource.id.rawValue, accountID: author) }
            let (version, written) = try store.publishedVersion(resource.id)!
            try store.keepVersion(resourceID: resource.id.rawValue, version: version, record: written, submissionID: record.id)
            try store.audit(actor: actor.auditName, action: "resource.publish", object: resource.id.rawValue,
                            detail: record.auditObject, version: version, to: "published")
            return (resource.id.rawValue, version)
        case .feedback:
            return (record.resourceID, record.resourceVersion)
        }
    }

    private func unpublish(_ record: SubmissionRecord, by actor: Account) throws {
        switch record.kind {
        case .newResource:
            guard let id = record.resourceID else { return }
            _ = try store.delete(id: ResourceID(rawValue: id), batch: nil)
            try store.audit(actor: actor.auditName, action: "resource.withdraw", object: id, detail: record.auditObject,
                            from: "published", to: "withdrawn")
        case .improvement:
            throw Refusal(.conflict, "une amélioration publiée fait partie de l'historique de la ressource ; proposez une nouvelle amélioration",
                          allowed: [])
        case .feedback:
            break
        }
    }

    public func mine(_ actor: Account) throws -> [SubmissionRecord] {
        try store.submissions(authorID: actor.id)
    }

    public func queue(_ filter: QueueFilter, by actor: Account) throws -> (items: [SubmissionRecord], total: Int, counts: [SubmissionState: Int]) {
        try requireModerator(actor)
        return try store.queue(filter)
    }

    func requireModerator(_ actor: Account) throws {
        guard actor.role.moderates else { throw Refusal(.forbidden, "réservé aux curateurs") }
    }
}
