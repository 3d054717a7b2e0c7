import Foundation

/// One check shown to a contributor before they submit. A failed blocking item prevents
/// submission; a failed non-blocking one is a warning.
public struct ChecklistItem: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var passed: Bool
    public var blocking: Bool
    /// What is wrong (or, for a passed item, what was found), in French.
    public var detail: String?
    /// A page of the site that helps (the near-duplicate resource).
    public var link: String?

    public init(id: String, label: String, passed: Bool, blocking: Bool = true,
                detail: String? = nil, link: String? = nil) {
        self.id = id
        self.label = label
        self.passed = passed
        self.blocking = blocking
        self.detail = detail
        self.link = link
    }

    private enum CodingKeys: String, CodingKey { case id, label, passed, blocking, detail, link }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(passed, forKey: .passed)
        try container.encode(blocking, forKey: .blocking)
        try container.encode(detail, forKey: .detail)
        try container.encode(link, forKey: .link)
    }
}

/// A published resource that looks like the one being submitted.
public struct NearDuplicate: Sendable, Equatable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// One field an improvement changes, as shown to the curator.
public struct FieldChange: Codable, Sendable, Equatable {
    public var field: String
    public var label: String
    public var before: String?
    public var after: String?

    public init(field: String, label: String, before: String?, after: String?) {
        self.field = field
        self.label = label
        self.before = before
        self.after = after
    }

    private enum CodingKeys: String, CodingKey { case field, label, before, after }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(label, forKey: .label)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
    }
}

/// The checks a submission must pass before a curator sees it (issue 5 contract).
public enum SubmissionChecklist {
    /// Licences that let any teacher reuse and adapt the resource.
    public static let openLicences: Set<String> = ["cc-by", "cc-by-sa", "cc0", "pdm"]

    public static let minTitleLength = 5
    public static let minDescriptionLength = 80

    public static func forResource(_ resource: Resource, nearDuplicates: [NearDuplicate]) -> [ChecklistItem] {
        [
            titleItem(resource),
            descriptionItem(resource),
            termsItem(id: "niveau", label: "Au moins un niveau", resource.levels, what: "un niveau"),
            termsItem(id: "domaine", label: "Au moins un domaine", resource.domains, what: "un domaine"),
            termsItem(id: "type", label: "Un type de ressource", resource.resourceTypes, what: "un type de ressource"),
            licenceItem(resource),
            urlItem(resource),
            duplicateItem(nearDuplicates),
        ]
    }

    /// The "modification" item (at least one field changed), then the resource checks on
    /// `merged`. A check of a field the improvement leaves alone does not block it: the
    /// contributor is not answerable for what the original already lacked.
    public static func forImprovement(original: Resource, merged: Resource,
                                      nearDuplicates: [NearDuplicate]) -> [ChecklistItem] {
        let changes = diff(original, merged)
        let changed = Set(changes.map(\.field))
        let modification = ChecklistItem(
            id: "modification", label: "Au moins un champ modifié", passed: !changes.isEmpty,
            detail: changes.isEmpty
                ? "Aucun champ ne diffère de la ressource publiée."
                : "Champs modifiés : " + changes.map { $0.label.lowercased() }.joined(separator: ", ") + ".")
        // The original is, unsurprisingly, the closest resource to its own improvement.
        let others = nearDuplicates.filter { $0.id != original.id.rawValue }
        let checks = forResource(merged, nearDuplicates: others).map { item in
            var item = item
            if item.blocking, let fields = checkedFields[item.id], changed.isDisjoint(with: fields) {
                item.blocking = false
            }
            return item
        }
        return [modification] + checks
    }

    /// Which diff fields each resource check looks at.
    static let checkedFields: [String: Set<String>] = [
        "titre": ["title"], "description": ["description"], "niveau": ["levels"], "domaine": ["domains"],
        "type": ["resourceTypes"], "licence": ["licence"], "url": ["location"],
    ]

