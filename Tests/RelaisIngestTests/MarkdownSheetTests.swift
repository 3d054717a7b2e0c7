import Foundation
import RelaisCore
import Testing
@testable import RelaisIngest

@Suite("MarkdownSheet")
struct MarkdownSheetTests {
    // MARK: - Fixtures

    static let vocabularies: Vocabularies = {
        func vocabulary(_ name: String, _ terms: String) -> Vocabulary {
            let json = #"{"name": "\#(name)", "label": "\#(name)", "version": 1, "terms": [\#(terms)]}"#
            return try! JSONDecoder().decode(Vocabulary.self, from: Data(json.utf8))
        }
        return try! Vocabularies([
            .level: vocabulary("niveaux", #"""
                {"id": "p3", "label": "3e primaire", "altLabels": ["P3"]},
                {"id": "p4", "label": "4e primaire", "altLabels": ["P4"]},
                {"id": "s1", "label": "1re secondaire", "altLabels": ["S1"]}
                """#),
            .domain: vocabulary("domaines", #"""
                {"id": "francais", "label": "Français"},
                {"id": "mathematiques", "label": "Mathématiques"}
                """#),
            .specificNeed: vocabulary("besoins", #"""
                {"id": "dyslexie", "label": "Dyslexie"},
                {"id": "tdah", "label": "Trouble du déficit de l'attention", "altLabels": ["TDA/H", "TDAH"]}
                """#),
            .resourceType: vocabulary("types", #"""
                {"id": "fiche-pratique", "label": "Fiche pratique"},
                {"id": "guide", "label": "Guide"}
                """#),
            .licence: vocabulary("licences", #"""
                {"id": "cc-by", "label": "CC BY"},
                {"id": "cc-by-sa", "label": "CC BY-SA"}
                """#),
        ])
    }()

    static let context = MappingContext(vocabularies: vocabularies, source: "amenagements", file: "fiche.md")

    static let complete = """
        ---
        # Fiche d'aménagement raisonnable
        identifiant: amg-0042
        titre: "Dyslexie : adapter les consignes, pas les exigences"
        description: Des pistes concrètes pour l'élève dyslexique en classe.
        mots-cles: [lecture, "consignes, écrites", "a \\"quoted\\" word"]
        besoins:
          - Dyslexie
          - TDAH
        niveaux: [P3, P4]
        domaines:
          - "Français"
        type: Fiche pratique
        licence: CC BY 4.0
        auteurs: [Marie Dupont, "Lenoir, Jean"]
        editeur: Fédération Wallonie-Bruxelles
        date: 12/05/2024
        langue: fr-be
        duree: PT1H30M
        url: https://example.org/fiches/amg-0042

        ---
        Introduction avant tout titre.

        # Pourquoi ?
        Lire est **coûteux** pour l'élève.

        ## En classe
        - Agrandir la police
        - Lire les consignes à voix haute

        ```
        code: exemple
        ```

        # Évaluer
        Texte final.
        """

    func event(_ text: String) throws -> RecordEvent {
        try MarkdownSheetParser().event(text: text, context: Self.context)
    }

    func record(_ text: String) throws -> ParsedRecord {
        let event = try event(text)
        guard case .record(let record) = event else {
            Issue.record("expected a record, got \(event)")
            throw CancellationError()
        }
        return record
    }

    func rejection(_ text: String) throws -> RecordRejection {
        let event = try event(text)
        guard case .rejected(let rejection) = event else {
            Issue.record("expected a rejection, got \(event)")
            throw CancellationError()
        }
        return rejection
    }

    func fileRejection(_ bytes: [UInt8]) -> FileRejection? {
        do {
            _ = try MarkdownSheetParser().event(bytes: bytes, context: Self.context)
            return nil
        } catch let error as FileRejection {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    static func sheet(_ header: String, body: String = "Corps.") -> String {
        "---\n" + header + "\n---\n" + body
    }

    static let minimal = "identifiant: x1\ntitre: Titre\ndescription: Description"

    // MARK: - Front matter

    @Test func frontMatterWithInlineAndIndentedLists() throws {
        let record = try record(Self.complete)
        let resource = record.resource
        #expect(record.recordIndex == 1)
        #expect(record.line == 1)
        #expect(resource.format == .markdown)
        #expect(resource.source == "amenagements")
        #expect(resource.sourceIdentifier == "amg-0042")
        #expect(resource.id == ResourceID(source: "amenagements", sourceIdentifier: "amg-0042"))
        #expect(resource.titles == [LangText("Dyslexie : adapter les consignes, pas les exigences", language: "fr-BE")])
        #expect(resource.descriptions.first?.text == "Des pistes concrètes pour l'élève dyslexique en classe.")
        #expect(resource.keywords.map(\.text) == ["lecture", "consignes, écrites", "a \"quoted\" word"])
        #expect(resource.keywords.allSatisfy { $0.language == "fr-BE" })
        #expect(resource.languages == ["fr-BE"])
        #expect(resource.specificNeeds == [
            TermValue(term: "dyslexie", raw: "Dyslexie", scheme: "fiche"),
            TermValue(term: "tdah", raw: "TDAH", scheme: "fiche"),
        ])
        #expect(resource.levels.map(\.term) == ["p3", "p4"])
        #expect(resource.domains.map(\.term) == ["francais"])
        #expect(resource.resourceTypes == [TermValue(term: "fiche-pratique", raw: "Fiche pratique", scheme: "fiche")])
        #expect(resource.licence?.term == "cc-by")
        #expect(resource.licence?.version == "4.0")
        #expect(resource.contributors == [
            Contributor(role: "author", name: "Marie Dupont"),
            Contributor(role: "author", name: "Lenoir, Jean"),
        ])
        #expect(resource.publisher == "Fédération Wallonie-Bruxelles")
        #expect(resource.created == "2024-05-12")
        #expect(resource.learningTime == 5400)
        #expect(resource.location == "https://example.org/fiches/amg-0042")
        #expect(record.warnings.isEmpty, "\(record.warnings)")
        #expect(record.original == Self.complete)
    }

    @Test func quotedValuesKeepColonsCommasAndEscapes() throws {
        let record = try record(Self.sheet(#"""
            identifiant: "q:1"
            titre: "Titre : avec, virgule et \"guillemets\" et \\ barre"
            description: Sans guillemets: les deux-points après le premier restent
            auteurs: "Dupont, Marie"
            duree: 01:00:00
            """#))
        #expect(record.resource.sourceIdentifier == "q:1")
        #expect(record.resource.titles.first?.text == #"Titre : avec, virgule et "guillemets" et \ barre"#)
        #expect(record.resource.descriptions.first?.text == "Sans guillemets: les deux-points après le premier restent")
        #expect(record.resource.contributors.map(\.name) == ["Dupont, Marie"])
        #expect(record.resource.learningTime == 3600)
        #expect(record.resource.titles.first?.language == "fr")
    }

    @Test func unknownKeyIsAWarningNotAFailure() throws {
        let record = try record(Self.sheet(Self.minimal + "\ncouleur: bleu\nSujet: [a, b]"))
        #expect(record.resource.sourceIdentifier == "x1")
        let skipped = record.warnings.filter { $0.kind == .skipped }
        #expect(skipped.map(\.field) == ["couleur", "Sujet"])
        #expect(skipped.first?.value == "bleu")
        #expect(skipped.first?.message.contains("couleur") == true)
    }

    @Test func keysIgnoreCaseAndAccents() throws {
        let record = try record(Self.sheet(Self.minimal + "\nDurée: PT20M\nMots-Clés: [un]"))
        #expect(record.resource.learningTime == 1200)
        #expect(record.resource.keywords.map(\.text) == ["un"])
    }

    @Test func duplicateKeyRejectsTheRecord() throws {
        let rejection = try rejection(Self.sheet(Self.minimal + "\ntitre: Encore"))
        #expect(rejection.recordIndex == 1)
        #expect(rejection.line == 5)
        #expect(rejection.identifier == "x1")
        #expect(rejection.reason.contains("titre"))
        #expect(rejection.reason.contains("ligne 3"))
    }

    @Test func firstLineNotAFenceRejectsTheFile() throws {
        let rejection = try #require(fileRejection(Array("# Titre\nidentifiant: x\n".utf8)))
        #expect(rejection.line == 1)
        #expect(rejection.reason.contains("---"))
        #expect(rejection.reason.contains("# Titre"))
        #expect(fileRejection([]) != nil)
    }

    @Test func missingClosingFenceRejectsWithLine() throws {
        let rejection = try rejection("---\n" + Self.minimal + "\n\n# Corps sans fermeture\n")
        #expect(rejection.line == 1)
        #expect(rejection.identifier == "x1")
        #expect(rejection.reason.contains("---"))
    }

    @Test func lineWithoutColonRejectsWithLine() throws {
        let rejection = try rejection(Self.sheet(Self.minimal + "\nune phrase sans deux points"))
        #expect(rejection.line == 5)
        #expect(rejection.reason.contains(":"))
    }

    @Test func malformedValuesRejectWithLine() throws {
        #expect(try rejection(Self.sheet(Self.minimal + "\nniveaux: [P3, P4")).line == 5)
        #expect(try rejection(Self.sheet(Self.minimal + "\nediteur: \"ouvert")).line == 5)
        #expect(try rejection(Self.sheet(Self.minimal + "\n  - orphelin")).line == 5)
        #expect(try rejection(Self.sheet(Self.minimal + "\nediteur: [A, B]")).line == 5)
    }

    @Test func missingRequiredKeyRejects() throws {
        let rejection = try rejection(Self.sheet("identifiant: x2\ntitre: Titre"))
        #expect(rejection.line == 1)
        #expect(rejection.identifier == "x2")
        #expect(rejection.reason.contains("description"))
        let empty = try self.rejection(Self.sheet("identifiant: x3\ntitre: \"\"\ndescription: d"))
        #expect(empty.reason.contains("titre"))
    }

    @Test func blankAndCommentLinesAreIgnored() throws {
        let record = try record(Self.sheet("\n# commentaire\nidentifiant: c1\n\n  # indenté\ntitre: T\ndescription: D\n"))
        #expect(record.resource.sourceIdentifier == "c1")
        #expect(record.warnings.isEmpty)
    }

    @Test func crlfAndByteOrderMarkAreAccepted() throws {
        let text = "\u{FEFF}---\r\nidentifiant: w1\r\ntitre: Fenêtres\r\ndescription: D\r\n---\r\n# Titre\r\nTexte\r\n"
        let record = try record(text)
        #expect(record.resource.titles.first?.text == "Fenêtres")
        #expect(record.resource.sections == [Section(level: 1, heading: "Titre", text: "Texte")])
    }

    // MARK: - Body

    @Test func sectionsComeFromHeadingsWithTheirText() throws {
        let sections = try record(Self.complete).resource.sections
        #expect(sections == [
            Section(level: 0, heading: "", text: "Introduction avant tout titre."),
            Section(level: 1, heading: "Pourquoi ?", text: "Lire est coûteux pour l'élève."),
            Section(level: 2, heading: "En classe",
                    text: "Agrandir la police\nLire les consignes à voix haute\ncode: exemple"),
            Section(level: 1, heading: "Évaluer", text: "Texte final."),
        ])
    }

    @Test func headingWithoutTextAndNoLeadingText() throws {
        let sections = try record(Self.sheet(Self.minimal, body: "## Vide\n### Sous-titre *accentué* `code`\nTexte | en | tableau\n")).resource.sections
        #expect(sections == [
            Section(level: 2, heading: "Vide", text: ""),
            Section(level: 3, heading: "Sous-titre accentué code", text: "Texte | en | tableau"),
        ])
    }

    @Test func htmlIsSafe() throws {
        let body = """
            <script>alert("x")</script>

            Un [lien piège](javascript:alert(1)), un [autre](VBScript:msgbox), \
            un [fichier](file:///etc/passwd), <b onclick="x()">gras</b> et un [vrai lien](https://example.org).
            """
        let html = try #require(record(Self.sheet(Self.minimal, body: body)).resource.bodyHTML)
        #expect(!html.contains("<script"))
        #expect(!html.contains("onclick"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
        #expect(!html.lowercased().contains("javascript:"))
        #expect(!html.lowercased().contains("vbscript:"))
        #expect(!html.contains("file:"))
        #expect(html.contains(#"<a href="">lien piège</a>"#))
        #expect(html.contains(#"<a href="https://example.org">vrai lien</a>"#))
    }

    @Test func deepNestingDoesNotOverflowTheStack() throws {
        let depth = 100_000
        let body = String(repeating: "> ", count: depth) + "profond\n\n" + String(repeating: "- ", count: 20_000) + "liste\n"
        let record = try record(Self.sheet(Self.minimal, body: body))
        #expect(record.resource.sections == [Section(level: 0, heading: "", text: "profond\nliste")])
        #expect(record.resource.bodyHTML?.contains("profond") == true)
    }

    @Test func accentsArePreserved() throws {
        let record = try record(Self.sheet(
            "identifiant: é1\ntitre: Élève à besoins spécifiques : « œuvre » çà\ndescription: Déjà vu",
            body: "# Où êtes-vous ?\nÇa dépend, naïf cœur."))
        #expect(record.resource.sourceIdentifier == "é1")
        #expect(record.resource.titles.first?.text == "Élève à besoins spécifiques : « œuvre » çà")
        #expect(record.resource.sections == [Section(level: 1, heading: "Où êtes-vous ?", text: "Ça dépend, naïf cœur.")])
        #expect(record.resource.bodyHTML == "<h1>Où êtes-vous ?</h1>\n<p>Ça dépend, naïf cœur.</p>\n")
    }

    // MARK: - File checks

    @Test func invalidUTF8IsRejectedWithOffset() throws {
        var bytes = Array("---\nidentifiant: x\ntitre: caf".utf8)
        let offset = bytes.count
        bytes += [0xE9]  // Latin-1 "é"
        bytes += Array("\ndescription: d\n---\n".utf8)
        let rejection = try #require(fileRejection(bytes))
        #expect(rejection.reason.contains("\(offset)"))
        #expect(rejection.reason.contains("UTF-8"))
        #expect(rejection.line == 3)
        #expect(rejection.column == 11)
        // Overlong encodings and surrogates too.
        #expect(MarkdownSheetParser.firstInvalidUTF8([0x41, 0xC0, 0xAF]) == 1)
        #expect(MarkdownSheetParser.firstInvalidUTF8([0xED, 0xA0, 0x80]) == 0)
        #expect(MarkdownSheetParser.firstInvalidUTF8([0xF0, 0x9F, 0x98]) == 0)
        #expect(MarkdownSheetParser.firstInvalidUTF8(Array("œ😀é".utf8)) == nil)
    }

    /// A NUL byte (valid UTF-8, in no text) rejects the file where it is, in the body as in the
    /// header: stored, the original would have ended there.
    @Test func nulByteIsRejectedWithItsPlace() throws {
        let complete = Array(Self.sheet(Self.minimal).utf8)
        var inBody = complete + Array("\nAvant".utf8)
        let offset = inBody.count
        inBody += [0] + Array("après, la suite.\n".utf8)
        let rejection = try #require(fileRejection(inBody))
        #expect(rejection.reason.contains("0x00") && rejection.reason.contains("\(offset)"))
        #expect(rejection.line == complete.filter { $0 == UInt8(ascii: "\n") }.count + 2)
        #expect(rejection.column == 6)
        let inHeader = Array("---\nidentifiant: x\u{0}y\n".utf8) + complete.dropFirst(4)
        let headerRejection = try #require(fileRejection(inHeader))
        #expect(headerRejection.line == 2 && headerRejection.column == 15)
        #expect(fileRejection(complete) == nil)
    }

    @Test func filesOverTwoMegabytesAreRejected() throws {
        let big = Array(Self.sheet(Self.minimal).utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: MarkdownSheetParser.maxFileBytes)
        let rejection = try #require(fileRejection(big))
        #expect(rejection.reason.contains("2097152"))

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relais-md-\(UUID().uuidString).md")
        try Data(big).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: FileRejection.self) {
            try MarkdownSheetParser().parse(file: url, context: Self.context) { _ in }
        }
    }

    @Test func parsesAFileOnDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relais-md-\(UUID().uuidString).md")
        try Data(Self.complete.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var events: [RecordEvent] = []
        try MarkdownSheetParser().parse(file: url, context: Self.context) { events.append($0) }
        #expect(events.count == 1)
        guard case .record(let record) = events.first else { Issue.record("no record"); return }
        #expect(record.resource.sourceIdentifier == "amg-0042")
    }

    @Test func detection() {
        #expect(MarkdownSheetParser.looksLikeSheet(Array("---\nidentifiant: x".utf8)))
        #expect(MarkdownSheetParser.looksLikeSheet(Array("---\r\n".utf8)))
        #expect(MarkdownSheetParser.looksLikeSheet([0xEF, 0xBB, 0xBF] + Array("---\n".utf8)))
        #expect(!MarkdownSheetParser.looksLikeSheet(Array("----\n".utf8)))
        #expect(!MarkdownSheetParser.looksLikeSheet(Array("---".utf8)))
        #expect(!MarkdownSheetParser.looksLikeSheet(Array("<?xml version=\"1.0\"?>".utf8)))
        #expect(!MarkdownSheetParser.looksLikeSheet([]))
    }

    // MARK: - Vocabularies and values

    @Test func unmappedNeedIsKeptAndWarned() throws {
        let record = try record(Self.sheet(Self.minimal + "\nbesoins: [Dyslexie, Haut potentiel]"))
        #expect(record.resource.specificNeeds == [
            TermValue(term: "dyslexie", raw: "Dyslexie", scheme: "fiche"),
            TermValue(term: nil, raw: "Haut potentiel", scheme: "fiche"),
        ])
        let warning = try #require(record.warnings.first)
        #expect(record.warnings.count == 1)
        #expect(warning.kind == .unmappedValue)
        #expect(warning.field == "besoins")
        #expect(warning.value == "Haut potentiel")
    }

    @Test func invalidValuesAreWarnings() throws {
        let record = try record(Self.sheet(Self.minimal + """

            date: hier
            duree: longtemps
            langue: ???
            licence: licence maison
            url: javascript:alert(1)
            niveaux: [P9]
            type: [Guide, Affiche]
            """))
        let byField = Dictionary(grouping: record.warnings, by: \.field)
        #expect(byField["date"]?.first?.kind == .invalidValue)
        #expect(byField["duree"]?.first?.kind == .invalidValue)
        #expect(byField["langue"]?.first?.kind == .invalidValue)
        #expect(byField["licences"]?.first?.kind == .unmappedValue)
        #expect(byField["url"]?.first?.kind == .invalidValue)
        #expect(byField["niveaux"]?.first?.value == "P9")
        #expect(byField["types"]?.map(\.value) == ["Affiche"])
        #expect(record.resource.created == nil)
        #expect(record.resource.location == nil)
        #expect(record.resource.licence?.statement == "licence maison")
        #expect(record.resource.licence?.term == nil)
        #expect(record.resource.resourceTypes.map(\.term) == ["guide", nil])
        #expect(record.resource.titles.first?.language == "fr")
    }
}
