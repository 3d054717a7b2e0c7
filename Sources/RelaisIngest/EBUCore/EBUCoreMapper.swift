import Foundation
import RelaisCore

/// Maps one `ebuCoreMain` record (EBUCore 1.x, namespace `urn:ebu:metadata-schema:ebucore` or the
/// dated `urn:ebu:metadata-schema:ebuCore_2014`, prefixed or default) to a `Resource`.
/// Elements are matched on local names only: archive exports mix namespaces freely.
enum EBUCoreMapper {
    static func map(_ input: MapperInput, context: MappingContext) -> Result<ParsedRecord, RecordRejection> {
        var builder = RecordBuilder(context: context, recordIndex: input.recordIndex, line: input.line)
        let vocabularies = context.vocabularies
        let root = input.element
        let core = root.child("coreMetadata") ?? root
        let directParts = core.children("part")
        // A part exported as a file of its own (ebuCoreMain/coreMetadata/part, nothing else):
        // its descriptive metadata describes the record.
        let lonePart = core.children("title").isEmpty && directParts.count == 1 ? directParts[0] : nil

        // Identifier first: without one the record cannot be stored.
        let identifiers = Self.identifiers(core) + (lonePart.map(Self.identifiers) ?? [])
        let formats = core.children("format") + (lonePart?.children("format") ?? [])
        let locators = formats.flatMap { $0.descendants("locator") }.compactMap(\.text)
            + core.children("locator").compactMap(\.text)
        let preferred = identifiers.first { identifier in
            guard let label = identifier.label.map(Vocabularies.fold) else { return false }
            return label.contains("sonuma") || ["main", "principal", "primary", "main identifier"].contains(label)
        }
        let partId = lonePart.flatMap { $0.attribute("partId").flatMap(Self.clean) ?? $0.child("partId")?.text }
        guard let sourceIdentifier = input.oaiIdentifier.flatMap(Self.clean) ?? preferred?.value
            ?? identifiers.first?.value ?? partId ?? locators.first
        else {
            return .failure(builder.reject("notice EBUCore sans identifiant"))
        }

        var resource = Resource(id: ResourceID(source: context.source, sourceIdentifier: sourceIdentifier),
                                source: context.source, sourceIdentifier: sourceIdentifier, format: .ebucore)

        // Languages, then the language given to texts that do not say theirs.
        for language in core.children("language") {
            // typeLabel says which language it is ("langue parlée", "sous-titres"), not the code.
            guard let raw = language.child("language")?.text ?? language.text else { continue }
            if let tag = Normalize.language(raw) {
                resource.languages.append(tag)
            } else {
                builder.warn(.invalidValue, field: "langue", value: raw, "code de langue illisible « \(raw) » : ignoré")
            }
        }
        resource.languages = resource.languages.uniqued()
        // xml:lang on ebuCoreMain says the language of the record's texts.
        let defaultLanguage = root.attribute("lang").flatMap(Normalize.language) ?? Self.defaultLanguage(resource.languages)

        // Titles: the main ones, then alternative titles; a lone part lends its own.
        resource.titles = Self.texts(core.children("title"), dc: "title", default: defaultLanguage)
            + Self.texts(core.children("alternativeTitle"), dc: "title", default: defaultLanguage)
        if resource.titles.isEmpty, let lonePart {
            resource.titles = Self.texts(lonePart.children("title"), dc: "title", default: defaultLanguage)
                + Self.texts(lonePart.children("alternativeTitle"), dc: "title", default: defaultLanguage)
        }
        resource.titles = resource.titles.uniqued()

        // Descriptions: summaries first, transcripts last.
        var descriptionSource = core.children("description")
        if descriptionSource.isEmpty, let lonePart { descriptionSource = lonePart.children("description") }
        let descriptions = Self.descriptions(descriptionSource, default: defaultLanguage, builder: &builder)
        resource.descriptions = (descriptions.filter { $0.kind == .summary } + descriptions.filter { $0.kind == .other }
            + descriptions.filter { $0.kind == .transcript }).map(\.text).uniqued()

        // Subjects: levels, domains, keywords (a keyword naming a domain also gives the domain).
        for subject in core.children("subject") {
            Self.subject(subject, default: defaultLanguage, into: &resource, builder: &builder)
        }
        for type in core.children("type") {
            for audience in type.children("targetAudience") + type.children("audienceLevel") {
                for raw in [audience.attribute("typeLabel"), audience.text].compactMap({ $0.flatMap(Self.clean) }) {
                    if let term = vocabularies.term(for: raw, in: .level) {
                        resource.levels.append(TermValue(term: term, raw: raw))
                    }
                }
            }
        }
        resource.levels = Self.uniqueTerms(resource.levels)
        resource.domains = Self.uniqueTerms(resource.domains)
        resource.keywords = resource.keywords.uniqued()

        // Dates.
        let dates = Self.dates(core.children("date"))
        if let created = dates.created.lazy.compactMap({ builder.date($0, field: "date") }).first {
            resource.created = created
        }
        if let modified = dates.modified.lazy.compactMap({ builder.date($0, field: "date") }).first {
            resource.modified = modified
        }

        // People and organisations.
        for creator in core.children("creator") {
            if let person = Self.contributor(creator, defaultRole: "author") { resource.contributors.append(person) }
        }
        for contributor in core.children("contributor") {
            if let person = Self.contributor(contributor, defaultRole: "contributor") { resource.contributors.append(person) }
        }
        for publisher in core.children("publisher") {
            guard let person = Self.contributor(publisher, defaultRole: "publisher") else { continue }
            if resource.publisher == nil { resource.publisher = person.organization ?? person.name }
            resource.contributors.append(person)
        }

        // Rights.
        Self.rights(core.children("rights"), into: &resource, builder: &builder)

        // Resource types. objectType and dc:type say what the object is: mapped, unmapped ones
        // reported. A genre (news, magazine, sport...) is a theme more than a type: it counts only
        // when it names one of our types, and is otherwise kept as a keyword. A video or a
        // sound recording that maps to nothing is a "sequence-video" or a "document-audio",
        // placed before the source's own values.
        let hasVideo = formats.contains { format in
            !format.children("videoFormat").isEmpty || format.descendants("mimeType").contains {
                (Self.label($0) ?? "").lowercased().hasPrefix("video/")
            }
        }
        let hasAudio = formats.contains { format in
            !format.children("audioFormat").isEmpty || format.descendants("mimeType").contains {
                (Self.label($0) ?? "").lowercased().hasPrefix("audio/")
            }
        }
        var stated: [String] = []
        var genres: [String] = []
        for type in core.children("type") {
            stated += type.children("objectType").compactMap { Self.label($0) }
            stated += type.children("type").compactMap(\.text)
            genres += type.children("genre").compactMap { Self.label($0) }
        }
        var typeValues = stated.compactMap { builder.term($0, .resourceType) }
        for genre in genres {
            if let term = vocabularies.term(for: genre, in: .resourceType) {
                typeValues.append(TermValue(term: term, raw: genre))
            } else {
                resource.keywords.append(LangText(genre, language: defaultLanguage))
            }
        }
        resource.keywords = resource.keywords.uniqued()
        if !typeValues.contains(where: { $0.term != nil }) {
            let isVideo = hasVideo || (stated + genres).contains { Vocabularies.fold($0).contains("video") }
            let fallback = isVideo ? "sequence-video" : hasAudio ? "document-audio" : nil
            if let fallback, isVideo || vocabularies.term(for: fallback, in: .resourceType) != nil {
                let term = vocabularies.term(for: fallback, in: .resourceType) ?? fallback
                typeValues.insert(TermValue(term: term, raw: fallback), at: 0)
            }
        }
        resource.resourceTypes = Self.uniqueTerms(typeValues)

        // Technical metadata: duration (a lone part's own duration before its format's), media
        // formats, location.
        let durationFormats = core.children("format")
        for format in durationFormats where resource.duration == nil {
            if let duration = format.child("duration") {
                resource.duration = Self.seconds(duration, field: "durée", builder: &builder)
            }
            if resource.duration == nil,
               let start = format.child("start").flatMap({ Self.seconds($0, field: "durée", builder: &builder) }),
               let end = format.child("end").flatMap({ Self.seconds($0, field: "durée", builder: &builder) }),
               end > start {
                resource.duration = end - start
            }
        }
        if resource.duration == nil, let lonePart, let duration = lonePart.child("partDuration") {
            resource.duration = Self.seconds(duration, field: "durée", builder: &builder)
        }
        for format in lonePart?.children("format") ?? [] where resource.duration == nil {
            resource.duration = format.child("duration").flatMap { Self.seconds($0, field: "durée", builder: &builder) }
        }
        for format in formats {
            resource.mediaFormats += format.descendants("mimeType").compactMap { Self.label($0) }
            resource.mediaFormats += format.children("containerFormat").compactMap {
                Self.clean($0.attribute("containerFormatName") ?? $0.attribute("formatLabel") ?? $0.attribute("typeLabel") ?? "")
            }
            resource.mediaFormats += format.children("videoFormat").compactMap {
                Self.clean($0.attribute("videoFormatName") ?? $0.attribute("formatLabel") ?? $0.attribute("typeLabel") ?? "")
            }
        }
        resource.mediaFormats = resource.mediaFormats.uniqued()
        resource.location = locators.first(where: Self.isURL)
            ?? identifiers.map(\.value).first(where: Self.isURL)

        // Relations.
        for element in core.children + (lonePart?.children ?? [])
        where Self.relationElements.contains(element.name.lowercased()) {
            if let relation = Self.relation(element) { resource.relations.append(relation) }
        }
        resource.relations = resource.relations.uniqued()

        // Segments: every part, nested ones too, in document order.
        resource.segments = Self.parts(core).map { Self.segment($0, builder: &builder) }

        return builder.finish(resource, original: input.original)
    }

