public import RelaisCore
import Foundation

/// Maps a `Resource` out to IEEE LOM XML (1484.12.3, namespace `http://ltsc.ieee.org/xsd/LOM`)
/// that validates against the strict LOM XSD: LOMv1.0 source/value pairs only, no extension
/// elements, at most one of each unique element.
///
/// Our own vocabularies (levels M1..S7, domains, specific needs, and the types and audiences
/// LOMv1.0 has no word for) go out as `classification/taxonPath`: the source names our
/// vocabulary, each taxon carries our term id and its French label. A value that did not map
/// to one of our terms keeps the scheme and the text the source gave.
public enum LOMExporter {
    public static let namespace = "http://ltsc.ieee.org/xsd/LOM"
    /// The catalog of `general/identifier` holding our resource id.
    public static let catalog = "relais"

    public static func xml(_ resource: Resource, vocabularies: Vocabularies) -> String {
        var writer = XMLWriter(declaration: true)
        writer.element("lom", [
            ("xmlns", namespace),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", "\(namespace) http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd"),
        ]) { w in
            general(resource, &w)
            lifeCycle(resource, &w)
            metaMetadata(resource, &w)
            technical(resource, &w)
            educational(resource, vocabularies, &w)
            rights(resource, vocabularies, &w)
            relations(resource, &w)
            classifications(resource, vocabularies, &w)
        }
        return writer.document
    }

    // MARK: 1 General

    private static func general(_ resource: Resource, _ w: inout XMLWriter) {
        w.element("general") { w in
            identifier(catalog: catalog, entry: resource.id.rawValue, &w)
            if let entry = ExportFormat.nonEmpty(resource.sourceIdentifier), entry != resource.id.rawValue {
                identifier(catalog: ExportFormat.nonEmpty(resource.source) ?? "source", entry: entry, &w)
            }
            langString("title", resource.titles, &w)
            for language in resource.languages where ExportFormat.isLanguageTag(language) {
                w.text("language", language)
            }
            for description in resource.descriptions {
                langString("description", [description], &w)
            }
            for keyword in resource.keywords {
                langString("keyword", [keyword], &w)
            }
        }
    }

    // MARK: 2 Life cycle

    private static func lifeCycle(_ resource: Resource, _ w: inout XMLWriter) {
        // One contribute per (role, date), in the order met; people and organisations as vCards.
        struct Group { var role: String?; var date: String?; var cards: [String] }
        var groups: [Group] = []
        var publisherNamed = resource.publisher == nil
        for contributor in resource.contributors {
            let role = lomRole(contributor.role)
            var date = contributor.date
            if date == nil, role == "author" { date = resource.created }
            if date == nil, role == "publisher" { date = resource.modified }
            // A role LOMv1.0 cannot say ("journaliste", "preneur de son") stays in the vCard's ROLE.
            guard let card = VCardWriter.card(name: contributor.name, organization: contributor.organization,
                                              role: role == nil ? contributor.role : nil) else { continue }
            if role == "publisher", let publisher = resource.publisher,
               contributor.organization == publisher || contributor.name == publisher {
                publisherNamed = true
            }
            if let index = groups.firstIndex(where: { $0.role == role && $0.date == date }) {
                if !groups[index].cards.contains(card) { groups[index].cards.append(card) }
            } else {
                groups.append(Group(role: role, date: date, cards: [card]))
            }
        }
        if !publisherNamed, let publisher = resource.publisher,
           let card = VCardWriter.card(name: nil, organization: publisher) {
            groups.append(Group(role: "publisher", date: resource.modified, cards: [card]))
        }
        guard !groups.isEmpty else { return }
        w.element("lifeCycle") { w in
            for group in groups {
                w.element("contribute") { w in
                    if let role = group.role { vocabulary("role", role, &w) }
                    for card in group.cards { w.text("entity", card) }
                    if let date = group.date { dateTime("date", date, &w) }
                }
            }
        }
    }

