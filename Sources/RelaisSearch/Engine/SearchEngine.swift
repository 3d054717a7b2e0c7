import Foundation
import RelaisCore
import RelaisSQLite
import RelaisStore
import RelaisText
import Synchronization

/// How often the caches built from whole tables (facet index, lexicon) may be rebuilt. After
/// any write they are rebuilt for the next search; while a bulk import commits file after file,
/// that rebuild (a scan of every published resource, per reader) would run after every file,
/// so the importer asks for a minimum interval and new records show up within it.
public final class RefreshPolicy: Sendable {
    private let interval = Mutex<Double>(0)
    public init() {}
    public var minimumInterval: Double { interval.withLock { $0 } }
    public func setMinimumInterval(_ seconds: Double) { interval.withLock { $0 = max(0, seconds) } }
}

/// Search over the store: French query language, facet filters and counts, ranking,
/// snippets, typo tolerance and relaxation. One engine per connection, used by one task at a
/// time (the server gives each reader its own).
public final class SearchEngine {
    public static let dimensions: [String] = Facet.allCases.map(\.rawValue) + [Store.sourceDimension, Store.languageDimension]
    static let columns: [ParsedQuery.Field: String] = [.title: "title", .keywords: "keywords"]
    /// Above this many matches, ranking puts title matches first (see `rankByRelevance`).
    public var largeMatchSet = 5_000
    /// At or below this many results, typo correction is tried.
    public var fewResults = 2

    let store: Store
    let vocabularies: Vocabularies
    private var facetIndex: FacetIndex?
    private var facetIndexVersion: Int64 = -1
    private var facetIndexLoaded = ContinuousClock.now
    var lexicon: Lexicon?
    private var lexiconVersion: Int64 = -1
    private var lexiconLoaded = ContinuousClock.now
    /// How the facet index followed the data: full builds, and patches from the change log.
    private(set) var facetIndexBuilds = 0
    private(set) var facetIndexPatches = 0
    /// Rankings run again without a LIMIT, the filters having left too few of its rows.
    var rankedRetries = 0
    /// Time spent inside FTS5's statements (every match of a query, and its ranking), since the
    /// engine started: what no work above SQLite can save (`relais-bench search` reports it).
    public internal(set) var fts5Time: Duration = .zero
    /// The ranking statement's LIMIT: this many times the rows wanted, divided by the share of
    /// matches the filters keep, plus `rankLimitExtra` (see `ranked`).
    var rankLimitScale = 2.0
    var rankLimitExtra = 16
    /// Shared by the server's readers; nil: rebuild after every write.
    public var refreshPolicy: RefreshPolicy?
    /// Prepared once per engine: a search runs some forty small statements (a record and a
    /// snippet per hit, the candidate rows), and preparing them each time cost more than running
    /// them. Every user resets its statement when done, so none keeps a read transaction open.
    private var statements: [String: Statement] = [:]
    /// Stems and folds of the words boosts compare (see `TermCache`).
    let termCache = TermCache()

    public init(store: Store, vocabularies: Vocabularies) {
        self.store = store
        self.vocabularies = vocabularies
    }

    deinit {
        statements.removeAll() // finalized before the connection can go
    }

    /// The engine's prepared statement for `sql`: bind with `bindAll` (which resets it), and
    /// `reset()` it when done.
    func statement(_ sql: String) throws -> Statement {
        if let prepared = statements[sql] { return prepared }
        let prepared = try db.prepare(sql)
        statements[sql] = prepared
        return prepared
    }

    var db: Database { store.db }

    /// Changes whenever this or another connection wrote: caches follow it.
    private func dataVersion() throws -> Int64 {
        let version = try statement("PRAGMA data_version")
        let changes = try statement("SELECT total_changes()")
        defer { version.reset(); changes.reset() }
        let dataVersion = try version.step() ? version.int64(0) : 0
        let totalChanges = try changes.step() ? changes.int64(0) : 0
        return dataVersion &* 1_000_003 &+ totalChanges
    }

