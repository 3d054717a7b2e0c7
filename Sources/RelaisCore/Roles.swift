/// What an account may do. Anonymous visitors have no account: they search and read.
public enum Role: String, Codable, CaseIterable, Sendable {
    case contributor, evaluator, curator, importer, admin

    public var label: String {
        switch self {
        case .contributor: "Contributeur"
        case .evaluator: "Évaluateur expert"
        case .curator: "Curateur"
        case .importer: "Importateur"
        case .admin: "Administrateur"
        }
    }

    /// Submit resources, propose improvements, give feedback, evaluate, comment, flag.
    /// Importers are machine accounts of one source: batch endpoints only.
    public var contributes: Bool { self != .importer }

    /// Work the moderation queues: claim, decide, publish, hide comments, release evaluations.
    public var moderates: Bool { self == .curator || self == .admin }

    /// Manage accounts and their roles.
    public var administers: Bool { self == .admin }

    /// Evaluations shown apart from peers' (expert panel).
    public var isExpert: Bool { self == .evaluator }
}

/// Shown in place of the author once a person has erased their account.
public let formerContributorName = "ancien contributeur"
