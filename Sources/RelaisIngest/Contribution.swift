import Foundation
import RelaisCore

/// Metadata a contributor types in the submission form (term ids of our vocabularies).
/// Every member is optional: a draft may be incomplete, the checklist says what is missing;
/// an improvement names only the fields it changes.
public struct ContributedMetadata: Codable, Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var keywords: [String]?
    public var levels: [String]?
    public var domains: [String]?
    public var types: [String]?
    public var needs: [String]?
    public var licence: String?
    public var url: String?
    public var language: String?
    public var learningTimeMinutes: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case title, description, keywords, levels, domains, types, needs, licence, url, language
        case learningTimeMinutes = "learning_time_minutes"
    }

    /// The fields given, by their JSON name.
    public var givenFields: [String] {
        var fields: [String] = []
        if title != nil { fields.append("title") }
        if description != nil { fields.append("description") }
        if keywords != nil { fields.append("keywords") }
        if levels != nil { fields.append("levels") }
        if domains != nil { fields.append("domains") }
        if types != nil { fields.append("types") }
        if needs != nil { fields.append("needs") }
        if licence != nil { fields.append("licence") }
        if url != nil { fields.append("url") }
        if language != nil { fields.append("language") }
        if learningTimeMinutes != nil { fields.append("learning_time_minutes") }
        return fields
    }
}

/// A contribution that cannot be read: which field, and why.
public struct ContributionError: Error, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field) : \(message)" }
}

/// Turns what contributors send into resources, with the same mappers as imports.
public struct ContributionMapper: Sendable {
    public static let source = "contributions"
    public let vocabularies: Vocabularies

    public init(vocabularies: Vocabularies) {
        self.vocabularies = vocabularies
    }

    /// The id a submission's resource gets when published (stable across edits).
    public static func identifier(submission: Int64) -> String { "soumission-\(submission)" }

    /// A new resource from form metadata.
    public func resource(from metadata: ContributedMetadata, identifier: String) throws(ContributionError) -> Resource {
        var resource = Resource(id: ResourceID(source: Self.source, sourceIdentifier: identifier), source: Self.source,
                                sourceIdentifier: identifier, format: .lom)
        try apply(metadata, to: &resource, prefix: "metadata")
        if resource.languages.isEmpty { resource.languages = ["fr"] }
        return resource
    }

