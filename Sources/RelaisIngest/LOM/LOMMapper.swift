import Foundation
import RelaisCore

/// Maps a LOM record in any of the dialects met in the wild: the IEEE XML binding, IMS Metadata
/// 1.2 (`langstring`, `catalogentry`, `centity/vcard`, `datetime`), LOMFR and ScoLOMFR
/// extensions. Elements are matched by local name, case-insensitively (IMS lowercases them).
enum LOMMapper {
    /// The same people sign record after record: each vCard is parsed once.
    static let vcards = Memo<ByteKey, VCard>(capacity: 10_000)

    static func map(_ input: MapperInput, context: MappingContext) -> Result<ParsedRecord, RecordRejection> {
        var builder = RecordBuilder(context: context, recordIndex: input.recordIndex, line: input.line)
        let lom = input.element
        let general = lom.child(.general)
        let format: SourceFormat = (lom.namespace?.containsASCII("imsglobal") == true
            || lom.hasDescendant(.langstring)) ? .imsMetadata : .lom

        let identifier: String
        if let found = input.oaiIdentifier ?? Self.identifier(of: lom) {
            identifier = found
        } else {
            // Without an identifier the record can still be read; its place in the file stands
            // in, so re-importing the same file updates it (moving the file would duplicate it).
            identifier = "\(context.file)#\(input.recordIndex)"
            builder.warn(.missingIdentifier, field: "general/identifier", value: identifier,
                         "notice sans identifiant (general/identifier, catalogentry, technical/location) : "
                            + "identifiée par sa position « \(identifier) »")
        }
        var resource = Resource(id: ResourceID(source: context.source, sourceIdentifier: identifier),
                                source: context.source, sourceIdentifier: identifier, format: format)

        // General
        resource.titles = general.map { langTexts($0.child(.title)) } ?? []
        resource.descriptions = (general?.children(.description) ?? []).flatMap { langTexts($0) }
            .map { LangText(Normalize.paragraphs($0.text), language: $0.language) }
        resource.keywords = (general?.children(.keyword) ?? []).flatMap { langTexts($0) }.flatMap(splitKeywords)
        resource.languages = (general?.children(.language) ?? []).compactMap { $0.text.flatMap(Normalize.language) }
            .uniqued()
        for documentType in general?.children(.documentType) ?? [] {
            let value = vocabularyValue(documentType)
            if let term = value.value.flatMap({ builder.term($0, .resourceType, scheme: value.source ?? "LOMFR") }) {
                resource.resourceTypes.append(term)
            }
        }

        // Life cycle
        for contribute in lom.all(.lifeCycle, .contribute) {
            let role = vocabularyValue(contribute.child(.role) ?? XElement(name: "role")).value?.lowercased()
            let date = contribute.child(.date).flatMap(dateText).flatMap { builder.date($0, field: "lifeCycle/date") }
            // vCards need their line breaks: take the raw text, not the whitespace-collapsed one.
            let entities = (contribute.children(.entity) + contribute.all(.centity, .vcard))
                .map(\.ownText).filter { !$0.isBlankAfterTrimming }
            for entity in entities {
                let card = Self.vcards.value(for: ByteKey(entity)) { VCard(entity) }
                let contributor = Contributor(role: role, name: card.personName, organization: card.organization, date: date)
                guard contributor.displayName != nil else { continue }
                if role == "publisher" || role == "éditeur" || role == "editeur" {
                    resource.publisher = resource.publisher ?? contributor.organization ?? contributor.name
                }
                resource.contributors.append(contributor)
            }
            if let date, role == "author" || role == "content provider" || role == "auteur" || resource.created == nil {
                if resource.created == nil || role == "author" { resource.created = date }
            }
            if let date, role == "publisher" || role == "validator" {
                if date > (resource.modified ?? "") { resource.modified = date }
            }
        }
        resource.contributors = resource.contributors.uniqued()

        // Technical
        let technical = lom.child(.technical)
        resource.mediaFormats = (technical?.children(.format) ?? []).compactMap(\.text).uniqued()
        resource.location = (technical?.children(.location) ?? []).compactMap(\.text).first
        if let duration = technical?.child(.duration) {
            resource.duration = builder.duration(durationText(duration), field: "technical/duration")
        }

        // Educational (LOM allows several)
        for educational in lom.children(.educational) {
            for type in educational.children(.learningResourceType) {
                let value = vocabularyValue(type)
                if let raw = value.value ?? value.label,
                   let term = builder.term(raw, .resourceType, scheme: value.source) {
                    resource.resourceTypes.append(term)
                }
            }
            for role in educational.children(.intendedEndUserRole) {
                let value = vocabularyValue(role)
                if let raw = value.value, let term = builder.term(raw, .intendedRole, scheme: value.source) {
                    resource.intendedRoles.append(term)
                }
            }
            for contextElement in educational.children(.context) {
                // A context names a level ("enseignement primaire") or only a setting ("school"):
                // the first is classified, the second kept as it is.
                let value = vocabularyValue(contextElement)
                guard let raw = value.value ?? value.label else { continue }
                if let term = builder.context.vocabularies.term(for: raw, in: .level) {
                    resource.levels.append(TermValue(term: term, raw: raw, scheme: value.source))
                } else {
                    resource.contexts.append(raw)
                }
            }
            if let time = educational.child(.typicalLearningTime) {
                resource.learningTime = builder.duration(durationText(time), field: "educational/typicalLearningTime")
            }
        }

        // Rights
        if let rights = lom.child(.rights) {
            let statement = langTexts(rights.child(.description)).map(\.text).joined(separator: " ")
            if !statement.isEmpty {
                resource.licence = builder.licence(statement: statement)
            } else if let restricted = vocabularyValue(rights.child(.copyrightAndOtherRestrictions) ?? XElement(name: "x")).value {
                resource.licence = Licence(term: nil, statement: "copyrightAndOtherRestrictions: \(restricted)")
                builder.warn(.unmappedValue, field: Facet.licence.rawValue, value: restricted,
                             "droits sans description de licence (copyrightAndOtherRestrictions = \(restricted))")
            }
        }

        // Relations
        for relation in lom.children(.relation) {
            let kind = vocabularyValue(relation.child(.kind) ?? XElement(name: "kind")).value
            let target = relation.child(.resource).flatMap { resourceElement in
                Self.identifier(in: resourceElement.children(.identifier) + resourceElement.children(.catalogentry))
                    ?? resourceElement.text
            }
            if let target {
                let description = relation.child(.resource)?.child(.description).flatMap { langTexts($0).first?.text }
                resource.relations.append(Relation(kind: kind, target: target, description: description))
            }
        }

        // Classification
        for classification in lom.children(.classification) {
            mapClassification(classification, into: &resource, builder: &builder)
        }
        resource.levels = resource.levels.uniqued()
        resource.domains = resource.domains.uniqued()
        resource.specificNeeds = resource.specificNeeds.uniqued()
        resource.resourceTypes = resource.resourceTypes.uniqued()
        resource.intendedRoles = resource.intendedRoles.uniqued()
        resource.keywords = resource.keywords.uniqued()
        resource.contexts = resource.contexts.uniqued()
        return builder.finish(resource, original: input.original)
    }

