import Foundation
import Testing

@testable import RelaisText

/// The text of a byte range of `text`'s UTF-8.
func slice(_ text: String, _ start: Int, _ end: Int) -> String {
    let bytes = Array(text.utf8)
    return String(decoding: bytes[start..<end], as: UTF8.self)
}

func terms(_ text: String, forQuery: Bool = false) -> [String] {
    FrenchAnalyzer.tokens(text, forQuery: forQuery).map(\.term)
}

@Suite("French analyzer: normalization, words and offsets")
struct FrenchAnalyzerWordTests {
    @Test("normalize and fold")
    func normalizeAndFold() {
        #expect(FrenchAnalyzer.fold("Œuvre Élève ÉCOLE Ça") == "oeuvre eleve ecole ca")
        #expect(FrenchAnalyzer.fold("Straße, Cæsar, ﬁn") == "strasse, caesar, fin")
        #expect(FrenchAnalyzer.fold("e\u{301}cole") == "ecole")
        #expect(FrenchAnalyzer.fold("L’Haÿ-les-Roses") == "l'hay-les-roses")
        #expect(FrenchAnalyzer.normalize("L’Œuvre d‘Ève") == "l'oeuvre d'ève")
        #expect(FrenchAnalyzer.normalize("E\u{301}TE\u{301} c\u{327}a") == "été ça")
        #expect(FrenchAnalyzer.normalize("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ") == "àâäçéèêëîïôöùûüÿ")
        #expect(FrenchAnalyzer.fold("àâäçéèêëîïôöùûüÿñ") == "aaaceeeeiioouuuyn")
    }

    @Test("combining accents compose: decomposed and precomposed text index alike")
    func combining() {
        let decomposed = "E\u{301}le\u{300}ve, franc\u{327}ais, i\u{302}le, nai\u{308}f"
        let precomposed = "Élève, français, île, naïf"
        #expect(terms(decomposed) == terms(precomposed))
        #expect(FrenchAnalyzer.words(decomposed).map(\.normalized) == ["élève", "français", "île", "naïf"])
    }

    @Test("words split on everything but letters and digits")
    func splitting() {
        let w = FrenchAnalyzer.words("Les élèves (P5-P6) : « lecture », 100 % réussite ! émoji😀ici; a_b a.b a/b")
        #expect(w.map(\.normalized) == [
            "les", "élèves", "p5", "p6", "lecture", "100", "réussite", "émoji", "ici", "a", "b", "a", "b", "a", "b",
        ])
        let n = w.first { $0.normalized == "100" }!
        #expect(n.isNumeric && n.hasDigits)
        let p5 = w.first { $0.normalized == "p5" }!
        #expect(p5.hasDigits && !p5.isNumeric && p5.joinedWithNext)
    }

    @Test("every byte range slices the original UTF-8 to the surface word")
    func offsets() {
        let texts = [
            "L’École d’autrefois, aujourd'hui : l'élève et ses e-mails.",
            "😀élève😀 👩‍👩‍👧 Noël! façon—tiret — « guillemets »",
            "e\u{301}cole E\u{301}LE\u{300}VE ca\u{327}a",
            "Qu’il vienne jusqu’à l’arc-en-ciel, peut-être.",
            "P5 CE1D 2024 1ʳᵉ année, 2ᵉ degré, Œuvres, STRAßE",
            "\u{301}orphan mark, soft\u{AD}hyphen, zero\u{200B}width, word\u{200D}joiner",
            "日本語のテキスト, Ελληνικά κείμενα, Русский текст",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            for w in FrenchAnalyzer.words(text) {
                #expect(w.start >= 0 && w.start < w.end && w.end <= bytes.count)
                #expect(slice(text, w.start, w.end) == w.surface, "\(text)")
                #expect(FrenchAnalyzer.normalize(w.surface).replacingOccurrences(of: "\u{AD}", with: "")
                    == w.normalized, "\(w.surface)")
            }
            let wordRanges = FrenchAnalyzer.words(text).map { [$0.start, $0.end] }
            for t in FrenchAnalyzer.tokens(text) {
                #expect(t.start >= 0 && t.start < t.end && t.end <= bytes.count)
                // a word's range, or a compound's range (first part's start to last part's end)
                let ok = wordRanges.contains([t.start, t.end])
                    || (wordRanges.contains { $0[0] == t.start } && wordRanges.contains { $0[1] == t.end } && t.colocated)
                #expect(ok, "\(t) in \(text)")
            }
        }
    }

    @Test("offsets with accents, emoji, combining characters and ’")
    func offsetExamples() {
        let text = "😀 L’École e\u{301}te\u{301} peut-être"
        let toks = FrenchAnalyzer.tokens(text)
        let surfaces = toks.map { slice(text, $0.start, $0.end) }
        #expect(toks.map(\.term) == ["ecol", "ete", "peut", "peutetr", "etre"])
        #expect(surfaces == ["École", "e\u{301}te\u{301}", "peut", "peut-être", "être"])
        #expect(toks.map(\.colocated) == [false, false, false, true, false])
        #expect(toks[0].start == 9)  // 4 (emoji) + 1 + 1 (L) + 3 (’)
    }
}

