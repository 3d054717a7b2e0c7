import Foundation
import Testing
@testable import RelaisCore

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
}