    // MARK: Classification

    private static func facet(forPurpose purpose: String?) -> Facet? {
        guard let purpose = purpose.map(Vocabularies.fold) else { return nil }
        if purpose.containsASCII("level") || purpose.containsASCII("niveau") { return .level }
        if purpose.containsASCII("discipline") || purpose.containsASCII("domain") { return .domain }
        if purpose.containsASCII("accessib") || purpose.containsASCII("besoin") { return .specificNeed }
        return nil
    }

    private static func mapClassification(_ classification: XElement, into resource: inout Resource,
                                          builder: inout RecordBuilder) {
        let purpose = vocabularyValue(classification.child(.purpose) ?? XElement(name: "purpose"))
        let facet = facet(forPurpose: purpose.value ?? purpose.label)
        for path in classification.children(.taxonPath) {
            let scheme = path.child(.source).flatMap { langTexts($0).first?.text ?? $0.text }
            var taxa: [XElement] = []
            func collect(_ element: XElement) {
                for taxon in element.children(.taxon) {
                    taxa.append(taxon)
                    collect(taxon)
                }
            }
            collect(path)
            for taxon in taxa {
                let id = taxon.child(.id)?.text
                let entry = taxon.child(.entry).flatMap { langTexts($0).first?.text ?? $0.text }
                if let facet {
                    let vocabularies = builder.context.vocabularies
                    let mappedID = id.flatMap { vocabularies.term(for: $0, in: facet) }
                    if let mappedID {
                        append(TermValue(term: mappedID, raw: id!, scheme: scheme), facet, &resource)
                    } else if let raw = entry ?? id, let value = builder.term(raw, facet, scheme: scheme) {
                        append(value, facet, &resource)
                    }
                } else if let raw = entry ?? id {
                    // Purposes we do not classify on (idea, competency...): try our facets
                    // quietly, else keep the entry as a keyword.
                    var placed = false
                    for candidate in [Facet.level, .domain, .specificNeed] {
                        if let term = builder.context.vocabularies.term(for: id ?? raw, in: candidate)
                            ?? builder.context.vocabularies.term(for: raw, in: candidate) {
                            append(TermValue(term: term, raw: raw, scheme: scheme), candidate, &resource)
                            placed = true
                            break
                        }
                    }
                    if !placed, let entry { resource.keywords.append(LangText(entry, language: nil)) }
                }
            }
        }
        for keyword in classification.children(.keyword) {
            resource.keywords.append(contentsOf: langTexts(keyword))
        }
    }

    private static func append(_ value: TermValue, _ facet: Facet, _ resource: inout Resource) {
        switch facet {
        case .level: resource.levels.append(value)
        case .domain: resource.domains.append(value)
        case .specificNeed: resource.specificNeeds.append(value)
        case .resourceType: resource.resourceTypes.append(value)
        case .intendedRole: resource.intendedRoles.append(value)
        case .licence: break
        }
    }

    // MARK: Element helpers

