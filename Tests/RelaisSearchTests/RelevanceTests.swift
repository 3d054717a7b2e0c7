import Foundation
import RelaisCore
import Testing
@testable import RelaisSearch

/// The relevance suite of the search issue: judged queries over the shipped corpus.
///
/// Each case is a query (plus optional facet filters) and the resources a teacher expects near
/// the top, named by their source identifier (LOM general/identifier entry or OAI identifier,
/// EBUCore identifier, fact-sheet `identifiant`). It gates every change to analysis or ranking:
/// every case must pass. A case the current engine cannot pass keeps its place in the table
/// with a `knownIssue` saying why: it runs inside `withKnownIssue`, so the suite stays green,
/// the gap stays visible, and the day the engine passes it the test says so (remove the flag).
struct RelevanceCase: Sendable, CustomTestStringConvertible {
    enum Kind: String, Sendable {
        case knownItem = "titre"
        case topical = "sujet"
        case facets = "filtres"
        case browse = "parcours"
        case noAccents = "sans accents"
        case elision = "élision"
        case number = "pluriel/singulier"
        case typo = "faute de frappe"
        case uppercase = "majuscules"
        case stopwords = "mots vides"
        case relaxation = "relâchement"
        case issue = "exemple du ticket"
    }

    var kind: Kind
    var query: String
    var filters: [String: Set<String>] = [:]
    /// Each must be among the first 3 hits.
    var top3: [String] = []
    /// Each must be among the first 10 hits.
    var top10: [String] = []
    /// When set, the complete result set (for filtered browsing).
    var exactly: Set<String>?
    /// Why the current engine fails this case (it then runs inside `withKnownIssue`).
    var knownIssue: String?

    var testDescription: String {
        let filterText = filters.isEmpty ? ""
            : " + " + filters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.sorted().joined(separator: ","))" }
                .joined(separator: " ")
        return "[\(kind.rawValue)] « \(query) »\(filterText)"
    }

    /// What went wrong, or nothing. `hits` are source identifiers in rank order (every hit).
    func failures(hits: [String], response: SearchResponse, vocabularies: Vocabularies) -> [String] {
        var problems: [String] = []
        let first3 = Array(hits.prefix(3))
        let first10 = Array(hits.prefix(10))
        for id in top3 where !first3.contains(id) {
            problems.append("\(id) absent du top 3 (rang \(hits.firstIndex(of: id).map { String($0 + 1) } ?? "—"))")
        }
        for id in top10 where !first10.contains(id) {
            problems.append("\(id) absent du top 10 (rang \(hits.firstIndex(of: id).map { String($0 + 1) } ?? "—"))")
        }
        if let exactly, Set(hits) != exactly {
            problems.append("résultats \(hits.sorted()) au lieu de \(exactly.sorted())")
        }
        for hit in response.hits where !hit.resource.passes(filters, broaderFrom: vocabularies) {
            problems.append("\(hit.resource.sourceIdentifier) ne porte pas les filtres \(filters)")
        }
        return problems
    }
}

private func k(_ kind: RelevanceCase.Kind, _ query: String, _ filters: [String: Set<String>] = [:],
               top3: [String] = [], top10: [String] = [], exactly: Set<String>? = nil,
               knownIssue: String? = nil) -> RelevanceCase {
    RelevanceCase(kind: kind, query: query, filters: filters, top3: top3, top10: top10, exactly: exactly,
                  knownIssue: knownIssue)
}

// Source identifiers of the corpus, as the partners wrote them.
private let outils = "https://consortiums.example.be/outils/"
private let oai = "oai:consortiums.example.be:outils/"

