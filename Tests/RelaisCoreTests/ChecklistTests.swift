import Foundation
import Testing
@testable import RelaisCore

@Suite struct ChecklistTests {
    static func good() -> Resource {
        var resource = Resource(id: ResourceID(rawValue: "rabc"), source: "contributions",
                                sourceIdentifier: "12", format: .lom)
        resource.titles = [LangText("Les fractions au marché", language: "fr")]
        resource.descriptions = [LangText(
            "Une séquence de quatre périodes où les élèves de 5e primaire comparent des fractions en préparant un étal de marché.",
            language: "fr")]
        resource.keywords = [LangText("fractions"), LangText("mesures")]
        resource.levels = [TermValue(term: "P5", raw: "P5")]
        resource.domains = [TermValue(term: "mathematiques", raw: "mathematiques")]
        resource.resourceTypes = [TermValue(term: "sequence", raw: "sequence")]
        resource.licence = Licence(term: "cc-by-sa", version: "4.0")
        resource.location = "https://example.be/fractions"
        resource.learningTime = 45 * 60
        return resource
    }

    static func item(_ items: [ChecklistItem], _ id: String) -> ChecklistItem? {
        items.first { $0.id == id }
    }

    @Test func aCompleteResourcePassesEveryCheck() {
        let items = SubmissionChecklist.forResource(Self.good(), nearDuplicates: [])
        #expect(items.map(\.id) == ["titre", "description", "niveau", "domaine", "type", "licence", "url", "doublon"])
        #expect(items.map(\.label) == [
            "Un titre d'au moins 5 caractères", "Une description d'au moins 80 caractères", "Au moins un niveau",
            "Au moins un domaine", "Un type de ressource",
            "Une licence ouverte : CC BY, CC BY-SA, CC0 ou domaine public",
            "Une adresse web valide (https://...)", "Pas de doublon connu",
        ])
        #expect(items.allSatisfy { $0.passed })
        #expect(items.allSatisfy { $0.detail == nil && $0.link == nil })
        #expect(items.map(\.blocking) == [true, true, true, true, true, true, true, false])
        #expect(SubmissionChecklist.isReady(items))
    }

    @Test(arguments: ["titre", "description", "niveau", "domaine", "type", "licence", "url"])
    func eachBlockingCheckFailsOnItsOwn(_ id: String) throws {
        var resource = Self.good()
        switch id {
        case "titre": resource.titles = [LangText("  Frac  ")]
        case "description": resource.descriptions = [LangText(String(repeating: "é", count: 79))]
        case "niveau": resource.levels = [TermValue(term: nil, raw: "CM2")]
        case "domaine": resource.domains = []
        case "type": resource.resourceTypes = [TermValue(term: nil, raw: "")]
        case "licence": resource.licence = Licence(term: "cc-by-nc")
        case "url": resource.location = "https://example be/x"
        default: Issue.record("cas inconnu \(id)")
        }
        let items = SubmissionChecklist.forResource(resource, nearDuplicates: [])
        #expect(items.filter { !$0.passed }.map(\.id) == [id])
        let failed = try #require(Self.item(items, id))
        #expect(failed.blocking)
        #expect(failed.detail?.isEmpty == false)
        #expect(!SubmissionChecklist.isReady(items))
    }

    @Test func detailsSayWhatIsWrong() {
        var resource = Self.good()
        resource.titles = [LangText("Fra")]
        resource.descriptions = [LangText("Courte.")]
        resource.levels = [TermValue(term: nil, raw: "CM2")]
        resource.domains = []
        resource.licence = Licence(term: "tous-droits-reserves")
        let items = SubmissionChecklist.forResource(resource, nearDuplicates: [])
        #expect(Self.item(items, "titre")?.detail == "Le titre compte 3 caractères.")
        #expect(Self.item(items, "description")?.detail == "La description compte 7 caractères sur les 80 attendus.")
        #expect(Self.item(items, "niveau")?.detail == "Valeur inconnue du vocabulaire : « CM2 ».")
        #expect(Self.item(items, "domaine")?.detail == "Choisissez un domaine.")
        #expect(Self.item(items, "licence")?.detail?.contains("« tous-droits-reserves »") == true)
        resource.titles = []
        resource.licence = nil
        let bare = SubmissionChecklist.forResource(resource, nearDuplicates: [])
        #expect(Self.item(bare, "titre")?.detail == "Aucun titre.")
        #expect(Self.item(bare, "licence")?.detail == "Aucune licence indiquée.")
    }

    @Test func lengthsCountCharactersOfTheTrimmedFrenchText() {
        var resource = Self.good()
        resource.titles = [LangText("Title in English", language: "en"), LangText("Été", language: "fr")]
        resource.descriptions = [LangText("  " + String(repeating: "ç", count: 80) + "\n")]
        let items = SubmissionChecklist.forResource(resource, nearDuplicates: [])
        #expect(Self.item(items, "titre")?.passed == false)
        #expect(Self.item(items, "description")?.passed == true)
    }

    @Test(arguments: ["cc-by", "cc-by-sa", "cc0", "pdm"])
    func openLicencesPass(_ term: String) {
        var resource = Self.good()
        resource.licence = Licence(term: term)
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "licence")?.passed == true)
    }

    @Test(arguments: ["cc-by-nc", "cc-by-nd", "cc-by-nc-sa", "cc-by-nc-nd", "tous-droits-reserves-usage-pedagogique", "inconnue"])
    func otherLicencesFail(_ term: String) {
        var resource = Self.good()
        resource.licence = Licence(term: term)
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "licence")?.passed == false)
    }

    @Test func webAddresses() {
        for good in ["https://example.be", "http://www.enseignement.be/index.php?page=1", "HTTPS://Example.BE/a%20b",
                     "https://sub.domain.example.org:8443/x#y"] {
            #expect(SubmissionChecklist.isWebAddress(good), "\(good)")
        }
        for bad in ["", "example.be", "ftp://example.be/f", "https://localhost/x", "https://example be",
                    "https://example.be/a b", "https:///chemin", "https://.be", "https://example.", "https://a..be",
                    "javascript:alert(1)", "mailto:prof@example.be", "https://example.be\n"] {
            #expect(!SubmissionChecklist.isWebAddress(bad), "\(bad)")
        }
    }

    @Test func aMarkdownFactSheetWithABodyNeedsNoAddress() {
        var resource = Self.good()
        resource.location = nil
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "url")?.passed == false)
        resource.format = .markdown
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "url")?.passed == false)
        resource.sections = [Section(level: 2, heading: "Déroulement", text: "  ")]
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "url")?.passed == false)
        resource.sections.append(Section(level: 2, heading: "Matériel", text: "Des bouteilles vides."))
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "url")?.passed == true)
        // An address given anyway must still be a valid one.
        resource.location = "www.example.be"
        #expect(Self.item(SubmissionChecklist.forResource(resource, nearDuplicates: []), "url")?.passed == false)
    }

    @Test func aNearDuplicateWarnsWithoutBlocking() throws {
        let items = SubmissionChecklist.forResource(Self.good(), nearDuplicates: [
            NearDuplicate(id: "rxyz", title: "Fractions et marché"), NearDuplicate(id: "rabd", title: "Autre"),
        ])
        let duplicate = try #require(Self.item(items, "doublon"))
        #expect(!duplicate.passed)
        #expect(!duplicate.blocking)
        #expect(duplicate.link == "/ressource/rxyz")
        #expect(duplicate.detail?.contains("« Fractions et marché »") == true)
        #expect(duplicate.detail?.contains("1 autre") == true)
        #expect(SubmissionChecklist.isReady(items))
    }

    @Test func itemsEncodeNullsExplicitly() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let item = ChecklistItem(id: "titre", label: "Un titre", passed: true, blocking: true)
        #expect(String(decoding: try encoder.encode(item), as: UTF8.self)
            == #"{"blocking":true,"detail":null,"id":"titre","label":"Un titre","link":null,"passed":true}"#)
        let change = FieldChange(field: "location", label: "Adresse web", before: nil, after: "https://a.be")
        #expect(String(decoding: try encoder.encode(change), as: UTF8.self)
            == #"{"after":"https:\/\/a.be","before":null,"field":"location","label":"Adresse web"}"#)
        #expect(try JSONDecoder().decode(ChecklistItem.self, from: try encoder.encode(item)) == item)
    }

    // MARK: - Improvements

    @Test func anImprovementMustChangeSomething() throws {
        let original = Self.good()
        let same = SubmissionChecklist.forImprovement(original: original, merged: original, nearDuplicates: [])
        #expect(same.first?.id == "modification")
        #expect(same.first?.passed == false && same.first?.blocking == true)
        #expect(!SubmissionChecklist.isReady(same))

        var merged = original
        merged.keywords.append(LangText("marché"))
        merged.learningTime = 50 * 60
        let changed = SubmissionChecklist.forImprovement(original: original, merged: merged, nearDuplicates: [])
        #expect(changed.map(\.id) == ["modification", "titre", "description", "niveau", "domaine", "type", "licence", "url", "doublon"])
        #expect(changed[0].passed)
        #expect(changed[0].detail == "Champs modifiés : mots-clés, durée d'apprentissage.")
        #expect(SubmissionChecklist.isReady(changed))
    }

    @Test func aChangedFieldMustBeValid() throws {
        let original = Self.good()
        var merged = original
        merged.licence = Licence(term: "cc-by-nc")
        let items = SubmissionChecklist.forImprovement(original: original, merged: merged, nearDuplicates: [])
        let licence = try #require(Self.item(items, "licence"))
        #expect(!licence.passed && licence.blocking)
        #expect(!SubmissionChecklist.isReady(items))
    }

    @Test func whatTheOriginalAlreadyLackedDoesNotBlock() throws {
        var original = Self.good()
        original.descriptions = [LangText("Trop courte.")]
        original.licence = Licence(term: "inconnue")
        var merged = original
        merged.titles = [LangText("Les fractions au marché (5e primaire)")]
        let items = SubmissionChecklist.forImprovement(original: original, merged: merged, nearDuplicates: [])
        let description = try #require(Self.item(items, "description"))
        #expect(!description.passed && !description.blocking)
        #expect(Self.item(items, "licence")?.blocking == false)
        #expect(Self.item(items, "titre")?.blocking == true)
        #expect(SubmissionChecklist.isReady(items))
        // Touching the description without fixing it blocks.
        merged.descriptions = [LangText("Toujours trop courte.")]
        let touched = SubmissionChecklist.forImprovement(original: original, merged: merged, nearDuplicates: [])
        #expect(Self.item(touched, "description")?.blocking == true)
        #expect(!SubmissionChecklist.isReady(touched))
    }

    @Test func theOriginalIsNotItsOwnDuplicate() throws {
        let original = Self.good()
        var merged = original
        merged.titles = [LangText("Fractions au marché")]
        let alone = SubmissionChecklist.forImprovement(
            original: original, merged: merged, nearDuplicates: [NearDuplicate(id: "rabc", title: "Les fractions au marché")])
        #expect(Self.item(alone, "doublon")?.passed == true)
        let other = SubmissionChecklist.forImprovement(
            original: original, merged: merged,
            nearDuplicates: [NearDuplicate(id: "rabc", title: "Les fractions au marché"), NearDuplicate(id: "rzzz", title: "Marché")])
        #expect(Self.item(other, "doublon")?.link == "/ressource/rzzz")
    }

    // MARK: - Feedback

    @Test func feedbackNeedsLevelContextAndWhatWorked() {
        let full = SubmissionChecklist.forFeedback(level: "P5", context: "Classe de 22 élèves", worked: "Le jeu de rôle", adapt: "Moins de fractions")
        #expect(full.map(\.id) == ["niveau", "contexte", "fonctionne", "adaptation"])
        #expect(full.allSatisfy { $0.passed })
        #expect(full.map(\.blocking) == [true, true, true, false])
        #expect(SubmissionChecklist.isReady(full))

        let partial = SubmissionChecklist.forFeedback(level: " ", context: nil, worked: "Tout", adapt: nil)
        #expect(partial.filter { !$0.passed }.map(\.id) == ["niveau", "contexte", "adaptation"])
        #expect(!SubmissionChecklist.isReady(partial))

        let noAdapt = SubmissionChecklist.forFeedback(level: "S2", context: "Deux périodes", worked: "Tout", adapt: "")
        #expect(SubmissionChecklist.isReady(noAdapt))
    }

    @Test func readinessLooksOnlyAtBlockingItems() {
        #expect(SubmissionChecklist.isReady([]))
        #expect(SubmissionChecklist.isReady([ChecklistItem(id: "a", label: "A", passed: false, blocking: false)]))
        #expect(!SubmissionChecklist.isReady([
            ChecklistItem(id: "a", label: "A", passed: true),
            ChecklistItem(id: "b", label: "B", passed: false, blocking: true),
        ]))
    }

    // MARK: - Diff

    @Test func identicalResourcesHaveNoDiff() {
        #expect(SubmissionChecklist.diff(Self.good(), Self.good()).isEmpty)
    }

    @Test func everyComparedFieldShowsAsDisplayStrings() {
        let old = Self.good()
        var new = old
        new.titles = [LangText("Les fractions au marché de Namur", language: "fr")]
        new.descriptions = [LangText("Autre description.")]
        new.keywords = [LangText("fractions")]
        new.levels = [TermValue(term: "P5", raw: "5e primaire"), TermValue(term: "P6", raw: "P6"), TermValue(term: nil, raw: "CM2")]
        new.domains = [TermValue(term: "mathematiques", raw: "Maths"), TermValue(term: "francais", raw: "français")]
        new.resourceTypes = [TermValue(term: "jeu", raw: "jeu")]
        new.specificNeeds = [TermValue(term: "dyslexie", raw: "dyslexie")]
        new.licence = Licence(term: "cc-by", version: "4.0")
        new.location = nil
        new.learningTime = 90 * 60
        // Not compared: where it comes from and its media.
        new.source = "autre"
        new.mediaFormats = ["application/pdf"]
        let diff = SubmissionChecklist.diff(old, new)
        #expect(diff == [
            FieldChange(field: "title", label: "Titre", before: "Les fractions au marché", after: "Les fractions au marché de Namur"),
            FieldChange(field: "description", label: "Description",
                        before: old.descriptions[0].text, after: "Autre description."),
            FieldChange(field: "keywords", label: "Mots-clés", before: "fractions, mesures", after: "fractions"),
            FieldChange(field: "levels", label: "Niveaux", before: "P5", after: "P5, P6, CM2"),
            FieldChange(field: "domains", label: "Domaines", before: "mathematiques", after: "mathematiques, francais"),
            FieldChange(field: "resourceTypes", label: "Types de ressource", before: "sequence", after: "jeu"),
            FieldChange(field: "specificNeeds", label: "Besoins spécifiques", before: nil, after: "dyslexie"),
            FieldChange(field: "licence", label: "Licence", before: "cc-by-sa", after: "cc-by"),
            FieldChange(field: "location", label: "Adresse web", before: "https://example.be/fractions", after: nil),
            FieldChange(field: "learningTime", label: "Durée d'apprentissage", before: "45 min", after: "90 min"),
        ])
    }

    @Test func termsCompareByMappedIdNotByRawText() {
        let old = Self.good()
        var new = old
        new.levels = [TermValue(term: "P5", raw: "5e primaire", scheme: "lomfr")]
        new.titles = [LangText(" Les fractions au marché ", language: "fr")]
        new.licence = Licence(term: "cc-by-sa", version: "3.0")
        #expect(SubmissionChecklist.diff(old, new).isEmpty)
    }
}
