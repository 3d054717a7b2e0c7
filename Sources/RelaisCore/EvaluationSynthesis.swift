import Foundation

/// An evaluation as the synthesis sees it: what was posted, and whether its author is an
/// expert evaluator (their scores are also shown apart).
public struct ScoredEvaluation: Sendable {
    public var input: EvaluationInput
    public var expert: Bool

    public init(input: EvaluationInput, expert: Bool) {
        self.input = input
        self.expert = expert
    }
}

/// What the evaluations of a resource say, criterion by criterion.
public struct EvaluationSynthesis: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case notEvaluated = "not_evaluated"
        case evaluated
    }

    /// The scores one group of evaluators gave one criterion.
    public struct Stats: Codable, Sendable, Equatable {
        /// Evaluations that scored the criterion (« sans objet » left out): the sum of `distribution`.
        public var count: Int
        /// Mean score, 1 to 4; nil without any score.
        public var mean: Double?
        /// How many gave 1, 2, 3 and 4.
        public var distribution: [Int]
        /// Evaluations that answered « sans objet ».
        public var notApplicable: Int
        /// 1 when everyone gave the same score, 0 when scores are as far apart as the scale
        /// allows on average; nil under two scores.
        public var agreement: Double?

        public init(count: Int, mean: Double?, distribution: [Int], notApplicable: Int, agreement: Double?) {
            self.count = count
            self.mean = mean
            self.distribution = distribution
            self.notApplicable = notApplicable
            self.agreement = agreement
        }

        /// Stats of the answers to one criterion (nil = « sans objet »); scores outside 1...4 are ignored.
        public init(answers: [Int?]) {
            let scores = answers.compactMap { $0 }.filter { EvaluationGrid.scores.contains($0) }
            var distribution = Array(repeating: 0, count: EvaluationGrid.levelCount)
            for score in scores { distribution[score - 1] += 1 }
            self.count = scores.count
            self.mean = scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count)
            self.distribution = distribution
            self.notApplicable = answers.count(where: { $0 == nil })
            self.agreement = Self.agreement(scores)
        }

        /// 1 - mean absolute pairwise difference / 3 (3 being the widest gap on a 1-4 scale).
        public static func agreement(_ scores: [Int]) -> Double? {
            guard scores.count >= 2 else { return nil }
            var total = 0, pairs = 0
            for i in scores.indices {
                for j in scores.indices where j > i {
                    total += abs(scores[i] - scores[j])
                    pairs += 1
                }
            }
            return 1 - Double(total) / Double(pairs) / Double(EvaluationGrid.levelCount - 1)
        }

        private enum CodingKeys: String, CodingKey { case count, mean, distribution, notApplicable, agreement }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(mean, forKey: .mean)
            try container.encode(distribution, forKey: .distribution)
            try container.encode(notApplicable, forKey: .notApplicable)
            try container.encode(agreement, forKey: .agreement)
        }
    }

    public struct CriterionSummary: Codable, Sendable, Equatable {
        public var id: String
        public var label: String
        public var all: Stats
        public var experts: Stats
        public var peers: Stats

        public init(id: String, label: String, all: Stats, experts: Stats, peers: Stats) {
            self.id = id
            self.label = label
            self.all = all
            self.experts = experts
            self.peers = peers
        }
    }

    /// A criterion singled out as a strength or a weakness, with its mean over everyone.
    public struct Highlight: Codable, Sendable, Equatable {
        public var criterion: String
        public var label: String
        public var mean: Double

        public init(criterion: String, label: String, mean: Double) {
            self.criterion = criterion
            self.label = label
            self.mean = mean
        }
    }

    public struct Quotes: Codable, Sendable, Equatable {
        public var strengths: [String]
        public var improvements: [String]

        public init(strengths: [String], improvements: [String]) {
            self.strengths = strengths
            self.improvements = improvements
        }
    }

    public var state: State
    /// « pas encore évalué », « évalué par 1 personne », « évalué par 3 personnes ».
    public var label: String
    public var gridVersion: Int
    public var count: Int
    public var experts: Int
    public var peers: Int
    /// Mean of the criteria's means (1 to 4), so that a criterion often « sans objet » weighs
    /// as much as the others; nil when nothing was scored.
    public var overallMean: Double?
    /// Bayesian average on a 0-1 scale, for ranking: few evaluations stay close to the prior.
    public var qualityPrior: Double?
    public var criteria: [CriterionSummary]
    public var strengths: [Highlight]
    public var weaknesses: [Highlight]
    public var quotes: Quotes

    public init(state: State, label: String, gridVersion: Int, count: Int, experts: Int, peers: Int,
                overallMean: Double?, qualityPrior: Double?, criteria: [CriterionSummary],
                strengths: [Highlight], weaknesses: [Highlight], quotes: Quotes) {
        self.state = state
        self.label = label
        self.gridVersion = gridVersion
        self.count = count
        self.experts = experts
        self.peers = peers
        self.overallMean = overallMean
        self.qualityPrior = qualityPrior
        self.criteria = criteria
        self.strengths = strengths
        self.weaknesses = weaknesses
        self.quotes = quotes
    }

    private enum CodingKeys: String, CodingKey {
        case state, label, gridVersion, count, experts, peers, overallMean, qualityPrior
        case criteria, strengths, weaknesses, quotes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(label, forKey: .label)
        try container.encode(gridVersion, forKey: .gridVersion)
        try container.encode(count, forKey: .count)
        try container.encode(experts, forKey: .experts)
        try container.encode(peers, forKey: .peers)
        try container.encode(overallMean, forKey: .overallMean)
        try container.encode(qualityPrior, forKey: .qualityPrior)
        try container.encode(criteria, forKey: .criteria)
        try container.encode(strengths, forKey: .strengths)
        try container.encode(weaknesses, forKey: .weaknesses)
        try container.encode(quotes, forKey: .quotes)
    }

    public static let maxHighlights = 2
    public static let strengthThreshold = 3.0
    public static let weaknessThreshold = 2.5
    public static let maxQuotes = 3
    public static let maxQuoteLength = 300

    /// The synthesis of `evaluations` (all made with `grid`; answers to criteria the grid
    /// lacks are ignored). `priorMean` (0-1) and `priorWeight` (in evaluations) set how much a
    /// handful of evaluations moves `qualityPrior`: 0.625 is a score of 2.875 out of 4.
    public static func build(grid: EvaluationGrid, evaluations: [ScoredEvaluation],
                             priorMean: Double = 0.625, priorWeight: Double = 3) -> EvaluationSynthesis {
        let experts = evaluations.filter(\.expert)
        let peers = evaluations.filter { !$0.expert }
        func stats(_ group: [ScoredEvaluation], _ id: String) -> Stats {
            Stats(answers: group.compactMap { evaluation in
                evaluation.input.criteria[id].map { $0.score }
            })
        }
        let criteria = grid.criteria.map { criterion in
            CriterionSummary(id: criterion.id, label: criterion.label,
                             all: stats(evaluations, criterion.id),
                             experts: stats(experts, criterion.id),
                             peers: stats(peers, criterion.id))
        }

        let means = criteria.compactMap(\.all.mean)
        let overallMean = means.isEmpty ? nil : means.reduce(0, +) / Double(means.count)
        let n = Double(evaluations.count)
        let qualityPrior = overallMean.map { mean in
            let normalized = (mean - 1) / Double(EvaluationGrid.levelCount - 1)
            return (priorWeight * priorMean + n * normalized) / (priorWeight + n)
        }

        // Sorting the (grid position, mean) pairs keeps grid order among equal means.
        let ranked = criteria.enumerated().compactMap { position, summary in
            summary.all.mean.map { (position: position, highlight: Highlight(criterion: summary.id, label: summary.label, mean: $0)) }
        }
        let strengths = ranked
            .filter { $0.highlight.mean >= strengthThreshold }
            .sorted { ($0.highlight.mean, -$0.position) > ($1.highlight.mean, -$1.position) }
            .prefix(maxHighlights).map(\.highlight)
        let weaknesses = ranked
            .filter { $0.highlight.mean <= weaknessThreshold }
            .sorted { ($0.highlight.mean, $0.position) < ($1.highlight.mean, $1.position) }
            .prefix(maxHighlights).map(\.highlight)

        let count = evaluations.count
        return EvaluationSynthesis(
            state: count == 0 ? .notEvaluated : .evaluated,
            label: label(count: count),
            gridVersion: grid.version,
            count: count,
            experts: experts.count,
            peers: peers.count,
            overallMean: overallMean,
            qualityPrior: qualityPrior,
            criteria: criteria,
            strengths: Array(strengths),
            weaknesses: Array(weaknesses),
            quotes: Quotes(strengths: quotes(evaluations.map(\.input.strengths)),
                           improvements: quotes(evaluations.map(\.input.improvements))))
    }

    public static func label(count: Int) -> String {
        switch count {
        case 0: "pas encore évalué"
        case 1: "évalué par 1 personne"
        default: "évalué par \(count) personnes"
        }
    }

    /// The first non-empty texts, trimmed, each cut to `maxQuoteLength` characters
    /// (an ellipsis included) so that one long review does not fill the page.
    static func quotes(_ texts: [String?]) -> [String] {
        var quotes: [String] = []
        for text in texts {
            guard quotes.count < maxQuotes, let text else { continue }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if trimmed.count <= maxQuoteLength {
                quotes.append(trimmed)
            } else {
                let cut = trimmed.prefix(maxQuoteLength - 1)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                quotes.append(cut + "…")
            }
        }
        return quotes
    }
}