@Suite("French analyzer: elision, compounds, numbers, stop words")
struct FrenchAnalyzerRuleTests {
    @Test("elided heads are dropped")
    func elision() {
        #expect(terms("l'école") == ["ecol"])
        #expect(terms("L’École") == ["ecol"])
        #expect(terms("qu'il") == ["il"])
        #expect(terms("QU’ELLE") == ["elle"])
        #expect(terms("d'autrefois") == ["autrefois"])
        #expect(terms("j'ai m'a n'est s'il t'aime c'est") == ["ai", "a", "est", "il", "aim", "est"])
        #expect(terms("jusqu'à lorsqu'on puisqu'elle quoiqu'il") == ["a", "on", "elle", "il"])
        #expect(FrenchAnalyzer.words("l'école").map(\.surface) == ["école"])
        // not heads: kept, and joined
        #expect(terms("aujourd'hui") == ["aujourd", "aujourdhui", "hui"])
        #expect(terms("d’aujourd’hui") == ["aujourd", "aujourdhui", "hui"])
        #expect(terms("presqu'île") == ["presqu", "presquil", "ile"])
        // an apostrophe not between two words is a separator
        #expect(terms("l' école 'ecole' l’") == ["l", "ecol", "ecol", "l"])
        #expect(FrenchAnalyzer.queryTerm("l'école") == "ecol")
    }

    @Test("hyphenated words also give their joined form, colocated with the first part")
    func compounds() {
        let t = FrenchAnalyzer.tokens("e-mail")
        #expect(t.map(\.term) == ["e", "email", "mail"])
        #expect(t.map(\.colocated) == [false, true, false])
        #expect(t[1].start == 0 && t[1].end == 6)
        #expect(terms("arc-en-ciel") == ["arc", "arcenciel", "en", "ciel"])
        #expect(terms("peut-être") == ["peut", "peutetr", "etre"])
        #expect(terms("Peut‑être") == ["peut", "peutetr", "etre"])  // non-breaking hyphen
        // query side: parts only
        #expect(terms("e-mail", forQuery: true) == ["e", "mail"])
        #expect(FrenchAnalyzer.queryTerm("e-mail") == "email")
        #expect(FrenchAnalyzer.words("e-mail").map(\.joinedWithNext) == [true, false])
        // two hyphens, a dash, or spaces do not link
        #expect(terms("a--b c – d e - f") == ["a", "b", "c", "d", "e", "f"])
        // over-long runs are split without a joined form
        let long = Array(repeating: "ab", count: 20).joined(separator: "-")
        #expect(terms(long).count == 20)
    }

