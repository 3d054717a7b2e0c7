import Foundation
import RelaisCore
import RelaisSearch
import RelaisStore

/// The parameters of a URL query, decoded strictly: `+` is a space, a bad percent escape or an
/// unknown parameter is a 400 that names it (a typo in a filter must not silently widen a search).
struct QueryParameters: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    /// `allowed` nil: every name passes (the caller answers unknown ones in its own protocol).
    init(query: String?, allowed: Set<String>?) throws(Problem) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (rawName, rawValue) = part.firstIndex(of: "=").map { (part[..<$0], part[part.index(after: $0)...]) } ?? (part, "")
            guard let name = Self.decode(rawName) else {
                throw Problem.badParameter(String(rawName.prefix(40)), "nom de paramètre mal encodé (échappement % invalide)")
            }
            if let allowed, !allowed.contains(name) {
                throw Problem.badParameter(String(name.prefix(40)),
                                           "paramètre inconnu « \(name.prefix(40)) » ; paramètres acceptés : \(allowed.sorted().joined(separator: ", "))")
            }
            guard let value = Self.decode(rawValue) else {
                throw Problem.badParameter(name, "valeur mal encodée (échappement % invalide ou UTF-8 incorrect)")
            }
            pairs.append((name, value))
        }
    }

    init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    static func decode(_ raw: Substring) -> String? {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        guard spaced.contains("%") else { return spaced }
        return spaced.removingPercentEncoding
    }

    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// A parameter given at most once.
    func single(_ name: String) throws(Problem) -> String? {
        let values = all(name)
        guard values.count <= 1 else { throw Problem.badParameter(name, "paramètre répété ; il n'accepte qu'une valeur") }
        return values.first
    }

    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let text = try single(name) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw Problem.badParameter(name, "« \(text.prefix(40)) » : un entier entre \(range.lowerBound) et \(range.upperBound) est attendu")
        }
        return number
    }

    func number(_ name: String) throws(Problem) -> Double? {
        guard let text = try single(name) else { return nil }
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite, number >= 0, number < 1e9 else {
            throw Problem.badParameter(name, "« \(text.prefix(40)) » : un nombre de secondes positif est attendu")
        }
        return number
    }

    func boolean(_ name: String) throws(Problem) -> Bool {
        guard let text = try single(name) else { return false }
        switch text.lowercased() {
        case "true", "1", "oui", "": return true
        case "false", "0", "non": return false
        default: throw Problem.badParameter(name, "« \(text.prefix(40)) » : true ou false est attendu")
        }
    }
}

/// The search parameters of the API, each tied to its facet dimension.
enum SearchParameters {
    /// API parameter -> dimension of `SearchRequest.filters`.
    static let filters: [(parameter: String, dimension: String)] = [
        ("niveau", Facet.level.rawValue), ("domaine", Facet.domain.rawValue), ("type", Facet.resourceType.rawValue),
        ("role", Facet.intendedRole.rawValue), ("besoin", Facet.specificNeed.rawValue), ("licence", Facet.licence.rawValue),
        ("source", Store.sourceDimension), ("langue", Store.languageDimension),
    ]
    static let allowed: Set<String> = Set(filters.map(\.parameter) + ["q", "page", "size", "sort", "explain", "duree_min", "duree_max"])
    static let maximumQueryLength = 1_000
    static let maximumFilterValues = 50

    static func parameter(forDimension dimension: String) -> String {
        filters.first { $0.dimension == dimension }?.parameter ?? dimension
    }

    /// One string per distinct request: filters sorted, so that their order in the URL does not matter.
    static func cacheKey(_ request: SearchRequest) -> String {
        let filters = request.filters.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value.sorted().joined(separator: ",") }
        return [request.query, filters.joined(separator: "&"), request.minDuration.map { "\($0)" } ?? "",
                request.maxDuration.map { "\($0)" } ?? "", "\(request.page)", "\(request.size)", request.sort.rawValue,
                request.explain ? "e" : ""].joined(separator: "\u{1}")
    }

    static func request(_ parameters: QueryParameters) throws(Problem) -> SearchRequest {
        var request = SearchRequest()
        request.query = try parameters.single("q") ?? ""
        guard request.query.count <= maximumQueryLength else {
            throw Problem.badParameter("q", "requête trop longue (\(request.query.count) caractères, \(maximumQueryLength) au plus)")
        }
        for (parameter, dimension) in filters {
            let values = parameters.all(parameter).flatMap { $0.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard values.count <= maximumFilterValues else {
                throw Problem.badParameter(parameter, "trop de valeurs (\(maximumFilterValues) au plus)")
            }
            if !values.isEmpty { request.filters[dimension] = Set(values) }
        }
        request.page = try parameters.integer("page", default: 1, range: 1...1_000_000)
        request.size = try parameters.integer("size", default: 20, range: 1...SearchRequest.maximumSize)
        if let sort = try parameters.single("sort") {
            guard let value = SearchRequest.Sort(rawValue: sort) else {
                throw Problem.badParameter("sort", "« \(sort.prefix(40)) » : pertinence, recent ou titre est attendu")
            }
            request.sort = value
        }
        request.explain = try parameters.boolean("explain")
        request.minDuration = try parameters.number("duree_min")
        request.maxDuration = try parameters.number("duree_max")
        return request
    }
}
