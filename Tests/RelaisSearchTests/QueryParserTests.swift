import Foundation
import Testing
@testable import RelaisSearch
import RelaisTestSupport

private typealias Q = ParsedQuery
private let columns: [ParsedQuery.Field: String] = [.title: "title", .keywords: "keywords"]

private func parse(_ text: String) throws(QueryError) -> ParsedQuery {
    try ParsedQuery(parsing: text)
}

private func fts(_ text: String) throws(QueryError) -> String? {
    try parse(text).fts5Expression(columns: columns)
}

private func group(_ clauses: ParsedQuery.Clause...) -> ParsedQuery.Group {
    ParsedQuery.Group(clauses)
}

private func words(_ words: String...) -> ParsedQuery {
    ParsedQuery(groups: words.map { ParsedQuery.Group([.term($0)]) })
}

// MARK: - Syntax

@Suite struct QueryParserSyntaxTests {
    @Test func wordsAreANDedAndKeptAsTyped() throws {
        #expect(try parse("évaluation Fractions 5e primaire") == words("évaluation", "Fractions", "5e", "primaire"))
        #expect(try parse("  l'école   d'autrefois ") == words("l'école", "d'autrefois"))
        #expect(try parse("e-mail peut-être") == words("e-mail", "peut-être"))
        #expect(try parse("aujourd’hui") == words("aujourd’hui"))
    }