    @Test("numbers and codes are lower-cased and folded, not stemmed")
    func numbers() {
        #expect(terms("P5 CE1D CEB 2024 1ère 3e") == ["p5", "ce1d", "ceb", "2024", "1ere", "3e"])
        #expect(terms("1ʳᵉ 2ᵉ") == ["1re", "2e"])
        #expect(FrenchAnalyzer.queryTerm("CE1D") == "ce1d")
        #expect(FrenchAnalyzer.queryTerm("2024") == "2024")
        #expect(terms("classes2024") == ["classes2024"])
        let w = FrenchAnalyzer.words("P5 2024")
        #expect(w.map(\.hasDigits) == [true, true])
        #expect(w.map(\.isNumeric) == [false, true])
    }

    @Test("Snowball stop words, with or without accents, query side only")
    func stopwords() {
        for s in ["le", "Les", "de", "des", "à", "a", "même", "meme", "qu", "l", "étaient", "etaient", "cette", "sans"] {
            #expect(FrenchAnalyzer.isStopword(s), "\(s)")
        }
        for s in ["école", "été", "est", "avions", "son", "dyslexie", "lecture", ""] {
            #expect(!FrenchAnalyzer.isStopword(s), "\(s)")
        }
        #expect(FrenchStopwords.list.count == 154)
        #expect(Set(FrenchStopwords.list).count == 154)
        // never removed from the index
        #expect(terms("le chat et la souris") == ["le", "chat", "et", "la", "sour"])
        // matching ignores stop words, unless the query has nothing else
        #expect(FrenchAnalyzer.matches(query: "la lecture", document: "apprendre à lire: lecture"))
        #expect(FrenchAnalyzer.matches(query: "le", document: "le chat"))
        #expect(!FrenchAnalyzer.matches(query: "le la", document: "chat"))
    }

    @Test("empty, whitespace, control characters, invalid UTF-8 and 10 kB inputs do not crash")
    func robustness() {
        var inputs = [
            "", " ", "\t\n\r", "\u{0}\u{1}\u{7F}\u{1B}[0m", "''''", "----", "-'-'-", "l'", "'l", "qu'", "a-",
            "\u{301}\u{302}", "\u{AD}\u{200D}", String(repeating: "😀", count: 500),
            String(repeating: "é", count: 10_000), String(repeating: "a-", count: 5_000),
            String(repeating: "l'", count: 5_000), String(repeating: "e\u{301}", count: 5_000),
            String(repeating: "aujourd'hui ", count: 900), String(repeating: "ë", count: 3_000),
        ]
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("aeiouyéèêëïîôûùçœæß'’-‐ \t\n.,;:!?«»()0123456789ABCÉÈQUqu😀\u{301}\u{0}")
        for _ in 0..<20 {
            inputs.append(String((0..<10_000).map { _ in alphabet.randomElement(using: &rng)! }))
        }
        for text in inputs {
            let n = text.utf8.count
            for forQuery in [false, true] {
                for t in FrenchAnalyzer.tokens(text, forQuery: forQuery) {
                    #expect(t.start >= 0 && t.start < t.end && t.end <= n && !t.term.isEmpty)
                }
            }
            _ = FrenchAnalyzer.words(text)
            _ = FrenchAnalyzer.queryTerms(text)
            _ = FrenchAnalyzer.fold(text)
            _ = FrenchAnalyzer.isStopword(text)
        }
        // raw bytes, including invalid UTF-8
        for _ in 0..<50 {
            let bytes = (0..<4_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.withUnsafeBufferPointer { buf in
                FrenchAnalyzer.tokenize(buf, forQuery: false) { term, start, end, _ in
                    #expect(start >= 0 && start < end && end <= buf.count && term.count > 0)
                    // terms are valid UTF-8
                    #expect(String(validating: term, as: UTF8.self) != nil)
                    return true
                }
            }
        }
        // an empty buffer without a base address
        FrenchAnalyzer.tokenize(UnsafeBufferPointer(start: nil, count: 0), forQuery: false) { _, _, _, _ in
            Issue.record("no token expected")
            return true
        }
        // emit can stop the tokenizer
        var seen = 0
        let text = "un deux trois quatre"
        var copy = text
        copy.withUTF8 { buf in
            FrenchAnalyzer.tokenize(buf, forQuery: false) { _, _, _, _ in
                seen += 1
                return seen < 2
            }
        }
        #expect(seen == 2)
    }
}

@Suite("French analyzer: accents and stemming are symmetric")
struct FrenchAnalyzerMatchingTests {
    func expectMatchBothWays(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(FrenchAnalyzer.matches(query: a, document: b), "\(a) -> \(b)", sourceLocation: sourceLocation)
        #expect(FrenchAnalyzer.matches(query: b, document: a), "\(b) -> \(a)", sourceLocation: sourceLocation)
    }