    // MARK: - Text

    /// Texts of `dc:<name>` children of each element (or the element's own text), with their language.
    private static func texts(_ elements: [XElement], dc name: String, default language: String?) -> [LangText] {
        elements.flatMap { element -> [LangText] in
            let values = element.children(name)
            let sources = values.isEmpty ? [element] : values
            return sources.compactMap { source in
                guard let text = source.text else { return nil }
                let lang = (source.attribute("lang") ?? element.attribute("lang")).flatMap(Normalize.language)
                return LangText(text, language: lang ?? language)
            }
        }
    }

    static func defaultLanguage(_ languages: [String]) -> String? {
        if languages.isEmpty || languages.contains(where: { $0 == "fr" || $0.hasPrefix("fr-") }) { return "fr" }
        return languages.count == 1 ? languages[0] : nil
    }

    enum DescriptionKind { case summary, other, transcript }

    private static func descriptionKind(_ element: XElement) -> DescriptionKind {
        let label = Vocabularies.fold([element.attribute("typeLabel"), element.attribute("typeDefinition"),
                                       element.attribute("typeLink")].compactMap { $0 }.joined(separator: " "))
        if label.contains("transcri") { return .transcript }
        for word in ["resume", "summary", "abstract", "synopsis", "main", "principal", "description"]
        where label.contains(word) {
            return .summary
        }
        return .other
    }

