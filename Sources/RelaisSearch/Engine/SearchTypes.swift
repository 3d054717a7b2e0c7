import RelaisCore

/// What a teacher (or a program) asks.
public struct SearchRequest: Sendable {
    public enum Sort: String, Sendable, CaseIterable {
        /// Relevance for a query; quality then recency when browsing.
        case relevance = "pertinence"
        case recent = "recent"
        case title = "titre"
    }

    public var query: String
    /// Facet filters by dimension name (`niveaux`, `domaines`, `types`, `roles`, `besoins`,
    /// `licences`, `sources`, `langues`): OR inside a dimension, AND across dimensions.
    public var filters: [String: Set<String>]
    /// Duration range in seconds (archive sequences).
    public var minDuration: Double?
    public var maxDuration: Double?
    public var page: Int
    public var size: Int
    public var sort: Sort
    public var explain: Bool
    public var correctTypos: Bool

    public init(query: String = "", filters: [String: Set<String>] = [:], minDuration: Double? = nil,
                maxDuration: Double? = nil, page: Int = 1, size: Int = 20, sort: Sort = .relevance,
                explain: Bool = false, correctTypos: Bool = true) {
        self.query = query
        self.filters = filters
        self.minDuration = minDuration
        self.maxDuration = maxDuration
        self.page = page
        self.size = size
        self.sort = sort
        self.explain = explain
        self.correctTypos = correctTypos
    }

    public static let maximumSize = 100
    public static let maximumOffset = 10_000
}

/// A problem with the request itself, naming the parameter at fault: a 400, never a 500.
public struct SearchError: Error, CustomStringConvertible, Sendable, Equatable {
    public var parameter: String
    public var message: String
    public var description: String { "\(parameter) : \(message)" }

    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }
}

/// A passage of the original text with the matched words located.
public struct Snippet: Sendable, Equatable {
    public var text: String
    /// Matched words as ranges of UTF-16 offsets into `text` (what a browser counts).
    public var highlights: [Range<Int>]

    /// The text with matches wrapped in `open` / `close`, every piece of the text passed
    /// through `escape` (an HTML escaper, for markup).
    public func marked(open: String = "[", close: String = "]", escape: (String) -> String = { $0 }) -> String {
        // The UTF-16 offsets as UTF-8 ones, in one walk over the scalars: slicing the UTF-8
        // is far cheaper than decoding UTF-16 pieces. Offsets inside a scalar (never made by
        // the engine) take the UTF-16 way.
        let bounds = highlights.flatMap { [$0.lowerBound, $0.upperBound] }
        if bounds.allSatisfy({ $0 >= 0 }), let utf8Bounds = Self.utf8Offsets(of: bounds, in: text) {
            let utf8 = Array(text.utf8)
            var result = ""
            var position = 0
            var utf16Position = 0
            for (index, range) in highlights.enumerated() where range.lowerBound >= utf16Position {
                let lower = utf8Bounds[2 * index], upper = utf8Bounds[2 * index + 1]
                guard let lower, let upper, upper <= utf8.count else { continue }
                result += escape(String(decoding: utf8[position..<lower], as: UTF8.self))
                result += open + escape(String(decoding: utf8[lower..<upper], as: UTF8.self)) + close
                position = upper
                utf16Position = range.upperBound
            }
            result += escape(String(decoding: utf8[position...], as: UTF8.self))
            return result
        }
        return markedByUTF16(open: open, close: close, escape: escape)
    }

    /// For each UTF-16 offset, its UTF-8 offset (nil beyond the text); nil when one falls
    /// inside a scalar.
    private static func utf8Offsets(of offsets: [Int], in text: String) -> [Int?]? {
        let order = offsets.indices.sorted { offsets[$0] < offsets[$1] }
        var result = [Int?](repeating: nil, count: offsets.count)
        var next = 0
        var utf16 = 0
        var utf8 = 0
        for scalar in text.unicodeScalars {
            while next < order.count && offsets[order[next]] <= utf16 {
                guard offsets[order[next]] == utf16 else { return nil }
                result[order[next]] = utf8
                next += 1
            }
            if next == order.count { return result }
            utf16 += scalar.utf16.count
            utf8 += scalar.utf8.count
        }
        while next < order.count && offsets[order[next]] <= utf16 {
            guard offsets[order[next]] == utf16 else { return nil }
            result[order[next]] = utf8
            next += 1
        }
        return result
    }

    func markedByUTF16(open: String, close: String, escape: (String) -> String) -> String {
        var result = ""
        let units = Array(text.utf16)
        var position = 0
        for range in highlights where range.lowerBound >= position && range.upperBound <= units.count {
            result += escape(String(decoding: units[position..<range.lowerBound], as: UTF16.self))
            result += open + escape(String(decoding: units[range], as: UTF16.self)) + close
            position = range.upperBound
        }
        result += escape(String(decoding: units[position...], as: UTF16.self))
        return result
    }
}

/// The part of an archive sequence where the query matched.
public struct SegmentMatch: Sendable, Equatable {
    public var index: Int
    public var title: String?
    public var start: Double?
    public var end: Double?
    /// `HH:MM:SS`, from `start`.
    public var timecode: String?
}

/// How a score was made, for `explain`.
public struct ScoreExplanation: Sendable, Equatable {
    /// bm25 over title (x10), keywords (x5), description (x2), body (x1); higher is better.
    /// total = bm25 x (1 + exactTitleBoost + phraseBoost + titleWordsBoost) x qualityFactor.
    public var bm25: Double
    public var exactTitleBoost: Double
    public var phraseBoost: Double
    /// Share of the query words written in the title exactly as typed (accents aside), x0.3.
    public var titleWordsBoost: Double
    /// Quality prior from evaluations: 1 when there is none.
    public var qualityFactor: Double
    public var total: Double
    /// The matching set was large: ranking put title matches first.
    public var rankedOnTitleAndKeywords: Bool
}

public struct SearchHit: Sendable {
    public var resource: Resource
    public var score: Double
    public var snippet: Snippet?
    public var segment: SegmentMatch?
    public var explanation: ScoreExplanation?
}

public struct FacetCount: Sendable, Equatable {
    public var term: String
    public var label: String
    public var count: Int
    public var selected: Bool
}

public struct SearchResponse: Sendable {
    public var total: Int
    public var page: Int
    public var size: Int
    public var hits: [SearchHit]
    /// Counts per dimension over the matching set, each dimension ignoring its own selection.
    public var facets: [String: [FacetCount]]
    /// The query actually run, when it differs from the one typed (corrected or relaxed).
    public var effectiveQuery: String?
    /// Words corrected for typos: typed -> used.
    public var corrections: [(typed: String, used: String)]
    /// Words left out because no resource had all of them.
    public var droppedWords: [String]
    /// A better query from the index vocabulary, not applied.
    public var didYouMean: String?
    /// Filters read from the query text ("5e primaire" -> niveaux P5): dimension, term.
    public var recognizedFilters: [(dimension: String, term: String)] = []
    /// French sentence explaining what was done ("Résultats pour « dyslexie »").
    public var notice: String?
    public var tookMilliseconds: Double
}