    @Test("école, ecole, écoles, ECOLE all match each other")
    func ecole() {
        let forms = ["école", "ecole", "écoles", "ECOLE", "Écoles", "ecoles", "E\u{301}COLE"]
        for a in forms {
            for b in forms { expectMatchBothWays(a, b) }
        }
    }

    @Test("accent, case, plural and stem variants")
    func variants() {
        expectMatchBothWays("évaluation", "evaluations")
        expectMatchBothWays("Évaluations", "évaluer")
        expectMatchBothWays("élève", "eleves")
        expectMatchBothWays("ÉLÈVES", "élève")
        expectMatchBothWays("Fédération", "federation")
        expectMatchBothWays("dyslexie", "dyslexiques")
        expectMatchBothWays("Dyslexie", "DYSLEXIQUE")
        expectMatchBothWays("activité", "activite")
        expectMatchBothWays("activités", "Activite")
        expectMatchBothWays("français", "francais")
        expectMatchBothWays("Noël", "noel")
        expectMatchBothWays("œuvre", "oeuvres")
        expectMatchBothWays("cœur", "coeur")
        expectMatchBothWays("fraction", "fractions")
        expectMatchBothWays("primaire", "primaires")
        #expect(!FrenchAnalyzer.matches(query: "école", document: "collège"))
        #expect(!FrenchAnalyzer.matches(query: "lecture", document: "écriture"))
    }

    @Test("elisions, compounds and phrases")
    func phrases() {
        expectMatchBothWays("l'école d'autrefois", "ecole autrefois")
        expectMatchBothWays("L’École d’autrefois", "les écoles d'autrefois")
        expectMatchBothWays("e-mail", "email")
        expectMatchBothWays("peut-être", "peut etre")
        expectMatchBothWays("peut-être", "peutetre")
        expectMatchBothWays("peut-être", "peutêtre")
        expectMatchBothWays("aujourd'hui", "aujourdhui")
        expectMatchBothWays("arc-en-ciel", "arcenciel")
        #expect(FrenchAnalyzer.matches(query: "evaluation fractions 5e primaire",
                                       document: "Évaluation des fractions en 5e année primaire"))
        #expect(FrenchAnalyzer.matches(query: "l'ecole d'autrefois", document: "L’école d’autrefois (1900-1950)"))
    }

    @Test("an accented query finds text typed without accents through queryTerms")
    func accentedQueryUnaccentedText() {
        // The stemmer treats "activité" (suffix -ité) and "activite" differently:
        #expect(FrenchAnalyzer.queryTerm("activité") == "activ")
        #expect(FrenchAnalyzer.queryTerm("activite") == "activit")
        // so the accented query's second term is the one the unaccented text indexed:
        #expect(FrenchAnalyzer.queryTerms("activité") == ["activ", "activit"])
        #expect(terms("activite") == ["activit"])
        #expect(terms("activité") == ["activ", "activit"])
        #expect(FrenchAnalyzer.tokens("activité").map(\.colocated) == [false, true])
        // query side tokenizer: the primary form only
        #expect(terms("activité", forQuery: true) == ["activ"])
        // unaccented query: one term
        #expect(FrenchAnalyzer.queryTerms("activite") == ["activit"])
    }

    /// The design's claim, over every golden word: when two spellings fold alike, each finds
    /// the other (accents dropped, or only the first accent dropped).
    @Test("every accented golden word matches its unaccented and half-accented spellings")
    func goldenSymmetry() throws {
        let golden = try FrenchStemmerTests.load(FrenchStemmerTests.goldenURL())
        var checked = 0
        var failures: [String] = []
        for (word, _) in golden.pairs where !word.contains("'") && !word.contains("-") {
            let folded = FrenchAnalyzer.fold(word)
            if folded == FrenchAnalyzer.normalize(word) { continue }
            // drop only the first accent
            var half = ""
            var done = false
            for ch in word {
                let f = FrenchAnalyzer.fold(String(ch))
                if !done && f != String(ch) && f.count == 1 {
                    half += f
                    done = true
                } else {
                    half.append(ch)
                }
            }
            for (q, d) in [(folded, word), (word, folded), (half, word), (word, half), (half, folded), (folded, half)]
            where !FrenchAnalyzer.matches(query: q, document: d) {
                failures.append("\(q) -> \(d)")
            }
            checked += 1
        }
        print("accent symmetry: \(checked) accented golden words, \(failures.count) failures")
        #expect(checked > 5_000)
        #expect(failures.isEmpty, "\(failures.prefix(20))")
    }
}