    /// A new resource from a LOM XML record or a Markdown fact sheet, read by the import parsers;
    /// the first record is taken, its id replaced by the submission's.
    public func resource(format: String, content: String, identifier: String) throws(ContributionError) -> (Resource, [ImportWarning]) {
        guard !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ContributionError(field: "content", message: "le contenu est vide")
        }
        let context = MappingContext(vocabularies: vocabularies, source: Self.source, file: "soumission")
        var found: (Resource, [ImportWarning])?
        var rejection: String?
        let emit: (RecordEvent) throws -> Void = { event in
            guard found == nil, rejection == nil else { return }
            switch event {
            case .record(let record): found = (record.resource, record.warnings)
            case .rejected(let refused): rejection = refused.reason
            case .deleted: rejection = "un en-tête OAI-PMH « deleted » ne décrit aucune ressource"
            }
        }
        do {
            switch format {
            case "markdown":
                try MarkdownSheetParser().parse(bytes: Array(content.utf8), context: context, emit: emit)
            case "lom":
                let file = FileManager.default.temporaryDirectory
                    .appendingPathComponent("relais-soumission-\(UUID().uuidString).xml")
                try Data(content.utf8).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                try XMLRecordParser().parse(file: file, context: context, emit: emit)
            default:
                throw ContributionError(field: "format", message: "format inconnu « \(format.prefix(20)) » ; formats : json, lom, markdown")
            }
        } catch let error as ContributionError {
            throw error
        } catch let error as FileRejection {
            throw ContributionError(field: "content", message: error.description)
        } catch let error as FileSkipped {
            throw ContributionError(field: "content", message: error.reason)
        } catch {
            throw ContributionError(field: "content", message: "contenu illisible (\(error))")
        }
        if let rejection { throw ContributionError(field: "content", message: rejection) }
        guard var (resource, warnings) = found else {
            throw ContributionError(field: "content", message: "aucune notice trouvée dans le contenu")
        }
        resource.id = ResourceID(source: Self.source, sourceIdentifier: identifier)
        resource.source = Self.source
        resource.sourceIdentifier = identifier
        warnings = warnings.filter { $0.kind != .missingIdentifier }
        return (resource, warnings)
    }

    /// The resource with the changes of an improvement applied.
    public func applying(_ changes: ContributedMetadata, to resource: Resource) throws(ContributionError) -> Resource {
        var changed = resource
        try apply(changes, to: &changed, prefix: "changes")
        return changed
    }

    /// The metadata of a resource as the form shows it (to prefill an improvement).
    public static func metadata(of resource: Resource) -> ContributedMetadata {
        var metadata = ContributedMetadata()
        metadata.title = Resource.preferred(resource.titles)?.text
        metadata.description = Resource.preferred(resource.descriptions)?.text
        metadata.keywords = resource.keywords.map(\.text)
        metadata.levels = resource.levels.compactMap(\.term)
        metadata.domains = resource.domains.compactMap(\.term)
        metadata.types = resource.resourceTypes.compactMap(\.term)
        metadata.needs = resource.specificNeeds.compactMap(\.term)
        metadata.licence = resource.licence?.term
        metadata.url = resource.location
        metadata.language = resource.languages.first
        metadata.learningTimeMinutes = resource.learningTime.map { ($0 / 60).rounded() }
        return metadata
    }

    private func apply(_ m: ContributedMetadata, to resource: inout Resource, prefix: String) throws(ContributionError) {
        let language = m.language ?? resource.languages.first ?? "fr"
        if let language = m.language {
            guard language.count <= 12, language.allSatisfy({ $0.isLetter || $0 == "-" }), !language.isEmpty else {
                throw ContributionError(field: "\(prefix).language", message: "code de langue invalide (ex. fr, nl, en)")
            }
            resource.languages = [language]
        }
        if let title = m.title {
            try limit(title, 300, "\(prefix).title")
            resource.titles = Self.replacing(resource.titles, with: title, language: language)
        }
        if let description = m.description {
            try limit(description, 10_000, "\(prefix).description")
            resource.descriptions = Self.replacing(resource.descriptions, with: description, language: language)
        }
        if let keywords = m.keywords {
            guard keywords.count <= 50 else {
                throw ContributionError(field: "\(prefix).keywords", message: "50 mots-clés au plus")
            }
            for keyword in keywords { try limit(keyword, 100, "\(prefix).keywords") }
            resource.keywords = keywords.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }.map { LangText($0, language: language) }
        }
        if let levels = m.levels { resource.levels = try terms(levels, .level, "\(prefix).levels") }
        if let domains = m.domains { resource.domains = try terms(domains, .domain, "\(prefix).domains") }
        if let types = m.types { resource.resourceTypes = try terms(types, .resourceType, "\(prefix).types") }
        if let needs = m.needs { resource.specificNeeds = try terms(needs, .specificNeed, "\(prefix).needs") }
        if let licence = m.licence {
            if licence.isEmpty {
                resource.licence = nil
            } else {
                guard vocabularies.label(of: licence, in: .licence) != nil else {
                    throw ContributionError(field: "\(prefix).licence", message: "licence inconnue « \(licence.prefix(40)) » (voir /api/v1/vocabularies/licences)")
                }
                resource.licence = Licence(term: licence, statement: vocabularies.label(of: licence, in: .licence))
            }
        }
        if let url = m.url {
            try limit(url, 2000, "\(prefix).url")
            let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
            resource.location = trimmed.isEmpty ? nil : trimmed
        }
        if let minutes = m.learningTimeMinutes {
            guard minutes.isFinite, minutes >= 0, minutes <= 100_000 else {
                throw ContributionError(field: "\(prefix).learning_time_minutes", message: "durée en minutes entre 0 et 100000")
            }
            resource.learningTime = minutes == 0 ? nil : minutes * 60
        }
    }

    private func limit(_ text: String, _ characters: Int, _ field: String) throws(ContributionError) {
        guard text.count <= characters else {
            throw ContributionError(field: field, message: "\(characters) caractères au plus")
        }
    }

    private func terms(_ ids: [String], _ facet: Facet, _ field: String) throws(ContributionError) -> [TermValue] {
        var result: [TermValue] = []
        for id in ids where !result.contains(where: { $0.term == id }) {
            guard vocabularies.label(of: id, in: facet) != nil else {
                throw ContributionError(field: field, message: "terme inconnu « \(id.prefix(40)) » (voir /api/v1/vocabularies/\(facet.rawValue))")
            }
            result.append(TermValue(term: id, raw: id, scheme: "relais"))
        }
        return result
    }

    /// Replaces the text in `language` (or adds it), keeping the other languages.
    static func replacing(_ texts: [LangText], with text: String, language: String) -> [LangText] {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var result = texts.filter { ($0.language ?? language) != language && $0.language != nil }
        if !value.isEmpty { result.insert(LangText(value, language: language), at: 0) }
        return result
    }
}