    @Test func phrases() throws {
        #expect(try parse("\"cycle de l'eau\" sciences")
            == Q(groups: [group(.phrase(["cycle", "de", "l'eau"])), group(.term("sciences"))]))
        // An unclosed quote closes at the end of the input.
        #expect(try parse("sciences \"cycle de l'eau") == Q(groups: [group(.term("sciences")), group(.phrase(["cycle", "de", "l'eau"]))]))
        // A quote ends a word and starts a phrase.
        #expect(try parse("abc\"def ghi\"jkl") == Q(groups: [group(.term("abc")), group(.phrase(["def", "ghi"])), group(.term("jkl"))]))
        // Spaces inside a phrase are collapsed; punctuation-only words are dropped.
        #expect(try parse("\"  pomme   -  de\tterre \"") == Q(groups: [group(.phrase(["pomme", "de", "terre"]))]))
        #expect(try parse("\"OR\" \"a|b\"") == Q(groups: [group(.phrase(["OR"])), group(.phrase(["a|b"]))]))
    }

    @Test func exclusions() throws {
        #expect(try parse("fractions -décimales") == Q(groups: [group(.term("fractions"))], exclusions: [.term("décimales")]))
        #expect(try parse("-\"une phrase\" -titre:mot")
            == Q(exclusions: [.phrase(["une", "phrase"]), .term("mot", field: .title)]))
        #expect(try parse("a -bi*") == Q(groups: [group(.term("a"))], exclusions: [.term("bi", prefix: true)]))
        // A hyphen inside a word or a dash alone is no exclusion.
        #expect(try parse("e-mail - x") == words("e-mail", "x"))
        #expect(try parse("--mot") == Q(exclusions: [.term("-mot")]))
    }

    @Test func exclusionsOnlyIsBrowseMinusThose() throws {
        let query = try parse("-violence -\"contenu adulte\"")
        #expect(!query.isEmpty)
        #expect(!query.hasPositiveClause)
        #expect(query.fts5Expression(columns: columns) == nil)
        #expect(query.exclusionExpression(columns: columns) == "\"violence\" OR \"contenu adulte\"")
        #expect(query.positiveWords.isEmpty)
        #expect(query.excludedWords == ["violence", "contenu", "adulte"])
    }

    @Test func or() throws {
        #expect(try parse("chat OR chien souris") == Q(groups: [group(.term("chat"), .term("chien")), group(.term("souris"))]))
        #expect(try parse("a OR b OR c") == Q(groups: [group(.term("a"), .term("b"), .term("c"))]))
        #expect(try parse("a | b|c") == Q(groups: [group(.term("a"), .term("b"), .term("c"))]))
        #expect(try parse("\"a b\" OR titre:c") == Q(groups: [group(.phrase(["a", "b"]), .term("c", field: .title))]))
        // Lowercase or is a word (French: "or", gold).
        #expect(try parse("l'or des Incas or") == words("l'or", "des", "Incas", "or"))
        // An OR without a positive clause on both sides is ignored.
        #expect(try parse("a OR") == words("a"))
        #expect(try parse("OR b") == words("b"))
        #expect(try parse("a OR OR b") == Q(groups: [group(.term("a"), .term("b"))]))
        #expect(try parse("a OR -b c") == Q(groups: [group(.term("a")), group(.term("c"))], exclusions: [.term("b")]))
        #expect(try parse("-a OR b") == Q(groups: [group(.term("b"))], exclusions: [.term("a")]))
        #expect(try parse("OR").isEmpty)
        // Punctuation-only words are invisible to OR.
        #expect(try parse("a OR % b") == Q(groups: [group(.term("a"), .term("b"))]))
    }

    @Test func prefix() throws {
        #expect(try parse("bio*") == Q(groups: [group(.term("bio", prefix: true))]))
        #expect(try parse("bio**") == Q(groups: [group(.term("bio", prefix: true))]))
        #expect(try parse("é*") == words("é"))
        #expect(try parse("a*") == words("a"))
        #expect(try parse("*abc") == words("*abc"))
        #expect(try parse("ab*cd") == words("ab*cd"))
        #expect(try parse("*").isEmpty)
        #expect(try parse("**").isEmpty)
        #expect(try parse("titre:géo*") == Q(groups: [group(.term("géo", prefix: true, field: .title))]))
    }

    @Test func fields() throws {
        for spelling in ["titre", "Titre", "TITRE", "title", "titres"] {
            #expect(try parse("\(spelling):eau") == Q(groups: [group(.term("eau", field: .title))]), "\(spelling)")
        }
        for spelling in ["motcle", "motclé", "MotClé", "mots-cles", "Mots-Clés", "motscles", "mot-clé", "keyword", "keywords"] {
            #expect(try parse("\(spelling):eau") == Q(groups: [group(.term("eau", field: .keywords))]), "\(spelling)")
        }
        #expect(try parse("titre:\"cycle de l'eau\"") == Q(groups: [group(.phrase(["cycle", "de", "l'eau"], field: .title))]))
        #expect(try parse("titre:a:b") == Q(groups: [group(.term("a:b", field: .title))]))
        // A field with nothing after it is ignored.
        #expect(try parse("titre: eau") == words("eau"))
        #expect(try parse("titre:").isEmpty)
        #expect(try parse("titre:\"").isEmpty)
    }

    @Test func unknownFields() throws {
        #expect(throws: QueryError.unknownField(name: "auteur", known: ["titre", "motcle"])) { try parse("fractions auteur:dupont") }
        #expect(throws: QueryError.unknownField(name: "Auteur", known: ["titre", "motcle"])) { try parse("Auteur:\"Jean Dupont\"") }
        #expect(throws: QueryError.unknownField(name: "auteur", known: ["titre", "motcle"])) { try parse("-auteur:dupont") }
        #expect(throws: QueryError.unknownField(name: "a", known: ["titre", "motcle"])) { try parse("a:b") }
        // Not a field: not purely letters, or nothing word-like after the colon.
        #expect(try parse("http://exemple.be 12:30 auteur: x1:y mots-clefs:x") == words("http://exemple.be", "12:30", "auteur:", "x1:y", "mots-clefs:x"))
        #expect(try parse("heure:") == words("heure:"))
    }

    @Test func ordinaryText() throws {
        #expect(try parse("AND NOT and not NEAR(a b) NEAR") == words("AND", "NOT", "and", "not", "NEAR(a", "b)", "NEAR"))
        #expect(try parse("c++ 100% ^a {a} (a OR b)") == Q(groups: [
            group(.term("c++")), group(.term("100%")), group(.term("^a")), group(.term("{a}")),
            group(.term("(a"), .term("b)")),
        ]))
        #expect(try parse("^ : { } ( ) % + = ; ! ? …").isEmpty)
    }

    @Test func controlCharactersAreSpaces() throws {
        #expect(try parse("a\u{0}b\tc\nd\r\ne\u{7F}f\u{85}g\u{200B}h\u{FEFF}") == words("a", "b", "c", "d", "e", "f", "g", "h"))
        #expect(try parse("\u{0}").isEmpty)
        #expect(try parse("\u{1}\u{2}\u{1B}[31m").isEmpty == false) // "[31m" has digits
    }

    @Test func emptyQueriesBrowse() throws {
        for text in ["", " ", "\t\n", "\"", "\"\"", "\"\"\"", "*", "**", "-", "--", "-\"", ":", "titre:", "OR", "|", "🙂 🎉", "'", "- * : \" |"] {
            let query = try parse(text)
            #expect(query.isEmpty, "\(text.debugDescription)")
            #expect(query.fts5Expression(columns: columns) == nil)
            #expect(query.exclusionExpression(columns: columns) == nil)
            #expect(query.description == "")
        }
    }

    @Test func unicode() throws {
        #expect(try parse("שלום עולם") == words("שלום", "עולם"))
        #expect(try parse("مرحبا -عالم") == Q(groups: [group(.term("مرحبا"))], exclusions: [.term("عالم")]))
        #expect(try parse("🙂école🙂 👩‍👩‍👧") == words("🙂école🙂"))
        // Decomposed accents stay as typed.
        #expect(try parse("e\u{301}cole").positiveWords.first?.unicodeScalars.count == 6)
        #expect(try parse("l'") == words("l'"))
        #expect(try parse("'").isEmpty)
    }
}

