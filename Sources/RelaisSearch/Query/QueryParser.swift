import Foundation

extension ParsedQuery {
    /// Longest accepted query, in Unicode scalars, after trimming.
    public static let maximumLength = 1000
    /// Most words accepted in one query (positive and excluded, phrase words included).
    public static let maximumWords = 32

    /// Parses what a user typed. Total: any string either parses or throws a `QueryError`
    /// naming the problem. See `QueryParser` for the grammar.
    public init(parsing text: String) throws(QueryError) {
        self = try QueryParser.parse(text)
    }
}

/// The query language.
///
/// ```
/// query       := item*                                   (implicit AND between items)
/// item        := "OR" | "|" | exclusion | clause
/// exclusion   := "-" clause                              ("-" directly followed by a non-space)
/// clause      := [field ":"] (phrase | word)
/// field       := titre | title | motcle | motscles | mots-cles | keyword | ...
///                (case- and accent-insensitive: "Mots-Clés:" works)
/// phrase      := '"' anything-but-quote* ('"' | end of input)
/// word        := (any non-space except '"' and '|')+     (a trailing "*" makes a prefix)
/// ```
///
/// - Control characters (and zero-width spaces, BOM) are read as spaces; the input is trimmed.
/// - `OR` (uppercase) and `|` join the positive clauses on both sides into one group; an `OR`
///   with no positive clause on one side is ignored. Lowercase `or`, `AND`, `NOT`, `NEAR(`,
///   parentheses, `c++`, `100%`, `^`, `{`, `}` are ordinary text.
/// - A word with no letter and no digit (`*`, `-`, `:`, `^`, `{`, an emoji) is punctuation and
///   is dropped; so is an empty phrase or a field with nothing after it (`titre:`).
/// - Trailing `*`s are removed from a word; they make it a prefix when at least two letters or
///   digits remain (`bio*`). `a*` is the word `a`; `*abc` stays `*abc` (the analyzer drops the
///   star).
/// - `name:rest` where `name` is purely letters and `rest` starts with a letter, a digit or a
///   quote, and `name` is no known field: `QueryError.unknownField`. Otherwise (`http://x`,
///   `12:30`, `auteur:`) the token is an ordinary word.
/// - More than `ParsedQuery.maximumLength` scalars: `tooLong`; more than
///   `ParsedQuery.maximumWords` words: `tooManyTerms`.
/// - Only spaces and punctuation: the empty query (browse). Only exclusions: browse minus them.
public enum QueryParser {
    /// Field names accepted before `:`, folded (lowercase, no accents).
    static let fieldNames: [String: ParsedQuery.Field] = [
        "titre": .title, "titres": .title, "title": .title,
        "motcle": .keywords, "motcles": .keywords, "motscles": .keywords,
        "mot-cle": .keywords, "mots-cles": .keywords, "mots-cle": .keywords,
        "keyword": .keywords, "keywords": .keywords,
    ]

    /// The names suggested when a field is unknown.
    public static let knownFieldNames = ParsedQuery.Field.allCases.map(\.queryName)

