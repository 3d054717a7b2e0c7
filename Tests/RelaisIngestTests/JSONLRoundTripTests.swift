import Foundation
import RelaisCore
@testable import RelaisIngest
import RelaisStore
import Testing

/// `relais export --format jsonl` re-imported into an empty database gives the same set.
@Suite struct JSONLRoundTripTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")

    func lines(_ store: Store, source: String? = nil) throws -> [String] {
        var lines: [String] = []
        try store.exportJSONLines(source: source) { lines.append($0) }
        return lines
    }

    @Test func corpusExportReimportsAsAnIdenticalSet() throws {
        let folder = TempFolder()
        let vocabularies = try Vocabularies.load(from: Self.corpus.appendingPathComponent("vocabularies"))
        let first = try Store(path: folder.url.appendingPathComponent("a.sqlite").path)
        _ = try Importer(store: first, vocabularies: vocabularies)
            .run(paths: ["consortiums", "sonuma", "amenagements"].map { Self.corpus.appendingPathComponent($0).path })
        let exported = try lines(first)
        #expect(exported.count == (try first.counts().published))
        let file = folder.write("relais.jsonl", exported.joined(separator: "\n") + "\n")

        let second = try Store(path: folder.url.appendingPathComponent("b.sqlite").path)
        let report = try Importer(store: second, vocabularies: vocabularies).run(paths: [file.path])
        #expect(report.totals.created == exported.count && report.totals.rejected == 0)
        func resources(_ lines: [String]) throws -> [String: Resource] {
            Dictionary(uniqueKeysWithValues: try lines.map {
                let resource = try JSONDecoder().decode(JSONLRecordParser.Line.self, from: Data($0.utf8)).resource
                return (resource.id.rawValue, resource)
            })
        }
        #expect(try resources(lines(second)) == resources(exported))
        // Same originals and content hashes: a re-import of the source files into the copy changes nothing.
        let again = try Importer(store: second, vocabularies: vocabularies)
            .run(paths: ["consortiums"].map { Self.corpus.appendingPathComponent($0).path })
        #expect(again.totals.created == 0 && again.totals.updated == 0 && again.totals.unchanged > 0, "\(again.totals)")
        #expect(try lines(first, source: "sonuma").count == (try first.counts().bySource["sonuma"]))
        try second.checkIntegrity()
    }

    @Test func badLinesAreRejectedOneByOne() throws {
        let folder = TempFolder()
        let resource = String(decoding: try JSONEncoder().encode(Resource(id: ResourceID(rawValue: "rabc"), source: "s",
                                                                          sourceIdentifier: "1", format: .lom)), as: UTF8.self)
        let file = folder.write("x.jsonl", """
            {"original": "<lom/>", "resource": \(resource)}
            {"pas": "une ressource"}
            pas du JSON
            {"original": "<lom>avant\\u0000après</lom>", "resource": \(resource)}

            """)
        var events: [RecordEvent] = []
        try JSONLRecordParser().parse(file: file, context: TestVocabularies.context()) { events.append($0) }
        #expect(events.count == 4)
        guard case .record(let record) = events[0], case .rejected(let second) = events[1], case .rejected(let third) = events[2],
              case .rejected(let nul) = events[3] else {
            Issue.record("événements inattendus : \(events)")
            return
        }
        #expect(record.resource.id.rawValue == "rabc")
        #expect(second.line == 2 && second.reason.contains("original"))
        #expect(third.line == 3)
        // U+0000 in an original would have cut it where SQLite stores it.
        #expect(nul.line == 4 && nul.reason.contains("U+0000") && nul.identifier == "1")
    }
}