    /// LOM 2.3.1 roles, from the value the source gave (French words included); nil when the
    /// role has no LOMv1.0 equivalent (the contribution then goes out without a role).
    static func lomRole(_ role: String?) -> String? {
        // A concept URI (".../concept/publisher") names the role by its last segment.
        let word = role.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        guard let role = word.map(Vocabularies.fold), !role.isEmpty else { return nil }
        let lom = ["author", "publisher", "unknown", "initiator", "terminator", "validator", "editor",
                   "graphical designer", "technical implementer", "content provider", "technical validator",
                   "educational validator", "script writer", "instructional designer", "subject matter expert"]
        if lom.contains(role) { return role }
        let french: [String: String] = [
            "auteur": "author", "autrice": "author", "auteure": "author", "createur": "author", "creatrice": "author",
            "creator": "author", "editeur": "publisher", "editrice": "publisher", "diffuseur": "publisher",
            "producteur": "content provider", "productrice": "content provider", "producer": "content provider",
            "fournisseur de contenu": "content provider", "contributeur": "unknown", "contributrice": "unknown",
            "contributor": "unknown", "inconnu": "unknown", "validateur": "validator", "validatrice": "validator",
            "graphiste": "graphical designer", "scenariste": "script writer",
            "concepteur pedagogique": "instructional designer", "conceptrice pedagogique": "instructional designer",
            "expert du domaine": "subject matter expert",
        ]
        return french[role]
    }

    // MARK: 3 Meta-metadata

    private static func metaMetadata(_ resource: Resource, _ w: inout XMLWriter) {
        w.element("metaMetadata") { w in
            identifier(catalog: catalog, entry: resource.id.rawValue, &w)
            w.text("metadataSchema", "LOMv1.0")
            if let language = Resource.preferred(resource.titles)?.language, ExportFormat.isLanguageTag(language) {
                w.text("language", language)
            }
        }
    }

    // MARK: 4 Technical

    private static func technical(_ resource: Resource, _ w: inout XMLWriter) {
        // LOM 4.1 is a MIME type: "PAL 625 lignes" or "35 mm numérisé" go out in oai_dc only.
        let formats = resource.mediaFormats.compactMap(ExportFormat.nonEmpty).filter(ExportFormat.isMIMEType)
        let location = ExportFormat.nonEmpty(resource.location)
        let duration = resource.duration.flatMap(ExportFormat.isoDuration)
        guard !formats.isEmpty || location != nil || duration != nil else { return }
        w.element("technical") { w in
            for format in formats { w.text("format", format) }
            if let location { w.text("location", location) }
            if let duration { w.element("duration") { $0.text("duration", duration) } }
        }
    }

    // MARK: 5 Educational

    private static func educational(_ resource: Resource, _ vocabularies: Vocabularies, _ w: inout XMLWriter) {
        let types = lomValues(resource.resourceTypes, .resourceType, allowed: learningResourceTypes, vocabularies)
        let roles = lomValues(resource.intendedRoles, .intendedRole, allowed: intendedEndUserRoles, vocabularies)
        var contexts: [String] = []
        var otherContexts: [String] = []
        for context in resource.contexts {
            let folded = Vocabularies.fold(context)
            if let value = contextValues.first(where: { $0 == folded }) {
                if !contexts.contains(value) { contexts.append(value) }
            } else if let text = ExportFormat.nonEmpty(context) {
                otherContexts.append(text)
            }
        }
        // Every level of ours is a school level (maternel to 7e secondaire).
        if resource.levels.contains(where: { $0.term != nil }), !contexts.contains("school") {
            contexts.append("school")
        }
        let learningTime = resource.learningTime.flatMap(ExportFormat.isoDuration)
        guard !types.isEmpty || !roles.isEmpty || !contexts.isEmpty || !otherContexts.isEmpty || learningTime != nil
        else { return }
        w.element("educational") { w in
            for type in types { vocabulary("learningResourceType", type, &w) }
            for role in roles { vocabulary("intendedEndUserRole", role, &w) }
            for context in contexts { vocabulary("context", context, &w) }
            if let learningTime { w.element("typicalLearningTime") { $0.text("duration", learningTime) } }
            for context in otherContexts {
                langString("description", [LangText("Contexte : " + context, language: "fr")], &w)
            }
        }
    }

