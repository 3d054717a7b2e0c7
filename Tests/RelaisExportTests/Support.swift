import Foundation
import RelaisCore
import RelaisIngest

enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The real vocabularies of `Corpus/vocabularies`.
    static let vocabularies: Vocabularies = {
        try! Vocabularies.load(from: repository.appendingPathComponent("Corpus/vocabularies"))
    }()

    /// A resource with every field the exporters map.
    static func full() -> Resource {
        var r = Resource(id: ResourceID(source: "consortiums", sourceIdentifier: "https://consortiums.example.be/outils/fractions"),
                         source: "consortiums", sourceIdentifier: "https://consortiums.example.be/outils/fractions", format: .lom)
        r.titles = [LangText("Les fractions au quotidien", language: "fr"), LangText("Breuken in het dagelijks leven", language: "nl")]
        r.descriptions = [LangText("Partager une pizza, une tablette de chocolat.", language: "fr")]
        r.keywords = [LangText("fractions", language: "fr"), LangText("partage", language: "fr")]
        r.languages = ["fr", "nl-BE"]
        r.contributors = [
            Contributor(role: "author", name: "Anne Dupont", organization: "UCLouvain", date: "2022-03-14T10:22:31+01:00"),
            Contributor(role: "author", name: "Marc Lenoir", date: "2022-03-14T10:22:31+01:00"),
            Contributor(role: "publisher", organization: "Consortium 5", date: "2023-01-02"),
            Contributor(role: "journaliste", name: "Paul Durand"),
        ]
        r.publisher = "Consortium 5"
        r.created = "2022-03-14T10:22:31+01:00"
        r.modified = "2023-01-02"
        r.levels = [TermValue(term: "P5", raw: "P5"), TermValue(term: "P6", raw: "6e primaire"),
                    TermValue(term: nil, raw: "7e année", scheme: "Québec")]
        r.domains = [TermValue(term: "mathematiques", raw: "mathématiques")]
        r.specificNeeds = [TermValue(term: "dyscalculie", raw: "dyscalculie")]
        r.resourceTypes = [TermValue(term: "exercice", raw: "exercise", scheme: "LOMv1.0"),
                           TermValue(term: "evaluation", raw: "questionnaire", scheme: "LOMv1.0"),
                           TermValue(term: "fiche-amenagement", raw: "fiche-amenagement")]
        r.intendedRoles = [TermValue(term: "enseignant", raw: "teacher"), TermValue(term: "parent", raw: "parents")]
        r.contexts = ["school", "formation continue"]
        r.learningTime = 45 * 60
        r.licence = Licence(term: "cc-by-sa", version: "4.0", url: "https://creativecommons.org/licenses/by-sa/4.0/",
                            statement: "CC BY-SA 4.0")
        r.location = "https://consortiums.example.be/f.pdf"
        r.mediaFormats = ["application/pdf", "PAL 625 lignes"]
        r.duration = 3725.5
        r.relations = [Relation(kind: "isPartOf", target: "https://consortiums.example.be/outils/nombres", description: "Les nombres"),
                       Relation(kind: "voir aussi", target: "fiche-42")]
        return r
    }

    /// Parses exported XML with the importer's streaming parser and mappers.
    static func reimport(_ xml: String, source: String) throws -> [Resource] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("record.xml")
        try Data(xml.utf8).write(to: file)
        var resources: [Resource] = []
        let context = MappingContext(vocabularies: vocabularies, source: source, file: file.path)
        try XMLRecordParser().parse(file: file, context: context) { event in
            if case .record(let record) = event { resources.append(record.resource) }
        }
        return resources
    }

    /// `xmllint --schema` on a document, when xmllint and the XSD are on this machine.
    /// Returns nil when it cannot run, else xmllint's status and messages.
    static func xmllint(_ xml: String, schema: URL) -> (ok: Bool, output: String)? {
        let xmllint = URL(fileURLWithPath: "/usr/bin/xmllint")
        guard FileManager.default.isExecutableFile(atPath: xmllint.path),
              FileManager.default.fileExists(atPath: schema.path) else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-xsd-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("doc.xml")
        guard (try? Data(xml.utf8).write(to: file)) != nil else { return nil }
        let process = Process()
        process.executableURL = xmllint
        process.arguments = ["--noout", "--nonet", "--schema", schema.path, file.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, output)
    }

    static let lomXSD = repository.deletingLastPathComponent()
        .appendingPathComponent("shared/samples/Prvat33-WL-lom-xsd/lom.xsd")
}
