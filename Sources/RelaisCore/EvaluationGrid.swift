import Foundation

/// The criteria evaluators score a resource on. Grids are versioned files
/// (`Corpus/grilles/evaluation-vN.json`): an evaluation keeps the version it was made with,
/// so changing a descriptor means a new file, never an edit of an old one.
public struct EvaluationGrid: Codable, Sendable, Equatable {
    public struct Criterion: Codable, Sendable, Equatable {
        public var id: String
        public var label: String
        public var question: String
        /// Four French descriptors; index 0 describes level 1.
        public var levels: [String]

        public init(id: String, label: String, question: String, levels: [String]) {
            self.id = id
            self.label = label
            self.question = question
            self.levels = levels
        }
    }

    public var name: String
    public var version: Int
    public var label: String
    public var criteria: [Criterion]

    public init(name: String, version: Int, label: String, criteria: [Criterion]) {
        self.name = name
        self.version = version
        self.label = label
        self.criteria = criteria
    }

    public static let levelCount = 4
    public static let scores = 1...levelCount
    /// Long enough for a paragraph per criterion, short enough to stay a comment.
    public static let maxCommentLength = 2_000
    public static let maxTextLength = 5_000

    public func criterion(_ id: String) -> Criterion? {
        criteria.first { $0.id == id }
    }

    /// Every `evaluation-vN.json` of the folder, by version; a bad file throws GridError naming
    /// file and reason. Other files are ignored; a folder without grids gives an empty array.
    public static func loadAll(from folder: URL) throws -> [EvaluationGrid] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw GridError(file: folder.path, reason: "dossier illisible (\(error.localizedDescription))")
        }
        var grids: [EvaluationGrid] = []
        var files: [Int: String] = [:]
        for name in names.sorted() {
            guard let version = fileVersion(name) else { continue }
            let url = folder.appendingPathComponent(name)
            if let other = files[version] {
                throw GridError(file: url.path, reason: "version \(version) déjà donnée par \(other)")
            }
            files[version] = name
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw GridError(file: url.path, reason: "fichier illisible (\(error.localizedDescription))")
            }
            let grid: EvaluationGrid
            do {
                grid = try JSONDecoder().decode(EvaluationGrid.self, from: data)
            } catch {
                throw GridError(file: url.path, reason: "JSON invalide (\(error))")
            }
            if grid.version != version {
                throw GridError(file: url.path,
                                reason: "la version \(grid.version) ne correspond pas au nom du fichier (v\(version))")
            }
            do {
                try grid.check()
            } catch {
                throw GridError(file: url.path, reason: error.reason)
            }
            grids.append(grid)
        }
        return grids.sorted { $0.version < $1.version }
    }

    /// `evaluation-v12.json` -> 12; nil for any other name.
    static func fileVersion(_ name: String) -> Int? {
        let prefix = "evaluation-v", suffix = ".json"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else {
            return nil
        }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// The grid's own consistency (the file name is the caller's business).
    public func check() throws(GridError) {
        func fail(_ reason: String) -> GridError { GridError(file: name, reason: reason) }
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw fail("nom de grille vide") }
        if label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw fail("libellé de grille vide") }
        if version < 1 { throw fail("version \(version) : un entier positif est attendu") }
        if criteria.isEmpty { throw fail("aucun critère") }
        var seen = Set<String>()
        for (index, criterion) in criteria.enumerated() {
            let position = "critère n° \(index + 1)"
            if criterion.id.isEmpty { throw fail("\(position) : identifiant vide") }
            // Ids become JSON keys of every evaluation; snake_case conversion on the wire must
            // leave them unchanged, so no capitals and no underscores.
            if !criterion.id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                throw fail("\(position) : identifiant « \(criterion.id) » invalide (lettres minuscules, chiffres et tirets)")
            }
            if !seen.insert(criterion.id).inserted {
                throw fail("critère « \(criterion.id) » en double")
            }
            if criterion.label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw fail("critère « \(criterion.id) » : libellé vide")
            }
            if criterion.question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw fail("critère « \(criterion.id) » : question vide")
            }
            if criterion.levels.count != Self.levelCount {
                throw fail("critère « \(criterion.id) » : \(criterion.levels.count) niveaux au lieu de \(Self.levelCount)")
            }
            if let empty = criterion.levels.firstIndex(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                throw fail("critère « \(criterion.id) » : descripteur du niveau \(empty + 1) vide")
            }
        }
    }

    /// Checks a posted evaluation against this grid: every criterion answered (a score of
    /// 1 to 4, or null for « sans objet »), no unknown criterion, at least one real score.
    public func validate(_ input: EvaluationInput) throws(EvaluationInputError) {
        for criterion in criteria {
            let field = "criteria.\(criterion.id)"
            guard let answer = input.criteria[criterion.id] else {
                throw EvaluationInputError(
                    field: field,
                    message: "Le critère « \(criterion.label) » n'a pas de réponse : donnez une note de 1 à 4, ou null pour « sans objet ».")
            }
            if let score = answer.score, !Self.scores.contains(score) {
                throw EvaluationInputError(
                    field: field + ".score",
                    message: "La note du critère « \(criterion.label) » doit être comprise entre 1 et 4 (ou null pour « sans objet »), pas \(score).")
            }
            if let comment = answer.comment, comment.count > Self.maxCommentLength {
                throw EvaluationInputError(
                    field: field + ".comment",
                    message: "Le commentaire du critère « \(criterion.label) » dépasse \(Self.maxCommentLength) caractères.")
            }
        }
        if let unknown = input.criteria.keys.filter({ criterion($0) == nil }).sorted().first {
            throw EvaluationInputError(
                field: "criteria.\(unknown)",
                message: "Le critère « \(unknown) » n'existe pas dans la grille (version \(version)).")
        }
        // An evaluation that scores nothing would still count as « évalué par N personnes ».
        if !input.criteria.values.contains(where: { $0.score != nil }) {
            throw EvaluationInputError(
                field: "criteria",
                message: "Notez au moins un critère : une évaluation entièrement « sans objet » ne dit rien de la ressource.")
        }
        if let strengths = input.strengths, strengths.count > Self.maxTextLength {
            throw EvaluationInputError(field: "strengths",
                                       message: "Les points forts dépassent \(Self.maxTextLength) caractères.")
        }
        if let improvements = input.improvements, improvements.count > Self.maxTextLength {
            throw EvaluationInputError(field: "improvements",
                                       message: "Les points à améliorer dépassent \(Self.maxTextLength) caractères.")
        }
    }
}

