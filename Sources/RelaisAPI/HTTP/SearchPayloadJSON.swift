import Foundation
import RelaisCore

/// The search answer written by hand: the same bytes as `Handlers.jsonData` (JSONEncoder,
/// snake_case keys, sorted, slashes unescaped), which took about an eighth of an uncached
/// search request, a fifth of that converting key names. Members in sorted order of their
/// snake_case names; `SearchPayloadJSONTests` compares both on fuzzed answers. A new member of
/// a payload below must be added here too (the test fails until it is).
extension SearchPayload {
    func json() throws -> Data {
        var writer = JSONWriter(capacity: 16_384)
        try writer.object { writer, f in
            writer.field("corrections", corrections, &f) { writer, correction in
                writer.object { writer, g in
                    writer.field("typed", correction.typed, &g)
                    writer.field("used", correction.used, &g)
                }
            }
            writer.field("did_you_mean", didYouMean, &f)
            writer.field("dropped_words", droppedWords, &f)
            writer.field("effective_query", effectiveQuery, &f)
            writer.key("facets", first: &f)
            writer.object { writer, g in
                // Dimension names are lowercase ASCII: JSONEncoder's snake_case strategy leaves
                // them as they are, and its key order (a collation) is their byte order.
                for (dimension, facet) in facets.sorted(by: { $0.key < $1.key }) {
                    writer.key(dimension, first: &g)
                    writer.object { writer, h in
                        writer.field("label", facet.label, &h)
                        writer.field("values", facet.values, &h) { writer, value in
                            writer.object { writer, i in
                                writer.field("count", value.count, &i)
                                writer.field("label", value.label, &i)
                                writer.field("selected", value.selected, &i)
                                writer.field("term", value.term, &i)
                            }
                        }
                    }
                }
            }
            try writer.field("hits", hits, &f) { writer, hit in try writer.hit(hit) }
            writer.field("notice", notice, &f)
            writer.field("page", page, &f)
            writer.field("query", query, &f)
            writer.field("recognized_filters", recognizedFilters, &f) { writer, filter in
                writer.object { writer, g in
                    writer.field("dimension", filter.dimension, &g)
                    writer.field("label", filter.label, &g)
                    writer.field("term", filter.term, &g)
                }
            }
            writer.field("size", size, &f)
            writer.field("sort", sort, &f)
            try writer.field("took_ms", tookMs, &f)
            writer.field("total", total, &f)
        }
        return Data(writer.bytes)
    }
}

extension JSONWriter {
    fileprivate mutating func term(_ term: TermPayload) {
        object { writer, f in
            writer.field("label", term.label, &f)
            writer.field("term", term.term, &f)
        }
    }

    fileprivate mutating func terms(_ name: StaticString, _ terms: [TermPayload], _ first: inout Bool) {
        field(name, terms, &first) { $0.term($1) }
    }

    fileprivate mutating func hit(_ hit: HitPayload) throws {
        try object { writer, f in
            writer.field("description", hit.description, &f)
            writer.terms("domains", hit.domains, &f)
            try writer.field("duration", hit.duration, &f)
            writer.key("evaluation", first: &f)
            try writer.object { writer, g in
                writer.key("average", first: &g)
                if let average = hit.evaluation.average {
                    try writer.number((average * 100).rounded() / 100)
                } else {
                    writer.raw("null")
                }
                writer.field("count", hit.evaluation.count, &g)
            }
            if let explain = hit.explain {
                writer.key("explain", first: &f)
                try writer.object { writer, g in
                    try writer.field("bm25", explain.bm25, &g)
                    try writer.field("exact_title_boost", explain.exactTitleBoost, &g)
                    try writer.field("phrase_boost", explain.phraseBoost, &g)
                    try writer.field("quality_factor", explain.qualityFactor, &g)
                    writer.field("ranked_on_title_and_keywords", explain.rankedOnTitleAndKeywords, &g)
                    try writer.field("title_words_boost", explain.titleWordsBoost, &g)
                    try writer.field("total", explain.total, &g)
                }
            }
            writer.field("id", hit.id, &f)
            writer.terms("levels", hit.levels, &f)
            if let licence = hit.licence {
                writer.key("licence", first: &f)
                writer.term(licence)
            }
            writer.terms("needs", hit.needs, &f)
            try writer.field("score", hit.score, &f)
            if let segment = hit.segment {
                writer.key("segment", first: &f)
                try writer.object { writer, g in
                    try writer.field("end", segment.end, &g)
                    writer.field("index", segment.index, &g)
                    try writer.field("start", segment.start, &g)
                    writer.field("timecode", segment.timecode, &g)
                    writer.field("title", segment.title, &g)
                }
            }
            if let snippet = hit.snippet {
                writer.key("snippet", first: &f)
                writer.object { writer, g in
                    writer.field("highlights", snippet.highlights, &g) { writer, range in
                        writer.array(range) { $0.integer($1) }
                    }
                    writer.field("html", snippet.html, &g)
                    writer.field("text", snippet.text, &g)
                }
            }
            writer.field("source", hit.source, &f)
            writer.field("source_label", hit.sourceLabel, &f)
            writer.field("title", hit.title, &f)
            writer.terms("types", hit.types, &f)
            writer.field("url", hit.url, &f)
        }
    }
}
