import Foundation

/// What a contribution proposes.
public enum SubmissionKind: String, Codable, CaseIterable, Sendable {
    case newResource = "new_resource"
    case improvement
    case feedback

    public var label: String {
        switch self {
        case .newResource: "Nouvelle ressource"
        case .improvement: "Amélioration d'une ressource"
        case .feedback: "Retour d'expérience"
        }
    }
}

public enum SubmissionState: String, Codable, CaseIterable, Sendable {
    case draft
    case submitted
    case inReview = "in_review"
    case changesRequested = "changes_requested"
    case approved
    case published
    case rejected
    case withdrawn

    public var label: String {
        switch self {
        case .draft: "Brouillon"
        case .submitted: "Soumise"
        case .inReview: "En relecture"
        case .changesRequested: "Modifications demandées"
        case .approved: "Approuvée"
        case .published: "Publiée"
        case .rejected: "Refusée"
        case .withdrawn: "Retirée"
        }
    }

    /// No action leads out of it: the submission's story is over.
    public var isFinal: Bool { Workflow.actions(in: self).isEmpty }
}

public enum ModerationAction: String, Codable, CaseIterable, Sendable {
    case submit
    case withdraw
    case claim
    case unclaim
    case reassign
    case requestChanges = "request_changes"
    case approve
    case reject
    case publish

    public var label: String {
        switch self {
        case .submit: "Soumettre"
        case .withdraw: "Retirer"
        case .claim: "Prendre en charge"
        case .unclaim: "Remettre dans la file"
        case .reassign: "Confier à un autre curateur"
        case .requestChanges: "Demander des modifications"
        case .approve: "Approuver"
        case .reject: "Refuser"
        case .publish: "Publier"
        }
    }

    /// The author must be told what to change, so a request without a comment is refused.
    public var requiresComment: Bool { self == .requestChanges }
    /// A refusal names one of `RejectionReason.all`.
    public var requiresReason: Bool { self == .reject }
    /// Reassigning needs the curator who takes over.
    public var requiresAssignee: Bool { self == .reassign }
}

/// Who takes an action. Whether a curator is the submission's assignee (needed for
/// request_changes, approve and reject) is a fact of the store, checked there.
public enum Performer: CaseIterable, Sendable {
    case author
    case curator
}

/// The submission state machine (issue 5 contract).
public enum Workflow {
    private struct Key: Hashable {
        var action: ModerationAction
        var state: SubmissionState
        var performer: Performer
    }

    private static let transitions: [Key: SubmissionState] = {
        var table: [Key: SubmissionState] = [:]
        func allow(_ action: ModerationAction, by performer: Performer, from states: [SubmissionState],
                   to target: SubmissionState) {
            for state in states { table[Key(action: action, state: state, performer: performer)] = target }
        }
        allow(.submit, by: .author, from: [.draft, .changesRequested], to: .submitted)
        allow(.withdraw, by: .author, from: [.draft, .submitted, .inReview, .changesRequested], to: .withdrawn)
        // Only a curator takes a published resource out of the index: the author's withdrawal
        // would otherwise break other teachers' links without review.
        allow(.withdraw, by: .curator, from: [.published], to: .withdrawn)
        allow(.claim, by: .curator, from: [.submitted], to: .inReview)
        allow(.unclaim, by: .curator, from: [.inReview], to: .submitted)
        allow(.reassign, by: .curator, from: [.inReview], to: .inReview)
        allow(.requestChanges, by: .curator, from: [.inReview], to: .changesRequested)
        allow(.approve, by: .curator, from: [.inReview], to: .approved)
        allow(.reject, by: .curator, from: [.inReview], to: .rejected)
        allow(.publish, by: .curator, from: [.approved], to: .published)
        return table
    }()

    /// The state `action` leads to from `state` when taken by `performer`; nil when not allowed.
    public static func target(of action: ModerationAction, from state: SubmissionState,
                              by performer: Performer) -> SubmissionState? {
        transitions[Key(action: action, state: state, performer: performer)]
    }

    /// What `performer` may do in `state`, in ModerationAction.allCases order.
    public static func actions(in state: SubmissionState, by performer: Performer) -> [ModerationAction] {
        ModerationAction.allCases.filter { target(of: $0, from: state, by: performer) != nil }
    }

    /// What anyone may do in `state` (for 409 answers).
    public static func actions(in state: SubmissionState) -> [ModerationAction] {
        ModerationAction.allCases.filter { action in
            Performer.allCases.contains { target(of: action, from: state, by: $0) != nil }
        }
    }

    /// The author may still change the content (draft, submitted, changes_requested).
    /// Once a curator has claimed it, the content under review must stay the one reviewed.
    public static func isEditable(_ state: SubmissionState) -> Bool {
        switch state {
        case .draft, .submitted, .changesRequested: true
        case .inReview, .approved, .published, .rejected, .withdrawn: false
        }
    }
}

/// Why a curator refused a submission; the list is closed so refusals can be counted.
public struct RejectionReason: Codable, Sendable, Equatable {
    public var id: String
    public var label: String

    public init(id: String, label: String) {
        self.id = id
        self.label = label
    }

    public static let all: [RejectionReason] = [
        RejectionReason(id: "hors_sujet", label: "Hors du champ de la plateforme"),
        RejectionReason(id: "doublon", label: "Doublon d'une ressource existante"),
        RejectionReason(id: "licence", label: "Licence incompatible"),
        RejectionReason(id: "qualite", label: "Qualité insuffisante"),
        RejectionReason(id: "inapproprie", label: "Contenu inapproprié"),
        RejectionReason(id: "droits", label: "Droits d'auteur non respectés"),
        RejectionReason(id: "autre", label: "Autre raison"),
    ]

    public static func named(_ id: String) -> RejectionReason? {
        all.first { $0.id == id }
    }
}
