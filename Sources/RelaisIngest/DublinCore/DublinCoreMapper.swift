import Foundation
import RelaisCore

/// Maps one OAI-PMH `oai_dc:dc` record (simple Dublin Core, elements in
/// `http://purl.org/dc/elements/1.1/`, matched on local names) to a `Resource`.
enum DublinCoreMapper {
    static func map(_ input: MapperInput, context: MappingContext) -> Result<ParsedRecord, RecordRejection> {
        var builder = RecordBuilder(context: context, recordIndex: input.recordIndex, line: input.line)
        let vocabularies = context.vocabularies
        let dc = input.element
        func values(_ name: String) -> [XElement] { dc.children(name).filter { $0.text != nil } }
        func strings(_ name: String) -> [String] { values(name).compactMap(\.text) }

        // The OAI identifier is what later deletions will name: it wins over dc:identifier.
        let identifiers = strings("identifier")
        guard let sourceIdentifier = input.oaiIdentifier.flatMap(Self.clean) ?? identifiers.first else {
            return .failure(builder.reject("notice oai_dc sans identifiant"))
        }
        var resource = Resource(id: ResourceID(source: context.source, sourceIdentifier: sourceIdentifier),
                                source: context.source, sourceIdentifier: sourceIdentifier, format: .oaiDC)
        resource.location = identifiers.first(where: Self.isURL)

        for raw in strings("language") {
            if let tag = Normalize.language(raw) {
                resource.languages.append(tag)
            } else {
                builder.warn(.invalidValue, field: "langue", value: raw, "code de langue illisible « \(raw) » : ignoré")
            }
        }
        resource.languages = resource.languages.uniqued()
        let defaultLanguage = EBUCoreMapper.defaultLanguage(resource.languages)
        func langText(_ element: XElement, _ text: String) -> LangText {
            LangText(text, language: element.attribute("lang").flatMap(Normalize.language) ?? defaultLanguage)
        }

        resource.titles = values("title").map { langText($0, $0.text!) }.uniqued()
        resource.descriptions = values("description").compactMap { element -> LangText? in
            let text = HTMLText.plain(element.ownText)
            return text.isEmpty ? nil : langText(element, text)
        }.uniqued()

        // Subjects are keywords ("a ; b" is two); one naming a domain also gives the domain, silently.
        for element in values("subject") {
            for part in element.text!.split(separator: ";") {
                guard let keyword = Self.clean(String(part)) else { continue }
                resource.keywords.append(langText(element, keyword))
                if let term = vocabularies.term(for: keyword, in: .domain) {
                    resource.domains.append(TermValue(term: term, raw: keyword))
                }
            }
        }
        resource.keywords = resource.keywords.uniqued()
        resource.domains = EBUCoreMapper.uniqueTerms(resource.domains)

        for name in strings("creator") { resource.contributors.append(Contributor(role: "author", name: name)) }
        for name in strings("contributor") { resource.contributors.append(Contributor(role: "contributor", name: name)) }
        for name in strings("publisher") {
            if resource.publisher == nil { resource.publisher = name }
            resource.contributors.append(Contributor(role: "publisher", organization: name))
        }
        resource.contributors = resource.contributors.uniqued()

        // The first readable date; an unreadable one is reported only when none is readable.
        let dates = strings("date")
        if let created = dates.lazy.compactMap(Normalize.date).first {
            resource.created = created
        } else if let first = dates.first {
            _ = builder.date(first, field: "date")
        }

        resource.resourceTypes = EBUCoreMapper.uniqueTerms(strings("type").compactMap { builder.term($0, .resourceType) })
        resource.mediaFormats = strings("format").uniqued()
        resource.relations = strings("relation").map { Relation(kind: nil, target: $0) }.uniqued()

        // Rights: statements and links may come as separate dc:rights; the first pair that maps wins.
        let rights = strings("rights")
        let urls = rights.filter(Self.isURL)
        let statements = rights.filter { !Self.isURL($0) }
        if !rights.isEmpty {
            var candidates: [(statement: String?, url: String?)] = statements.map { ($0, urls.first) }
            candidates += urls.map { (statements.first, $0) }
            if candidates.isEmpty { candidates = [(nil, urls.first)] }
            resource.licence = candidates.lazy.compactMap { candidate -> Licence? in
                let licence = vocabularies.licence(statement: candidate.statement.map(Normalize.text), url: candidate.url)
                return licence?.term == nil ? nil : licence
            }.first ?? builder.licence(statement: statements.first, url: urls.first)
        }

        return builder.finish(resource, original: input.original)
    }

    private static func clean(_ raw: String) -> String? {
        let text = Normalize.text(raw)
        return text.isEmpty ? nil : text
    }

    private static func isURL(_ value: String) -> Bool {
        let lower = value.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }
}