@Suite("French analyzer: throughput")
struct ThroughputTests {
    static let paragraph = """
        L’évaluation des apprentissages en 5e primaire : une séquence de douze leçons sur les fractions, \
        conçue par des enseignants de la Fédération Wallonie-Bruxelles pour les élèves à besoins spécifiques \
        (dyslexie, dyscalculie). Chaque activité propose des exercices différenciés, des aménagements \
        raisonnables et une grille d'évaluation critériée ; les documents sont téléchargeables aujourd'hui \
        au format PDF et peuvent être modifiés librement. Les élèves manipulent, comparent et représentent \
        des fractions, puis résolvent des problèmes de la vie quotidienne : partager une pizza, mesurer \
        des longueurs, lire une recette. Référentiel : compétences initiales, tronc commun, CEB 2024.
        """

    @Test("throughput (printed, not asserted)")
    func throughput() {
        let text = Array(repeating: Self.paragraph, count: 2_000).joined(separator: "\n")
        let words = FrenchAnalyzer.words(Self.paragraph).count * 2_000
        var tokens = 0
        var bytes = 0
        var copy = text
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            copy.withUTF8 { buf in
                FrenchAnalyzer.tokenize(buf, forQuery: false) { term, _, _, _ in
                    tokens += 1
                    bytes &+= term.count
                    return true
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("tokenize (index side): \(words) words, \(tokens) tokens, \(text.utf8.count) bytes in "
            + "\(seconds) s = \(Int(Double(words) / seconds)) words/s, "
            + "\(Int(Double(text.utf8.count) / seconds / 1e6)) MB/s")

        let sample = FrenchAnalyzer.words(Self.paragraph).map(\.normalized)
        var stems = 0
        let stemElapsed = clock.measure {
            for _ in 0..<500 {
                for w in sample { stems &+= FrenchStemmer.stem(w).utf8.count }
            }
        }
        let stemSeconds = Double(stemElapsed.components.seconds) + Double(stemElapsed.components.attoseconds) / 1e18
        print("FrenchStemmer.stem(String): \(Int(Double(sample.count * 500) / stemSeconds)) words/s")
        #expect(tokens >= words)
    }
}

@Suite struct ScalarStringTests {
    /// `FrenchAnalyzer.string` encodes by hand what a `UnicodeScalarView` builds, invalid
    /// values (surrogates, beyond U+10FFFF) becoming U+FFFD.
    @Test func sameStringAsAScalarView() {
        let samples: [UInt32] = [0, 0x41, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x2028, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFD,
                                 0xFFFF, 0x10000, 0x1F600, 0x10FFFF, 0x110000, 0xFFFF_FFFF]
        var state: UInt64 = 1
        for length in 0..<40 {
            for _ in 0..<50 {
                var scalars: [UInt32] = []
                for _ in 0..<length {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    scalars.append(samples[Int(state >> 33) % samples.count])
                }
                var view = String.UnicodeScalarView()
                for value in scalars { view.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
                let built = scalars.withUnsafeBufferPointer { FrenchAnalyzer.string($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, length) }
                #expect(built == String(view) && Array(built.utf8) == Array(String(view).utf8), "\(scalars)")
            }
        }
    }
}
