import Foundation
import Testing
@testable import RelaisCore

private func close(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): true
    case let (a?, b?): abs(a - b) < 1e-9
    default: false
    }
}

private func levels(_ id: String) -> [String] {
    (1...4).map { "\(id) niveau \($0)" }
}

private func criterion(_ id: String, _ label: String? = nil) -> EvaluationGrid.Criterion {
    EvaluationGrid.Criterion(id: id, label: label ?? id.capitalized, question: "\(id) ?", levels: levels(id))
}

private func answers(_ scores: [String: Int?]) -> EvaluationInput {
    EvaluationInput(criteria: scores.mapValues { CriterionAnswer(score: $0) })
}

@Suite struct EvaluationGridLoadingTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Corpus/grilles").standardizedFileURL

    /// A fresh folder holding `files` (name -> contents).
    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("relais-grilles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }
        return url
    }

    static func json(_ grid: EvaluationGrid) throws -> String {
        String(decoding: try JSONEncoder().encode(grid), as: UTF8.self)
    }

    static func grid(version: Int = 1, criteria: [EvaluationGrid.Criterion]? = nil) -> EvaluationGrid {
        EvaluationGrid(name: "grille-evaluation", version: version, label: "Grille",
                       criteria: criteria ?? [criterion("pertinence"), criterion("clarte")])
    }

    /// Loads `files` and returns the error's file and reason, or nil when it loaded.
    static func failure(_ files: [String: String]) throws -> GridError? {
        let url = try folder(files)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try EvaluationGrid.loadAll(from: url)
            return nil
        } catch let error as GridError {
            return error
        }
    }

    @Test func theShippedGridIsTheContractOne() throws {
        let grids = try EvaluationGrid.loadAll(from: Self.corpus)
        #expect(grids.map(\.version) == [1])
        let grid = try #require(grids.first)
        #expect(grid.name == "grille-evaluation")
        #expect(grid.label == "Grille d'évaluation des ressources")
        #expect(grid.criteria.map(\.id) == ["pertinence", "faisabilite", "methodologie", "clarte", "conformite", "accessibilite"])
        #expect(grid.criteria.map(\.label) == [
            "Pertinence pédagogique", "Faisabilité en classe", "Méthodologie / démarche",
            "Clarté et qualité du contenu", "Conformité aux référentiels", "Accessibilité et aménagements",
        ])
        for criterion in grid.criteria {
            #expect(criterion.levels.count == 4)
            #expect(criterion.question.hasSuffix("?"))
            #expect(criterion.levels.allSatisfy { $0.count > 40 }, "\(criterion.id)")
        }
    }

    @Test func loadsEveryVersionInNumericOrderAndIgnoresOtherFiles() throws {
        let url = try Self.folder([
            "evaluation-v10.json": try Self.json(Self.grid(version: 10)),
            "evaluation-v2.json": try Self.json(Self.grid(version: 2)),
            "evaluation-v1.json": try Self.json(Self.grid(version: 1)),
            "README.md": "# grilles",
            "evaluation-v3-brouillon.json": "pas du JSON",
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try EvaluationGrid.loadAll(from: url).map(\.version) == [1, 2, 10])
    }

    @Test func anEmptyFolderHasNoGrid() throws {
        let url = try Self.folder([:])
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try EvaluationGrid.loadAll(from: url).isEmpty)
    }

    @Test func aMissingFolderIsNamed() {
        let url = URL(fileURLWithPath: "/nonexistent/relais-grilles")
        #expect {
            _ = try EvaluationGrid.loadAll(from: url)
        } throws: { error in
            (error as? GridError)?.file == url.path
        }
    }

    @Test(arguments: [
        ("trois niveaux", "3 niveaux au lieu de 4"),
        ("critère en double", "critère « clarte » en double"),
        ("identifiant vide", "identifiant vide"),
        ("identifiant en majuscules", "identifiant « Clarte » invalide"),
        ("aucun critère", "aucun critère"),
        ("descripteur vide", "descripteur du niveau 2 vide"),
        ("libellé vide", "libellé vide"),
    ])
    func aBadGridNamesItsFileAndReason(_ fault: String, _ reason: String) throws {
        var criteria = [criterion("pertinence"), criterion("clarte")]
        switch fault {
        case "trois niveaux": criteria[1].levels.removeLast()
        case "critère en double": criteria.append(criterion("clarte"))
        case "identifiant vide": criteria[0].id = ""
        case "identifiant en majuscules": criteria[1].id = "Clarte"
        case "aucun critère": criteria = []
        case "descripteur vide": criteria[0].levels[1] = "  "
        case "libellé vide": criteria[0].label = ""
        default: Issue.record("cas inconnu \(fault)")
        }
        let error = try #require(try Self.failure([
            "evaluation-v1.json": try Self.json(Self.grid(criteria: criteria)),
        ]))
        #expect(error.file.hasSuffix("/evaluation-v1.json"))
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect("\(error)".contains("evaluation-v1.json"))
    }

    @Test func aVersionOtherThanTheFileNameIsRefused() throws {
        let error = try #require(try Self.failure([
            "evaluation-v1.json": try Self.json(Self.grid(version: 1)),
            "evaluation-v2.json": try Self.json(Self.grid(version: 3)),
        ]))
        #expect(error.file.hasSuffix("/evaluation-v2.json"))
        #expect(error.reason.contains("3") && error.reason.contains("v2"), "\(error.reason)")
    }

    @Test func twoFilesOfOneVersionAreRefused() throws {
        let error = try #require(try Self.failure([
            "evaluation-v1.json": try Self.json(Self.grid(version: 1)),
            "evaluation-v01.json": try Self.json(Self.grid(version: 1)),
        ]))
        #expect(error.reason.contains("version 1 déjà"), "\(error.reason)")
    }

    @Test func brokenJSONIsNamed() throws {
        let error = try #require(try Self.failure(["evaluation-v1.json": #"{"name": "g", "version": 1"#]))
        #expect(error.file.hasSuffix("/evaluation-v1.json"))
        #expect(error.reason.hasPrefix("JSON invalide"))
        let missing = try #require(try Self.failure(["evaluation-v1.json": #"{"name": "g", "version": 1, "label": "G"}"#]))
        #expect(missing.reason.contains("criteria"))
    }
}