    public static func field(named name: String) -> ParsedQuery.Field? {
        fieldNames[name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)]
    }

    public static func parse(_ text: String) throws(QueryError) -> ParsedQuery {
        let scalars = try sanitizedScalars(text)
        let tokens = try tokenize(scalars)

        let wordCount = tokens.reduce(0) { count, token in
            if case .clause(let clause, _) = token { return count + clause.operand.words.count }
            return count
        }
        guard wordCount <= ParsedQuery.maximumWords else {
            throw .tooManyTerms(limit: ParsedQuery.maximumWords)
        }

        var groups: [ParsedQuery.Group] = []
        var exclusions: [ParsedQuery.Clause] = []
        var lastWasPositive = false
        var orPending = false
        for token in tokens {
            switch token {
            case .or:
                orPending = lastWasPositive
            case .clause(let clause, excluded: true):
                exclusions.append(clause)
                lastWasPositive = false
                orPending = false
            case .clause(let clause, excluded: false):
                if orPending, !groups.isEmpty {
                    groups[groups.count - 1].alternatives.append(clause)
                } else {
                    groups.append(ParsedQuery.Group([clause]))
                }
                lastWasPositive = true
                orPending = false
            }
        }
        return ParsedQuery(groups: groups, exclusions: exclusions)
    }

    // MARK: - Characters

    private static let quote: Unicode.Scalar = "\""
    private static let bar: Unicode.Scalar = "|"
    private static let colon: Unicode.Scalar = ":"
    private static let dash: Unicode.Scalar = "-"
    private static let star: Unicode.Scalar = "*"

    /// Spaces, control characters and invisible separators all separate words.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B, 0xFEFF: return true // zero-width space, byte-order mark
        default: break
        }
        return scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
    }

    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return false
        }
    }

    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Trims spaces (in the sense of `isSpace`) at both ends.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// The trimmed input with every separator turned into a plain space; throws when too long.
    private static func sanitizedScalars(_ text: String) throws(QueryError) -> [Unicode.Scalar] {
        let all = text.unicodeScalars
        guard let first = all.firstIndex(where: { !isSpace($0) }),
              let last = all.lastIndex(where: { !isSpace($0) }) else { return [] }
        let kept = all[first...last]
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(ParsedQuery.maximumLength)
        for scalar in kept {
            guard result.count < ParsedQuery.maximumLength else {
                throw .tooLong(limit: ParsedQuery.maximumLength)
            }
            result.append(isSpace(scalar) ? " " : scalar)
        }
        return result
    }

    // MARK: - Tokens

    private enum Token {
        case or
        case clause(ParsedQuery.Clause, excluded: Bool)
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func tokenize(_ s: [Unicode.Scalar]) throws(QueryError) -> [Token] {
        var tokens: [Token] = []
        let n = s.count
        var i = 0
        while i < n {
            let c = s[i]
            if c == " " { i += 1; continue }
            if c == bar { tokens.append(.or); i += 1; continue }

            var excluded = false
            if c == dash, i + 1 < n, s[i + 1] != " ", s[i + 1] != bar {
                excluded = true
                i += 1
            }

            // Field prefix: letters (or a known name) followed by ':'.
            var field: ParsedQuery.Field?
            var j = i
            while j < n, s[j] != " ", s[j] != quote, s[j] != bar, s[j] != colon { j += 1 }
            if j < n, s[j] == colon, j > i {
                let prefix = s[i..<j]
                if let known = self.field(named: string(prefix)) {
                    field = known
                    i = j + 1
                } else if isLetter(prefix[prefix.startIndex]),
                          prefix.allSatisfy({ isLetter($0) || isMark($0) }),
                          j + 1 < n, isLetterOrDigit(s[j + 1]) || s[j + 1] == quote {
                    throw .unknownField(name: string(prefix), known: knownFieldNames)
                }
            }

            if i < n, s[i] == quote {
                var k = i + 1
                while k < n, s[k] != quote { k += 1 }
                let words = s[(i + 1)..<k]
                    .split(separator: " ")
                    .filter { $0.contains(where: isLetterOrDigit) }
                    .map(string)
                i = min(k + 1, n)
                if !words.isEmpty {
                    tokens.append(.clause(.phrase(words, field: field), excluded: excluded))
                }
                continue
            }

            var k = i
            while k < n, s[k] != " ", s[k] != quote, s[k] != bar { k += 1 }
            let word = s[i..<k]
            i = k
            if field == nil, !excluded, word.elementsEqual(["O", "R"]) {
                tokens.append(.or)
                continue
            }
            var end = word.endIndex
            while end > word.startIndex, word[end - 1] == star { end -= 1 }
            let stem = word[word.startIndex..<end]
            let letters = stem.lazy.filter(isLetterOrDigit).count
            guard letters > 0 else { continue }
            let prefix = end < word.endIndex && letters >= 2
            tokens.append(.clause(.term(string(stem), prefix: prefix, field: field), excluded: excluded))
        }
        return tokens
    }
}
