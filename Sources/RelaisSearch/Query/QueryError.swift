/// Why a query typed by a user cannot be run. Every case names the problem in French, so
/// that the API can return it as is (HTTP 400, problem+json `detail`).
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The query, once trimmed, is longer than `limit` characters (Unicode scalars).
    case tooLong(limit: Int)
    /// The query holds more than `limit` words (positive and excluded, phrase words included).
    case tooManyTerms(limit: Int)
    /// `name:` looks like a field restriction but names no field we know.
    /// `known` lists the field names to suggest, in their French spelling.
    case unknownField(name: String, known: [String])

    /// A stable machine-readable code (for problem+json `type` or logs).
    public var code: String {
        switch self {
        case .tooLong: "query-too-long"
        case .tooManyTerms: "query-too-many-terms"
        case .unknownField: "query-unknown-field"
        }
    }

    public var description: String {
        switch self {
        case .tooLong(let limit):
            return "la requête dépasse \(limit) caractères : raccourcissez-la"
        case .tooManyTerms(let limit):
            return "la requête contient plus de \(limit) mots : retirez-en quelques-uns"
        case .unknownField(let name, let known):
            let suggestion = known.map { "\($0):" }
            let list: String
            switch suggestion.count {
            case 0: list = ""
            case 1: list = suggestion[0]
            default: list = suggestion.dropLast().joined(separator: ", ") + " ou " + suggestion[suggestion.count - 1]
            }
            return list.isEmpty ? "champ inconnu « \(name) »" : "champ inconnu « \(name) » : utilisez \(list)"
        }
    }
}