@Suite struct EvaluationValidationTests {
    static let grid = EvaluationGrid(name: "g", version: 1, label: "G", criteria: [
        criterion("pertinence", "Pertinence pédagogique"), criterion("faisabilite", "Faisabilité en classe"),
        criterion("clarte", "Clarté"),
    ])

    func error(_ input: EvaluationInput) -> EvaluationInputError? {
        do {
            try Self.grid.validate(input)
            return nil
        } catch {
            return error
        }
    }

    @Test func aCompleteEvaluationPasses() {
        #expect(error(answers(["pertinence": 4, "faisabilite": nil, "clarte": 1])) == nil)
        var input = answers(["pertinence": 2, "faisabilite": 3, "clarte": 3])
        input.criteria["clarte"]?.comment = "Consignes nettes."
        input.strengths = "Très concret"
        input.improvements = ""
        #expect(error(input) == nil)
    }

    @Test func aMissingCriterionIsNamed() throws {
        let found = try #require(error(answers(["pertinence": 4, "clarte": 1])))
        #expect(found.field == "criteria.faisabilite")
        #expect(found.message.contains("Faisabilité en classe"))
    }

    @Test(arguments: [0, 5, -1, 40])
    func aScoreOutsideOneToFourIsRefused(_ score: Int) throws {
        let found = try #require(error(answers(["pertinence": score, "faisabilite": 3, "clarte": 2])))
        #expect(found.field == "criteria.pertinence.score")
        #expect(found.message.contains("entre 1 et 4"))
    }

    @Test func anUnknownCriterionIsRefused() throws {
        let found = try #require(error(answers(["pertinence": 4, "faisabilite": 3, "clarte": 2, "originalite": 4])))
        #expect(found.field == "criteria.originalite")
        #expect(found.message.contains("n'existe pas"))
    }

    @Test func anEvaluationWithoutAnyScoreIsRefused() throws {
        let found = try #require(error(answers(["pertinence": nil, "faisabilite": nil, "clarte": nil])))
        #expect(found.field == "criteria")
    }

    @Test func overlongTextsAreRefused() throws {
        var input = answers(["pertinence": 4, "faisabilite": 3, "clarte": 2])
        input.criteria["clarte"]?.comment = String(repeating: "é", count: EvaluationGrid.maxCommentLength + 1)
        #expect(error(input)?.field == "criteria.clarte.comment")
        input.criteria["clarte"]?.comment = String(repeating: "é", count: EvaluationGrid.maxCommentLength)
        #expect(error(input) == nil)
        input.improvements = String(repeating: "a", count: EvaluationGrid.maxTextLength + 1)
        #expect(error(input)?.field == "improvements")
        input.improvements = nil
        input.strengths = String(repeating: "a", count: EvaluationGrid.maxTextLength + 1)
        #expect(error(input)?.field == "strengths")
    }

