import HTTPTypes

/// Every route the server answers, as written in `openapi.json` (`/api/v1/resources/{id}`).
/// The router is built from this table, the 405 answers come from it, and a test checks it
/// against the OpenAPI document both ways.
struct RouteTable: Sendable {
    struct Route: Sendable, Hashable {
        var method: HTTPRequest.Method
        var path: String
        /// Pages and assets for browsers are not part of the API document.
        var documented: Bool
    }

    private(set) var routes: [Route] = []

    mutating func add(_ method: HTTPRequest.Method, _ path: String, documented: Bool = true) {
        routes.append(Route(method: method, path: path, documented: documented))
    }

    /// The methods registered for a concrete path (HEAD goes with GET).
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = routes.filter { Self.matches($0.path, segments) }
        // The router takes a literal segment over a parameter wherever both fit and does not
        // come back: PUT on /api/v1/submissions/checklist never reaches /api/v1/submissions/{id}.
        // So only the most literal of the matching patterns names the methods.
        guard let best = matching.map({ Self.literalRank($0.path) }).max() else { return [] }
        var methods: [HTTPRequest.Method] = []
        for route in matching where Self.literalRank(route.path) == best && !methods.contains(route.method) {
            methods.append(route.method)
            if route.method == .get && !methods.contains(.head) { methods.append(.head) }
        }
        return methods
    }

    /// One bit per segment, set when it is literal, the first segment highest: among patterns
    /// of the same length "/a/{x}/c" ranks below "/a/b/{y}".
    static func literalRank(_ pattern: String) -> Int {
        pattern.split(separator: "/", omittingEmptySubsequences: true).reduce(0) { $0 * 2 + ($1.first == "{" ? 0 : 1) }
    }

    static func matches(_ pattern: String, _ segments: [Substring]) -> Bool {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { part, segment in part.first == "{" || part == segment }
    }
}
