import Foundation
import RelaisCore
import RelaisExport
import RelaisSearch
import RelaisStore

extension Labeller {
    func search(_ response: SearchResponse, request: SearchRequest,
                evaluations: [String: (count: Int, mean: Double?)] = [:]) -> SearchPayload {
        SearchPayload(
            query: request.query,
            effectiveQuery: response.effectiveQuery,
            notice: response.notice,
            didYouMean: response.didYouMean,
            corrections: response.corrections.map { CorrectionPayload(typed: $0.typed, used: $0.used) },
            droppedWords: response.droppedWords,
            recognizedFilters: response.recognizedFilters.map {
                RecognizedFilterPayload(dimension: $0.dimension, term: $0.term, label: label(dimension: $0.dimension, term: $0.term))
            },
            total: response.total, page: response.page, size: response.size, sort: request.sort.rawValue,
            tookMs: (response.tookMilliseconds * 100).rounded() / 100,
            hits: response.hits.map { hit($0, evaluation: evaluations[$0.resource.id.rawValue]) },
            facets: Dictionary(uniqueKeysWithValues: SearchEngine.dimensions.map { dimension in
                (dimension, FacetPayload(
                    label: Self.dimensionLabels[dimension] ?? dimension,
                    values: (response.facets[dimension] ?? []).map {
                        FacetValuePayload(term: $0.term, label: facetLabel(dimension, $0), count: $0.count, selected: $0.selected)
                    }))
            })
        )
    }

    func hit(_ hit: SearchHit, evaluation: (count: Int, mean: Double?)?) -> HitPayload {
        let r = hit.resource
        return HitPayload(
            id: r.id.rawValue, title: r.displayTitle, source: r.source, sourceLabel: Self.sourceLabel(r.source),
            description: r.descriptions.first.map { Normalize.excerpt($0.text, limit: 300) },
            url: r.location,
            snippet: hit.snippet.map {
                SnippetPayload(text: $0.text, highlights: $0.highlights.map { [$0.lowerBound, $0.upperBound] },
                               html: $0.marked(open: "<mark>", close: "</mark>") { XMLWriter.escape($0, inAttribute: false) })
            },
            segment: hit.segment.map {
                SegmentMatchPayload(index: $0.index, title: $0.title, start: $0.start, end: $0.end, timecode: $0.timecode)
            },
            levels: terms(r.levels, .level), domains: terms(r.domains, .domain), types: terms(r.resourceTypes, .resourceType),
            needs: terms(r.specificNeeds, .specificNeed), licence: licence(r.licence), duration: r.duration,
            evaluation: evaluation.map { EvaluationSummary(count: $0.count, average: $0.mean) } ?? .none, score: (hit.score * 1000).rounded() / 1000,
            explain: hit.explanation.map {
                ExplainPayload(bm25: $0.bm25, exactTitleBoost: $0.exactTitleBoost, phraseBoost: $0.phraseBoost,
                               titleWordsBoost: $0.titleWordsBoost, qualityFactor: $0.qualityFactor, total: $0.total,
                               rankedOnTitleAndKeywords: $0.rankedOnTitleAndKeywords)
            }
        )
    }

    func resource(_ r: Resource, provenance: Provenance?, related: [RelatedPayload], version: Int,
                  synthesis: EvaluationSynthesis) -> ResourcePayload {
        let langTexts = { (texts: [LangText]) in texts.map { LangTextPayload(language: $0.language, text: $0.text) } }
        let id = r.id.rawValue
        return ResourcePayload(
            id: id, source: r.source, sourceLabel: Self.sourceLabel(r.source), sourceIdentifier: r.sourceIdentifier,
            format: r.format.rawValue, title: r.displayTitle,
            titles: langTexts(r.titles), descriptions: langTexts(r.descriptions), keywords: langTexts(r.keywords),
            languages: r.languages,
            contributors: r.contributors.map {
                ContributorPayload(role: $0.role, name: $0.name, organization: $0.organization, date: $0.date)
            },
            publisher: r.publisher, created: r.created, modified: r.modified,
            levels: terms(r.levels, .level), domains: terms(r.domains, .domain), types: terms(r.resourceTypes, .resourceType),
            roles: terms(r.intendedRoles, .intendedRole), needs: terms(r.specificNeeds, .specificNeed),
            learningTime: r.learningTime,
            licence: r.licence.map {
                LicencePayload(term: $0.term, label: $0.term.flatMap { vocabularies.label(of: $0, in: .licence) },
                               url: $0.url, statement: $0.statement)
            },
            url: r.location, mediaFormats: r.mediaFormats, duration: r.duration,
            segments: r.segments.enumerated().map { index, segment in
                SegmentPayload(index: index, identifier: segment.identifier, title: segment.title,
                               description: segment.description, start: segment.start, end: segment.end,
                               timecode: segment.startTimecode, transcript: segment.transcript)
            },
            sections: r.sections.map { SectionPayload(level: $0.level, heading: $0.heading, text: $0.text) },
            bodyHtml: r.bodyHTML,
            relations: r.relations.map { RelationPayload(kind: $0.kind, target: $0.target, description: $0.description) },
            provenance: provenance.map {
                ProvenancePayload(file: $0.file, recordIndex: $0.recordIndex, line: $0.line, batch: $0.batch,
                                  contentHash: $0.contentHash)
            },
            version: version,
            evaluation: EvaluationSummary(count: synthesis.count, average: synthesis.overallMean),
            synthesis: synthesis,
            related: related,
            links: LinksPayload(self: "/api/v1/resources/\(id)", lom: "/api/v1/resources/\(id)/lom", page: "/ressource/\(id)")
        )
    }

    /// Sources and languages are not vocabularies: their labels come from here.
    func facetLabel(_ dimension: String, _ value: FacetCount) -> String {
        dimension == Store.sourceDimension || dimension == Store.languageDimension
            ? label(dimension: dimension, term: value.term) : value.label
    }
}
