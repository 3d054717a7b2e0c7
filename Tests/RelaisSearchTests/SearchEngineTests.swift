import Foundation
import RelaisCore
import RelaisSQLite
import RelaisStore
import RelaisText
import Testing
@testable import RelaisSearch

private let outils = "https://consortiums.example.be/outils/"

private func search(_ query: String, _ filters: [String: Set<String>] = [:], size: Int = 100) throws -> SearchResponse {
    try CorpusIndex.shared().search(query, filters: filters, size: size)
}

private func ids(_ query: String, _ filters: [String: Set<String>] = [:]) throws -> Set<String> {
    Set(try search(query, filters).identifiers)
}

/// The error `body` throws, when it is a SearchError (nil otherwise, with an issue recorded).
private func searchError(_ body: () throws -> SearchResponse, sourceLocation: SourceLocation = #_sourceLocation) -> SearchError? {
    do {
        let response = try body()
        Issue.record("réponse au lieu d'une erreur (\(response.total) résultats)", sourceLocation: sourceLocation)
    } catch let error as SearchError {
        return error
    } catch {
        Issue.record("erreur d'un autre type : \(type(of: error)) \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

private func counts(_ facets: [FacetCount]?) -> [String: Int] {
    Dictionary((facets ?? []).filter { $0.count > 0 }.map { ($0.term, $0.count) }, uniquingKeysWith: +)
}

// MARK: - Corpus

@Suite("Moteur : corpus importé")
struct SearchEngineCorpusImportTests {
    @Test func everyFileImportedUnderItsFolderName() throws {
        let index = try CorpusIndex.shared()
        #expect(index.report.filesRejected == 0)
        #expect(index.report.rejections.isEmpty)
        let all = try index.allResources()
        #expect(all.count == 98)
        let bySource = Dictionary(grouping: all.values, by: \.source).mapValues(\.count)
        #expect(bySource == ["consortiums": 44, "sonuma": 25, "amenagements": 29])
        let browse = try search("", size: 1)
        #expect(browse.total == all.count)
        #expect(counts(browse.facets[Store.sourceDimension]) == bySource)
    }
}

// MARK: - Facets

@Suite("Moteur : facettes")
struct SearchEngineFacetTests {
    /// Counts the engine should give: per dimension, over the resources matching the query that
    /// pass every *other* dimension's selection.
    private func expectedCounts(query: String, filters: [String: Set<String>]) throws -> [String: [String: Int]] {
        let matching = try CorpusIndex.shared().allHits(SearchRequest(query: query, size: 100)).map(\.resource)
        var result: [String: [String: Int]] = [:]
        for dimension in SearchEngine.dimensions {
            var dimensionCounts: [String: Int] = [:]
            for resource in matching where resource.passes(filters, ignoring: dimension) {
                for term in resource.facetTerms(dimension) { dimensionCounts[term, default: 0] += 1 }
            }
            result[dimension] = dimensionCounts
        }
        return result
    }

    static let selections: [(String, [String: Set<String>])] = [
        ("", ["niveaux": ["P5"]]),
        ("", ["niveaux": ["P5", "P6"], "besoins": ["dyslexie"]]),
        ("évaluation", ["besoins": ["dyslexie", "tdah"], "sources": ["amenagements"]]),
        ("classe", ["types": ["activite"], "domaines": ["sciences", "mathematiques"]]),
        ("", ["langues": ["fr"], "licences": ["cc-by", "cc0"], "types": ["jeu"]]),
    ]

    @Test("Comptes disjonctifs : ET entre dimensions, OU dans une dimension", arguments: 0..<selections.count)
    func countsAreDisjunctive(_ number: Int) throws {
        let (query, filters) = Self.selections[number]
        let response = try search(query, filters)
        let expected = try expectedCounts(query: query, filters: filters)
        #expect(Set(response.facets.keys) == Set(SearchEngine.dimensions))
        for dimension in SearchEngine.dimensions {
            #expect(counts(response.facets[dimension]) == expected[dimension]!.filter { $0.value > 0 },
                    "dimension \(dimension)")
        }
        // The hits: AND across dimensions, OR inside one.
        let matching = try CorpusIndex.shared().allHits(SearchRequest(query: query, size: 100)).map(\.resource)
        #expect(response.total == matching.filter { $0.passes(filters) }.count)
        for hit in response.hits { #expect(hit.resource.passes(filters), "\(hit.resource.sourceIdentifier)") }
        // Selected values are flagged.
        for (dimension, terms) in filters {
            for term in terms { #expect(response.facets[dimension]?.first { $0.term == term }?.selected == true) }
        }
    }

    @Test func selectingALevelKeepsLevelCountsAndShrinksTheOthers() throws {
        let before = try search("")
        let after = try search("", ["niveaux": ["P5"]])
        #expect(after.total < before.total)
        #expect(counts(after.facets["niveaux"]) == counts(before.facets["niveaux"]))
        for dimension in SearchEngine.dimensions where dimension != "niveaux" {
            let a = counts(after.facets[dimension]), b = counts(before.facets[dimension])
            for (term, count) in a { #expect(count <= b[term] ?? 0, "\(dimension) \(term)") }
        }
        #expect(counts(after.facets["sources"]).values.reduce(0, +) == after.total)
        #expect(counts(after.facets["types"]) != counts(before.facets["types"]))
        // Adding a second level widens (OR), adding a need narrows (AND).
        let two = try search("", ["niveaux": ["P5", "M1"]])
        #expect(two.total > after.total)
        let need = try search("", ["niveaux": ["P5"], "besoins": ["dyslexie"]])
        #expect(need.total < after.total)
        #expect(counts(need.facets["niveaux"]) == counts(try search("", ["besoins": ["dyslexie"]]).facets["niveaux"]))
    }

    @Test func countsEqualTheHitsWhenWalkingAllPages() throws {
        let index = try CorpusIndex.shared()
        for (query, filters) in [("", [:]), ("évaluation", ["besoins": Set(["dyslexie"])]), ("classe", [:]),
                                 ("", ["sources": ["sonuma"]])] as [(String, [String: Set<String>])] {
            let first = try index.search(SearchRequest(query: query, filters: filters, size: 7))
            let hits = try index.allHits(SearchRequest(query: query, filters: filters, size: 7))
            #expect(hits.count == first.total, "« \(query) »")
            for dimension in SearchEngine.dimensions where filters[dimension] == nil {
                var walked: [String: Int] = [:]
                for hit in hits { for term in hit.resource.facetTerms(dimension) { walked[term, default: 0] += 1 } }
                #expect(counts(first.facets[dimension]) == walked, "« \(query) » \(dimension)")
            }
        }
    }

    @Test func labelsAreFrench() throws {
        let index = try CorpusIndex.shared()
        let response = try search("")
        for facet in Facet.allCases {
            for count in response.facets[facet.rawValue] ?? [] {
                #expect(count.label == index.vocabularies.label(of: count.term, in: facet), "\(facet) \(count.term)")
            }
        }
        #expect(response.facets["niveaux"]?.first { $0.term == "P5" }?.label == "5e primaire")
        #expect(response.facets["langues"]?.first { $0.term == "fr" }?.label == "Français")
        #expect(response.facets["besoins"]?.first { $0.term == "dyslexie" }?.label == "Dyslexie")
    }

    @Test func aSelectedValueWithoutMatchesKeepsItsChip() throws {
        let response = try search("volcans", ["niveaux": ["S7"]])
        #expect(response.total == 0)
        #expect(response.facets["niveaux"]?.contains { $0.term == "S7" && $0.selected && $0.count == 0 } == true)
    }

    @Test func durationRange() throws {
        let index = try CorpusIndex.shared()
        let long = try index.search(SearchRequest(query: "", minDuration: 1500, size: 100))
        #expect(long.total > 0)
        for hit in long.hits { #expect((hit.resource.duration ?? 0) >= 1500, "\(hit.resource.sourceIdentifier)") }
        let short = try index.search(SearchRequest(query: "", minDuration: 300, maxDuration: 500, size: 100))
        #expect(Set(short.identifiers) == ["SON-2002-0926", "SON-1949-0626", "SON-1967-0816", "SON-1950-0313",
                                           "SON-2012-0701"])
        let error = searchError { try index.search(SearchRequest(query: "", minDuration: 600, maxDuration: 60)) }
        #expect(error?.parameter == "duree_min")
    }
}

// MARK: - Pagination and request errors

@Suite("Moteur : pagination et erreurs")
struct SearchEnginePaginationTests {
    @Test(arguments: ["", "évaluation", "classe", "dys*"])
    func pagesAreStableAndComplete(_ query: String) throws {
        let index = try CorpusIndex.shared()
        let whole = try index.search(SearchRequest(query: query, size: 100)).identifiers
        #expect(!whole.isEmpty)
        for size in [1, 7, 20] {
            let walked = try index.allHits(SearchRequest(query: query, size: size)).map(\.resource.sourceIdentifier)
            #expect(walked == whole, "taille \(size)")
            #expect(Set(walked).count == walked.count, "doublons, taille \(size)")
        }
        #expect(try index.search(SearchRequest(query: query, size: 100)).identifiers == whole)
        // A page past the end is empty, not an error.
        let past = try index.search(SearchRequest(query: query, page: 50, size: 20))
        #expect(past.hits.isEmpty)
        #expect(past.total == whole.count)
    }

    @Test func pageSizeIsCapped() throws {
        let index = try CorpusIndex.shared()
        #expect(searchError { try index.search(SearchRequest(size: 101)) }?.parameter == "size")
        #expect(searchError { try index.search(SearchRequest(size: 0)) }?.parameter == "size")
        #expect(searchError { try index.search(SearchRequest(size: -5)) }?.parameter == "size")
        #expect(try index.search(SearchRequest(size: 100)).hits.count == 98)
    }

    @Test func pagesBeyondTenThousandResultsAreRefused() throws {
        let index = try CorpusIndex.shared()
        #expect(searchError { try index.search(SearchRequest(page: 0)) }?.parameter == "page")
        #expect(searchError { try index.search(SearchRequest(page: 101, size: 100)) }?.parameter == "page")
        #expect(searchError { try index.search(SearchRequest(page: 10_001, size: 1)) }?.parameter == "page")
        #expect(try index.search(SearchRequest(page: 100, size: 100)).hits.isEmpty)
        #expect(try index.search(SearchRequest(page: 10_000, size: 1)).hits.isEmpty)
    }

    /// Runs in a child process: an arithmetic overflow would kill the test runner.
    @Test func hugePageNumbersAreRefusedWithoutOverflow() async {
        await #expect(processExitsWith: .success) {
            let index = try! CorpusIndex.shared()
            do {
                _ = try index.search(SearchRequest(page: Int.max / 2, size: 100))
                exit(2)
            } catch let error as SearchError {
                exit(error.parameter == "page" ? 0 : 3)
            } catch {
                exit(4)
            }
        }
    }

    @Test func unknownFilterDimensionNamesIt() throws {
        let index = try CorpusIndex.shared()
        let error = searchError { try index.search(SearchRequest(filters: ["couleur": ["rouge"]])) }
        #expect(error?.parameter == "couleur")
        #expect(error?.message.contains("niveaux") == true)
    }

    @Test(arguments: [("niveaux", "P9"), ("besoins", "dyslexia"), ("domaines", "astrologie"), ("types", "video"),
                      ("licences", "gpl"), ("roles", "directeur")])
    func unknownTermNamesTheDimension(_ dimension: String, _ term: String) throws {
        let index = try CorpusIndex.shared()
        let error = searchError { try index.search(SearchRequest(filters: [dimension: [term]])) }
        #expect(error?.parameter == dimension)
        #expect(error?.message.contains(term) == true)
    }

    @Test func queryErrorsNameTheQuery() throws {
        let index = try CorpusIndex.shared()
        let unknownField = searchError { try index.search(SearchRequest(query: "auteur:Grevisse")) }
        #expect(unknownField?.parameter == "q")
        #expect(unknownField?.message.contains("auteur") == true)
        let tooMany = Array(repeating: "mot", count: 40).joined(separator: " ")
        #expect(searchError { try index.search(SearchRequest(query: tooMany)) }?.parameter == "q")
    }
}

// MARK: - Ordering, explain

@Suite("Moteur : ordre et explication")
struct SearchEngineOrderingTests {
    static func dateKey(_ resource: Resource) -> Int32 {
        FacetIndex.dateKey(resource.modified ?? resource.created ?? "")
    }

    @Test func browsingIsOrderedByQualityThenRecency() throws {
        let hits = try CorpusIndex.shared().allHits(SearchRequest(query: "", size: 30))
        #expect(hits.count == 98)
        let keys = hits.map { Self.dateKey($0.resource) }
        for (a, b) in zip(keys, keys.dropFirst()) { #expect(a >= b) }
        #expect(hits.first?.resource.sourceIdentifier == "zz-securite-exemple") // 2024-06-24, the most recent
        // Filters keep the order.
        let filtered = try search("", ["besoins": ["dyslexie"], "niveaux": ["P5"]]).hits.map { Self.dateKey($0.resource) }
        for (a, b) in zip(filtered, filtered.dropFirst()) { #expect(a >= b) }
    }

    @Test func otherSorts() throws {
        let index = try CorpusIndex.shared()
        let byTitle = try index.search(SearchRequest(query: "", size: 100, sort: .title)).hits
            .map { FrenchAnalyzer.fold($0.resource.titles.map(\.text).joined(separator: "\n")) }
        for (a, b) in zip(byTitle, byTitle.dropFirst()) { #expect(a <= b) }
        let recent = try index.search(SearchRequest(query: "dyslexie", size: 100, sort: .recent)).hits
            .map { Self.dateKey($0.resource) }
        #expect(recent.count == 11)
        for (a, b) in zip(recent, recent.dropFirst()) { #expect(a >= b) }
    }

    /// The corpus in a store of its own, with evaluations (quality in 0...1) by source identifier.
    static func evaluatedEngine(_ qualities: [String: Double]) throws -> (Store, SearchEngine) {
        let vocabularies = try CorpusIndex.shared().vocabularies
        let (store, _) = try CorpusIndex.importCorpus(vocabularies: vocabularies)
        let update = try store.db.prepare("UPDATE resources SET quality = ? WHERE source_identifier = ?")
        for (id, quality) in qualities {
            try update.run([quality, id])
            #expect(store.db.changes == 1, "\(id)")
        }
        return (store, SearchEngine(store: store, vocabularies: vocabularies))
    }

    @Test func qualityPriorOrdersBrowsingAndWeighsRelevance() throws {
        let (_, engine) = try Self.evaluatedEngine(["SON-1976-0318": 0.9, "amenagement-dysphasie-communication-orale": 0.2])
        let browse = try engine.search(SearchRequest(size: 3)).hits.map(\.resource.sourceIdentifier)
        #expect(browse == ["SON-1976-0318", "amenagement-dysphasie-communication-orale", "zz-securite-exemple"])
        let volcans = try engine.search(SearchRequest(query: "volcans", explain: true))
        for hit in volcans.hits {
            let factor = hit.explanation?.qualityFactor
            switch hit.resource.sourceIdentifier {
            case "SON-1976-0318": #expect(abs((factor ?? 0) - 1.2) < 1e-9)
            case "amenagement-dysphasie-communication-orale": #expect(abs((factor ?? 0) - 0.85) < 1e-9)
            default: #expect(factor == 1, "neutre sans évaluation")
            }
        }
    }

    /// Page after page must be the same order as one long page, even when the quality prior
    /// moves resources far from their bm25 rank.
    @Test func pagesStayConsistentWhenTheQualityPriorReorders() throws {
        // "de" is in every resource; the better half by bm25 gets the lowest evaluation.
        let plain = try CorpusIndex.shared().search(SearchRequest(query: "de", size: 100)).identifiers
        #expect(plain.count == 98)
        var qualities: [String: Double] = [:]
        for (rank, id) in plain.enumerated() { qualities[id] = rank < plain.count / 2 ? 0 : 1 }
        let (_, engine) = try Self.evaluatedEngine(qualities)
        let whole = try engine.search(SearchRequest(query: "de", size: 100)).hits.map(\.resource.sourceIdentifier)
        var walked: [String] = []
        for page in 1...20 {
            walked += try engine.search(SearchRequest(query: "de", page: page, size: 5)).hits.map(\.resource.sourceIdentifier)
        }
        #expect(Set(whole).count == 98)
        #expect(walked == whole)
        #expect(Set(walked).count == walked.count)
    }

    @Test(arguments: ["cycle de l'eau", "Le cycle de l'eau", "volcans", "évaluation", "dyslexie consignes",
                      "Découvrir l'alphabet grec", "charbonnages", "dys*"])
    func explainPartsMultiplyToTheTotal(_ query: String) throws {
        let response = try CorpusIndex.shared().search(SearchRequest(query: query, size: 100, explain: true))
        #expect(!response.hits.isEmpty)
        var previous = Double.infinity
        for hit in response.hits {
            guard let e = hit.explanation else {
                Issue.record("pas d'explication pour \(hit.resource.sourceIdentifier)")
                continue
            }
            let product = e.bm25 * (1 + e.exactTitleBoost + e.phraseBoost + e.titleWordsBoost) * e.qualityFactor
            #expect(abs(product - e.total) <= 1e-9 * max(1, abs(e.total)), "\(hit.resource.sourceIdentifier)")
            #expect(hit.score == e.total)
            #expect(e.bm25 > 0)
            #expect(e.total <= previous + 1e-12, "scores décroissants")
            previous = e.total
        }
        // Without explain, no explanation.
        let plain = try CorpusIndex.shared().search(SearchRequest(query: query, size: 5))
        #expect(plain.hits.allSatisfy { $0.explanation == nil })
    }

    @Test func exactTitleBoostWhenTheTitleHasNoStopword() throws {
        let response = try CorpusIndex.shared().search(SearchRequest(query: "Découvrir l'alphabet grec", explain: true))
        #expect(response.hits.first?.resource.sourceIdentifier == outils + "alphabet-grec")
        #expect(response.hits.first?.explanation?.exactTitleBoost == 1)
    }

    @Test(arguments: [("Le cycle de l'eau", outils + "cycle-de-l-eau"), ("Au cœur des volcans", "SON-1976-0318"),
                      ("Les iguanodons de Bernissart", "SON-1978-0409"),
                      ("Dyslexie : rendre les consignes accessibles", "amenagement-dyslexie-consignes")])
    func exactTitleBoostWhenTheTitleHasStopwords(_ title: String, _ id: String) throws {
        let response = try CorpusIndex.shared().search(SearchRequest(query: title, explain: true))
        let hit = response.hits.first { $0.resource.sourceIdentifier == id }
        #expect(hit != nil)
        #expect(hit?.explanation?.exactTitleBoost == 1)
    }
}

// MARK: - Snippets and segments

@Suite("Moteur : extraits et séquences")
struct SearchEngineSnippetTests {
    @Test(arguments: ["ecole", "volcans", "dyslexie consignes", "charbonnages", "l'ecole d'autrefois", "évaluation"])
    func highlightsSliceWordsThatMatchTheQuery(_ query: String) throws {
        let response = try search(query)
        var highlighted = 0
        for hit in response.hits {
            guard let snippet = hit.snippet else { continue }
            for range in snippet.highlights {
                guard let word = utf16Slice(snippet.text, range) else {
                    Issue.record("plage \(range) hors du texte « \(snippet.text) »")
                    continue
                }
                highlighted += 1
                let matches = FrenchAnalyzer.words(query).contains { FrenchAnalyzer.matches(query: $0.surface, document: word) }
                #expect(matches, "« \(word) » surligné pour « \(query) » dans \(hit.resource.sourceIdentifier)")
                #expect(!word.contains(" ") && !word.isEmpty)
            }
            // The marked form round-trips the text.
            #expect(snippet.marked(open: "", close: "") == snippet.text)
        }
        #expect(highlighted > 0)
    }

    @Test func accentsAreKeptInHighlights() throws {
        let response = try search("ecole")
        let words = response.hits.compactMap(\.snippet).flatMap { snippet in
            snippet.highlights.compactMap { utf16Slice(snippet.text, $0) }
        }
        #expect(words.contains("école"))
        #expect(!words.contains("ecole"))
        let hit = response.hits.first { $0.resource.sourceIdentifier == outils + "ecole-d-autrefois" }
        #expect(hit?.snippet?.marked().contains("[école]") == true)
    }

    @Test func archiveSegmentWithTimecode() throws {
        let response = try search("tutti cadaveri")
        let hit = try #require(response.hits.first)
        #expect(hit.resource.sourceIdentifier == "SON-1956-0808")
        #expect(hit.segment?.index == 3)
        #expect(hit.segment?.start == 610)
        #expect(hit.segment?.timecode == "00:10:10")
        #expect(hit.segment?.title?.contains("Tutti cadaveri") == true)
        #expect(hit.snippet?.marked().contains("[Tutti] [cadaveri]") == true)

        let vesuve = try #require(try search("Vésuve").hits.first)
        #expect(vesuve.resource.sourceIdentifier == "SON-1976-0318")
        #expect(vesuve.segment?.index == 1)
        #expect(vesuve.segment?.timecode == "00:05:00")

        let sauveteurs = try #require(try search("sauveteurs").hits.first { $0.resource.sourceIdentifier == "SON-1956-0808" })
        #expect(sauveteurs.segment?.timecode == "00:06:30")
        // Resources without segments have none.
        let lom = try search("fractions").hits.first { $0.resource.sourceIdentifier == outils + "fractions-au-quotidien" }
        #expect(lom != nil && lom?.segment == nil)
    }

    @Test func browsingShowsTheDescription() throws {
        for hit in try search("", size: 20).hits {
            #expect(hit.snippet?.highlights.isEmpty ?? true)
            if let description = Resource.preferred(hit.resource.descriptions)?.text, let snippet = hit.snippet {
                #expect(description.hasPrefix(snippet.text.replacingOccurrences(of: " …", with: "")))
            }
        }
    }
}

// MARK: - Typos, codes, relaxation

@Suite("Moteur : fautes et relâchement")
struct SearchEngineCorrectionTests {
    @Test func typoCorrectionSaysWhatWasCorrected() throws {
        let response = try search("dyslexy lecture")
        #expect(response.total > 0)
        #expect(response.corrections.map(\.typed) == ["dyslexy"])
        #expect(response.corrections.map(\.used) == ["dyslexie"])
        #expect(response.effectiveQuery == "dyslexie lecture")
        #expect(response.notice == "Résultats pour « dyslexie lecture »")
        #expect(response.hits.first?.resource.sourceIdentifier == "amenagement-dyslexie-consignes")

        let shouted = try search("DYSLEXY lecture")
        #expect(shouted.corrections.map(\.used) == ["dyslexie"])

        let off = try CorpusIndex.shared().search(SearchRequest(query: "dyslexy lecture", correctTypos: false))
        #expect(off.corrections.isEmpty)
    }

    @Test func editBudgetFollowsWordLength() {
        #expect(SearchEngine.allowedEdits(for: "lune") == 0)
        #expect(SearchEngine.allowedEdits(for: "volcn") == 1)
        #expect(SearchEngine.allowedEdits(for: "dyslexy") == 1)
        #expect(SearchEngine.allowedEdits(for: "fracionss") == 2)
        #expect(SearchEngine.allowedEdits(for: "photosyntese") == 2)
        for code in ["CEB", "CE1D", "P5", "S3", "CESS", "2024", "5e", "ce1d"] {
            #expect(SearchEngine.allowedEdits(for: code) == 0, "\(code)")
        }
    }

    @Test(arguments: ["CEB", "CE1D", "CEX", "CE2D", "CESX", "P9", "ce2d", "4e"])
    func codesAreNeverCorrected(_ code: String) throws {
        let response = try search(code)
        #expect(response.corrections.isEmpty)
        #expect(response.notice?.contains("Résultats pour") != true)
        #expect(response.didYouMean == nil)
    }

    @Test func codesFindTheirResources() throws {
        #expect(try ids("CEB").isSuperset(of: [outils + "lire-des-consignes-complexes", "amenagement-dyslexie-evaluation"]))
        #expect(try ids("CE1D").contains("amenagement-dyslexie-evaluation"))
        // A level code becomes a level filter rather than a corrected word.
        let p5 = try search("P5")
        #expect(p5.corrections.isEmpty)
        #expect(p5.recognizedFilters.contains { $0.dimension == "niveaux" && $0.term == "P5" })
        #expect(p5.total == counts(try search("").facets["niveaux"])["P5"])
    }

    @Test func relaxationReportsDroppedWords() throws {
        let response = try search("volcans éruption Islande")
        #expect(response.droppedWords == ["Islande"])
        #expect(response.effectiveQuery == "volcans éruption")
        #expect(response.notice?.contains("résultats sans « Islande »") == true)
        #expect(response.hits.first?.resource.sourceIdentifier == "SON-1976-0318")

        let brel = try search("Brel Bruxelles Olympia")
        #expect(brel.droppedWords == ["Olympia"])
        // Nothing to relax when everything is found.
        #expect(try search("volcans éruption").droppedWords.isEmpty)
    }

    @Test func relaxationDropsTheWordThatKeepsTheOthersTogether() throws {
        // "cycle eau pluie" has a result: only "nuages" needs to go.
        let water = try search("cycle de l'eau nuages pluie")
        #expect(water.hits.first?.resource.sourceIdentifier == outils + "cycle-de-l-eau")
        #expect(water.droppedWords == ["nuages"])
        let expo = try search("Atomium Heysel Paris")
        #expect(expo.droppedWords == ["Paris"])
        #expect(expo.hits.first?.resource.sourceIdentifier == "SON-1958-0412")
    }

    @Test func relaxationNeverEndsOnStopwordsOnly() throws {
        // The phrase in the wrong order matches nothing; relaxing it word by word left « de ».
        let response = try search("\"eau de cycle\"")
        let andSet = try ids("eau cycle")
        #expect(response.total <= andSet.count)
        #expect(Set(response.identifiers).isSubset(of: andSet))
    }
}

// MARK: - Query language

@Suite("Moteur : langage de requête")
struct SearchEngineQueryLanguageTests {
    @Test func exclusionRemovesResourcesContainingTheWord() throws {
        let all = try ids("dyslexie")
        let with = try ids("dyslexie consignes")
        let without = try ids("dyslexie -consignes")
        #expect(!with.isEmpty && !without.isEmpty)
        #expect(without == all.subtracting(with))
        for hit in try search("dyslexie -consignes").hits {
            #expect(!FrenchAnalyzer.matches(query: "consignes", document: hit.resource.indexedText),
                    "\(hit.resource.sourceIdentifier)")
        }
        // Exclusions alone: browse minus them.
        let browseMinus = try ids("-dyslexie")
        #expect(browseMinus == (try ids("")).subtracting(all))
        // An excluded phrase.
        #expect(try ids("orale -\"expression orale\"") == (try ids("orale")).subtracting(try ids("\"expression orale\"")))
    }

    @Test func orIsAUnion() throws {
        #expect(try ids("volcans OR dinosaures") == (try ids("volcans")).union(try ids("dinosaures")))
        #expect(try ids("surdité | autisme") == (try ids("surdité")).union(try ids("autisme")))
        // OR binds tighter than the implicit AND.
        let mixed = try ids("dyslexie consignes OR lecture")
        #expect(mixed == (try ids("dyslexie")).intersection((try ids("consignes")).union(try ids("lecture"))))
        // Lowercase "or" is a word, not the operator.
        #expect(try ids("volcans or dinosaures") != (try ids("volcans OR dinosaures")))
    }

    @Test func exactPhrase() throws {
        let phrase = try ids("\"expression orale\"")
        let words = try ids("expression orale")
        #expect(phrase.isSubset(of: words))
        #expect(phrase.count < words.count)
        for hit in try search("\"expression orale\"").hits {
            #expect(folded(hit.resource.indexedText).contains("expression oral"), "\(hit.resource.sourceIdentifier)")
        }
        #expect(try search("\"cycle de l'eau\"").hits.first?.resource.sourceIdentifier == outils + "cycle-de-l-eau")
        #expect(try ids("\"vrai du faux\"") == [outils + "demeler-vrai-du-faux"])
    }

    @Test func titleFieldRestriction() throws {
        #expect(try search("titre:volcans").identifiers == ["SON-1976-0318"])
        #expect(try search("volcans").total > 1)
        let titled = try search("titre:dyslexie")
        #expect(titled.total == 4)
        for hit in titled.hits {
            #expect(folded(hit.resource.titles.map(\.text).joined()).contains("dyslex"), "\(hit.resource.sourceIdentifier)")
        }
        #expect(try ids("Titre:dyslexie") == Set(titled.identifiers))
        for hit in try search("motcle:charbonnage").hits {
            #expect(folded(hit.resource.keywords.map(\.text).joined(separator: " ")).contains("charbonnage"))
        }
    }

    @Test func prefix() throws {
        #expect(try ids("fract*").isSuperset(of: try ids("fractions")))
        #expect(try ids("photosynth*").contains("oai:consortiums.example.be:outils/photosynthese-en-experiences"))
        var dys = Set<String>()
        for word in ["dyslexie", "dyscalculie", "dyspraxie", "dysphasie", "dysorthographie"] { dys.formUnion(try ids(word)) }
        #expect(try ids("dys*").isSuperset(of: dys))
        // A prefix of one letter is the word itself.
        #expect(try search("a*").total == (try search("a")).total)
    }
}

// MARK: - Autocomplete

@Suite("Moteur : suggestions")
struct SearchEngineSuggestTests {
    @Test func surfaceFormsWithAccents() throws {
        let index = try CorpusIndex.shared()
        #expect(try index.suggest("frac").contains("fractions"))
        #expect(try index.suggest("frac").contains("Les fractions au quotidien (P4-P5)"))
        let eval = try index.suggest("eval")
        #expect(eval.contains("évaluation"))
        #expect(!eval.contains("evaluation"))
        #expect(try index.suggest("Eval") == eval)
        #expect(try index.suggest("éval") == eval)
        #expect(try index.suggest("dysl").contains("dyslexie"))
        #expect(try index.suggest("l'éco").contains("l'école"))
        for suggestion in eval {
            #expect(FrenchAnalyzer.words(suggestion).contains { folded($0.normalized).hasPrefix("eval") }, "\(suggestion)")
        }
        #expect(try index.suggest("frac", limit: 2).count == 2)
    }

    @Test func nothingToSuggest() throws {
        let index = try CorpusIndex.shared()
        for prefix in ["", " ", "\"", "*", "zzqx", String(repeating: "a", count: 200), "\u{0}", "🎓"] {
            #expect(try index.suggest(prefix).isEmpty, "« \(prefix.prefix(20)) »")
        }
    }

    @Test func suggestionsInContext() throws {
        let index = try CorpusIndex.shared()
        let midPhrase = try index.suggest("cycle de l'e")
        #expect(midPhrase.contains("Le cycle de l'eau"))
        let single = try index.suggest("e")
        #expect(single.allSatisfy { !FrenchAnalyzer.isStopword($0) })
        let ligature = try index.suggest("oeu"), acronym = try index.suggest("CE")
        #expect(ligature.contains("œuvre"))
        #expect(acronym.contains("CEB"))
    }
}

// MARK: - Any input

@Suite("Moteur : toute saisie")
struct SearchEngineHostileQueryTests {
    static let pieces: [String] = [
        "\"", "\"", "*", "*", "-", "-", ":", "(", ")", " OR ", " OR ", " AND ", "NEAR(", " NEAR ", "NEAR/3", " NOT ",
        "|", "^", "{", "}", "[", "]", "'", "’", "+", "%", "\\", "/", ",", ";", ".", "?", "!", "~", "@", "#",
        "é", "è", "ê", "à", "ç", "œ", "Œ", "É", "ï", "e\u{301}", "\u{301}", "ß", "ﬁ",
        "🎓", "👩‍🏫", "🇧🇪", "❤️", "\u{0}", "\u{1}", "\u{7}", "\u{8}", "\u{1B}", "\u{7F}", "\u{85}", "\u{200B}",
        "\u{FEFF}", "\u{2028}", "\t", "\n", "\r", " ", " ", " ", " ", "0", "1", "5", "42", "1958", "10000000000",
        "a", "e", "x", "z", "titre:", "motcle:", "auteur:", "titre:\"", "école", "fractions", "dyslexie",
        "l'", "d'", "qu'", "peut-être", "c++", "100%", "P5", "5e primaire", "CEB", "volcan", "eau", "de", "la",
        "*abc", "x*", "ab*", "-mot", "OR", "AND", "NOT", "NEAR", "rowid", "bm25", "resources_fts", "';--", "%s",
    ]

    static func randomQuery(_ generator: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...24, using: &generator)
        var query = ""
        for _ in 0..<count {
            if Int.random(in: 0..<8, using: &generator) == 0 {
                // Any scalar now and then, control characters and private use included.
                let value = UInt32.random(in: 0...0x2FFFF, using: &generator)
                if let scalar = Unicode.Scalar(value) { query.unicodeScalars.append(scalar) }
            } else {
                query += pieces.randomElement(using: &generator)!
            }
        }
        return query
    }

    @Test func threeThousandRandomQueriesGiveAResponseOrASearchError() throws {
        let index = try CorpusIndex.shared()
        var generator = SeededGenerator(seed: 0x5EA2C4)
        var responses = 0, searchErrors = 0, other = 0
        let dimensions = ["niveaux": ["P5", "M1"], "besoins": ["dyslexie"], "sources": ["sonuma"]]
        for number in 0..<1000 {
            let query = Self.randomQuery(&generator)
            var request = SearchRequest(query: query, size: Int.random(in: 1...20, using: &generator))
            if number % 5 == 0, let (dimension, terms) = dimensions.randomElement(using: &generator) {
                request.filters[dimension] = Set(terms)
            }
            request.explain = number % 7 == 0
            do {
                let response = try index.search(request)
                #expect(response.hits.count <= request.size)
                #expect(response.total >= response.hits.count)
                responses += 1
            } catch let error as SearchError {
                #expect(!error.parameter.isEmpty && !error.message.isEmpty)
                searchErrors += 1
            } catch {
                other += 1
                Issue.record("« \(query.debugDescription) » : \(type(of: error)) \(error)")
            }
            do {
                _ = try index.suggest(query)
            } catch {
                Issue.record("suggest « \(query.debugDescription) » : \(error)")
            }
        }
        print("Requêtes aléatoires : \(responses) réponses, \(searchErrors) SearchError, \(other) autres erreurs")
        #expect(responses + searchErrors == 1000)
    }

    enum Outcome: Sendable {
        /// Only punctuation or separators: the empty query, i.e. browsing everything.
        case browse
        /// Text: any response.
        case response
        case error(String)
    }

    static let nasty: [(String, Outcome)] = [
        ("\"", .browse), ("*", .browse), ("NEAR(", .response), ("AND", .response), ("c++", .response),
        ("100%", .response), ("\u{1}\u{2}\u{7}\u{1B}", .browse), ("-", .browse), ("\"\"", .browse), ("titre:", .browse),
        ("a OR", .response), ("'", .browse), ("\u{0}", .browse), ("OR", .browse), ("NOT", .response),
        ("NEAR(a b, 3)", .response), ("\"unterminated phrase", .response), ("titre:\"", .browse), ("motcle:*", .browse),
        ("((((", .browse), ("\\", .browse), ("é*", .response), ("👩‍🏫", .browse), ("a AND b OR", .response),
        ("*volcan", .response), ("volcan\u{0}s", .response), ("-\"\"", .browse), ("--", .response), ("| |", .browse),
        ("x:y", .error("q")), ("12:30", .response), ("http://example.org/a?b=c", .response), ("\u{FEFF}\u{200B}", .browse),
        ("rowid:1", .error("q")), ("\"a\" NEAR \"b\"", .response), ("{title}: x", .response), ("^volcan", .response),
        (String(repeating: "é", count: 1000), .response), (String(repeating: "é", count: 1001), .error("q")),
        (String(repeating: "lorem ipsum dolor ", count: 570), .error("q")),
    ]

    @Test(arguments: 0..<nasty.count)
    func nastyInputs(_ number: Int) throws {
        let (query, outcome) = Self.nasty[number]
        let index = try CorpusIndex.shared()
        do {
            let response = try index.search(SearchRequest(query: query, size: 100))
            switch outcome {
            case .browse: #expect(response.total == 98, "« \(query.debugDescription) » : parcours attendu")
            case .response: break
            case .error(let parameter): Issue.record("« \(query.prefix(40)) » : SearchError(\(parameter)) attendue")
            }
        } catch let error as SearchError {
            if case .error(let parameter) = outcome {
                #expect(error.parameter == parameter)
            } else {
                Issue.record("« \(query.debugDescription) » : \(error)")
            }
        }
        _ = try index.suggest(query)
    }

    @Test func tenKilobytesOfText() throws {
        let text = String(repeating: "Le cycle de l'eau en classe. ", count: 360)
        #expect(text.utf8.count > 10_000)
        let error = searchError { try CorpusIndex.shared().search(SearchRequest(query: text)) }
        #expect(error?.parameter == "q")
        #expect(error?.message.contains("1000") == true)
    }
}

// MARK: - Snippets cut in Swift, against FTS5's snippet()

@Suite("Moteur : extraits identiques à ceux de FTS5")
struct SnippetParityTests {
    static let queries = [
        "ecole", "volcans", "dyslexie consignes", "charbonnages", "l'ecole d'autrefois", "évaluation",
        "\"tutti cadaveri\"", "fract*", "e-mail", "lecture OR écriture", "titre:volcan eruption",
        "mathématiques -fractions", "peut-être", "histoire", "élèves", "lecture compréhension texte",
        "activite", "\"école d'autrefois\"", "motcle:lecture consignes", "cal*", "eleves difficultes",
        "sonuma", "guerre mondiale", "temps", "la", "jeu", "aménagements raisonnables", "p5 fractions",
        // More than 64 phrase tokens: the matcher's masks take two words per position.
        (0..<25).map { "zq\(String(UnicodeScalar(97 + $0)!))-zw-zx" }.joined(separator: " OR ") + " OR ecole OR lecture*",
    ]

    /// Every matching row of the corpus, both columns: the Swift snippet is FTS5's, byte for byte.
    @Test(arguments: queries)
    func swiftSnippetsAreFTS5Snippets(_ text: String) throws {
        try CorpusIndex.shared().withEngine { engine in
            let parsed = try ParsedQuery(parsing: text)
                .removingWords { FrenchAnalyzer.tokens($0, forQuery: true).isEmpty }
                .removingWords { FrenchAnalyzer.isStopword($0) }
            guard let fts = parsed.fts5Expression(columns: SearchEngine.columns) else { return }
            let matcher = SnippetMatcher(query: parsed)
            let rows = try engine.db.prepare("""
                SELECT rowid, description, body FROM resources
                WHERE rowid IN (SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?)
                """)
            try rows.bindAll([fts])
            var compared = 0
            while try rows.step() {
                let rowid = rows.int64(0)
                let description = rows.text(1) ?? ""
                let body = rows.text(2) ?? ""
                let expected = try #require(try engine.sqlSnippets(fts, rowid: rowid))
                #expect(matcher.marked(description) == expected.description,
                        "description de \(rowid) pour « \(text) »")
                #expect(matcher.marked(body) == expected.body, "corps de \(rowid) pour « \(text) »")
                #expect(SearchEngine.snippet(matcher, description: description, body: body)
                        == (try engine.sqlSnippet(fts, rowid: rowid)))
                compared += 1
            }
            if text == "ecole" { #expect(compared > 0) }
        }
    }
}

@Suite struct MarkedSnippetTests {
    /// `parseMarked` as it was, scalar by scalar with the Unicode whitespace property.
    static func reference(_ marked: String) -> Snippet {
        var text = ""
        var highlights: [Range<Int>] = []
        var offset = 0
        var start: Int?
        var pendingSpace = false
        for scalar in marked.unicodeScalars {
            if scalar == "\u{2}" {
                if pendingSpace, offset > 0 { text.append(" "); offset += 1 }
                pendingSpace = false
                start = offset
            } else if scalar == "\u{3}" {
                if let begin = start, offset > begin { highlights.append(begin..<offset) }
                start = nil
            } else if scalar.properties.isWhitespace {
                pendingSpace = true
            } else {
                if pendingSpace, offset > 0 { text.append(" "); offset += 1 }
                pendingSpace = false
                text.unicodeScalars.append(scalar)
                offset += scalar.utf16.count
            }
        }
        return Snippet(text: text, highlights: highlights)
    }

    @Test func parsingMarkedTextKeepsTextHighlightsAndUTF16Offsets() {
        let pieces = ["a", "école", " ", "\n\n", "\t", "\u{2}", "\u{3}", "\u{a0}", "\u{85}", "\u{2028}", "\u{3000}", "\u{b}",
                      "\u{1c}", "😀", "e\u{301}", "…", "\u{0}", "\u{7f}", "中"]
        var state: UInt64 = 9
        for _ in 0..<5_000 {
            var marked = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for step in 0..<Int(state >> 60) {
                marked += pieces[Int((state >> UInt64(step * 4)) % UInt64(pieces.count))]
            }
            #expect(SearchEngine.parseMarked(marked) == Self.reference(marked), "\(marked.unicodeScalars.map(\.value))")
        }
    }
}

@Suite struct SnippetMarkupTests {
    /// Marking by UTF-8 slices gives what marking by UTF-16 pieces gave, for any ranges: in
    /// order or not, overlapping, past the end, inside a surrogate pair.
    @Test func markedBySlicesIsMarkedByUTF16() {
        let texts = ["", "abc", "école élève", "😀 a 😀 b", "e\u{301}té 中文 😀😀", "<b>&amp;</b> \"x\"", "a\u{2028}b\u{0}c"]
        var state: UInt64 = 77
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        for text in texts {
            let count = text.utf16.count
            for _ in 0..<400 {
                var highlights: [Range<Int>] = []
                for _ in 0..<next(4) {
                    let lower = next(count + 3) - 1
                    highlights.append(lower..<(lower + next(5)))
                }
                let snippet = Snippet(text: text, highlights: highlights)
                let escape = { (piece: String) in piece.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") }
                #expect(snippet.marked(open: "<mark>", close: "</mark>", escape: escape)
                        == snippet.markedByUTF16(open: "<mark>", close: "</mark>", escape: escape), "\(text) \(highlights)")
            }
        }
    }
}

@Suite struct SegmentChoiceTests {
    @Test func theSegmentWithMoreQueryWordsWinsTitleWordsCountingTwice() throws {
        var resource = Resource(id: ResourceID(rawValue: "rtest"), source: "sonuma", sourceIdentifier: "t", format: .ebucore)
        resource.segments = [
            Segment(identifier: nil, title: "Le prologue", description: nil, start: 0, end: 60,
                    transcript: "Le premier maillot jaune est remis sur le podium."),
            Segment(identifier: nil, title: "La première étape, de Liège à Seraing", description: nil, start: 110, end: 290,
                    transcript: "Les coureurs quittent Liège."),
        ]
        let terms = Set(["première étape"].flatMap { FrenchAnalyzer.tokens($0, forQuery: true).map(\.term) })
        let match = try #require(SearchEngine.matchingSegment(resource, terms: terms))
        #expect(match.index == 1)
        #expect(match.timecode == "00:01:50")
    }
}

@Suite("Classement : relais_bm25 = bm25 de FTS5")
struct RankingParityTests {
    /// Every matching row's `relais_bm25` (lengths from memory, or none) against FTS5's `bm25()`.
    private func compare(_ db: Database, _ lengths: FTS5RankStatistics?, _ fts: String) throws -> (rows: Int, equal: Int) {
        let statement = try db.prepare("""
            SELECT rowid, bm25(resources_fts, 10.0, 5.0, 2.0, 1.0),
                   relais_bm25(resources_fts, ?2, 10.0, 5.0, 2.0, 1.0)
            FROM resources_fts WHERE resources_fts MATCH ?1
            """)
        try statement.bindAll([fts])
        if let lengths {
            try statement.bind(2, rankStatistics: lengths)
            lengths.phraseKeys = try #require(ParsedQuery.phraseKeys(of: fts), "« \(fts) »")
        }
        defer { lengths?.phraseKeys = nil }
        var rows = 0, equal = 0
        while try statement.step() {
            rows += 1
            if statement.double(1) == statement.double(2) { equal += 1 }
        }
        statement.reset()
        return (rows, equal)
    }

    /// Each query's scores, from one statistics object shared by all of them in turn: phrase
    /// counts kept from one query serve the next ones (the same word, or in a title filter).
    @Test func sameScoresAsFTS5() throws {
        try CorpusIndex.shared().withEngine { engine in
            let lengths = try FTS5RankStatistics(table: "resources_fts", db: engine.db)
            var compared = 0
            for text in SnippetParityTests.queries + ["ecole volcans", "titre:ecole lecture", "\"école\" OR ecole*"] {
                let parsed = try ParsedQuery(parsing: text)
                    .removingWords { FrenchAnalyzer.tokens($0, forQuery: true).isEmpty }
                    .removingWords { FrenchAnalyzer.isStopword($0) }
                guard let fts = parsed.fts5Expression(columns: SearchEngine.columns) else { continue }
                for expression in [fts, "{title} : (\(fts))", fts] {
                    let withLengths = try compare(engine.db, lengths, expression)
                    #expect(withLengths.equal == withLengths.rows, "« \(expression) »")
                    let withoutLengths = try compare(engine.db, nil, expression)
                    #expect(withoutLengths.equal == withoutLengths.rows && withoutLengths.rows == withLengths.rows)
                    compared += withLengths.rows
                }
            }
            #expect(compared > 500)
            #expect(lengths.documentFrequencies.count > 20)
        }
    }

    @Test func phraseKeysFollowFTS5PhraseOrder() {
        #expect(ParsedQuery.phraseKeys(of: "\"a\" AND \"b c\" *") == ["|a", "|b c*"])
        #expect(ParsedQuery.phraseKeys(of: "{title} : (\"a\" AND ({keywords} : \"b\" OR \"c\")) NOT \"d\"\"e\"")
                == ["title|a", "title/keywords|b", "title|c", "|d\"e"])
        #expect(ParsedQuery.phraseKeys(of: "{title} : \"a\" AND \"a\"") == ["title|a", "|a"])
        for unknown in ["a", "NEAR(\"a\" \"b\")", "\"a", "(\"a\"", "\"a\")", "{title \"a\"", "{title} \"a\"", "^\"a\""] {
            #expect(ParsedQuery.phraseKeys(of: unknown) == nil, "« \(unknown) »")
        }
    }

    @Test func lengthsAreEveryColumnsTokenCountAndFollowWrites() throws {
        let (store, _) = try CorpusIndex.importCorpus(vocabularies: try CorpusIndex.shared().vocabularies)
        let db = store.db
        let lengths = try FTS5RankStatistics(table: "resources_fts", db: db)
        // Long fact sheets: lengths over 127 take two-byte varints.
        let longest = try #require(try db.scalarInt("""
            SELECT rowid FROM resources ORDER BY length(body) DESC LIMIT 1
            """))
        #expect((lengths[longest] ?? 0) > 300)
        #expect(lengths[-1] == nil && lengths[Int64(Int32.max)] == nil)

        let target = try #require(try db.scalarInt("""
            SELECT rowid FROM resources_fts WHERE resources_fts MATCH 'volcans' LIMIT 1
            """))
        let before = try #require(lengths[target])
        try db.execute("""
            UPDATE resources SET description = description || ' ' || description || ' volcans' WHERE rowid = \(target)
            """)
        // Not refreshed: that row's length is stale, so its score differs from FTS5's.
        let stale = try compare(db, lengths, "volcans")
        #expect(stale.equal == stale.rows - 1)
        try lengths.refresh([target, 999_999], db: db)
        #expect((lengths[target] ?? 0) > before)
        #expect(lengths[999_999] == nil)
        let fresh = try compare(db, lengths, "volcans")
        #expect(fresh.equal == fresh.rows && fresh.rows > 0)
    }
}

@Suite("Classement : limite de la requête de classement")
struct RankLimitTests {
    /// With a LIMIT far too small for the filters, every ranking runs again without one: the
    /// pages are the same as with the usual limit.
    @Test func aLimitCutTooShortGivesTheSameOrder() throws {
        let requests = [
            SearchRequest(query: "lecture", filters: ["niveaux": ["S3"]], size: 5),
            SearchRequest(query: "ecole", page: 2, size: 3),
            SearchRequest(query: "histoire", filters: [Store.sourceDimension: ["sonuma"]], size: 4),
            SearchRequest(query: "eleves", size: 10),
        ]
        try CorpusIndex.shared().withEngine { engine in
            let usual = try requests.map { try engine.search($0).hits.map(\.resource.id) }
            let retriesBefore = engine.rankedRetries
            engine.rankLimitScale = 0.01
            engine.rankLimitExtra = 0
            defer { engine.rankLimitScale = 2; engine.rankLimitExtra = 16 }
            let cut = try requests.map { try engine.search($0).hits.map(\.resource.id) }
            #expect(cut == usual)
            #expect(usual.allSatisfy { !$0.isEmpty })
            #expect(engine.rankedRetries > retriesBefore)
        }
    }
}