    /// Whether a cache loaded at `loaded` may still serve although the data changed.
    private func mayServeStale(_ loaded: ContinuousClock.Instant) -> Bool {
        guard let interval = refreshPolicy?.minimumInterval, interval > 0 else { return false }
        return ContinuousClock.now - loaded < .milliseconds(Int64(interval * 1000))
    }

    func facets() throws -> FacetIndex {
        let version = try dataVersion()
        if let facetIndex, version == facetIndexVersion || mayServeStale(facetIndexLoaded) { return facetIndex }
        // Most writes touch a few rows, or none of the resources at all (accounts, audit...):
        // the index is patched with the changed rows instead of rebuilt from every resource.
        // Built or patched without the request's deadline: at 1M resources a build takes
        // seconds, and interrupting it would only hand the same work to the next request.
        if let facetIndex, try db.withoutDeadline({ try facetIndex.applyChanges(db: db) }) {
            facetIndexPatches += 1
            facetIndexVersion = version
            facetIndexLoaded = ContinuousClock.now
            return facetIndex
        }
        let index = try db.withoutDeadline { try FacetIndex(dimensions: Self.dimensions, db: db) }
        facetIndexBuilds += 1
        facetIndex = index
        facetIndexVersion = version
        facetIndexLoaded = ContinuousClock.now
        return index
    }

    func currentLexicon() throws -> Lexicon {
        let version = try dataVersion()
        if let lexicon, version == lexiconVersion || mayServeStale(lexiconLoaded) { return lexicon }
        let loaded = try db.withoutDeadline { try Lexicon(db: db) }
        lexicon = loaded
        lexiconVersion = version
        lexiconLoaded = ContinuousClock.now
        return loaded
    }

    // MARK: Search

