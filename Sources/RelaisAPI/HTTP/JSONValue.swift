import Foundation

/// A JSON value with its type kept, so that a body member gets exactly the type the OpenAPI
/// document gives it (`"explain": 0` is not a boolean, `"score": 2.5` not an integer).
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([JSONValue].self) {
            self = .array(list)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var isNull: Bool { if case .null = self { true } else { false } }

    /// The value as query-string values: a scalar, or a list of strings; nil otherwise.
    var strings: [String]? {
        switch self {
        case .bool(let flag): [flag ? "true" : "false"]
        case .integer(let integer): [String(integer)]
        case .number(let number): [String(number)]
        case .string(let text): [text]
        case .array(let values):
            values.allSatisfy { if case .string = $0 { true } else { false } }
                ? values.compactMap { if case .string(let text) = $0 { text } else { nil } } : nil
        case .null, .object: nil
        }
    }
}

/// The JSON types of the members of `POST /api/v1/search`.
extension JSONValue {
    func fits(searchParameter parameter: String) -> Bool {
        switch (parameter, self) {
        case ("explain", .bool), ("page", .integer), ("size", .integer),
             ("duree_min", .integer), ("duree_min", .number), ("duree_max", .integer), ("duree_max", .number),
             ("q", .string), ("sort", .string):
            return true
        case ("explain", _), ("page", _), ("size", _), ("duree_min", _), ("duree_max", _), ("q", _), ("sort", _):
            return false
        case (_, .string), (_, .array):
            return true
        default:
            return false
        }
    }

    static func expectation(searchParameter parameter: String) -> String {
        switch parameter {
        case "explain": "un booléen (true ou false) est attendu"
        case "page", "size": "un entier est attendu"
        case "duree_min", "duree_max": "un nombre de secondes est attendu"
        case "q", "sort": "une chaîne est attendue"
        default: "une chaîne ou une liste de chaînes est attendue"
        }
    }
}
