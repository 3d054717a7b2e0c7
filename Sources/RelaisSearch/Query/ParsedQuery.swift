/// A user query, parsed: what the search must find and what it must leave out.
///
/// Shape: `groups` are ANDed; each group is one or more alternatives ORed; an alternative is a
/// term (one word, optionally a prefix) or a phrase (several words in a row), optionally
/// restricted to a field. `exclusions` are removed from the result. Words are kept as typed
/// (only trimmed); French analysis (case, accents, elisions, hyphens, stems) happens later, in
/// the FTS5 tokenizer, which sees every word inside an FTS5 string literal.
///
/// Build one with `ParsedQuery(parsing:)` (see `QueryParser.swift` for the grammar), turn it
/// into an FTS5 MATCH expression with `fts5Expression(columns:)`.
public struct ParsedQuery: Sendable, Equatable {
    /// A column a clause can be restricted to.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case title
        case keywords

        /// The spelling shown to users (and produced by `description`).
        public var queryName: String {
            switch self {
            case .title: "titre"
            case .keywords: "motcle"
            }
        }
    }

    /// What a clause matches.
    public enum Operand: Sendable, Equatable {
        /// One word; `prefix` when typed with a trailing `*`.
        case term(String, prefix: Bool)
        /// Words that must appear in this order, next to one another.
        case phrase([String])

        public var words: [String] {
            switch self {
            case .term(let word, _): [word]
            case .phrase(let words): words
            }
        }
    }

    /// A term or a phrase, optionally restricted to one field.
    public struct Clause: Sendable, Equatable {
        public var operand: Operand
        public var field: Field?

        public init(_ operand: Operand, field: Field? = nil) {
            self.operand = operand
            self.field = field
        }

        public static func term(_ word: String, prefix: Bool = false, field: Field? = nil) -> Clause {
            Clause(.term(word, prefix: prefix), field: field)
        }

        public static func phrase(_ words: [String], field: Field? = nil) -> Clause {
            Clause(.phrase(words), field: field)
        }

        /// Drops empty words; nil when nothing is left.
        fileprivate var normalized: Clause? {
            switch operand {
            case .term(let word, _):
                return word.isEmpty ? nil : self
            case .phrase(let words):
                let kept = words.filter { !$0.isEmpty }
                return kept.isEmpty ? nil : Clause(.phrase(kept), field: field)
            }
        }
    }

    /// Alternatives joined by OR (never empty in a ParsedQuery).
    public struct Group: Sendable, Equatable {
        public var alternatives: [Clause]

        public init(_ alternatives: [Clause]) {
            self.alternatives = alternatives
        }
    }

    /// Positive groups, ANDed.
    public private(set) var groups: [Group]
    /// Clauses whose matches are removed from the result.
    public private(set) var exclusions: [Clause]

    /// Builds a query directly. Empty words, empty phrases and empty groups are dropped.
    public init(groups: [Group] = [], exclusions: [Clause] = []) {
        self.groups = groups.compactMap { group in
            let alternatives = group.alternatives.compactMap(\.normalized)
            return alternatives.isEmpty ? nil : Group(alternatives)
        }
        self.exclusions = exclusions.compactMap(\.normalized)
    }

    /// Nothing to find and nothing to exclude: browse.
    public var isEmpty: Bool { groups.isEmpty && exclusions.isEmpty }

    /// True when there is something to find (otherwise: browse, minus the exclusions if any).
    public var hasPositiveClause: Bool { !groups.isEmpty }

    /// The words of the positive terms and phrases, in order. Indexes into this array are the
    /// word indexes of `replacingWord(at:with:)` and `droppingWord(at:)`.
    public var positiveWords: [String] {
        groups.flatMap { $0.alternatives.flatMap(\.operand.words) }
    }

    /// The words of the exclusions, in order.
    public var excludedWords: [String] {
        exclusions.flatMap(\.operand.words)
    }

    /// Where the positive word `index` lives: group, alternative, and word inside a phrase.
    private func location(ofWord index: Int) -> (group: Int, alternative: Int, word: Int)? {
        guard index >= 0 else { return nil }
        var remaining = index
        for (g, group) in groups.enumerated() {
            for (a, clause) in group.alternatives.enumerated() {
                let count = clause.operand.words.count
                if remaining < count { return (g, a, remaining) }
                remaining -= count
            }
        }
        return nil
    }

    /// The same query with positive word `index` (in `positiveWords` order) replaced by `word`
    /// (for typo correction). A term keeps its prefix flag and field. An index out of range
    /// returns the query unchanged; a blank replacement drops the word.
    public func replacingWord(at index: Int, with word: String) -> ParsedQuery {
        let replacement = QueryParser.trimmed(word)
        guard !replacement.isEmpty else { return droppingWord(at: index) }
        guard let place = location(ofWord: index) else { return self }
        var copy = self
        var clause = copy.groups[place.group].alternatives[place.alternative]
        switch clause.operand {
        case .term(_, let prefix):
            clause.operand = .term(replacement, prefix: prefix)
        case .phrase(var words):
            words[place.word] = replacement
            clause.operand = .phrase(words)
        }
        copy.groups[place.group].alternatives[place.alternative] = clause
        return copy
    }

    /// The same query without positive word `index` (in `positiveWords` order), for relaxation.
    /// A term disappears from its group (and the group when it was alone); a phrase loses that
    /// word (and disappears when it was its last). An index out of range returns the query
    /// unchanged. Dropping the last positive word leaves an exclusions-only (or empty) query.
    public func droppingWord(at index: Int) -> ParsedQuery {
        guard let place = location(ofWord: index) else { return self }
        var copy = self
        var alternatives = copy.groups[place.group].alternatives
        var clause = alternatives[place.alternative]
        if case .phrase(var words) = clause.operand, words.count > 1 {
            words.remove(at: place.word)
            clause.operand = .phrase(words)
            alternatives[place.alternative] = clause
        } else {
            alternatives.remove(at: place.alternative)
        }
        if alternatives.isEmpty {
            copy.groups.remove(at: place.group)
        } else {
            copy.groups[place.group].alternatives = alternatives
        }
        return copy
    }

    /// The same query without the positive terms whose word satisfies `shouldRemove` (for
    /// stopwords). Words inside phrases are kept (a phrase is exact, and stopwords are
    /// indexed), and so are exclusions. Never removes every positive clause: when nothing
    /// positive would be left, returns `self` unchanged.
    public func removingWords(where shouldRemove: (String) -> Bool) -> ParsedQuery {
        var copy = self
        copy.groups = groups.compactMap { group in
            let kept = group.alternatives.filter { clause in
                if case .term(let word, _) = clause.operand { return !shouldRemove(word) }
                return true
            }
            return kept.isEmpty ? nil : Group(kept)
        }
        return copy.groups.isEmpty ? self : copy
    }
}

extension ParsedQuery: CustomStringConvertible {
    /// The query in its canonical typed form (`titre:"cycle eau" chat OR chien -souris bio*`):
    /// parsing it again gives the same query. Useful to say what was searched after a correction.
    public var description: String {
        var parts = groups.map { group in
            group.alternatives.map(Self.render).joined(separator: " OR ")
        }
        parts += exclusions.map { "-" + Self.render($0) }
        return parts.joined(separator: " ")
    }

    private static func render(_ clause: Clause) -> String {
        let field = clause.field.map { $0.queryName + ":" } ?? ""
        switch clause.operand {
        case .term(let word, let prefix):
            return field + word + (prefix ? "*" : "")
        case .phrase(let words):
            return field + "\"" + words.joined(separator: " ") + "\""
        }
    }
}
