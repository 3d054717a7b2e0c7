/// Compilation of a `ParsedQuery` to an FTS5 MATCH expression.
///
/// Every user word goes inside an FTS5 string literal (`"` ... `"`, with `"` doubled), so no
/// user text is ever read as FTS5 syntax: outside literals the expression holds only `AND`,
/// `OR`, `NOT`, parentheses, `{column}`, `:`, `*` and spaces.
///
/// - term: `"word"`; prefix term: `"word" *`
/// - phrase: `"w1 w2 w3"` (one literal: the tokenizer makes it a phrase)
/// - field: `{title} : "word"` (column names come from the caller)
/// - group of alternatives: `("a" OR "b")`; groups joined with ` AND `
/// - exclusions: `positive NOT excl` or `positive NOT (e1 OR e2)`; a multi-group positive part
///   is parenthesized first: `("a" AND "b") NOT "c"`.
extension ParsedQuery {
    /// The MATCH expression for the positive part, minus the exclusions; nil when there is no
    /// positive clause (then browse, and use `exclusionExpression(columns:)` with
    /// `rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)` if there are exclusions).
    ///
    /// `columns` maps each field to its FTS5 column name, e.g.
    /// `[.title: "title", .keywords: "keywords"]`; a field without a column is not restricted.
    public func fts5Expression(columns: [Field: String]) -> String? {
        let positive = groups.compactMap { group -> String? in
            let alternatives = group.alternatives.compactMap { Self.compile($0, columns: columns) }
            switch alternatives.count {
            case 0: return nil
            case 1: return alternatives[0]
            default: return "(" + alternatives.joined(separator: " OR ") + ")"
            }
        }
        guard !positive.isEmpty else { return nil }
        var expression = positive.joined(separator: " AND ")
        let excluded = exclusions.compactMap { Self.compile($0, columns: columns) }
        if !excluded.isEmpty {
            if positive.count > 1 { expression = "(" + expression + ")" }
            let right = excluded.count == 1 ? excluded[0] : "(" + excluded.joined(separator: " OR ") + ")"
            expression += " NOT " + right
        }
        return expression
    }

    /// The exclusions alone, ORed (`"a" OR {title} : "b c"`); nil when there are none.
    /// Meant for `rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)`.
    public func exclusionExpression(columns: [Field: String]) -> String? {
        let excluded = exclusions.compactMap { Self.compile($0, columns: columns) }
        return excluded.isEmpty ? nil : excluded.joined(separator: " OR ")
    }

    /// An FTS5 string literal holding `text`: quotes doubled, control characters as spaces.
    public static func fts5Literal(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        view.append("\"")
        for scalar in text.unicodeScalars {
            if scalar == "\"" {
                view.append("\"")
                view.append("\"")
            } else if scalar.properties.generalCategory == .control {
                view.append(" ")
            } else {
                view.append(scalar)
            }
        }
        view.append("\"")
        return String(view)
    }

    private static func compile(_ clause: Clause, columns: [Field: String]) -> String? {
        let body: String
        switch clause.operand {
        case .term(let word, let prefix):
            guard !word.isEmpty else { return nil }
            body = fts5Literal(word) + (prefix ? " *" : "")
        case .phrase(let words):
            let kept = words.filter { !$0.isEmpty }
            guard !kept.isEmpty else { return nil }
            body = fts5Literal(kept.joined(separator: " "))
        }
        guard let field = clause.field, let column = columns[field] else { return body }
        return "{" + columnName(column) + "} : " + body
    }

    /// A column name as an FTS5 bareword when it is one, else as a string literal.
    private static func columnName(_ name: String) -> String {
        let bareword = !name.isEmpty
            && !["AND", "OR", "NOT", "NEAR"].contains(name)
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.value >= 0x80 || scalar == "_"
                    || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            }
        return bareword ? name : fts5Literal(name)
    }
}

extension ParsedQuery {
    /// One key per FTS5 phrase of an expression this file compiles, in FTS5's phrase order (the
    /// order the string literals are written in): the literal, `*` when it is a prefix, and the
    /// column filters around it, so that equal keys count the same rows. Nil for anything
    /// else (a bareword, NEAR, `^`...): then nothing is keyed.
    static func phraseKeys(of expression: String) -> [String]? {
        let scalars = Array(expression.unicodeScalars)
        var keys: [String] = []
        // Column filters of the enclosing groups; nil for plain parentheses.
        var groups: [String?] = []
        var pendingFilter: String?
        var index = 0
        func skipSpaces() { while index < scalars.count, scalars[index] == " " { index += 1 } }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ":
                index += 1
            case "\"":
                var literal = String.UnicodeScalarView()
                index += 1
                while true {
                    guard index < scalars.count else { return nil }
                    if scalars[index] == "\"" {
                        if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                            literal.append("\"")
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    literal.append(scalars[index])
                    index += 1
                }
                skipSpaces()
                var prefix = false
                if index < scalars.count, scalars[index] == "*" { prefix = true; index += 1 }
                let filters = (groups.compactMap { $0 } + [pendingFilter].compactMap { $0 }).joined(separator: "/")
                keys.append(filters + "|" + String(literal) + (prefix ? "*" : ""))
                pendingFilter = nil
            case "{":
                guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                let filter = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                index = close + 1
                skipSpaces()
                guard index < scalars.count, scalars[index] == ":" else { return nil }
                index += 1
                skipSpaces()
                guard index < scalars.count else { return nil }
                if scalars[index] == "(" {
                    groups.append(filter)
                    index += 1
                } else {
                    pendingFilter = filter
                }
            case "(":
                groups.append(nil)
                index += 1
            case ")":
                guard !groups.isEmpty else { return nil }
                groups.removeLast()
                index += 1
            default:
                var word = ""
                while index < scalars.count, !" ()\"{".unicodeScalars.contains(scalars[index]) {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard ["AND", "OR", "NOT"].contains(word) else { return nil }
            }
        }
        return groups.isEmpty ? keys : nil
    }
}
