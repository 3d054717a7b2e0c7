import Foundation
import Testing
@testable import RelaisCore
import RelaisTestSupport

@Suite struct VocabularyTests {
    static func sample() throws -> Vocabularies {
        func vocabulary(_ facet: Facet, _ terms: [VocabularyTerm]) -> Vocabulary {
            Vocabulary(name: facet.rawValue, label: facet.rawValue, version: 1, terms: terms)
        }
        return try Vocabularies([
            .level: vocabulary(.level, [
                VocabularyTerm(id: "primaire", label: "Primaire"),
                VocabularyTerm(id: "P5", label: "5e primaire", altLabels: ["5P"], broader: "primaire",
                               mappings: ["scolomfr": ["CM2", "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-022-num-027"]]),
            ]),
            .domain: vocabulary(.domain, [VocabularyTerm(id: "sciences", label: "Sciences", mappings: ["lomv1": ["biology"]])]),
            .resourceType: vocabulary(.resourceType, []),
            .intendedRole: vocabulary(.intendedRole, []),
            .specificNeed: vocabulary(.specificNeed, [VocabularyTerm(id: "tdah", label: "TDA/H", altLabels: ["TDAH", "ADHD"])]),
            .licence: vocabulary(.licence, [
                VocabularyTerm(id: "cc-by-sa", label: "CC BY-SA", altLabels: ["Attribution - Partage dans les Mêmes Conditions"]),
                VocabularyTerm(id: "tous-droits-reserves-usage-pedagogique", label: "Tous droits réservés – usage pédagogique autorisé",
                               altLabels: ["usage pédagogique autorisé"]),
            ]),
        ])
    }

    @Test func mapsByIdLabelAltLabelAndURI() throws {
        let v = try Self.sample()
        #expect(v.term(for: "P5", in: .level) == "P5")
        #expect(v.term(for: "5E PRIMAIRE", in: .level) == "P5")
        #expect(v.term(for: "cm2", in: .level) == "P5")
        #expect(v.term(for: "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-022-num-027", in: .level) == "P5")
        #expect(v.term(for: "scolomfr-voc-022-num-027", in: .level) == "P5")
        #expect(v.term(for: "tda/h", in: .specificNeed) == "tdah")
        #expect(v.term(for: "Biology", in: .domain) == "sciences")
    }

    @Test func unmappedValueIsKept() throws {
        let value = try Self.sample().map("higher education", in: .level, scheme: "LOMv1.0")
        #expect(value.term == nil)
        #expect(value.raw == "higher education")
        #expect(value.scheme == "LOMv1.0")
    }