    static let learningResourceTypes = [
        "exercise", "simulation", "questionnaire", "diagram", "figure", "graph", "index", "slide", "table",
        "narrative text", "exam", "experiment", "problem statement", "self assessment", "lecture",
    ]
    static let intendedEndUserRoles = ["teacher", "author", "learner", "manager"]
    static let contextValues = ["school", "higher education", "training", "other"]
    static let relationKinds = [
        "ispartof", "haspart", "isversionof", "hasversion", "isformatof", "hasformat", "references",
        "isreferencedby", "isbasedon", "isbasisfor", "requires", "isrequiredby",
    ]

    /// The LOMv1.0 values for terms of a facet: the source's own value when it is one (an
    /// "exam" stays "exam"), else the first `lomv1` mapping of our term. Terms without one go
    /// to classification instead (`classifiedOutsideLOM`).
    static func lomValues(_ values: [TermValue], _ facet: Facet, allowed: [String],
                          _ vocabularies: Vocabularies) -> [String] {
        var out: [String] = []
        for value in values {
            guard let lom = lomValue(value, facet, allowed: allowed, vocabularies) else { continue }
            if !out.contains(lom) { out.append(lom) }
        }
        return out
    }

    static func lomValue(_ value: TermValue, _ facet: Facet, allowed: [String], _ vocabularies: Vocabularies) -> String? {
        let raw = Vocabularies.fold(value.raw)
        guard let term = value.term else { return nil }
        let mappings = lomv1Mappings(term, facet, vocabularies)
        if allowed.contains(raw), mappings.contains(raw) { return raw }
        return mappings.first(where: allowed.contains)
    }

    static func lomv1Mappings(_ term: String, _ facet: Facet, _ vocabularies: Vocabularies) -> [String] {
        let found = vocabularies.byDimension[facet]?.terms.first { $0.id == term }
        return (found?.mappings?["lomv1"] ?? []).map(Vocabularies.fold)
    }

    // MARK: 6 Rights

    private static func rights(_ resource: Resource, _ vocabularies: Vocabularies, _ w: inout XMLWriter) {
        guard let licence = resource.licence else { return }
        let restrictions = ExportFormat.restrictions(licence)
        let text = ExportFormat.licenceText(licence, vocabularies: vocabularies)
        guard restrictions != nil || text != nil else { return }
        w.element("rights") { w in
            if let restrictions { vocabulary("copyrightAndOtherRestrictions", restrictions, &w) }
            if let text { langString("description", [LangText(text, language: "fr")], &w) }
        }
    }

    // MARK: 7 Relation

    private static func relations(_ resource: Resource, _ w: inout XMLWriter) {
        for relation in resource.relations {
            guard let target = ExportFormat.nonEmpty(relation.target) else { continue }
            let kind = relation.kind.map(Vocabularies.fold).flatMap { folded in
                relationKinds.first { $0 == folded.replacingOccurrences(of: " ", with: "") }
            }
            w.element("relation") { w in
                if let kind { vocabulary("kind", kind, &w) }
                w.element("resource") { w in
                    // A catalog-less entry comes back as itself through our LOM reader.
                    w.element("identifier") { w in
                        if ExportFormat.isURI(target) { w.text("catalog", "URI") }
                        w.text("entry", target)
                    }
                    if let description = ExportFormat.nonEmpty(relation.description) {
                        langString("description", [LangText(description)], &w)
                    }
                }
            }
        }
    }

    // MARK: 9 Classification