enum RelevanceTable {
    static let cases: [RelevanceCase] = [
        // MARK: Known items: exact or partial titles
        k(.knownItem, "Le cycle de l'eau", top3: [outils + "cycle-de-l-eau"]),
        k(.knownItem, "Les fractions au quotidien", top3: [outils + "fractions-au-quotidien"]),
        k(.knownItem, "Démêler le vrai du faux", top3: [outils + "demeler-vrai-du-faux"]),
        k(.knownItem, "Le latin, racine de nos mots", top3: [outils + "latin-racine-de-nos-mots"]),
        k(.knownItem, "Découvrir l'alphabet grec", top3: [outils + "alphabet-grec"]),
        k(.knownItem, "La catastrophe du Bois du Cazier", top3: ["SON-1956-0808"]),
        k(.knownItem, "Jacques Brel à l'Ancienne Belgique", top3: ["SON-1963-1105"]),
        k(.knownItem, "Au cœur des volcans", top3: ["SON-1976-0318"]),
        k(.knownItem, "Tintin a cinquante ans", top3: ["SON-1979-0110"]),
        k(.knownItem, "Maurice Grevisse et Le Bon Usage", top3: ["SON-1976-1012"]),
        k(.knownItem, "Grevisse", top3: ["SON-1976-1012"]),
        k(.knownItem, "Autisme : rendre la journée prévisible", top3: ["amenagement-tsa-previsibilite"]),
        k(.knownItem, "Bouger pour mieux apprendre", top3: ["amenagement-tdah-pauses-actives"]),
        k(.knownItem, "Mon portfolio d'apprentissages", top3: [oai + "mon-portfolio-d-apprentissages"]),
        k(.knownItem, "premiers pas en néerlandais", top3: ["CONSORTIUMS:CONS-LAN-P-2022-011"]),
        k(.knownItem, "premiers pas sur la Lune", top3: ["SON-1969-0721"]),
        k(.knownItem, "Les fonctions du premier degré", top3: ["CONSORTIUMS:CONS-MST-S-2022-014"]),
        k(.knownItem, "Hérédité et génétique", top3: [oai + "heredite-et-genetique"]),
        k(.knownItem, "Speaking English", top3: [oai + "oser-parler-anglais"]),
        k(.knownItem, "mini-entreprise", top3: [outils + "mini-entreprise-de-classe"]),
        k(.knownItem, "transition énergétique", top3: ["CONSORTIUMS:CONS-CRE-S-2023-004"]),
        k(.knownItem, "Concours Reine Élisabeth", top3: ["SON-1987-0530"]),
        k(.knownItem, "René Magritte", top3: ["SON-1967-0816"]),
        k(.knownItem, "Évaluation diagnostique en numération", top3: [outils + "diagnostic-numeration"]),
        k(.knownItem, "protocole d'aménagements raisonnables", top3: ["amenagement-protocole-concertation"]),
        k(.knownItem, "Signal de Botrange", top3: ["SON-1984-0607"]),

        // MARK: Topical
        k(.topical, "cycle de l'eau", top3: [outils + "cycle-de-l-eau"]),
        k(.topical, "exposition universelle", top3: ["SON-1958-0412"]),
        k(.topical, "charbonnages", top3: ["SON-1966-0620", "SON-1956-0808"]),
        k(.topical, "suffrage des femmes", top3: ["SON-1949-0626"]),
        k(.topical, "volcans", top3: ["SON-1976-0318"]),
        k(.topical, "fractions", top3: [outils + "fractions-au-quotidien"]),
        k(.topical, "philosophie enfants", top3: [outils + "debattre-philosophie-enfants"]),
        k(.topical, "programmation robots", top3: [oai + "programmer-des-robots"]),
        k(.topical, "programmation", top3: [oai + "programmer-des-robots", "SON-1985-1120"]),
        k(.topical, "dyslexie consignes", top3: ["amenagement-dyslexie-consignes", outils + "lire-des-consignes-complexes"]),
        k(.topical, "droit de vote", top3: ["SON-1949-0626"]),
        k(.topical, "dinosaures", top3: ["SON-1978-0409"]),
        k(.topical, "réchauffement climatique", top3: ["SON-1990-0904"]),
        k(.topical, "immigration italienne", top3: ["SON-1966-0620", "SON-1956-0808"]),
        k(.topical, "fédéralisme", top3: ["SON-1993-0505", outils + "belgique-federale"]),
        k(.topical, "éducation aux médias", top3: [outils + "demeler-vrai-du-faux"]),
        k(.topical, "conquête spatiale", top3: ["SON-1969-0721"]),
        k(.topical, "monnaie", top3: ["SON-2002-0101"]),
        k(.topical, "surdité", top3: ["amenagement-deficience-auditive-classe"]),
        k(.topical, "autisme", top3: ["amenagement-tsa-previsibilite", "amenagement-tsa-sensoriel-social"]),
        k(.topical, "bande dessinée", top3: ["SON-1979-0110"]),
        k(.topical, "calculatrice", top3: ["amenagement-dyscalculie-outils"]),
        k(.topical, "sommeil", top3: [outils + "bien-dormir-pour-apprendre"]),
        k(.topical, "électricité", top3: [oai + "circuits-electriques-simples"]),
        k(.topical, "Antarctique", top3: ["SON-1958-1218"]),
        k(.topical, "port d'Anvers", top3: ["SON-1985-0415"]),
        k(.topical, "grève", top3: ["SON-1961-0110"]),
        k(.topical, "inondations 1953", top3: ["SON-1953-0202"]),
        k(.topical, "conscience phonologique", top3: [outils + "conscience-phonologique"]),
        k(.topical, "percussions corporelles", top3: [oai + "rythmes-corporels-percussions"]),
        k(.topical, "orientation", top10: [outils + "course-d-orientation", outils + "poser-des-choix-orientation"]),
        k(.topical, "texte argumentatif", top3: [outils + "ecrire-un-texte-argumentatif"]),
        k(.topical, "anxiété examens", top3: ["amenagement-troubles-anxieux-evaluation"]),
        k(.topical, "géométrie", top3: ["amenagement-dyspraxie-geometrie"]),
        k(.topical, "mouvement ouvrier", top3: [oai + "revolution-industrielle-wallonie", "SON-1961-0110"]),
        k(.topical, "dyscalculie", top3: ["amenagement-dyscalculie-outils", "amenagement-dyscalculie-problemes"]),
        k(.topical, "patrimoine UNESCO", top3: ["SON-1956-0808", "SON-2002-0926"]),
        k(.topical, "XIXe siècle", top3: [oai + "revolution-industrielle-wallonie"]),
        k(.topical, "LSFB", top3: ["amenagement-deficience-auditive-classe"]),

        // MARK: Facet-heavy: every hit carries the filters
        k(.facets, "évaluation", ["besoins": ["dyslexie"]], top3: ["amenagement-dyslexie-evaluation"]),
        k(.facets, "maternelle", ["niveaux": ["M1"]],
          top10: [outils + "parcours-moteurs-maternelle", outils + "nommer-ses-emotions",
                  "CONSORTIUMS:CONS-LAN-M-2021-003", "amenagement-dysphasie-maternelle"]),
        k(.facets, "jeux", ["niveaux": ["M3"]], top3: ["CONSORTIUMS:CONS-APS-P-2021-006"]),
        k(.facets, "consignes", ["niveaux": ["P5", "P6"]],
          top3: [outils + "lire-des-consignes-complexes", "amenagement-dyslexie-consignes"]),
        k(.facets, "langue", ["besoins": ["dyslexie"]], top3: ["amenagement-dyslexie-langues-modernes"]),
        k(.facets, "oral", ["besoins": ["troubles-anxieux"]],
          top3: ["amenagement-troubles-anxieux-prise-de-parole", oai + "oser-parler-anglais"]),
        k(.facets, "mineurs", ["sources": ["sonuma"]], top3: ["SON-1956-0808", "SON-1966-0620"]),
        k(.facets, "patrimoine UNESCO", ["types": ["sequence-video"]], top3: ["SON-2002-0926", "SON-1956-0808"]),
        k(.facets, "programmation", ["domaines": ["formation-numerique"], "niveaux": ["P1", "P2"]],
          top3: [oai + "programmer-des-robots"]),
        k(.facets, "évaluation", ["sources": ["amenagements"], "besoins": ["tdah"]], top3: ["amenagement-tdah-evaluation"]),
        k(.facets, "fractions", ["niveaux": ["primaire"]], top3: [outils + "fractions-au-quotidien"]),

        // MARK: Browsing with filters only
        k(.browse, "", ["besoins": ["dyslexie"], "niveaux": ["P5"]],
          top10: ["amenagement-dyslexie-consignes", "amenagement-dyslexie-evaluation"]),
        k(.browse, "", ["types": ["sequence-video"], "domaines": ["sciences"]],
          top10: ["SON-1976-0318", "SON-1978-0409", "SON-1958-1218", "SON-1969-0721"]),
        k(.browse, "", ["sources": ["amenagements"], "besoins": ["tdah"]],
          exactly: ["amenagement-protocole-concertation", "amenagement-tdah-pauses-actives",
                    "amenagement-tdah-evaluation", "amenagement-tdah-organisation-classe"]),
        k(.browse, "", ["licences": ["cc0"]],
          exactly: [outils + "bien-dormir-pour-apprendre", outils + "alphabet-grec", outils + "compter-jusqu-a-10"]),
        k(.browse, "", ["langues": ["nl"]], exactly: ["CONSORTIUMS:CONS-LAN-P-2022-011"]),
        k(.browse, "", ["domaines": ["langues-anciennes"]],
          exactly: [outils + "latin-racine-de-nos-mots", outils + "alphabet-grec"]),
        k(.browse, "", ["types": ["guide-enseignant"], "niveaux": ["M1"]], exactly: ["CONSORTIUMS:CONS-LAN-M-2021-003"]),
        k(.browse, "", ["niveaux": ["maternel"], "besoins": ["tsa"]],
          top10: [outils + "nommer-ses-emotions", "amenagement-dysphasie-maternelle", "amenagement-tsa-previsibilite"]),

        // MARK: Typed without accents (and with other accents)
        k(.noAccents, "evaporation condensation", top3: [outils + "cycle-de-l-eau"]),
        k(.noAccents, "heredite genetique", top3: [oai + "heredite-et-genetique"]),
        k(.noAccents, "deficience visuelle",
          top3: ["amenagement-deficience-visuelle-documents", "amenagement-deficience-visuelle-outils-numeriques"]),
        k(.noAccents, "eleve dyslexique", top3: ["amenagement-dyslexie-evaluation"]),
        k(.noAccents, "theatre improvisation", top3: [outils + "improvisation-theatrale"]),
        k(.noAccents, "federalisation", top3: ["SON-1993-0505"]),
        k(.noAccents, "education aux medias", top3: [outils + "demeler-vrai-du-faux"]),
        k(.noAccents, "regarder une oeuvre", top3: [oai + "regarder-une-oeuvre"]),
        k(.noAccents, "pole sud", top3: ["SON-1958-1218"]),
        k(.noAccents, "strepy-thieu", top3: ["SON-2002-0926"]),
        k(.noAccents, "eruption", top3: ["SON-1976-0318"]),
        k(.noAccents, "Liége", top3: ["SON-2012-0701"]),
        k(.noAccents, "herge", top3: ["SON-1979-0110"]),

        // MARK: Elisions
        k(.elision, "l'ecole d'autrefois", top3: [outils + "ecole-d-autrefois"]),
        k(.elision, "d'autrefois", top3: [outils + "ecole-d-autrefois"]),
        k(.elision, "qu'en rajouter", top3: ["amenagement-haut-potentiel-enrichissement"]),
        k(.elision, "jusqu'à 10", top3: [outils + "compter-jusqu-a-10"]),
        k(.elision, "l'euro", top3: ["SON-2002-0101"]),
        k(.elision, "l'Antarctique", top3: ["SON-1958-1218"]),
        k(.elision, "s'orienter", top3: [outils + "poser-des-choix-orientation"]),
        k(.elision, "l’alphabet grec", top3: [outils + "alphabet-grec"]),
        k(.elision, "l'iguanodon", top3: ["SON-1978-0409"]),
        k(.elision, "qu'est-ce qu'un volcan", top3: ["SON-1976-0318"]),
        k(.elision, "Ceci n'est pas une pipe", top3: ["SON-1967-0816"]),

        // MARK: Plural and singular
        k(.number, "volcan", top3: ["SON-1976-0318"]),
        k(.number, "fraction", top3: [outils + "fractions-au-quotidien"]),
        k(.number, "charbonnage", top3: ["SON-1966-0620", "SON-1956-0808"]),
        k(.number, "robot", top3: [oai + "programmer-des-robots"]),
        k(.number, "iguanodon", top3: ["SON-1978-0409"]),
        k(.number, "émotion", top3: [outils + "nommer-ses-emotions"]),
        k(.number, "conte", top3: [outils + "inventer-des-contes"]),
        k(.number, "inondation", top3: ["SON-1953-0202"]),
        k(.number, "travailleur italien", top3: ["SON-1966-0620"]),
        k(.number, "circuit électrique", top3: [oai + "circuits-electriques-simples"]),
        k(.number, "carte mentale", top3: [outils + "apprendre-avec-des-cartes-mentales"]),
        k(.number, "les potagers", top3: [outils + "potager-a-l-ecole"]),
        k(.number, "polder", top3: ["SON-1953-0202"]),
        k(.number, "dinosaure", top3: ["SON-1978-0409"]),
        k(.number, "jeu coopératif", top3: ["CONSORTIUMS:CONS-APS-P-2021-006"]),

        // MARK: One typo (5-8 letters: one edit; 9 and more: up to two)
        k(.typo, "dyslexy lecture", top3: ["amenagement-dyslexie-consignes", outils + "lire-des-consignes-complexes"]),
        k(.typo, "volcnas", top3: ["SON-1976-0318"]),
        k(.typo, "fracions", top3: [outils + "fractions-au-quotidien"]),
        k(.typo, "photosyntese", top3: [oai + "photosynthese-en-experiences"]),
        k(.typo, "phtosyntese", top3: [oai + "photosynthese-en-experiences"]),
        k(.typo, "programation robots", top3: [oai + "programmer-des-robots"]),
        k(.typo, "geometire", top3: ["amenagement-dyspraxie-geometrie"]),
        k(.typo, "charbonages", top3: ["SON-1966-0620", "SON-1956-0808"]),
        k(.typo, "exposition univreselle", top3: ["SON-1958-0412"]),
        k(.typo, "antartique", top3: ["SON-1958-1218"]),
        k(.typo, "antartiqe", top3: ["SON-1958-1218"]),
        k(.typo, "magrite", top3: ["SON-1967-0816"]),
        k(.typo, "dislexie", top3: ["amenagement-dyslexie-consignes"]),
        k(.typo, "autsime", top3: ["amenagement-tsa-previsibilite", "amenagement-tsa-sensoriel-social"]),
        k(.typo, "Tintn", top3: ["SON-1979-0110"]),

        // MARK: Upper case
        k(.uppercase, "CYCLE DE L'EAU", top3: [outils + "cycle-de-l-eau"]),
        k(.uppercase, "VOLCANS", top3: ["SON-1976-0318"]),
        k(.uppercase, "TINTIN", top3: ["SON-1979-0110"]),
        k(.uppercase, "DYSLEXIE CONSIGNES", top3: ["amenagement-dyslexie-consignes"]),

        // MARK: Stopwords
        k(.stopwords, "les fractions de la vie quotidienne", top3: [outils + "fractions-au-quotidien"]),
        k(.stopwords, "le suffrage des femmes en Belgique", top3: ["SON-1949-0626"]),
        k(.stopwords, "la question royale", top3: ["SON-1950-0313"]),
        k(.stopwords, "comment aider un élève qui a une dyscalculie", top3: ["amenagement-dyscalculie-outils"]),

        // MARK: No resource has every word: relaxation
        k(.relaxation, "volcans éruption Islande", top3: ["SON-1976-0318"]),
        k(.relaxation, "dyslexie consignes piscine", top3: ["amenagement-dyslexie-consignes"]),
        k(.relaxation, "robots programmation lycée", top3: [oai + "programmer-des-robots"]),
        k(.relaxation, "tintin astérix", top3: ["SON-1979-0110"]),
        k(.relaxation, "euro franc belge inflation", top3: ["SON-2002-0101"]),
        k(.relaxation, "Brel Bruxelles Olympia", top3: ["SON-1963-1105"]),
        k(.relaxation, "cycle de l'eau nuages pluie", top3: [outils + "cycle-de-l-eau"]),
        k(.relaxation, "Atomium Heysel Paris", top3: ["SON-1958-0412"]),

        // MARK: The examples of the issue
        k(.issue, "evaluation fractions 5e primaire", top3: [outils + "fractions-au-quotidien"]),
        k(.issue, "l'ecole d'autrefois", top3: [outils + "ecole-d-autrefois"]),
        k(.issue, "dyslexy lecture", top10: ["amenagement-dyslexie-consignes", "amenagement-dyslexie-supports-lecture",
                                             outils + "lire-des-consignes-complexes"]),
        // "peut-être" is written "peut être" in the corpus: the hyphenated query finds it.
        k(.issue, "peut-être", top10: ["amenagement-protocole-concertation", "SON-1978-0409",
                                       outils + "improvisation-theatrale"]),
    ]
}

