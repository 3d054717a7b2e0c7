import RelaisCore
import RelaisText

extension SearchEngine {
    /// Resources close to `resource`: any of its title and keyword words, ranked as a search
    /// would rank them, preferring the same levels.
    public func related(to resource: Resource, limit: Int = 5) throws -> [Resource] {
        var words: [String] = []
        var seen = Set<String>()
        let texts = resource.titles.map(\.text) + resource.keywords.map(\.text)
        for text in texts {
            for word in FrenchAnalyzer.words(text) where word.normalized.count > 2 && !FrenchAnalyzer.isStopword(word.normalized) {
                if seen.insert(FrenchAnalyzer.fold(word.normalized)).inserted { words.append(word.normalized) }
            }
        }
        guard !words.isEmpty else { return [] }
        let query = words.prefix(12).joined(separator: " OR ")
        var request = SearchRequest(query: query, size: limit + 1, correctTypos: false)
        let levels = Set(resource.levels.compactMap(\.term))
        if !levels.isEmpty { request.filters[Facet.level.rawValue] = levels }
        var hits = try search(request).hits.map(\.resource)
        if hits.count <= 1 {
            request.filters = [:]
            hits = try search(request).hits.map(\.resource)
        }
        return Array(hits.filter { $0.id != resource.id }.prefix(limit))
    }
}
