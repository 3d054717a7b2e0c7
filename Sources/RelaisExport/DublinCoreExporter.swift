public import RelaisCore
import Foundation

/// Maps a `Resource` out to simple Dublin Core as OAI-PMH's `oai_dc` format: an `oai_dc:dc`
/// element declaring its own namespaces, so that it can stand alone (with an XML declaration)
/// or sit inside an OAI-PMH `<metadata>` element (without one).
public enum DublinCoreExporter {
    public static let oaiDCNamespace = "http://www.openarchives.org/OAI/2.0/oai_dc/"
    public static let dcNamespace = "http://purl.org/dc/elements/1.1/"
    public static let schemaLocation = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

    public static func xml(_ resource: Resource, vocabularies: Vocabularies, includeDeclaration: Bool) -> String {
        var writer = XMLWriter(declaration: includeDeclaration)
        writer.element("oai_dc:dc", [
            ("xmlns:oai_dc", oaiDCNamespace),
            ("xmlns:dc", dcNamespace),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", "\(oaiDCNamespace) \(schemaLocation)"),
        ]) { w in
            var seen = Set<String>()
            /// One dc element, skipping empty values and exact repeats of the same element.
            func dc(_ name: StaticString, _ value: String?, language: String? = nil) {
                guard let value = ExportFormat.nonEmpty(value) else { return }
                let language = language.flatMap { ExportFormat.isLanguageTag($0) ? $0 : nil }
                guard seen.insert("\(name)\u{0}\(language ?? "")\u{0}\(value)").inserted else { return }
                w.text(name, value, language.map { [("xml:lang" as StaticString, $0)] } ?? [])
            }

            for title in resource.titles { dc("dc:title", title.text, language: title.language) }

            let publishers = Set(resource.contributors.filter { isPublisher($0.role) }.compactMap(\.displayName)
                + [resource.publisher].compactMap { $0 })
            for contributor in resource.contributors where isAuthor(contributor.role) {
                dc("dc:creator", contributor.displayName)
            }
            for contributor in resource.contributors where !isAuthor(contributor.role) && !isPublisher(contributor.role) {
                if let name = contributor.displayName, !publishers.contains(name) { dc("dc:contributor", name) }
            }

            for keyword in resource.keywords { dc("dc:subject", keyword.text, language: keyword.language) }
            for (values, facet) in [(resource.domains, Facet.domain), (resource.levels, .level),
                                    (resource.specificNeeds, .specificNeed)] {
                for value in values {
                    if let term = value.term {
                        dc("dc:subject", vocabularies.label(of: term, in: facet) ?? term, language: "fr")
                    } else {
                        dc("dc:subject", value.raw)
                    }
                }
            }

            for description in resource.descriptions { dc("dc:description", description.text, language: description.language) }

            if let publisher = resource.publisher {
                dc("dc:publisher", publisher)
            } else {
                for contributor in resource.contributors where isPublisher(contributor.role) {
                    dc("dc:publisher", contributor.displayName)
                }
            }

            dc("dc:date", resource.created ?? resource.modified)

            for value in resource.resourceTypes {
                if let term = value.term {
                    dc("dc:type", vocabularies.label(of: term, in: .resourceType) ?? term, language: "fr")
                } else {
                    dc("dc:type", value.raw)
                }
            }
            // DCMI Type words, where our type vocabulary maps one (data, not code).
            for value in resource.resourceTypes {
                if let term = value.term { dc("dc:type", dcmiType(term, vocabularies)) }
            }

            for format in resource.mediaFormats { dc("dc:format", format) }
            if let duration = resource.duration.flatMap(ExportFormat.isoDuration) { dc("dc:format", duration) }

            // The resource's address first, then the source's own identifier.
            dc("dc:identifier", resource.location)
            dc("dc:identifier", resource.sourceIdentifier)

            for language in resource.languages { dc("dc:language", language) }

            for relation in resource.relations { dc("dc:relation", relation.target) }

            if let licence = resource.licence {
                if let term = licence.term {
                    var label = vocabularies.label(of: term, in: .licence) ?? term
                    if let version = ExportFormat.nonEmpty(licence.version) { label += " " + version }
                    dc("dc:rights", label, language: "fr")
                } else if let statement = licence.statement, !statement.hasPrefix(ExportFormat.restrictionsPrefix) {
                    dc("dc:rights", statement)
                }
                dc("dc:rights", licence.url)
            }
        }
        return writer.document
    }

    static func isAuthor(_ role: String?) -> Bool {
        LOMExporter.lomRole(role) == "author"
    }

    static func isPublisher(_ role: String?) -> Bool {
        LOMExporter.lomRole(role) == "publisher"
    }

    /// A DCMI Type (`InteractiveResource`, `MovingImage`...) named among a term's mappings as a
    /// `http://purl.org/dc/dcmitype/` URI.
    static func dcmiType(_ term: String, _ vocabularies: Vocabularies) -> String? {
        let prefix = "http://purl.org/dc/dcmitype/"
        let mappings = vocabularies.byDimension[.resourceType]?.terms.first { $0.id == term }?.mappings ?? [:]
        for scheme in mappings.keys.sorted() {
            if let uri = mappings[scheme]!.first(where: { $0.hasPrefix(prefix) }) {
                return String(uri.dropFirst(prefix.count))
            }
        }
        return nil
    }
}
