import ArgumentParser
import Foundation
import RelaisCore
import RelaisSearch
import RelaisStore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Cherche dans les ressources importées.",
        discussion: """
            Requête : mots (tous requis), "expression exacte", -exclusion, OR, préfixe*, \
            titre:mot, motcle:mot. Sans requête : parcours par filtres.
            """
    )

    @Argument(help: "La requête (vide : parcourir).")
    var query: String = ""

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: "Niveau (M1...S6), répétable.") var niveau: [String] = []
    @Option(name: .long, help: "Domaine ou discipline, répétable.") var domaine: [String] = []
    @Option(name: .long, help: "Type de ressource, répétable.") var type: [String] = []
    @Option(name: .long, help: "Besoin spécifique, répétable.") var besoin: [String] = []
    @Option(name: .long, help: "Licence, répétable.") var licence: [String] = []
    @Option(name: .long, help: "Source, répétable.") var source: [String] = []
    @Option(name: .long, help: "Langue (fr, nl...), répétable.") var langue: [String] = []
    @Option(name: .long, help: "Rôle visé, répétable.") var role: [String] = []
    @Option(name: .customLong("duree-min"), help: "Durée minimale (secondes).") var dureeMin: Double?
    @Option(name: .customLong("duree-max"), help: "Durée maximale (secondes).") var dureeMax: Double?
    @Option(name: .long, help: "Page (à partir de 1).") var page = 1
    @Option(name: .customLong("taille"), help: "Résultats par page (1 à 100).") var size = 10
    @Option(name: .customLong("tri"), help: "pertinence, recent ou titre.") var sort = "pertinence"
    @Flag(name: .long, help: "Détaille le calcul des scores.") var explain = false
    @Flag(name: .long, help: "Sortie JSON.") var json = false

    func run() throws {
        let vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: storeOptions.vocabularies))
        guard FileManager.default.fileExists(atPath: storeOptions.db) else {
            throw ValidationError("base introuvable : \(storeOptions.db) (lancez d'abord relais import)")
        }
        let engine = SearchEngine(store: try Store(path: storeOptions.db), vocabularies: vocabularies)
        guard let sortOrder = SearchRequest.Sort(rawValue: sort) else {
            throw ValidationError("--tri : pertinence, recent ou titre")
        }
        var filters: [String: Set<String>] = [:]
        for (dimension, values) in [(Facet.level, niveau), (.domain, domaine), (.resourceType, type), (.specificNeed, besoin),
                                    (.licence, licence), (.intendedRole, role)] where !values.isEmpty {
            filters[dimension.rawValue] = Set(values)
        }
        if !source.isEmpty { filters[Store.sourceDimension] = Set(source) }
        if !langue.isEmpty { filters[Store.languageDimension] = Set(langue) }
        let request = SearchRequest(query: query, filters: filters, minDuration: dureeMin, maxDuration: dureeMax,
                                    page: page, size: size, sort: sortOrder, explain: explain)
        let response: SearchResponse
        do {
            response = try engine.search(request)
        } catch let error as SearchError {
            throw ValidationError(error.description)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: SearchJSON.object(response),
                                                  options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if let notice = response.notice { print(notice) }
        if let didYouMean = response.didYouMean { print("Vouliez-vous dire « \(didYouMean) » ?") }
        print("\(response.total) ressource(s) · page \(response.page) · \(String(format: "%.1f", response.tookMilliseconds)) ms")
        for (offset, hit) in response.hits.enumerated() {
            let r = hit.resource
            let rank = (response.page - 1) * response.size + offset + 1
            print("\n\(rank). \(r.displayTitle)  [\(r.source) · \(r.id)]")
            let levels = r.levels.compactMap(\.term).joined(separator: " ")
            let domains = r.domains.compactMap(\.term).joined(separator: " ")
            print("   \(levels.isEmpty ? "" : "niveaux \(levels) · ")\(domains.isEmpty ? "" : "domaines \(domains) · ")licence \(r.licence?.term ?? "?")")
            if let snippet = hit.snippet { print("   " + snippet.marked(open: "«", close: "»")) }
            if let segment = hit.segment {
                print("   ▶ \(segment.timecode ?? "") \(segment.title ?? "")")
            }
            if let e = hit.explanation {
                print(String(format: "   score %.3f = bm25 %.3f × (1 + titre %.2f + phrase %.2f) × qualité %.2f%@",
                             e.total, e.bm25, e.exactTitleBoost, e.phraseBoost, e.qualityFactor,
                             e.rankedOnTitleAndKeywords ? " (titres d'abord)" : ""))
            }
        }
        print("\nFacettes :")
        for dimension in SearchEngine.dimensions {
            guard let values = response.facets[dimension], !values.isEmpty else { continue }
            print("  \(dimension) : " + values.prefix(8).map { "\($0.selected ? "☑ " : "")\($0.label) (\($0.count))" }
                .joined(separator: ", "))
        }
    }
}

enum SearchJSON {
    static func object(_ response: SearchResponse) -> [String: Any] {
        var object: [String: Any] = [
            "total": response.total, "page": response.page, "size": response.size,
            "took_ms": response.tookMilliseconds,
            "hits": response.hits.map { hit -> [String: Any] in
                var item: [String: Any] = [
                    "id": hit.resource.id.rawValue, "title": hit.resource.displayTitle, "source": hit.resource.source,
                    "score": hit.score,
                    "levels": hit.resource.levels.compactMap(\.term), "domains": hit.resource.domains.compactMap(\.term),
                    "types": hit.resource.resourceTypes.compactMap(\.term), "licence": hit.resource.licence?.term as Any? ?? NSNull(),
                ]
                if let snippet = hit.snippet {
                    item["snippet"] = ["text": snippet.text, "highlights": snippet.highlights.map { [$0.lowerBound, $0.upperBound] }]
                }
                if let segment = hit.segment {
                    item["segment"] = ["index": segment.index, "title": segment.title as Any? ?? NSNull(),
                                       "start": segment.start as Any? ?? NSNull(),
                                       "timecode": segment.timecode as Any? ?? NSNull()] as [String: Any]
                }
                if let e = hit.explanation {
                    item["explain"] = ["bm25": e.bm25, "exact_title_boost": e.exactTitleBoost, "phrase_boost": e.phraseBoost,
                                       "quality_factor": e.qualityFactor, "total": e.total,
                                       "ranked_on_title_and_keywords": e.rankedOnTitleAndKeywords]
                }
                return item
            },
            "facets": response.facets.mapValues { values in
                values.map { ["term": $0.term, "label": $0.label, "count": $0.count, "selected": $0.selected] }
            },
            "corrections": response.corrections.map { ["typed": $0.typed, "used": $0.used] },
            "dropped_words": response.droppedWords,
        ]
        object["effective_query"] = response.effectiveQuery ?? NSNull()
        object["did_you_mean"] = response.didYouMean ?? NSNull()
        object["notice"] = response.notice ?? NSNull()
        return object
    }
}