    public func search(_ request: SearchRequest) throws -> SearchResponse {
        let started = ContinuousClock.now
        try validate(request)
        var parsed: ParsedQuery
        do {
            parsed = try ParsedQuery(parsing: request.query)
        } catch {
            throw SearchError(parameter: "q", message: error.description)
        }
        // Stopwords go (never all of them), and so do words the analyzer reduces to nothing.
        parsed = parsed.removingWords { FrenchAnalyzer.tokens($0, forQuery: true).isEmpty }
        parsed = parsed.removingWords { FrenchAnalyzer.isStopword($0) }

        var request = request
        var recognized: [(words: String, term: String)] = []
        if request.filters[Facet.level.rawValue] == nil {
            (parsed, recognized) = recognizeLevels(in: parsed)
            if !recognized.isEmpty { request.filters[Facet.level.rawValue] = Set(recognized.map(\.term)) }
        }

        let index = try facets()
        let selection = try selectedCodes(request, index)
        var outcome = try run(parsed, request: request, index: index, selection: selection)
        var response = SearchResponse(total: 0, page: request.page, size: request.size, hits: [], facets: [:],
                                      effectiveQuery: nil, corrections: [], droppedWords: [], didYouMean: nil,
                                      notice: nil, tookMilliseconds: 0)

        // Few results: try the index vocabulary for typos.
        if parsed.hasPositiveClause && request.correctTypos && outcome.total <= fewResults {
            let (corrected, corrections) = try correct(parsed)
            if !corrections.isEmpty {
                let retry = try run(corrected, request: request, index: index, selection: selection)
                if retry.total > outcome.total {
                    outcome = retry
                    parsed = corrected
                    response.corrections = corrections
                    response.effectiveQuery = corrected.description
                    response.notice = "Résultats pour « \(corrected.description) »"
                } else if retry.total > 0 {
                    response.didYouMean = corrected.description
                }
            }
        }
        // Nothing has every word: leave words out rather than show an empty page. First the
        // single word whose absence gives the most results; when no single word is enough,
        // the word with the fewest hits goes and the search goes on.
        // A phrase found nowhere as such: its words, in any order, come first.
        if outcome.total == 0, parsed.groups.contains(where: { $0.alternatives.contains { $0.operand.isPhrase } }) {
            let loose = parsed.phrasesAsWords()
            let retry = try run(loose, request: request, index: index, selection: selection)
            if retry.total > 0 {
                outcome = retry
                parsed = loose
                response.effectiveQuery = loose.description
                response.notice = [response.notice, "Expression introuvable telle quelle : résultats avec tous ses mots"]
                    .compactMap { $0 }.joined(separator: ". ")
            }
        }
        if outcome.total == 0 && parsed.positiveWords.count > 1 {
            var relaxed = parsed
            var dropped: [String] = []
            while relaxed.positiveWords.count > 1 {
                var bestDrop: (position: Int, outcome: Outcome)?
                for position in relaxed.positiveWords.indices {
                    let candidate = relaxed.droppingWord(at: position)
                    guard !candidate.positiveWords.allSatisfy(FrenchAnalyzer.isStopword) else { continue }
                    let retry = try run(candidate, request: request, index: index, selection: selection)
                    if retry.total > (bestDrop?.outcome.total ?? 0) { bestDrop = (position, retry) }
                }
                let position: Int
                if let bestDrop {
                    position = bestDrop.position
                } else {
                    let counts = try relaxed.positiveWords.map { try hitCount($0) }
                    guard let rarest = counts.indices.min(by: { counts[$0] < counts[$1] }) else { break }
                    position = rarest
                }
                dropped.append(relaxed.positiveWords[position])
                relaxed = relaxed.droppingWord(at: position)
                if relaxed.positiveWords.allSatisfy(FrenchAnalyzer.isStopword) { break }
                let retry = try bestDrop?.outcome ?? run(relaxed, request: request, index: index, selection: selection)
                if retry.total > 0 {
                    outcome = retry
                    parsed = relaxed
                    response.droppedWords = dropped
                    response.effectiveQuery = relaxed.description
                    let list = dropped.map { "« \($0) »" }.joined(separator: ", ")
                    response.notice = (response.notice.map { $0 + ". " } ?? "")
                        + "Aucune ressource ne contient tous les mots : résultats sans \(list)"
                    break
                }
            }
        }

        if !recognized.isEmpty {
            response.recognizedFilters = recognized.map { (Facet.level.rawValue, $0.term) }
            let names = recognized.map { "« \($0.words) » (\(label($0.term, Facet.level.rawValue)))" }.joined(separator: ", ")
            response.notice = ["Niveau reconnu : \(names)", response.notice].compactMap { $0 }.joined(separator: ". ")
        }
        response.total = outcome.total
        response.facets = facetCounts(outcome.counts, index: index, request: request)
        response.hits = try hits(for: outcome, query: parsed, request: request)
        let elapsed = ContinuousClock.now - started
        response.tookMilliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        return response
    }

    /// "5e primaire", "3e secondaire", "P5", "S3" in a query mean a level: they become a level
    /// filter rather than words no resource contains. Single words other than level codes
    /// ("primaire") stay words.
    func recognizeLevels(in query: ParsedQuery) -> (ParsedQuery, [(words: String, term: String)]) {
        let words = query.positiveWords
        var found: [(words: String, term: String)] = []
        var drop: [Int] = []
        var position = 0
        while position < words.count {
            if position + 1 < words.count {
                let pair = words[position] + " " + words[position + 1]
                if let term = vocabularies.term(for: pair, in: .level), Self.isSpecificLevel(term) {
                    found.append((pair, term))
                    drop += [position, position + 1]
                    position += 2
                    continue
                }
            }
            let word = words[position]
            if word.count == 2, let first = word.uppercased().first, "MPS".contains(first), word.last!.isNumber,
               let term = vocabularies.term(for: word.uppercased(), in: .level), Self.isSpecificLevel(term) {
                found.append((word, term))
                drop.append(position)
            }
            position += 1
        }
        guard !found.isEmpty else { return (query, []) }
        var reduced = query
        for index in drop.sorted(by: >) { reduced = reduced.droppingWord(at: index) }
        return (reduced, found)
    }