    /// Descriptions with their kind; HTML (EBUCore puts it in CDATA) is reduced to text, and
    /// values without a single letter (running orders, ranks, flags) are left out.
    private static func descriptions(_ elements: [XElement], default language: String?,
                                     builder: inout RecordBuilder) -> [(kind: DescriptionKind, text: LangText)] {
        var out: [(kind: DescriptionKind, text: LangText)] = []
        for element in elements {
            let kind = descriptionKind(element)
            let values = element.children("description")
            for source in values.isEmpty ? [element] : values {
                let text = plain(source.ownText)
                guard !text.isEmpty else { continue }
                guard text.contains(where: \.isLetter) else {
                    let label = element.attribute("typeLabel").flatMap(clean)
                    builder.warn(.skipped, field: "description", value: text,
                                 "description sans texte" + (label.map { " (« \($0) »)" } ?? "")
                                    + " « \(text) » : ignorée")
                    continue
                }
                let lang = (source.attribute("lang") ?? element.attribute("lang")).flatMap(Normalize.language)
                out.append((kind, LangText(text, language: lang ?? language)))
            }
        }
        return out
    }

    /// HTML to text, decoding first the character references `HTMLText` does not know.
    static func plain(_ raw: String) -> String {
        var text = raw
        if text.contains("&") {
            let named = ["&hellip;": "…", "&ndash;": "–", "&mdash;": "—", "&lsquo;": "‘", "&ldquo;": "“",
                         "&rdquo;": "”", "&oelig;": "œ", "&OElig;": "Œ", "&euml;": "ë", "&iuml;": "ï",
                         "&icirc;": "î", "&ucirc;": "û", "&ugrave;": "ù", "&acirc;": "â", "&Eacute;": "É",
                         "&Egrave;": "È", "&Agrave;": "À", "&Ccedil;": "Ç", "&uuml;": "ü", "&ouml;": "ö",
                         "&auml;": "ä", "&szlig;": "ß", "&deg;": "°", "&euro;": "€", "&copy;": "©"]
            for (entity, value) in named { text = text.replacingOccurrences(of: entity, with: value) }
            text = decodeNumericReferences(text)
        }
        // A closing block tag ends a paragraph: HTMLText turns it into one line break, and
        // line breaks alone only separate lines, so add the blank line.
        if text.contains("</") {
            text = text.replacingOccurrences(of: #"(?i)</(p|h[1-6]|li|div|blockquote|tr|table|ul|ol)>"#,
                                             with: "$0\n", options: .regularExpression)
        }
        return HTMLText.plain(text)
    }

