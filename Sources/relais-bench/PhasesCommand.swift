import ArgumentParser
import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore

/// In-process timing of the import pipeline, stage by stage, on the same corpus: a coarse
/// profile that needs no profiler. Each stage includes the ones before it.
struct PhasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phases",
        abstract: "Times the import pipeline stage by stage, in process (read, parse+map, hash, JSON, full import)."
    )

    @OptionGroup var corpus: CorpusOptions

    @Option(name: .long, help: "Use this existing corpus folder instead of generating one.")
    var corpusFolder: String?

    @Option(name: .long, help: "Vocabulary folder (six empty vocabularies when incomplete).")
    var vocabularies: String = "Corpus/vocabularies"

    @Flag(name: .long, help: "Use six empty vocabularies.")
    var emptyVocabularies = false

    func run() throws {
        let manager = FileManager.default
        let work = manager.temporaryDirectory.appendingPathComponent("relais-phases-\(getpid())")
        try manager.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: work) }
        let folder: URL
        if let corpusFolder {
            folder = URL(fileURLWithPath: corpusFolder)
        } else {
            folder = work.appendingPathComponent("bench")
            _ = try corpus.generate(into: folder)
        }
        let vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: try prepareVocabularies(
            self.vocabularies, empty: emptyVocabularies, work: work)))
        let files = try manager.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
        let context = MappingContext(vocabularies: vocabularies, source: "bench", file: "bench")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

        func time(_ body: () throws -> Int) rethrows -> (seconds: Double, records: Int) {
            let started = ContinuousClock.now
            let records = try body()
            return ((ContinuousClock.now - started).seconds, records)
        }

        var rows: [(String, Double, Int)] = []
        rows.append(("read files", try time {
            var bytes = 0
            for file in files { bytes += try Data(contentsOf: file).count }
            return bytes > 0 ? 0 : 0
        }.seconds, 0))

        let parse = try time {
            var count = 0
            for file in files {
                try XMLRecordParser().parse(file: file, context: context) { event in
                    if case .record = event { count += 1 }
                }
            }
            return count
        }
        rows.append(("parse + map (libxml2 reader, XElement tree, LOMMapper)", parse.seconds, parse.records))

        let hash = try time {
            var count = 0
            for file in files {
                try XMLRecordParser().parse(file: file, context: context) { event in
                    if case .record(let record) = event {
                        _ = ContentHash.hex(record.originalUTF8, salt: Importer.mapperVersion)
                        count += 1
                    }
                }
            }
            return count
        }
        rows.append(("+ content hash (SHA-256 of original)", hash.seconds, hash.records))

        let json = try time {
            var count = 0
            for file in files {
                try XMLRecordParser().parse(file: file, context: context) { event in
                    if case .record(let record) = event {
                        _ = ContentHash.hex(record.originalUTF8, salt: Importer.mapperVersion)
                        _ = String(decoding: try encoder.encode(record.resource), as: UTF8.self)
                        count += 1
                    }
                }
            }
            return count
        }
        rows.append(("+ JSON encode of Resource (sortedKeys)", json.seconds, json.records))

        let databasePath = work.appendingPathComponent("phases.sqlite").path
        var full = (seconds: 0.0, records: 0)
        var reimport = (seconds: 0.0, records: 0)
        do {
            let store = try Store(path: databasePath)
            let importer = Importer(store: store, vocabularies: vocabularies)
            full = try time { try importer.run(paths: [folder.path]).totals.records }
            reimport = try time { try importer.run(paths: [folder.path]).totals.records }
        }
        rows.append(("+ store (SQLite, terms, FTS5, lexicon, fsync) = Importer.run", full.seconds, full.records))

        print("stage (cumulative)".padding(toLength: 80, withPad: " ", startingAt: 0) + "  seconds   records/s   delta")
        var previous = 0.0
        for (name, seconds, records) in rows {
            let rate = records > 0 ? String(format: "%9.0f", Double(records) / seconds) : "        -"
            print(String(format: "%@ %8.2f   %@   %+6.2f s",
                         name.padding(toLength: 80, withPad: " ", startingAt: 0), seconds, rate, seconds - previous))
            if records > 0 { previous = seconds }
        }
        print(String(format: "%@ %8.2f   %9.0f", "re-import (all unchanged)".padding(toLength: 80, withPad: " ", startingAt: 0),
                     reimport.seconds, Double(reimport.records) / reimport.seconds))
    }
}