    public static func forFeedback(level: String?, context: String?, worked: String?, adapt: String?) -> [ChecklistItem] {
        func filled(_ text: String?) -> Bool {
            !(text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        return [
            ChecklistItem(id: "niveau", label: "Le niveau de la classe où la ressource a été utilisée",
                          passed: filled(level), detail: filled(level) ? nil : "Indiquez le niveau (par exemple P5 ou S2)."),
            ChecklistItem(id: "contexte", label: "Le contexte d'utilisation", passed: filled(context),
                          detail: filled(context) ? nil : "Décrivez la classe et la séquence dans laquelle vous l'avez utilisée."),
            ChecklistItem(id: "fonctionne", label: "Ce qui a fonctionné", passed: filled(worked),
                          detail: filled(worked) ? nil : "Dites ce qui a marché avec vos élèves."),
            ChecklistItem(id: "adaptation", label: "Ce que vous avez adapté (facultatif)", passed: filled(adapt),
                          blocking: false,
                          detail: filled(adapt) ? nil : "Vos adaptations aident les collègues qui reprendront la ressource."),
        ]
    }

    /// No blocking item failed.
    public static func isReady(_ items: [ChecklistItem]) -> Bool {
        !items.contains { $0.blocking && !$0.passed }
    }

    // MARK: - Resource checks

    private static func trimmed(_ text: LangText?) -> String {
        (text?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func titleItem(_ resource: Resource) -> ChecklistItem {
        let title = trimmed(Resource.preferred(resource.titles))
        let passed = title.count >= minTitleLength
        return ChecklistItem(
            id: "titre", label: "Un titre d'au moins \(minTitleLength) caractères", passed: passed,
            detail: passed ? nil
                : title.isEmpty ? "Aucun titre." : "Le titre compte \(title.count) caractère\(title.count > 1 ? "s" : "").")
    }

    private static func descriptionItem(_ resource: Resource) -> ChecklistItem {
        let description = trimmed(Resource.preferred(resource.descriptions))
        let passed = description.count >= minDescriptionLength
        return ChecklistItem(
            id: "description", label: "Une description d'au moins \(minDescriptionLength) caractères", passed: passed,
            detail: passed ? nil
                : description.isEmpty ? "Aucune description."
                : "La description compte \(description.count) caractère\(description.count > 1 ? "s" : "") sur les \(minDescriptionLength) attendus.")
    }

    /// Passes with one value mapped to our vocabulary; an unmapped value is named so the
    /// contributor sees why it does not count.
    private static func termsItem(id: String, label: String, _ values: [TermValue], what: String) -> ChecklistItem {
        let passed = values.contains { $0.term != nil }
        var detail: String?
        if !passed {
            let unknown = values.map(\.raw).filter { !$0.isEmpty }
            detail = unknown.isEmpty
                ? "Choisissez \(what)."
                : "Valeur inconnue du vocabulaire : " + unknown.map { "« \($0) »" }.joined(separator: ", ") + "."
        }
        return ChecklistItem(id: id, label: label, passed: passed, detail: detail)
    }

    private static func licenceItem(_ resource: Resource) -> ChecklistItem {
        let term = resource.licence?.term
        let passed = term.map(openLicences.contains) ?? false
        var detail: String?
        if !passed {
            if let named = term ?? resource.licence?.statement {
                detail = "La licence « \(named) » ne permet pas à tous de réutiliser et d'adapter la ressource."
            } else {
                detail = "Aucune licence indiquée."
            }
        }
        return ChecklistItem(id: "licence", label: "Une licence ouverte : CC BY, CC BY-SA, CC0 ou domaine public",
                             passed: passed, detail: detail)
    }

    private static func urlItem(_ resource: Resource) -> ChecklistItem {
        let label = "Une adresse web valide (https://...)"
        let location = (resource.location ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if location.isEmpty {
            // A fact sheet carries its content itself; it needs no address elsewhere.
            let hasBody = resource.format == .markdown
                && resource.sections.contains { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            return ChecklistItem(id: "url", label: label, passed: hasBody,
                                 detail: hasBody ? nil : "Aucune adresse web.")
        }
        let passed = isWebAddress(location)
        return ChecklistItem(id: "url", label: label, passed: passed,
                             detail: passed ? nil : "« \(location) » n'est pas une adresse web valide.")
    }

    /// http(s), a host with a dot between non-empty labels, no spaces.
    public static func isWebAddress(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace),
              let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, host.contains(".")
        else { return false }
        return !host.split(separator: ".", omittingEmptySubsequences: false).contains { $0.isEmpty }
    }

    private static func duplicateItem(_ duplicates: [NearDuplicate]) -> ChecklistItem {
        let label = "Pas de doublon connu"
        guard let first = duplicates.first else {
            return ChecklistItem(id: "doublon", label: label, passed: true, blocking: false)
        }
        var detail = "Une ressource proche existe déjà : « \(first.title) »"
        if duplicates.count > 1 {
            detail += " (et \(duplicates.count - 1) autre\(duplicates.count > 2 ? "s" : ""))"
        }
        detail += ". Vérifiez qu'il ne s'agit pas de la même."
        return ChecklistItem(id: "doublon", label: label, passed: false, blocking: false,
                             detail: detail, link: "/ressource/\(first.id)")
    }

    // MARK: - Diff

    /// The fields that differ between `old` and `new`, as display strings, in a fixed order.
    public static func diff(_ old: Resource, _ new: Resource) -> [FieldChange] {
        fields.compactMap { field in
            let before = field.value(old), after = field.value(new)
            return before == after ? nil
                : FieldChange(field: field.id, label: field.label, before: before, after: after)
        }
    }

    private struct DiffField: Sendable {
        var id: String
        var label: String
        var value: @Sendable (Resource) -> String?
    }

    private static let fields: [DiffField] = [
        DiffField(id: "title", label: "Titre") { text(Resource.preferred($0.titles)) },
        DiffField(id: "description", label: "Description") { text(Resource.preferred($0.descriptions)) },
        DiffField(id: "keywords", label: "Mots-clés") { list($0.keywords.map(\.text)) },
        DiffField(id: "levels", label: "Niveaux") { terms($0.levels) },
        DiffField(id: "domains", label: "Domaines") { terms($0.domains) },
        DiffField(id: "resourceTypes", label: "Types de ressource") { terms($0.resourceTypes) },
        DiffField(id: "specificNeeds", label: "Besoins spécifiques") { terms($0.specificNeeds) },
        DiffField(id: "licence", label: "Licence") { $0.licence.flatMap { $0.term ?? $0.statement } },
        DiffField(id: "location", label: "Adresse web") { nonEmpty($0.location) },
        DiffField(id: "learningTime", label: "Durée d'apprentissage") { $0.learningTime.flatMap(minutes) },
    ]

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    private static func text(_ text: LangText?) -> String? { nonEmpty(text?.text) }

    private static func list(_ values: [String]) -> String? {
        nonEmpty(values.compactMap(nonEmpty).joined(separator: ", "))
    }

    /// Mapped term ids; an unmapped value shows as the source gave it rather than vanish.
    private static func terms(_ values: [TermValue]) -> String? {
        list(values.map { $0.term ?? $0.raw })
    }

    private static func minutes(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        return "\(Int((seconds / 60).rounded())) min"
    }
}