// MARK: - Limits and errors

@Suite struct QueryParserLimitTests {
    @Test func tooLong() throws {
        let tenKB = String(repeating: "fractions ", count: 1024)
        #expect(throws: QueryError.tooLong(limit: 1000)) { try parse(tenKB) }
        #expect(throws: QueryError.tooLong(limit: 1000)) { try parse(String(repeating: "a", count: 1001)) }
        // Exactly at the limit, and trimming does not count.
        let padded = String(repeating: " ", count: 5000) + String(repeating: "a", count: 1000) + "\n\t "
        #expect(try parse(padded).positiveWords.first?.count == 1000)
        #expect(throws: QueryError.tooLong(limit: 1000)) { try parse(String(repeating: "é", count: 2000)) }
    }

    @Test func tooManyTerms() throws {
        let forty = (1...40).map { "mot\($0)" }.joined(separator: " ")
        #expect(throws: QueryError.tooManyTerms(limit: 32)) { try parse(forty) }
        let thirtyTwo = (1...32).map { "mot\($0)" }.joined(separator: " ")
        #expect(try parse(thirtyTwo).positiveWords.count == 32)
        // Phrase words and exclusions count; punctuation does not.
        let phrase = "\"" + (1...30).map { "m\($0)" }.joined(separator: " ") + "\" -a -b -c"
        #expect(throws: QueryError.tooManyTerms(limit: 32)) { try parse(phrase) }
        #expect(try parse(thirtyTwo + String(repeating: " * -", count: 50)).positiveWords.count == 32)
    }

    @Test func frenchMessages() {
        #expect(QueryError.tooLong(limit: 1000).description == "la requête dépasse 1000 caractères : raccourcissez-la")
        #expect(QueryError.tooManyTerms(limit: 32).description == "la requête contient plus de 32 mots : retirez-en quelques-uns")
        #expect(QueryError.unknownField(name: "auteur", known: ["titre", "motcle"]).description
            == "champ inconnu « auteur » : utilisez titre: ou motcle:")
        #expect(QueryError.unknownField(name: "x", known: ["a", "b", "c"]).description == "champ inconnu « x » : utilisez a:, b: ou c:")
        #expect(QueryError.tooLong(limit: 1000).code == "query-too-long")
    }
}

// MARK: - FTS5