    private static func classifications(_ resource: Resource, _ vocabularies: Vocabularies, _ w: inout XMLWriter) {
        classification("educational level", resource.levels, .level, vocabularies, &w)
        classification("discipline", resource.domains, .domain, vocabularies, &w)
        classification("accessibility restrictions", resource.specificNeeds, .specificNeed, vocabularies, &w)
        // Types and audiences LOMv1.0 cannot say: classified by idea, in our vocabularies.
        let types = resource.resourceTypes.filter {
            lomValue($0, .resourceType, allowed: learningResourceTypes, vocabularies) == nil
        }
        classification("idea", types, .resourceType, vocabularies, &w)
        let roles = resource.intendedRoles.filter {
            lomValue($0, .intendedRole, allowed: intendedEndUserRoles, vocabularies) == nil
        }
        classification("idea", roles, .intendedRole, vocabularies, &w)
    }

    /// The name of our vocabulary as a taxonPath source: "Relais FWB – Niveaux d'enseignement (niveaux)".
    static func sourceName(_ facet: Facet, _ vocabularies: Vocabularies) -> String {
        let label = vocabularies.byDimension[facet]?.label ?? facet.rawValue
        return "Relais FWB – \(label) (\(facet.rawValue))"
    }

    private static func classification(_ purpose: String, _ values: [TermValue], _ facet: Facet,
                                       _ vocabularies: Vocabularies, _ w: inout XMLWriter) {
        let values = values.filter { $0.term != nil || ExportFormat.nonEmpty($0.raw) != nil }
        guard !values.isEmpty else { return }
        w.element("classification") { w in
            vocabulary("purpose", purpose, &w)
            for value in values {
                w.element("taxonPath") { w in
                    if let term = value.term {
                        langString("source", [LangText(sourceName(facet, vocabularies), language: "fr")], &w)
                        w.element("taxon") { w in
                            w.text("id", term)
                            let label = vocabularies.label(of: term, in: facet) ?? term
                            langString("entry", [LangText(label, language: "fr")], &w)
                        }
                    } else {
                        // Unmapped: the scheme and the text exactly as the source gave them.
                        let scheme = ExportFormat.nonEmpty(value.scheme) ?? sourceName(facet, vocabularies)
                        langString("source", [LangText(scheme)], &w)
                        w.element("taxon") { w in
                            langString("entry", [LangText(value.raw)], &w)
                        }
                    }
                }
            }
        }
    }

    // MARK: Data types

    private static func identifier(catalog: String, entry: String, _ w: inout XMLWriter) {
        w.element("identifier") { w in
            w.text("catalog", catalog)
            w.text("entry", entry)
        }
    }

    /// A LangString element: one `<string>` per text, with its language when it is a valid tag.
    /// Nothing is written when every text is empty.
    private static func langString(_ name: StaticString, _ texts: [LangText], _ w: inout XMLWriter) {
        let strings = texts.compactMap { text -> (String, String?)? in
            guard let value = ExportFormat.nonEmpty(text.text) else { return nil }
            return (value, text.language.flatMap { ExportFormat.isLanguageTag($0) ? $0 : nil })
        }
        guard !strings.isEmpty else { return }
        w.element(name) { w in
            for (value, language) in strings {
                w.text("string", value, language.map { [("language" as StaticString, $0)] } ?? [])
            }
        }
    }

    private static func vocabulary(_ name: StaticString, _ value: String, _ w: inout XMLWriter) {
        w.element(name) { w in
            w.text("source", "LOMv1.0")
            w.text("value", value)
        }
    }

    /// LOM DateTime: a `dateTime` when the value has the shape LOM accepts, else a description.
    private static func dateTime(_ name: StaticString, _ value: String, _ w: inout XMLWriter) {
        w.element(name) { w in
            if let date = ExportFormat.lomDateTime(value) {
                w.text("dateTime", date)
            } else {
                langString("description", [LangText(value)], &w)
            }
        }
    }
}
