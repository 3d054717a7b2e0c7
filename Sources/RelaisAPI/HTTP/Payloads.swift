import Foundation
import RelaisCore
import RelaisSearch
import RelaisStore

/// What the API sends: the shapes `openapi.json` describes, built from the domain types.
/// Keys are snake_case on the wire (the encoder converts).
struct TermPayload: Encodable, Sendable {
    var term: String
    var label: String
}

/// The evaluation summary of a hit: how many, and the mean on the 1-4 scale (null: none yet).
struct EvaluationSummary: Encodable, Sendable {
    var count: Int
    var average: Double?

    static let none = EvaluationSummary(count: 0, average: nil)

    enum CodingKeys: String, CodingKey { case count, average }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        if let average { try container.encode((average * 100).rounded() / 100, forKey: .average) } else { try container.encodeNil(forKey: .average) }
    }
}

struct SnippetPayload: Encodable, Sendable {
    var text: String
    var highlights: [[Int]]
    var html: String
}

struct SegmentMatchPayload: Encodable, Sendable {
    var index: Int
    var title: String?
    var start: Double?
    var end: Double?
    var timecode: String?
}

struct ExplainPayload: Encodable, Sendable {
    var bm25: Double
    var exactTitleBoost: Double
    var phraseBoost: Double
    var titleWordsBoost: Double
    var qualityFactor: Double
    var total: Double
    var rankedOnTitleAndKeywords: Bool
}

struct HitPayload: Encodable, Sendable {
    var id: String
    var title: String
    var source: String
    var sourceLabel: String
    var description: String?
    var url: String?
    var snippet: SnippetPayload?
    var segment: SegmentMatchPayload?
    var levels: [TermPayload]
    var domains: [TermPayload]
    var types: [TermPayload]
    var needs: [TermPayload]
    var licence: TermPayload?
    var duration: Double?
    var evaluation: EvaluationSummary
    var score: Double
    var explain: ExplainPayload?
}

struct FacetValuePayload: Encodable, Sendable {
    var term: String
    var label: String
    var count: Int
    var selected: Bool
}

struct FacetPayload: Encodable, Sendable {
    var label: String
    var values: [FacetValuePayload]
}

struct CorrectionPayload: Encodable, Sendable {
    var typed: String
    var used: String
}

struct RecognizedFilterPayload: Encodable, Sendable {
    var dimension: String
    var term: String
    var label: String
}

struct SearchPayload: Encodable, Sendable {
    var query: String
    var effectiveQuery: String?
    var notice: String?
    var didYouMean: String?
    var corrections: [CorrectionPayload]
    var droppedWords: [String]
    var recognizedFilters: [RecognizedFilterPayload]
    var total: Int
    var page: Int
    var size: Int
    var sort: String
    var tookMs: Double
    var hits: [HitPayload]
    var facets: [String: FacetPayload]
}

struct SuggestPayload: Encodable, Sendable {
    var query: String
    var suggestions: [String]
}

struct LangTextPayload: Encodable, Sendable {
    var language: String?
    var text: String
}

struct ContributorPayload: Encodable, Sendable {
    var role: String?
    var name: String?
    var organization: String?
    var date: String?
}

struct LicencePayload: Encodable, Sendable {
    var term: String?
    var label: String?
    var url: String?
    var statement: String?
}

struct SegmentPayload: Encodable, Sendable {
    var index: Int
    var identifier: String?
    var title: String?
    var description: String?
    var start: Double?
    var end: Double?
    var timecode: String?
    var transcript: String?
}

struct SectionPayload: Encodable, Sendable {
    var level: Int
    var heading: String
    var text: String
}

struct RelationPayload: Encodable, Sendable {
    var kind: String?
    var target: String
    var description: String?
}

struct ProvenancePayload: Encodable, Sendable {
    var file: String
    var recordIndex: Int
    var line: Int?
    var batch: Int64?
    var contentHash: String
}