    /// `&#233;` and `&#xE9;` to their characters, except `<`, `>` and `&`, which stay escaped
    /// so that decoding never creates markup.
    private static func decodeNumericReferences(_ text: String) -> String {
        guard text.contains("&#") else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "&#") {
            out += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            guard let semicolon = after.firstIndex(of: ";"), after.distance(from: after.startIndex, to: semicolon) <= 8 else {
                out += "&#"
                rest = after
                continue
            }
            let body = after[..<semicolon]
            let value = body.first == "x" || body.first == "X" ? UInt32(body.dropFirst(), radix: 16) : UInt32(body)
            if let value, let scalar = Unicode.Scalar(value), ![38, 60, 62].contains(value), value >= 32 || value == 10 {
                out.unicodeScalars.append(scalar)
            } else {
                out += "&#" + body + ";"
            }
            rest = after[after.index(after: semicolon)...]
        }
        return out + rest
    }

    static func clean(_ raw: String) -> String? {
        let text = Normalize.text(raw)
        return text.isEmpty ? nil : text
    }

    /// A typed element's value: its text, else its typeLabel (EBUCore often puts the value there).
    private static func label(_ element: XElement) -> String? {
        element.text ?? element.attribute("typeLabel").flatMap(clean) ?? element.attribute("formatLabel").flatMap(clean)
    }

    static func isURL(_ value: String) -> Bool {
        let lower = value.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    // MARK: - Identifiers

    private static func identifiers(_ element: XElement) -> [(value: String, label: String?)] {
        element.children("identifier").compactMap { identifier in
            guard let value = identifier.child("identifier")?.text ?? identifier.text else { return nil }
            return (value, identifier.attribute("typeLabel").flatMap(clean) ?? identifier.attribute("formatLabel").flatMap(clean))
        }
    }

    // MARK: - Subjects

    private static func subject(_ subject: XElement, default language: String?, into resource: inout Resource,
                                builder: inout RecordBuilder) {
        let vocabularies = builder.context.vocabularies
        let typeText = Vocabularies.fold([subject.attribute("typeLabel"), subject.attribute("typeDefinition"),
                                          subject.attribute("typeSource"), subject.attribute("typeLink")]
            .compactMap { $0 }.joined(separator: " "))
        let scheme = subject.attribute("typeLabel").flatMap(clean)
        let subjectLabels = texts([subject], dc: "subject", default: language)
        let code = subject.child("subjectCode")?.text
        let definition = subject.child("subjectDefinition")?.text

        func facet() -> Facet? {
            let words = Set(typeText.split(separator: " ").map(String.init))
            if !words.isDisjoint(with: ["niveau", "niveaux", "level", "levels", "cycle", "degre", "annee", "educationlevel"])
                || typeText.contains("niveau") || typeText.contains("level") {
                return .level
            }
            if !words.isDisjoint(with: ["domaine", "domaines", "discipline", "disciplines", "domain", "domains", "matiere",
                                        "matieres", "cours"])
                || typeText.contains("domaine") || typeText.contains("discipline") || typeText.contains("domain") {
                return .domain
            }
            return nil
        }

        if let facet = facet() {
            // Any form that maps wins silently; otherwise the label (or the code) is kept and reported.
            let candidates = (subjectLabels.map(\.text) + [code, definition].compactMap { $0 })
            let shown = subjectLabels.first?.text ?? definition ?? code
            guard let shown else { return }
            var value: TermValue?
            if let term = candidates.lazy.compactMap({ vocabularies.term(for: $0, in: facet) }).first {
                value = TermValue(term: term, raw: shown, scheme: scheme)
            } else {
                value = builder.term(shown, facet, scheme: scheme)
            }
            guard let value else { return }
            if facet == .level { resource.levels.append(value) } else { resource.domains.append(value) }
            return
        }

        // Keywords; a keyword that names a domain also classifies the resource, without a warning.
        var keywords = subjectLabels
        if keywords.isEmpty, let definition { keywords = [LangText(definition, language: language)] }
        if keywords.isEmpty, let code, !code.contains("/"), !code.contains(":") {
            keywords = [LangText(code, language: language)]
        }
        resource.keywords += keywords
        for raw in keywords.map(\.text) + [code].compactMap({ $0 }) {
            if let term = vocabularies.term(for: raw, in: .domain) {
                resource.domains.append(TermValue(term: term, raw: raw, scheme: scheme))
                break
            }
        }
    }

    static func uniqueTerms(_ values: [TermValue]) -> [TermValue] {
        var seen = Set<String>()
        return values.filter { seen.insert($0.term ?? "raw:" + Vocabularies.fold($0.raw)).inserted }
    }

    // MARK: - Dates

    private static func dates(_ elements: [XElement]) -> (created: [String], modified: [String]) {
        var created: [String] = [], issued: [String] = [], plain: [String] = [], other: [String] = []
        var modified: [String] = []
        func value(_ element: XElement) -> String? {
            if let date = element.attribute("startDate") ?? element.attribute("date") {
                if let time = element.attribute("startTime") ?? element.attribute("time"), !date.contains("T") {
                    return date + "T" + time
                }
                return date
            }
            return element.attribute("startYear") ?? element.attribute("year") ?? element.text
        }
        for date in elements {
            for child in date.children {
                guard let raw = value(child).flatMap(clean) else { continue }
                switch child.name.lowercased() {
                case "date": plain.append(raw)
                case "created": created.append(raw)
                case "issued": issued.append(raw)
                case "modified": modified.append(raw)
                case "released", "produced", "copyrighted", "digitised", "alternative": other.append(raw)
                default: break
                }
            }
            if date.isLeaf, let raw = value(date) { plain.append(raw) }
        }
        return (created + issued + plain + other, modified)
    }

    // MARK: - People

    private static func contributor(_ entity: XElement, defaultRole: String) -> Contributor? {
        var name: String?
        for details in entity.children("contactDetails") where name == nil {
            if let full = details.child("name")?.text {
                name = full
            } else {
                let parts = [details.child("givenName")?.text, details.child("familyName")?.text].compactMap { $0 }
                if !parts.isEmpty { name = parts.joined(separator: " ") }
            }
            if name == nil { name = details.child("stageName")?.text }
        }
        let organization = entity.children("organisationDetails").lazy.compactMap { $0.child("organisationName")?.text }.first
        guard name != nil || organization != nil else { return nil }
        let role = entity.children("role").lazy.compactMap { label($0) ?? $0.attribute("typeDefinition").flatMap(clean) }.first
        return Contributor(role: role ?? defaultRole, name: name, organization: organization)
    }

    // MARK: - Rights

    private static func rights(_ elements: [XElement], into resource: inout Resource, builder: inout RecordBuilder) {
        var candidates: [(statement: String?, url: String?)] = []
        for rights in elements {
            var statements = rights.children("rights").compactMap(\.text)
            statements += ["copyrightStatement", "rightsExpression", "exploitationIssues"].flatMap { rights.children($0) }
                .compactMap(\.text)
            if rights.isLeaf, let text = rights.text { statements.append(text) }
            var urls = rights.children("rightsLink").compactMap(\.text)
            urls += [rights.attribute("typeLink"), rights.attribute("rightsID")].compactMap { $0 }.filter(isURL)
            let link = urls.first(where: isURL) ?? urls.first
            if statements.isEmpty, link == nil, let label = rights.attribute("typeLabel").flatMap(clean) {
                statements.append(label)
            }
            // A URL given as the statement is a link.
            let textual = statements.filter { !isURL($0) }
            let url = link ?? statements.first(where: isURL)
            if textual.isEmpty {
                if url != nil { candidates.append((nil, url)) }
            } else {
                for statement in textual { candidates.append((statement, url)) }
            }

            for holder in rights.children("rightsHolder") {
                if let person = contributor(holder, defaultRole: "rightsholder") {
                    resource.contributors.append(Contributor(role: "rightsholder", name: person.name,
                                                             organization: person.organization))
                }
            }
            if let flag = rights.child("rightsClearanceFlag")?.text?.lowercased(), flag == "false" || flag == "0" {
                builder.warn(.invalidValue, field: Facet.licence.rawValue, value: flag,
                             "droits non libérés (rightsClearanceFlag = \(flag)) : à vérifier avant publication")
            }
        }
        guard !candidates.isEmpty else { return }
        let vocabularies = builder.context.vocabularies
        for candidate in candidates {
            if let licence = vocabularies.licence(statement: candidate.statement.map(Normalize.text), url: candidate.url),
               licence.term != nil {
                resource.licence = licence
                return
            }
        }
        resource.licence = builder.licence(statement: candidates[0].statement, url: candidates[0].url)
    }

    // MARK: - Time

    /// Seconds of a timeType / durationType element: timecode (frames at its editRate, 25 by
    /// default), normalPlayTime (ISO duration or clock time), editUnitNumber with editRate,
    /// or a free `time` / `duration` value.
    static func seconds(_ element: XElement, field: String, builder: inout RecordBuilder) -> Double? {
        if let timecode = element.child("timecode") ?? element.child("timecodeFrame"), let raw = timecode.text {
            let rate = frameRate(timecode) ?? 25
            let value = raw.replacingOccurrences(of: ";", with: ":")
            if let seconds = Normalize.duration(value, framesPerSecond: rate) { return seconds }
            builder.warn(.invalidValue, field: field, value: raw, "timecode illisible « \(raw) » : ignoré")
            return nil
        }
        if let units = element.child("editUnitNumber"), let raw = units.text {
            guard let count = Double(raw), let rate = frameRate(units), rate > 0 else {
                builder.warn(.invalidValue, field: field, value: raw,
                             "editUnitNumber « \(raw) » sans editRate utilisable : ignoré")
                return nil
            }
            return count / rate
        }
        for name in ["normalPlayTime", "offsetNormalPlayTime", "duration", "time"] {
            if let raw = element.child(name)?.text { return builder.duration(raw, field: field) }
        }
        if element.isLeaf, let raw = element.text { return builder.duration(raw, field: field) }
        return nil
    }

    /// editRate × factorNumerator / factorDenominator (30 × 1000/1001 for NTSC).
    private static func frameRate(_ element: XElement) -> Double? {
        guard let rate = element.attribute("editRate").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
              rate > 0 else { return nil }
        let numerator = element.attribute("factorNumerator").flatMap { Double($0) } ?? 1
        let denominator = element.attribute("factorDenominator").flatMap { Double($0) } ?? 1
        guard numerator > 0, denominator > 0 else { return rate }
        return rate * numerator / denominator
    }

    // MARK: - Relations

    static let relationElements: Set<String> = [
        "relation", "isrelatedto", "isnextinsequence", "followsinsequence", "isversionof", "hasversion",
        "isreplacedby", "replaces", "isrequiredby", "requires", "ispartof", "haspart", "hastrackpart",
        "istrackpartof", "references", "isreferencedby", "isformatof", "hasformat", "isepisodeof", "isseasonof",
        "hasepisode", "hasseason", "hasseries", "isseriesof", "ismemberof", "hasmember", "sameas", "hasparent",
        "isparentof", "haschild", "ischildof", "hasmaster", "ismasterof", "isderivedfrom",
    ]

    private static func relation(_ element: XElement) -> Relation? {
        let target = element.child("relationIdentifier").flatMap { $0.child("identifier")?.text ?? $0.text }
            ?? element.child("relationLink")?.text
            ?? element.child("relation")?.text
            ?? (element.isLeaf ? element.text : nil)
        guard let target else { return nil }
        let label = element.attribute("typeLabel").flatMap(clean)
        let name = element.name.lowercased()
        if name == "relation" {
            return Relation(kind: label, target: target)
        }
        return Relation(kind: name == "isderivedfrom" ? "isbasedon" : name, target: target, description: label)
    }

    // MARK: - Parts

    private static func parts(_ element: XElement) -> [XElement] {
        element.children("part").flatMap { [$0] + parts($0) }
    }

    private static func segment(_ part: XElement, builder: inout RecordBuilder) -> Segment {
        var segment = Segment()
        segment.identifier = part.attribute("partId").flatMap(clean) ?? part.child("partId")?.text
        segment.title = texts(part.children("title"), dc: "title", default: nil).first?.text
            ?? part.attribute("partName").flatMap(clean)
        var described: [String] = []
        var transcripts: [String] = []
        for description in part.children("description") {
            let values = description.children("description")
            let texts = (values.isEmpty ? [description] : values).map { plain($0.ownText) }.filter { !$0.isEmpty }
            if descriptionKind(description) == .transcript {
                transcripts += texts
            } else {
                described += texts.filter { $0.contains(where: \.isLetter) }
            }
        }
        for name in ["transcript", "transcription"] {
            for element in part.children(name) {
                let text = plain(element.isLeaf ? element.ownText : element.allText)
                if !text.isEmpty { transcripts.append(text) }
            }
        }
        if !described.isEmpty { segment.description = described.uniqued().joined(separator: "\n\n") }
        if !transcripts.isEmpty { segment.transcript = transcripts.uniqued().joined(separator: "\n\n") }
        segment.start = part.child("partStartTime").flatMap { seconds($0, field: "segment", builder: &builder) }
        if let start = segment.start {
            if let duration = part.child("partDuration").flatMap({ seconds($0, field: "segment", builder: &builder) }) {
                segment.end = start + duration
            } else if let end = part.child("partEndTime").flatMap({ seconds($0, field: "segment", builder: &builder) }),
                      end >= start {
                segment.end = end
            }
        }
        return segment
    }
}