    @Test func ambiguousMappingIsRefusedWithTheFileNamed() {
        let vocabulary = Vocabulary(name: "niveaux", label: "n", version: 1, terms: [
            VocabularyTerm(id: "P6", label: "6e primaire", altLabels: ["6e"]),
            VocabularyTerm(id: "S1", label: "1re secondaire", altLabels: ["6E"]),
        ])
        #expect {
            _ = try Vocabularies([.level: vocabulary])
        } throws: { error in
            "\(error)".contains("niveaux.json") && "\(error)".contains("P6") && "\(error)".contains("S1")
        }
    }

    @Test func unknownBroaderTermIsRefused() {
        let vocabulary = Vocabulary(name: "niveaux", label: "n", version: 1, terms: [
            VocabularyTerm(id: "P6", label: "6e primaire", broader: "primaire"),
        ])
        #expect(throws: VocabularyError.self) { _ = try Vocabularies([.level: vocabulary]) }
    }

    @Test(arguments: [
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "cc-by-nc-sa", "4.0"),
        ("CC BY-SA 4.0", "cc-by-sa", "4.0"),
        ("Licence CC-BY 3.0 BE", "cc-by", "3.0"),
        ("cc0", "cc0", nil),
        ("http://creativecommons.org/publicdomain/zero/1.0/", "cc0", "1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "pdm", "1.0"),
        ("Creative Commons BY NC ND", "cc-by-nc-nd", nil),
        ("Tous droits réservés – usage pédagogique autorisé dans les écoles", "tous-droits-reserves-usage-pedagogique", nil),
        ("Attribution - Partage dans les Mêmes Conditions 4.0 International", "cc-by-sa", "4.0"),
    ] as [(String, String, String?)])
    func licences(statement: String, term: String, version: String?) throws {
        let licence = try Self.sample().licence(statement: statement)
        #expect(licence?.term == term)
        #expect(licence?.version == version)
        #expect(licence?.statement == statement)
    }

    @Test func unknownLicenceKeepsTheStatement() throws {
        let licence = try Self.sample().licence(statement: "Voir conditions sur le site")
        #expect(licence?.term == nil)
        #expect(licence?.statement == "Voir conditions sur le site")
    }

    @Test func shippedVocabulariesLoad() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Corpus/vocabularies").standardizedFileURL
        let vocabularies = try Vocabularies.load(from: folder)
        for facet in Facet.allCases {
            #expect(vocabularies.byDimension[facet]?.terms.isEmpty == false, "vocabulaire \(facet.rawValue) vide")
        }
        let levels = Set(vocabularies.byDimension[.level]!.terms.map(\.id))
        for level in ["M1", "M2", "M3", "P1", "P2", "P3", "P4", "P5", "P6", "S1", "S2", "S3", "S4", "S5", "S6"] {
            #expect(levels.contains(level))
        }
        for need in ["dyslexie", "dyscalculie", "dyspraxie", "dysphasie", "tdah", "tsa", "haut-potentiel",
                     "deficience-visuelle", "deficience-auditive", "deficience-motrice"] {
            #expect(vocabularies.term(for: need, in: .specificNeed) == need)
        }
    }

    // MARK: Folding and keys without Foundation

    /// The keys as they were computed before the byte paths: Foundation folds, searches and trims.
    static func foundationKeys(for value: String) -> [String] {
        let folded = Vocabularies.foundationFold(value)
        guard !folded.isEmpty else { return [] }
        var keys = [folded]
        if value.contains("/") || value.contains("#") {
            let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "/# \n\t"))
            if let cut = trimmed.lastIndex(where: { $0 == "/" || $0 == "#" }) {
                let last = Vocabularies.foundationFold(String(trimmed[trimmed.index(after: cut)...]))
                if !last.isEmpty && last != folded { keys.append(last) }
            }
        }
        return keys
    }

    static let latinScalars = (0xA0 ... 0x17F).map { String(Unicode.Scalar($0)!) }
        + (0x2010 ... 0x2027).map { String(Unicode.Scalar($0)!) }
    /// Where the byte paths could differ from Foundation: every scalar they fold, ASCII
    /// punctuation and separators, and scalars they leave to Foundation (combining marks next to
    /// letters, C1 controls, Greek, U+2028, fullwidth letters, astral).
    static let pieces: [String] = latinScalars + [
        "a", "Z", "é", "0", "9", " ", "\t", "\n", "\r\n", "/", "#", "-", "'", ".", ":", "http://x.org/voc/", "#id",
        "\u{301}", "\u{338}", "\u{80}", "\u{9F}", "\u{391}", "\u{2028}", "\u{FF21}", "\u{1F600}", "\u{1E9E}",
    ]

    static func fuzzed(_ count: Int, seed: UInt64, maxPieces: Int = 8) -> [String] {
        var random = SplitMix64(seed: seed)
        return (0 ..< count).map { _ in
            (0 ..< Int.random(in: 0 ... maxPieces, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
        }
    }

    @Test func latinFoldsAreFoundationsOneByOneAndInContext() {
        for scalar in Self.latinScalars {
            for value in [scalar, "a" + scalar + "b", "1" + scalar + scalar + "x", " " + scalar + "-" + scalar] {
                #expect(Vocabularies.latinFold(value) == Vocabularies.foundationFold(value), "\(Array(value.unicodeScalars))")
            }
        }
    }

    @Test func foldMatchesFoundationOnFuzzedText() {
        var foldedOnBytes = 0
        for value in Self.fuzzed(6_000, seed: 0x5EED_F01D) {
            let covered = value.unicodeScalars.allSatisfy {
                $0.value < 0x80 || (0xA0 ... 0x17F).contains($0.value) || (0x2010 ... 0x2027).contains($0.value)
            }
            let latin = Vocabularies.latinFold(value)
            #expect((latin != nil) == covered, "\(Array(value.unicodeScalars))")
            if latin != nil { foldedOnBytes += 1 }
            #expect(Vocabularies.fold(value) == Vocabularies.foundationFold(value), "\(Array(value.unicodeScalars))")
        }
        #expect(foldedOnBytes > 1_000)
    }

    @Test func keysMatchFoundationsOnFuzzedText() {
        let values = Self.fuzzed(6_000, seed: 0xC0FF_EE42) + [
            "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-022-num-027", "https://x.org/a#B", "a/ /#\n",
            "/", "#", "//x//", "é/è", "x/\u{301}y", "TDA/H", " \t/ab/\n", "a\r\n/b", "ab/cd\r\n", "/\u{338}",
        ]
        for value in values {
            #expect(Vocabularies.keys(for: value) == Self.foundationKeys(for: value), "\(Array(value.unicodeScalars))")
        }
    }

    /// `keys` takes a value without a "/" or "#" byte as one Foundation does not find them in:
    /// no scalar is or decomposes to one of them but themselves.
    @Test func noOtherScalarContainsSlashOrHash() {
        var found: [UInt32] = []
        for value: UInt32 in 0x80 ... 0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            if text.contains("/") || text.contains("#") || ("a" + text).contains("/") { found.append(value) }
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test func shippedVocabulariesGiveFoundationsKeys() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Corpus/vocabularies").standardizedFileURL
        let vocabularies = try Vocabularies.load(from: folder)
        for vocabulary in vocabularies.byDimension.values {
            for term in vocabulary.terms {
                for value in [term.id, term.label] + (term.altLabels ?? []) + (term.mappings ?? [:]).values.flatMap({ $0 }) {
                    #expect(Vocabularies.keys(for: value) == Self.foundationKeys(for: value), "\(value)")
                }
            }
        }
    }
}
