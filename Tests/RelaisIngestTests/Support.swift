import Foundation
import RelaisCore
@testable import RelaisIngest

/// A temporary folder removed when the value goes away.
final class TempFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("relais-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) -> URL {
        let file = url.appendingPathComponent(name)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: file)
        return file
    }
}

enum TestVocabularies {
    static func make() -> Vocabularies {
        func vocabulary(_ facet: Facet, _ terms: [VocabularyTerm]) -> Vocabulary {
            Vocabulary(name: facet.rawValue, label: facet.rawValue, version: 1, terms: terms)
        }
        return try! Vocabularies([
            .level: vocabulary(.level, [
                VocabularyTerm(id: "primaire", label: "Primaire", mappings: ["lomfr": ["enseignement primaire"]]),
                VocabularyTerm(id: "P4", label: "4e primaire", broader: "primaire", mappings: ["scolomfr": ["CM1"]]),
                VocabularyTerm(id: "P5", label: "5e primaire", broader: "primaire", mappings: ["scolomfr": ["CM2"]]),
                VocabularyTerm(id: "S3", label: "3e secondaire"),
            ]),
            .domain: vocabulary(.domain, [
                VocabularyTerm(id: "mathematiques", label: "Mathématiques", mappings: ["lomv1": ["mathematics"]]),
                VocabularyTerm(id: "histoire-geographie", label: "Formation historique, géographique, économique et sociale",
                               mappings: ["other": ["histoire", "history"]]),
            ]),
            .resourceType: vocabulary(.resourceType, [
                VocabularyTerm(id: "exercice", label: "Exercice", mappings: ["lomv1": ["exercise"]]),
                VocabularyTerm(id: "ressource-interactive", label: "Ressource interactive",
                               mappings: ["scolomfr": ["http://purl.org/dc/dcmitype/InteractiveResource"]]),
            ]),
            .intendedRole: vocabulary(.intendedRole, [
                VocabularyTerm(id: "enseignant", label: "Enseignant", mappings: ["lomv1": ["teacher"]]),
            ]),
            .specificNeed: vocabulary(.specificNeed, [VocabularyTerm(id: "dyscalculie", label: "Dyscalculie")]),
            .licence: vocabulary(.licence, [VocabularyTerm(id: "cc-by-sa", label: "CC BY-SA")]),
        ])
    }

    static func context(source: String = "test", file: String = "f.xml") -> MappingContext {
        MappingContext(vocabularies: make(), source: source, file: file)
    }
}

/// Parses one XML text through the real streaming parser and returns its events.
func parseXML(_ xml: String, source: String = "test") throws -> [RecordEvent] {
    let folder = TempFolder()
    let file = folder.write("record.xml", xml)
    var events: [RecordEvent] = []
    try XMLRecordParser().parse(file: file, context: TestVocabularies.context(source: source)) { events.append($0) }
    return events
}

extension RecordEvent {
    var record: ParsedRecord? {
        if case .record(let record) = self { return record }
        return nil
    }
}
