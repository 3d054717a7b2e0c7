import ArgumentParser
import Foundation
import RelaisCore
import RelaisIngest

/// The parsing thread's work alone, timed in thread CPU time: the files of a corpus are parsed
/// and mapped as `relais import` does it (XMLRecordParser, records dropped once handed over),
/// several rounds, nothing stored. Thread CPU time moves less than wall time on a shared machine.
struct ParseBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Times the parsing side of an import alone (thread CPU µs per record)."
    )

    @OptionGroup var corpus: SideBenchCorpus

    func run() throws {
        let vocabularies = try corpus.loadVocabularies()
        let files = try corpus.files()
        var results: [Double] = []
        for _ in 0 ..< corpus.rounds {
            var records = 0
            let started = StoreBenchCommand.threadCPU()
            for file in files {
                let context = MappingContext(vocabularies: vocabularies, source: "bench", file: file.lastPathComponent)
                try XMLRecordParser().parse(file: file, context: context) { event in
                    if case .record = event { records += 1 }
                }
            }
            let microseconds = (StoreBenchCommand.threadCPU() - started) / Double(max(records, 1)) * 1e6
            results.append(microseconds)
            print(String(format: "%d records: %.1f µs/record (parsing thread CPU)", records, microseconds))
        }
        SideBenchCorpus.printSummary(results)
    }
}

/// What `relais-bench parse` and `relais-bench store` read, and how they report.
struct SideBenchCorpus: ParsableArguments {
    @Argument(help: "A folder of LOM XML files.")
    var folder: String

    @Option(name: .long, help: "Vocabulary folder.")
    var vocabularies: String = "Corpus/vocabularies"

    @Option(name: .long, help: "Rounds.")
    var rounds: Int = 3

    func loadVocabularies() throws -> Vocabularies {
        try Vocabularies.load(from: URL(fileURLWithPath: vocabularies))
    }

    /// The folder's XML files, in name order.
    func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: URL(fileURLWithPath: folder), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
    }

    static func printSummary(_ results: [Double]) {
        let sorted = results.sorted()
        print(String(format: "min %.1f  median %.1f µs/record", sorted[0], sorted[sorted.count / 2]))
    }
}