    /// LangString in both bindings: `<string language=..>` (IEEE), `<langstring xml:lang=..>`
    /// (IMS), or bare text.
    static func langTexts(_ element: XElement?) -> [LangText] {
        guard let element else { return [] }
        var found: [LangText] = []
        var sawString = false
        element.forEachChild { string in
            guard string.isNamed(.string) || string.isNamed(.langstring) else { return }
            sawString = true
            guard let text = string.text else { return }
            let language = (string.attribute("language") ?? string.attribute("lang")).flatMap(Normalize.language)
            found.append(LangText(text, language: language))
        }
        if !sawString {
            return element.text.map { [LangText($0)] } ?? []
        }
        return found
    }

    /// A vocabulary element: `<source>LOMv1.0</source><value>school</value>` in either binding,
    /// LOMFR's `<lomfr:label>`, or bare text.
    static func vocabularyValue(_ element: XElement) -> (source: String?, value: String?, label: String?) {
        func text(_ name: XName) -> String? {
            element.child(name).flatMap { langTexts($0).first?.text ?? $0.text }
        }
        let value = text(.value) ?? (element.isLeaf ? element.text : nil)
        return (text(.source), value, text(.label))
    }

    static func dateText(_ element: XElement) -> String? {
        element.child(.dateTime)?.text ?? element.text
    }

    static func durationText(_ element: XElement) -> String? {
        element.child(.duration)?.text ?? element.child(.datetime)?.text ?? element.text
    }

    /// One keyword element sometimes carries a list: "atome, neutrons, protons".
    static func splitKeywords(_ keyword: LangText) -> [LangText] {
        // Most keywords hold no separator: no "," or ";" byte, and no U+037E GREEK QUESTION MARK
        // (CD BE), the one scalar canonically equal to ";" (no Character equals "," otherwise).
        // Such a keyword would give one part, i.e. itself: skip the Character split.
        if !keyword.text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") || $0 == 0xCD }) {
            return [keyword]
        }
        let parts = keyword.text.split(whereSeparator: { $0 == "," || $0 == ";" })
            .map { Normalize.text(String($0)) }.filter { !$0.isEmpty }
        return parts.count > 1 ? parts.map { LangText($0, language: keyword.language) } : [keyword]
    }

    /// The record's own identifier: a URI-like entry first, then any entry.
    static func identifier(of lom: XElement) -> String? {
        let general = lom.child(.general)
        let candidates = (general?.children(.identifier) ?? []) + (general?.children(.catalogentry) ?? [])
        return identifier(in: candidates)
            ?? identifier(in: lom.child(.metaMetadata)?.children(.identifier) ?? [])
            ?? lom.child(.technical)?.children(.location).compactMap(\.text).first
    }

    static func identifier(in elements: [XElement]) -> String? {
        var first: String?
        for element in elements {
            let entry = element.child(.entry).flatMap { langTexts($0).first?.text } ?? (element.isLeaf ? element.text : nil)
            guard let entry else { continue }
            let catalog = element.child(.catalog)?.text?.lowercased() ?? ""
            if catalog == "uri" || catalog == "url" || entry.hasPrefix("http") || entry.hasPrefix("urn:") || entry.hasPrefix("ark:") {
                return entry
            }
            if first == nil { first = catalog.isEmpty ? entry : "\(element.child(.catalog)!.text!):\(entry)" }
        }
        return first
    }
}

/// The names the mapper looks for, packed once.
private extension XName {
    static let catalog = XName("catalog")
    static let catalogentry = XName("catalogentry")
    static let centity = XName("centity")
    static let classification = XName("classification")
    static let context = XName("context")
    static let contribute = XName("contribute")
    static let copyrightAndOtherRestrictions = XName("copyrightAndOtherRestrictions")
    static let date = XName("date")
    static let datetime = XName("datetime")
    static let dateTime = XName("dateTime")
    static let description = XName("description")
    static let documentType = XName("documentType")
    static let duration = XName("duration")
    static let educational = XName("educational")
    static let entity = XName("entity")
    static let entry = XName("entry")
    static let format = XName("format")
    static let general = XName("general")
    static let id = XName("id")
    static let identifier = XName("identifier")
    static let intendedEndUserRole = XName("intendedEndUserRole")
    static let keyword = XName("keyword")
    static let kind = XName("kind")
    static let label = XName("label")
    static let langstring = XName("langstring")
    static let language = XName("language")
    static let learningResourceType = XName("learningResourceType")
    static let lifeCycle = XName("lifeCycle")
    static let location = XName("location")
    static let metaMetadata = XName("metaMetadata")
    static let purpose = XName("purpose")
    static let relation = XName("relation")
    static let resource = XName("resource")
    static let rights = XName("rights")
    static let role = XName("role")
    static let source = XName("source")
    static let string = XName("string")
    static let taxon = XName("taxon")
    static let taxonPath = XName("taxonPath")
    static let technical = XName("technical")
    static let title = XName("title")
    static let typicalLearningTime = XName("typicalLearningTime")
    static let value = XName("value")
    static let vcard = XName("vcard")
}