@Suite struct QueryParserFTS5Tests {
    @Test func exactExpressions() throws {
        let cases: [(String, String?)] = [
            ("fractions", #""fractions""#),
            ("évaluation fractions 5e", #""évaluation" AND "fractions" AND "5e""#),
            ("bio*", #""bio" *"#),
            ("\"cycle de l'eau\"", #""cycle de l'eau""#),
            ("chat OR chien souris", #"("chat" OR "chien") AND "souris""#),
            ("titre:eau motcle:\"calcul mental\"", #"{title} : "eau" AND {keywords} : "calcul mental""#),
            ("titre:géo* OR histoire", #"({title} : "géo" * OR "histoire")"#),
            ("fractions -décimales", #""fractions" NOT "décimales""#),
            ("a b -c -\"d e\" -titre:f", #"("a" AND "b") NOT ("c" OR "d e" OR {title} : "f")"#),
            ("-c", nil),
            ("NEAR(a b) AND c++", #""NEAR(a" AND "b)" AND "AND" AND "c++""#),
            ("{title}:x", #""{title}:x""#),
            ("\"", nil),
        ]
        for (input, expected) in cases {
            #expect(try fts(input) == expected, "\(input)")
        }
    }

    @Test func quotesAreDoubledAndControlsBlanked() {
        #expect(Q.fts5Literal("a\"b") == #""a""b""#)
        #expect(Q.fts5Literal("\"") == #""""""#)
        #expect(Q.fts5Literal("a\u{0}b") == #""a b""#)
        // A replacement word cannot break out of its literal either.
        let query = words("x").replacingWord(at: 0, with: "\" OR NEAR(")
        #expect(query.fts5Expression(columns: columns) == #"""" OR NEAR(""#)
    }

    @Test func columnsFromTheCaller() throws {
        let query = try parse("titre:a motcle:b")
        #expect(query.fts5Expression(columns: [.title: "t"]) == #"{t} : "a" AND "b""#)
        #expect(query.fts5Expression(columns: [.title: "my col", .keywords: "NOT"]) == #"{"my col"} : "a" AND {"NOT"} : "b""#)
    }
}

// MARK: - Rewriting

@Suite struct QueryParserRewriteTests {
    @Test func positiveWordsInOrder() throws {
        let query = try parse("a \"b c\" OR d -e titre:f*")
        #expect(query.positiveWords == ["a", "b", "c", "d", "f"])
        #expect(query.excludedWords == ["e"])
    }

    @Test func replacingWords() throws {
        let query = try parse("dyslexy \"lecture rapid\" OR titre:geo*")
        #expect(query.replacingWord(at: 0, with: "dyslexie") == (try parse("dyslexie \"lecture rapid\" OR titre:geo*")))
        #expect(query.replacingWord(at: 2, with: "rapide") == (try parse("dyslexy \"lecture rapide\" OR titre:geo*")))
        #expect(query.replacingWord(at: 3, with: "géographie") == (try parse("dyslexy \"lecture rapid\" OR titre:géographie*")))
        #expect(query.replacingWord(at: 4, with: "x") == query)
        #expect(query.replacingWord(at: -1, with: "x") == query)
        #expect(query.replacingWord(at: 0, with: "  ") == (try parse("\"lecture rapid\" OR titre:geo*")))
    }

    @Test func droppingWords() throws {
        let query = try parse("a \"b c\" OR d -e")
        #expect(query.droppingWord(at: 0) == (try parse("\"b c\" OR d -e")))
        #expect(query.droppingWord(at: 1) == (try parse("a \"c\" OR d -e")))
        #expect(query.droppingWord(at: 3) == (try parse("a \"b c\" -e")))
        #expect(query.droppingWord(at: 9) == query)
        #expect(words("a").droppingWord(at: 0).isEmpty)
        #expect((try parse("a -b")).droppingWord(at: 0) == Q(exclusions: [.term("b")]))
    }

    @Test func removingStopwordsNeverRemovesEverything() throws {
        let stop: Set<String> = ["le", "la", "de", "du", "des", "l'"]
        let query = try parse("le cycle de l'eau")
        #expect(query.removingWords(where: stop.contains) == words("cycle", "l'eau"))
        #expect((try parse("le de")).removingWords(where: stop.contains) == (try parse("le de")))
        #expect((try parse("le -la")).removingWords(where: stop.contains) == (try parse("le -la")))
        // Phrase words and exclusions are kept.
        #expect((try parse("le \"pomme de terre\" -la")).removingWords(where: stop.contains) == (try parse("\"pomme de terre\" -la")))
        #expect((try parse("le OR chat des")).removingWords(where: stop.contains) == words("chat"))
    }

    @Test func descriptionIsCanonical() throws {
        let query = try parse("  Titre:\"cycle  de l'eau\" chat | chien  -souris bio** -mots-clés:x \"ouvert")
        #expect(query.description == "titre:\"cycle de l'eau\" chat OR chien bio* \"ouvert\" -souris -motcle:x")
        #expect(try parse(query.description) == query)
    }
}

// MARK: - Nasty inputs and random strings

/// Checks that an FTS5 expression only holds our own syntax outside string literals:
/// balanced literals, balanced parentheses and braces, only AND/OR/NOT and column names as words.
private func checkFTS5Syntax(_ expression: String, columnNames: Set<String>) -> String? {
    let s = Array(expression.unicodeScalars)
    var i = 0
    var depth = 0
    var inBraces = false
    while i < s.count {
        let c = s[i]
        switch c {
        case "\"":
            i += 1
            while true {
                guard i < s.count else { return "unterminated literal" }
                if s[i] == "\"" {
                    if i + 1 < s.count, s[i + 1] == "\"" { i += 2; continue }
                    break
                }
                i += 1
            }
            i += 1
            continue
        case " ", ":", "*":
            break
        case "(":
            depth += 1
        case ")":
            depth -= 1
            if depth < 0 { return "unbalanced )" }
        case "{":
            if inBraces { return "nested {" }
            inBraces = true
        case "}":
            if !inBraces { return "unbalanced }" }
            inBraces = false
        default:
            var j = i
            while j < s.count, !" \"():*{}".unicodeScalars.contains(s[j]) { j += 1 }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: s[i..<j])
            let word = String(view)
            if inBraces {
                if !columnNames.contains(word) { return "unknown column \(word)" }
            } else if !["AND", "OR", "NOT"].contains(word) {
                return "bare word \(word.debugDescription)"
            }
            i = j
            continue
        }
        i += 1
    }
    if depth != 0 { return "unbalanced (" }
    if inBraces { return "unbalanced {" }
    if expression.unicodeScalars.filter({ $0 == "\"" }).count % 2 != 0 { return "odd quote count" }
    return nil
}


private let nastyInputs: [String] = [
    "\"", "\"\"", "\"\"\"", "*", "**", "-", "--", "-\"", "NEAR(", "NEAR(a b)", "AND", "OR", "a OR", "OR b",
    "a OR OR b", "NOT a", "c++", "100%", "^a", "a:b", ":", "titre:", "titre:\"", "{a}", "(a OR b)",
    "'", "l'", "\u{0}", "a\u{0}b", "\u{1}\u{2}\u{3}", "🙂", "👩‍👩‍👧 école", "שלום", "مرحبا بالعالم", "\u{202E}abc\u{202C}",
    "\"\u{301}a\"\u{301}", "e\u{301}\u{301}\u{301}", "a\"b\"c\"d", "-titre:\"x", "titre:-x", "|||", "a||b", "- -", "-|a",
    "*abc*", "ab*", "\"a b\"*", "x AND y OR z NOT w", "a NEAR/3 b", "col:val", "title:x", "keywords:y", "rowid:1",
    "\"a\" \"\"b\"\"", "{title}: x", "\\\"", "%%%%", "a\u{2028}b", "'\"'\"'", "NEAR(\"a\" \"b\", 3)",
]

@Suite struct QueryParserRobustnessTests {
    let columnNames: Set<String> = ["title", "keywords"]

    private func checkOrThrow(_ text: String) -> Result<ParsedQuery, QueryError> {
        do {
            return .success(try parse(text))
        } catch {
            return .failure(error)
        }
    }

    private func checkExpressions(of query: ParsedQuery, input: String, into dump: inout [[String]]) {
        let positive = query.fts5Expression(columns: columns)
        let exclusions = query.exclusionExpression(columns: columns)
        #expect(positive != nil || !query.hasPositiveClause, "\(input.debugDescription)")
        #expect(exclusions != nil || query.exclusions.isEmpty, "\(input.debugDescription)")
        for expression in [positive, exclusions].compactMap({ $0 }) {
            let problem = checkFTS5Syntax(expression, columnNames: columnNames)
            #expect(problem == nil, "\(input.debugDescription) -> \(expression): \(problem ?? "")")
            dump.append([input, expression])
        }
        #expect(query.positiveWords.count + query.excludedWords.count <= ParsedQuery.maximumWords)
        #expect(query.positiveWords.allSatisfy { !$0.isEmpty && !$0.contains(" ") && !$0.contains("\"") })
        // Canonical text parses back to the same query.
        #expect((try? parse(query.description)) == query, "\(input.debugDescription) -> \(query.description)")
        // Rewrites stay total.
        for index in -1...query.positiveWords.count {
            _ = query.droppingWord(at: index).fts5Expression(columns: columns)
            _ = query.replacingWord(at: index, with: "\"x\"").fts5Expression(columns: columns)
        }
        let kept = query.removingWords { $0.count < 4 }
        #expect(kept.hasPositiveClause == query.hasPositiveClause)
    }

    @Test func nastyInputsNeverEscape() throws {
        var dump: [[String]] = []
        for text in nastyInputs {
            switch checkOrThrow(text) {
            case .success(let query): checkExpressions(of: query, input: text, into: &dump)
            case .failure(let error): #expect(!error.description.isEmpty)
            }
        }
        #expect(throws: QueryError.self) { try parse(String(repeating: "€uro ", count: 2048)) }
        try writeDump(dump, name: "nasty")
    }

    @Test func randomStrings() throws {
        let pieces: [String] = [
            "\"", "\"", "\"", "*", "*", "-", "-", "--", ":", ":", "(", ")", "{", "}", "|", "^", "%", "+", "'", "’",
            " ", " ", " ", " ", " ", "  ", "\t", "\n", "\u{0}", "\u{7}", "\u{200B}", "\u{202E}",
            "OR", "OR", "AND", "NOT", "NEAR(", "NEAR", "or", "and",
            "a", "b", "é", "è", "à", "ç", "œ", "ï", "E\u{301}", "\u{301}", "x", "zz", "école", "l'", "d'", "c++", "100", "5e", "P5",
            "titre:", "motcle:", "Mots-Clés:", "auteur:", "title:", "http://", "12:30",
            "🙂", "👩‍👩‍👧", "שלום", "مرحبا", "日本", "\u{10FFFF}", "\u{E000}",
        ]
        var generator = SplitMix64(seed: 0x5EED_0F_2024)
        var outcomes = (parsed: 0, empty: 0, tooLong: 0, tooMany: 0, unknownField: 0)
        var dump: [[String]] = []
        for round in 0..<5000 {
            let length = round % 100 == 0 ? Int.random(in: 300...700, using: &generator) : Int.random(in: 0...24, using: &generator)
            var text = ""
            for _ in 0..<length { text += pieces.randomElement(using: &generator)! }
            switch checkOrThrow(text) {
            case .success(let query):
                outcomes.parsed += 1
                if query.isEmpty { outcomes.empty += 1 }
                checkExpressions(of: query, input: text, into: &dump)
            case .failure(.tooLong): outcomes.tooLong += 1
            case .failure(.tooManyTerms): outcomes.tooMany += 1
            case .failure(.unknownField(let name, _)):
                outcomes.unknownField += 1
                #expect(QueryParser.field(named: name) == nil)
            }
        }
        #expect(outcomes.parsed > 3000)
        #expect(outcomes.tooLong > 0)
        #expect(outcomes.tooMany > 0)
        #expect(outcomes.unknownField > 0)
        try writeDump(dump, name: "random")
    }

    /// With RELAIS_FTS5_DUMP=dir set, writes the generated expressions as JSON so that they can
    /// be run against a real FTS5 table by a script.
    private func writeDump(_ rows: [[String]], name: String) throws {
        guard let directory = ProcessInfo.processInfo.environment["RELAIS_FTS5_DUMP"] else { return }
        let data = try JSONSerialization.data(withJSONObject: rows)
        try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent("\(name).json"))
    }
}
