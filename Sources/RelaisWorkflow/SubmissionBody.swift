import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore

/// A feedback from class (retour d'expérience).
public struct ClassFeedback: Codable, Sendable, Equatable {
    public var level: String?
    public var context: String?
    public var worked: String?
    public var adapt: String?
    public init(level: String? = nil, context: String? = nil, worked: String? = nil, adapt: String? = nil) {
        self.level = level
        self.context = context
        self.worked = worked
        self.adapt = adapt
    }
}

/// What a contributor sends to create or edit a submission; stored as sent.
public struct SubmissionBody: Codable, Sendable, Equatable {
    public var kind: SubmissionKind
    public var format: String?
    public var metadata: ContributedMetadata?
    public var content: String?
    public var resourceID: String?
    public var changes: ContributedMetadata?
    public var rationale: String?
    public var feedback: ClassFeedback?

    public init(kind: SubmissionKind) { self.kind = kind }

    enum CodingKeys: String, CodingKey {
        case kind, format, metadata, content, changes, rationale, feedback
        case resourceID = "resource_id"
    }

    static let members: Set<String> = ["kind", "format", "metadata", "content", "resource_id", "changes", "rationale", "feedback"]
    static let metadataMembers: Set<String> = ["title", "description", "keywords", "levels", "domains", "types", "needs",
                                               "licence", "url", "language", "learning_time_minutes"]
    static let feedbackMembers: Set<String> = ["level", "context", "worked", "adapt"]
    /// Fields nobody sets through a submission: the server decides them.
    static let reserved: Set<String> = ["id", "state", "status", "author", "author_id", "owner", "assignee", "assignee_id",
                                        "role", "source", "created_at", "updated_at", "published_at", "version"]

    /// Reads a request body strictly: unknown members are refused by name, members the
    /// server owns (state, owner, role...) are refused as forbidden.
    public static func decode(_ data: Data) throws -> SubmissionBody {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Refusal(.invalid, "un objet JSON est attendu", field: "body")
        }
        try check(object, allowed: members, prefix: "")
        if let metadata = object["metadata"] as? [String: Any] { try check(metadata, allowed: metadataMembers, prefix: "metadata.") }
        if let changes = object["changes"] as? [String: Any] { try check(changes, allowed: metadataMembers, prefix: "changes.") }
        if let feedback = object["feedback"] as? [String: Any] { try check(feedback, allowed: feedbackMembers, prefix: "feedback.") }
        do {
            return try JSONDecoder().decode(SubmissionBody.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Refusal(.invalid, "type de valeur inattendu", field: path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) {
            let field = path(context.codingPath)
            throw Refusal(.invalid, field == "kind" ? "sorte inconnue ; sortes : new_resource, improvement, feedback" : "valeur invalide",
                          field: field.isEmpty ? "body" : field)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Refusal(.invalid, "membre requis", field: key.stringValue)
        } catch {
            throw Refusal(.invalid, "corps illisible", field: "body")
        }
    }

    private static func check(_ object: [String: Any], allowed: Set<String>, prefix: String) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            if reserved.contains(key) {
                throw Refusal(.forbidden, "le champ « \(key) » est fixé par la plateforme, pas par la soumission", field: prefix + key)
            }
            throw Refusal(.invalid, "membre inconnu « \(key.prefix(40)) » ; membres acceptés : " + allowed.sorted().joined(separator: ", "),
                          field: prefix + key)
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The body as stored (sorted keys, so equal bodies are equal text).
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