    static func isSpecificLevel(_ term: String) -> Bool {
        term.count == 2 && term.last!.isNumber
    }

    struct Outcome {
        var total: Int
        /// Matches of the text before filters: what FTS5 has to score.
        var matched: Int = 0
        /// Matching rows (positions in the facet index) after filters.
        var positions: [Int]
        var counts: [Int]
        var fts: String?
    }

    private func run(_ query: ParsedQuery, request: SearchRequest, index: FacetIndex,
                     selection: [Set<UInt16>?]) throws -> Outcome {
        var positions: [Int]
        let fts = query.fts5Expression(columns: Self.columns)
        if let fts {
            positions = try matchPositions(fts, index: index)
        } else {
            positions = index.livePositions
            if let excluded = query.exclusionExpression(columns: Self.columns) {
                let out = Set(try matchPositions(excluded, index: index))
                positions.removeAll { out.contains($0) }
            }
        }
        let range: ClosedRange<Double>? = (request.minDuration != nil || request.maxDuration != nil)
            ? (request.minDuration ?? 0)...(request.maxDuration ?? .greatestFiniteMagnitude) : nil
        let (kept, counts) = index.filterAndCount(positions: positions, selected: selection, durationRange: range)
        return Outcome(total: kept.count, matched: positions.count, positions: kept, counts: counts, fts: fts)
    }

    private func matchPositions(_ fts: String, index: FacetIndex) throws -> [Int] {
        let statement = try self.statement("SELECT rowid FROM resources_fts WHERE resources_fts MATCH ?")
        defer { statement.reset() }
        try statement.bindAll([fts])
        let started = ContinuousClock.now
        defer { fts5Time += ContinuousClock.now - started }
        var positions: [Int] = []
        while try statement.step() {
            if let position = index.position(of: statement.int64(0)) { positions.append(position) }
        }
        return positions
    }

    func hitCount(_ word: String) throws -> Int {
        let statement = try db.prepare("SELECT count(*) FROM resources_fts WHERE resources_fts MATCH ?")
        try statement.bindAll([ParsedQuery.fts5Literal(word)])
        return try statement.step() ? statement.int(0) : 0
    }

    // MARK: Request checks

    private func validate(_ request: SearchRequest) throws {
        guard (1...SearchRequest.maximumSize).contains(request.size) else {
            throw SearchError(parameter: "size", message: "la taille de page doit être comprise entre 1 et \(SearchRequest.maximumSize)")
        }
        guard request.page >= 1 else {
            throw SearchError(parameter: "page", message: "la page doit être un entier à partir de 1")
        }
        guard request.page - 1 < SearchRequest.maximumOffset / request.size else {
            throw SearchError(parameter: "page", message: "au-delà des \(SearchRequest.maximumOffset) premiers résultats, affinez la recherche")
        }
        if let min = request.minDuration, let max = request.maxDuration, min > max {
            throw SearchError(parameter: "duree_min", message: "la durée minimale dépasse la durée maximale")
        }
        for (dimension, _) in request.filters where !Self.dimensions.contains(dimension) {
            throw SearchError(parameter: dimension,
                              message: "filtre inconnu (filtres : \(Self.dimensions.joined(separator: ", ")))")
        }
    }