    @Test func answersEncodeNullsExplicitly() throws {
        let input = EvaluationInput(criteria: ["pertinence": CriterionAnswer(score: nil)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(input), as: UTF8.self)
            == #"{"criteria":{"pertinence":{"comment":null,"score":null}},"improvements":null,"strengths":null}"#)
    }

    @Test func answersDecodeWithOrWithoutNullKeys() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let input = try decoder.decode(EvaluationInput.self, from: Data(#"""
            {"criteria":{"pertinence":{"score":3,"comment":"bien"},"faisabilite":{"score":null},"clarte":{}},
             "strengths":"points forts"}
            """#.utf8))
        #expect(input.criteria["pertinence"] == CriterionAnswer(score: 3, comment: "bien"))
        #expect(input.criteria["faisabilite"] == CriterionAnswer(score: nil))
        #expect(input.criteria["clarte"] == CriterionAnswer(score: nil))
        #expect(input.strengths == "points forts")
        #expect(input.improvements == nil)
        #expect(error(input) == nil)
    }
}

@Suite struct EvaluationSynthesisTests {
    static let grid = EvaluationGrid(name: "g", version: 2, label: "G", criteria: [
        criterion("pertinence", "Pertinence pédagogique"), criterion("clarte", "Clarté"),
        criterion("accessibilite", "Accessibilité"),
    ])

    /// One expert, two peers; every number below is worked out by hand in the comments.
    static let fixture: [ScoredEvaluation] = [
        ScoredEvaluation(input: EvaluationInput(
            criteria: ["pertinence": CriterionAnswer(score: 4), "clarte": CriterionAnswer(score: 2),
                       "accessibilite": CriterionAnswer(score: nil)],
            strengths: "  Très concret.\n", improvements: ""), expert: true),
        ScoredEvaluation(input: EvaluationInput(
            criteria: ["pertinence": CriterionAnswer(score: 3), "clarte": CriterionAnswer(score: 1),
                       "accessibilite": CriterionAnswer(score: 2)],
            strengths: nil, improvements: "Ajouter des solutions."), expert: false),
        ScoredEvaluation(input: EvaluationInput(
            criteria: ["pertinence": CriterionAnswer(score: 4), "clarte": CriterionAnswer(score: 2),
                       "accessibilite": CriterionAnswer(score: nil)],
            strengths: "Prêt à l'emploi", improvements: "   "), expert: false),
    ]

    @Test func countsAndLabel() {
        let synthesis = EvaluationSynthesis.build(grid: Self.grid, evaluations: Self.fixture)
        #expect(synthesis.state == .evaluated)
        #expect(synthesis.label == "évalué par 3 personnes")
        #expect(synthesis.gridVersion == 2)
        #expect(synthesis.count == 3)
        #expect(synthesis.experts == 1)
        #expect(synthesis.peers == 2)
        #expect(synthesis.criteria.map(\.id) == ["pertinence", "clarte", "accessibilite"])
        #expect(synthesis.criteria.map(\.label) == ["Pertinence pédagogique", "Clarté", "Accessibilité"])
    }

    @Test func perCriterionStatsKeepExpertsApart() throws {
        let synthesis = EvaluationSynthesis.build(grid: Self.grid, evaluations: Self.fixture)
        let pertinence = synthesis.criteria[0], clarte = synthesis.criteria[1], accessibilite = synthesis.criteria[2]

        // pertinence: 4, 3, 4 -> mean 11/3; pairs |4-3|, |4-4|, |3-4| = 1, 0, 1 -> 1 - (2/3)/3 = 7/9.
        #expect(pertinence.all.count == 3)
        #expect(close(pertinence.all.mean, 11.0 / 3))
        #expect(pertinence.all.distribution == [0, 0, 1, 2])
        #expect(pertinence.all.notApplicable == 0)
        #expect(close(pertinence.all.agreement, 7.0 / 9))
        // The expert alone: 4, no agreement with a single score.
        #expect(pertinence.experts == .init(count: 1, mean: 4, distribution: [0, 0, 0, 1], notApplicable: 0, agreement: nil))
        // Peers 3 and 4: mean 3.5, agreement 1 - 1/3.
        #expect(pertinence.peers.count == 2)
        #expect(close(pertinence.peers.mean, 3.5))
        #expect(pertinence.peers.distribution == [0, 0, 1, 1])
        #expect(close(pertinence.peers.agreement, 2.0 / 3))

        // clarte: 2, 1, 2 -> mean 5/3, agreement 7/9; peers 1 and 2 -> 1.5.
        #expect(close(clarte.all.mean, 5.0 / 3))
        #expect(clarte.all.distribution == [1, 2, 0, 0])
        #expect(close(clarte.all.agreement, 7.0 / 9))
        #expect(close(clarte.experts.mean, 2))
        #expect(close(clarte.peers.mean, 1.5))

        // accessibilite: « sans objet » twice, one 2.
        #expect(accessibilite.all == .init(count: 1, mean: 2, distribution: [0, 1, 0, 0], notApplicable: 2, agreement: nil))
        #expect(accessibilite.experts == .init(count: 0, mean: nil, distribution: [0, 0, 0, 0], notApplicable: 1, agreement: nil))
        #expect(accessibilite.peers == .init(count: 1, mean: 2, distribution: [0, 1, 0, 0], notApplicable: 1, agreement: nil))
    }

    @Test func overallMeanAndQualityPrior() {
        let synthesis = EvaluationSynthesis.build(grid: Self.grid, evaluations: Self.fixture)
        // (11/3 + 5/3 + 2) / 3 = 22/9, each criterion weighing the same whatever its « sans objet ».
        #expect(close(synthesis.overallMean, 22.0 / 9))
        // On 0-1: (22/9 - 1) / 3 = 13/27; with 3 evaluations against a prior of 0.625 worth 3:
        // (3 * 5/8 + 3 * 13/27) / 6 = 239/432.
        #expect(close(synthesis.qualityPrior, 239.0 / 432))
    }

    @Test func thePriorWeighsLessAsEvaluationsAccumulate() {
        let top = ScoredEvaluation(input: answers(["pertinence": 4, "clarte": 4, "accessibilite": 4]), expert: false)
        let one = EvaluationSynthesis.build(grid: Self.grid, evaluations: [top], priorMean: 0.5, priorWeight: 2)
        #expect(close(one.overallMean, 4))
        // (2 * 0.5 + 1 * 1) / 3
        #expect(close(one.qualityPrior, 2.0 / 3))
        let many = EvaluationSynthesis.build(grid: Self.grid, evaluations: Array(repeating: top, count: 18),
                                             priorMean: 0.5, priorWeight: 2)
        // (2 * 0.5 + 18) / 20
        #expect(close(many.qualityPrior, 0.95))
        let noPrior = EvaluationSynthesis.build(grid: Self.grid, evaluations: [top], priorWeight: 0)
        #expect(close(noPrior.qualityPrior, 1))
        // Defaults: a single all-1 evaluation -> (3 * 0.625 + 0) / 4.
        let bottom = ScoredEvaluation(input: answers(["pertinence": 1, "clarte": 1, "accessibilite": 1]), expert: true)
        #expect(close(EvaluationSynthesis.build(grid: Self.grid, evaluations: [bottom]).qualityPrior, 0.46875))
    }

    @Test func strengthsWeaknessesAndQuotes() {
        let synthesis = EvaluationSynthesis.build(grid: Self.grid, evaluations: Self.fixture)
        #expect(synthesis.strengths.map(\.criterion) == ["pertinence"])
        #expect(synthesis.strengths.first?.label == "Pertinence pédagogique")
        #expect(close(synthesis.strengths.first?.mean, 11.0 / 3))
        // Lowest first: clarte 5/3, then accessibilite 2.
        #expect(synthesis.weaknesses.map(\.criterion) == ["clarte", "accessibilite"])
        #expect(synthesis.quotes.strengths == ["Très concret.", "Prêt à l'emploi"])
        #expect(synthesis.quotes.improvements == ["Ajouter des solutions."])
    }

    @Test func highlightThresholdsAndTiesFollowTheGrid() {
        let grid = EvaluationGrid(name: "g", version: 1, label: "G",
                                  criteria: ["a", "b", "c", "d", "e", "f"].map { criterion($0) })
        // Means: a 3, b 4, c 4, d 2.5, e 1, f 1 -> strengths b, c (tie, grid order; a left out),
        // weaknesses e, f (tie, grid order; d at 2.5 left out by the limit of two).
        let evaluations = [
            answers(["a": 3, "b": 4, "c": 4, "d": 2, "e": 1, "f": 1]),
            answers(["a": 3, "b": 4, "c": 4, "d": 3, "e": 1, "f": 1]),
        ].map { ScoredEvaluation(input: $0, expert: false) }
        let synthesis = EvaluationSynthesis.build(grid: grid, evaluations: evaluations)
        #expect(synthesis.strengths.map(\.criterion) == ["b", "c"])
        #expect(synthesis.weaknesses.map(\.criterion) == ["e", "f"])

        // The boundaries themselves count: a mean of exactly 3 is a strength, 2.5 a weakness
        // (means: a 3, b 2.5, c 2.5, d 3, e none, f 1).
        let edges = [
            answers(["a": 3, "b": 2, "c": 3, "d": 3, "e": nil, "f": nil]),
            answers(["a": 3, "b": 3, "c": 2, "d": 3, "e": nil, "f": 1]),
        ].map { ScoredEvaluation(input: $0, expert: true) }
        let edge = EvaluationSynthesis.build(grid: grid, evaluations: edges)
        #expect(edge.strengths.map(\.criterion) == ["a", "d"])
        #expect(edge.weaknesses.map(\.criterion) == ["f", "b"])
        #expect(edge.criteria[4].all.count == 0)
        #expect(edge.criteria[4].all.mean == nil)
    }

    @Test func quotesAreLimitedInNumberAndLength() {
        let long = String(repeating: "abcde ", count: 100)
        let texts: [String?] = [nil, long, "  deux ", "", "trois", "quatre"]
        let evaluations = texts.map {
            ScoredEvaluation(input: EvaluationInput(criteria: ["pertinence": CriterionAnswer(score: 3)], strengths: $0),
                             expert: false)
        }
        let quotes = EvaluationSynthesis.build(grid: Self.grid, evaluations: evaluations).quotes.strengths
        #expect(quotes.count == 3)
        #expect(quotes[0].count <= 300)
        #expect(quotes[0].hasSuffix("e…") || quotes[0].hasSuffix("d…"))
        #expect(quotes[0].hasPrefix("abcde abcde"))
        #expect(Array(quotes.dropFirst()) == ["deux", "trois"])
        let exact = String(repeating: "x", count: 300)
        #expect(EvaluationSynthesis.quotes([exact]) == [exact])
    }

    @Test func notEvaluated() throws {
        let synthesis = EvaluationSynthesis.build(grid: Self.grid, evaluations: [])
        #expect(synthesis.state == .notEvaluated)
        #expect(synthesis.label == "pas encore évalué")
        #expect(synthesis.count == 0 && synthesis.experts == 0 && synthesis.peers == 0)
        #expect(synthesis.overallMean == nil)
        #expect(synthesis.qualityPrior == nil)
        #expect(synthesis.strengths.isEmpty && synthesis.weaknesses.isEmpty)
        #expect(synthesis.quotes == .init(strengths: [], improvements: []))
        let empty = EvaluationSynthesis.Stats(count: 0, mean: nil, distribution: [0, 0, 0, 0], notApplicable: 0, agreement: nil)
        for criterion in synthesis.criteria {
            #expect(criterion.all == empty && criterion.experts == empty && criterion.peers == empty)
        }

        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Sorted keys: without them the order of members changes from run to run.
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(synthesis), as: UTF8.self)
        for key in [#""overall_mean":null"#, #""quality_prior":null"#, #""mean":null"#, #""agreement":null"#,
                    #""state":"not_evaluated""#, #""grid_version":2"#, #""not_applicable":0"#,
                    #""quotes":{"improvements":[],"strengths":[]}"#] {
            #expect(json.contains(key), "\(key)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(EvaluationSynthesis.self, from: Data(json.utf8)) == synthesis)
    }

    @Test func labelsAgreeInNumber() {
        #expect(EvaluationSynthesis.label(count: 1) == "évalué par 1 personne")
        #expect(EvaluationSynthesis.label(count: 2) == "évalué par 2 personnes")
    }

    @Test func agreementSpansZeroToOne() {
        #expect(EvaluationSynthesis.Stats.agreement([]) == nil)
        #expect(EvaluationSynthesis.Stats.agreement([3]) == nil)
        #expect(EvaluationSynthesis.Stats.agreement([2, 2, 2]) == 1)
        #expect(EvaluationSynthesis.Stats.agreement([1, 4]) == 0)
        // Pairs of 1,2,3,4: 1+2+3+1+2+1 = 10 over 6 pairs -> 1 - 10/18.
        #expect(close(EvaluationSynthesis.Stats.agreement([1, 2, 3, 4]), 4.0 / 9))
    }

    @Test func answersToOtherGridsAreIgnored() {
        let stray = ScoredEvaluation(input: answers(["pertinence": 9, "clarte": 3, "ancien": 1]), expert: false)
        let synthesis = EvaluationSynthesis.build(grid: Self.grid, evaluations: [stray])
        #expect(synthesis.criteria[0].all.count == 0)
        #expect(synthesis.criteria[2].all == .init(count: 0, mean: nil, distribution: [0, 0, 0, 0], notApplicable: 0, agreement: nil))
        #expect(close(synthesis.overallMean, 3))
    }
}