/// Runs one case; returns the hits (source identifiers) and what failed.
private func evaluate(_ judged: RelevanceCase, on index: CorpusIndex) throws -> (hits: [String], failures: [String]) {
    let response = try index.search(judged.query, filters: judged.filters, size: 100)
    let hits = response.identifiers
    return (hits, judged.failures(hits: hits, response: response, vocabularies: index.vocabularies))
}

@Suite("Pertinence sur le corpus")
struct RelevanceTests {
    @Test("Requête jugée", arguments: RelevanceTable.cases)
    func judged(_ judged: RelevanceCase) throws {
        let index = try CorpusIndex.shared()
        let check = {
            let (hits, failures) = try evaluate(judged, on: index)
            for failure in failures {
                Issue.record("\(judged.testDescription) : \(failure) ; obtenu : \(hits.prefix(10))")
            }
        }
        if let knownIssue = judged.knownIssue {
            try withKnownIssue(Comment(rawValue: knownIssue)) { try check() }
        } else {
            try check()
        }
    }

    @Test("Le tableau : au moins 60 requêtes, des identifiants qui existent")
    func table() throws {
        let cases = RelevanceTable.cases
        #expect(cases.count >= 60)
        let known = Set(try CorpusIndex.shared().allResources().keys)
        for judged in cases {
            for id in judged.top3 + judged.top10 + (judged.exactly ?? []) where !known.contains(id) {
                Issue.record("\(judged.testDescription) : identifiant inconnu du corpus \(id)")
            }
            #expect(!(judged.top3.isEmpty && judged.top10.isEmpty && judged.exactly == nil),
                    "\(judged.testDescription) : rien n'est attendu")
        }
        // Every kind of variant the issue names is represented.
        let kinds = Set(cases.map(\.kind.rawValue))
        for kind in [RelevanceCase.Kind.knownItem, .topical, .facets, .browse, .noAccents, .elision, .number, .typo,
                     .uppercase, .stopwords, .relaxation, .issue] {
            #expect(kinds.contains(kind.rawValue), "aucune requête de type \(kind.rawValue)")
        }
    }

    @Test("Résumé")
    func summary() throws {
        let index = try CorpusIndex.shared()
        var top3Passed = 0, top3Judged = 0, top10Passed = 0, top10Judged = 0
        var failing: [String] = []
        for judged in RelevanceTable.cases {
            let response = try index.search(judged.query, filters: judged.filters, size: 100)
            let hits = response.identifiers
            if !judged.top3.isEmpty {
                top3Judged += 1
                if judged.top3.allSatisfy(hits.prefix(3).contains) { top3Passed += 1 }
            }
            if !judged.top10.isEmpty || judged.exactly != nil {
                top10Judged += 1
                let inTop10 = judged.top10.allSatisfy(hits.prefix(10).contains)
                let exact = judged.exactly.map { Set(hits) == $0 } ?? true
                if inTop10 && exact { top10Passed += 1 }
            }
            if !judged.failures(hits: hits, response: response, vocabularies: index.vocabularies).isEmpty {
                failing.append(judged.testDescription + (judged.knownIssue == nil ? "" : " (problème connu)"))
            }
        }
        let known = RelevanceTable.cases.filter { $0.knownIssue != nil }.count
        print("""
            Pertinence : \(RelevanceTable.cases.count) requêtes jugées · \(top3Passed)/\(top3Judged) réussies au top 3 \
            · \(top10Passed)/\(top10Judged) réussies au top 10 · \(known) problème(s) connu(s)
            """)
        for description in failing { print("  échec : \(description)") }
    }
}