    /// Selected terms per dimension as facet codes. A term no resource carries gets a code that
    /// matches nothing, so the filter still applies.
    private func selectedCodes(_ request: SearchRequest, _ index: FacetIndex) throws -> [Set<UInt16>?] {
        try Self.dimensions.map { dimension in
            guard let terms = request.filters[dimension], !terms.isEmpty else { return nil }
            var wanted = terms
            if let facet = Facet(rawValue: dimension) {
                let vocabulary = vocabularies.byDimension[facet]?.terms ?? []
                let known = Set(vocabulary.map(\.id))
                for term in terms where !known.contains(term) {
                    throw SearchError(parameter: dimension, message: "valeur inconnue « \(term) »")
                }
                // A broad term ("primaire", a domain) also selects everything under it.
                var grew = true
                while grew {
                    let narrower = vocabulary.filter { $0.broader.map(wanted.contains) == true && !wanted.contains($0.id) }
                    wanted.formUnion(narrower.map(\.id))
                    grew = !narrower.isEmpty
                }
            } else {
                for term in terms where index.code(dimension: dimension, term: term) == nil {
                    throw SearchError(parameter: dimension, message: "valeur inconnue « \(term) »")
                }
            }
            return Set(wanted.map { index.code(dimension: dimension, term: $0) ?? UInt16.max })
        }
    }

    private func facetCounts(_ counts: [Int], index: FacetIndex, request: SearchRequest) -> [String: [FacetCount]] {
        var result: [String: [FacetCount]] = [:]
        for dimension in Self.dimensions { result[dimension] = [] }
        for (code, key) in index.codes.enumerated() where counts[code] > 0 {
            let dimension = index.dimensions[key.dimension]
            let selected = request.filters[dimension]?.contains(key.term) ?? false
            result[dimension, default: []].append(FacetCount(term: key.term, label: label(code: code, index: index),
                                                             count: counts[code], selected: selected))
        }
        // A selected value keeps its chip even when nothing matches it any more.
        for (dimension, terms) in request.filters {
            for term in terms where !(result[dimension]?.contains { $0.term == term } ?? false) {
                result[dimension, default: []].append(FacetCount(term: term, label: label(term, dimension), count: 0, selected: true))
            }
        }
        for dimension in result.keys {
            result[dimension]!.sort { ($0.count, $1.label) > ($1.count, $0.label) }
        }
        return result
    }

    static let languageNames = ["fr": "Français", "nl": "Néerlandais", "en": "Anglais", "de": "Allemand",
                                "it": "Italien", "es": "Espagnol", "la": "Latin", "grc": "Grec ancien", "wa": "Wallon"]

    /// `label(_:_:)` of a facet index code, looked up once per index.
    func label(code: Int, index: FacetIndex) -> String {
        if let known = index.labels[code] { return known }
        let key = index.codes[code]
        let found = label(key.term, index.dimensions[key.dimension])
        index.labels[code] = found
        return found
    }

    func label(_ term: String, _ dimension: String) -> String {
        if let facet = Facet(rawValue: dimension) { return vocabularies.label(of: term, in: facet) ?? term }
        if dimension == Store.languageDimension { return Self.languageNames[term] ?? term }
        return term
    }
}

extension Database {
    var totalChanges: Int { (try? scalarInt("SELECT total_changes()")).flatMap { $0 }.map(Int.init) ?? 0 }
}

extension ParsedQuery.Operand {
    var isPhrase: Bool {
        if case .phrase = self { return true }
        return false
    }
}

extension ParsedQuery {
    /// Every phrase replaced by its words as separate required terms.
    func phrasesAsWords() -> ParsedQuery {
        var newGroups: [Group] = []
        for group in groups {
            if group.alternatives.count == 1, case .phrase(let words) = group.alternatives[0].operand {
                let field = group.alternatives[0].field
                newGroups += words.map { Group([Clause.term($0, field: field)]) }
            } else {
                newGroups.append(Group(group.alternatives.map { clause in
                    if case .phrase(let words) = clause.operand, words.count == 1 {
                        return Clause.term(words[0], field: clause.field)
                    }
                    return clause
                }))
            }
        }
        return ParsedQuery(groups: newGroups, exclusions: exclusions)
    }
}