/// A grid file that cannot be used: which file, and why.
public struct GridError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "grille \(file) : \(reason)" }
}

/// One criterion of a posted evaluation.
public struct CriterionAnswer: Codable, Sendable, Equatable {
    /// 1 to 4; nil means « sans objet ».
    public var score: Int?
    public var comment: String?

    public init(score: Int?, comment: String? = nil) {
        self.score = score
        self.comment = comment
    }

    private enum CodingKeys: String, CodingKey { case score, comment }

    // The API schema says `type: [integer, "null"]`: the key is always there.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(score, forKey: .score)
        try container.encode(comment, forKey: .comment)
    }
}

/// An evaluation as posted: one answer per criterion id, and two free texts.
public struct EvaluationInput: Codable, Sendable, Equatable {
    public var criteria: [String: CriterionAnswer]
    /// « Points forts ».
    public var strengths: String?
    /// « Points à améliorer ».
    public var improvements: String?

    public init(criteria: [String: CriterionAnswer], strengths: String? = nil, improvements: String? = nil) {
        self.criteria = criteria
        self.strengths = strengths
        self.improvements = improvements
    }

    private enum CodingKeys: String, CodingKey { case criteria, strengths, improvements }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(criteria, forKey: .criteria)
        try container.encode(strengths, forKey: .strengths)
        try container.encode(improvements, forKey: .improvements)
    }
}

/// A posted evaluation that does not fit the grid; `field` is a path such as
/// `criteria.pertinence.score`, for the problem's `parameter`.
public struct EvaluationInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) : \(message)" }
}