struct RelatedPayload: Encodable, Sendable {
    var id: String
    var title: String
}

struct LinksPayload: Encodable, Sendable {
    var `self`: String
    var lom: String
    var page: String
}

struct ResourcePayload: Encodable, Sendable {
    var id: String
    var source: String
    var sourceLabel: String
    var sourceIdentifier: String
    var format: String
    var title: String
    var titles: [LangTextPayload]
    var descriptions: [LangTextPayload]
    var keywords: [LangTextPayload]
    var languages: [String]
    var contributors: [ContributorPayload]
    var publisher: String?
    var created: String?
    var modified: String?
    var levels: [TermPayload]
    var domains: [TermPayload]
    var types: [TermPayload]
    var roles: [TermPayload]
    var needs: [TermPayload]
    var learningTime: Double?
    var licence: LicencePayload?
    var url: String?
    var mediaFormats: [String]
    var duration: Double?
    var segments: [SegmentPayload]
    var sections: [SectionPayload]
    var bodyHtml: String?
    var relations: [RelationPayload]
    var provenance: ProvenancePayload?
    var version: Int
    var evaluation: EvaluationSummary
    var synthesis: EvaluationSynthesis
    var related: [RelatedPayload]
    var links: LinksPayload
}

struct VocabularySummaryPayload: Encodable, Sendable {
    var name: String
    var label: String
    var count: Int
}

struct VocabularyListPayload: Encodable, Sendable {
    var vocabularies: [VocabularySummaryPayload]
}

struct VocabularyTermPayload: Encodable, Sendable {
    var id: String
    var label: String
    var altLabels: [String]
    var broader: String?
    var definition: String?
}

struct VocabularyPayload: Encodable, Sendable {
    var name: String
    var label: String
    var version: Int
    var terms: [VocabularyTermPayload]
}

struct HealthPayload: Encodable, Sendable {
    var status: String
    var resources: Int?
    var detail: String?
}

/// Labels and conversions shared by the payload builders.
struct Labeller: Sendable {
    let vocabularies: Vocabularies

    /// Source names as a teacher reads them.
    static let sourceLabels: [String: String] = [
        "consortiums": "CONSORTIUMS (universités)",
        "sonuma": "SONUMA (archives RTBF)",
        "amenagements": "Aménagements raisonnables",
    ]

    static func sourceLabel(_ source: String) -> String { sourceLabels[source] ?? source }

    func terms(_ values: [TermValue], _ facet: Facet) -> [TermPayload] {
        var seen = Set<String>()
        return values.compactMap { value in
            let term = value.term ?? value.raw
            guard seen.insert(term).inserted else { return nil }
            return TermPayload(term: term, label: value.term.flatMap { vocabularies.label(of: $0, in: facet) } ?? value.raw)
        }
    }

    func licence(_ licence: Licence?) -> TermPayload? {
        guard let licence, let term = licence.term else { return nil }
        return TermPayload(term: term, label: vocabularies.label(of: term, in: .licence) ?? term)
    }

    func label(dimension: String, term: String) -> String {
        if let facet = Facet(rawValue: dimension) { return vocabularies.label(of: term, in: facet) ?? term }
        if dimension == Store.sourceDimension { return Self.sourceLabel(term) }
        if dimension == Store.languageDimension { return Self.languageLabels[term] ?? term }
        return term
    }

    static let languageLabels = ["fr": "Français", "nl": "Néerlandais", "de": "Allemand", "en": "Anglais",
                                 "wa": "Wallon", "la": "Latin", "es": "Espagnol", "it": "Italien"]

    static let dimensionLabels: [String: String] = [
        "niveaux": "Niveau", "domaines": "Domaine", "types": "Type de ressource", "roles": "Public visé",
        "besoins": "Besoin spécifique", "licences": "Licence", "sources": "Source", "langues": "Langue",
    ]
}
