import ArgumentParser
import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore

/// The storing thread's work alone, timed in thread CPU time: the records of a corpus are
/// parsed first (untimed), then stored as `relais import` stores them (hash, write, one
/// transaction per file) into fresh databases, several rounds. Wall time and the parse threads
/// of a full import make a few percent of store CPU invisible on a shared machine.
struct StoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Times the storing side of an import alone (thread CPU µs per record), on parsed records."
    )

    @OptionGroup var corpus: SideBenchCorpus

    @Option(name: .long, help: "Database path (removed before each round).")
    var database: String = "/tmp/relais-store-bench.sqlite"

    func run() throws {
        let manager = FileManager.default
        let vocabularies = try corpus.loadVocabularies()
        let files = try corpus.files()
        var parsed: [(String, [ParsedRecord])] = []
        for file in files {
            let context = MappingContext(vocabularies: vocabularies, source: "bench", file: file.lastPathComponent)
            var records: [ParsedRecord] = []
            try XMLRecordParser().parse(file: file, context: context) { event in
                if case .record(let record) = event { records.append(record) }
            }
            parsed.append((file.lastPathComponent, records))
        }
        let total = parsed.reduce(0) { $0 + $1.1.count }
        var results: [Double] = []
        for _ in 0 ..< corpus.rounds {
            for suffix in ["", "-wal", "-shm"] { try? manager.removeItem(atPath: database + suffix) }
            let store = try Store(path: database)
            let started = Self.threadCPU()
            for (name, records) in parsed {
                try store.transaction {
                    for record in records {
                        let provenance = Provenance(
                            file: name, recordIndex: record.recordIndex, line: record.line, batch: nil,
                            contentHash: ContentHash.hex(record.originalUTF8, salt: Importer.mapperVersion))
                        _ = try store.write(StoredRecord(resource: record.resource, provenance: provenance,
                                                         originalUTF8: record.originalUTF8), batch: nil)
                    }
                }
            }
            let microseconds = (Self.threadCPU() - started) / Double(total) * 1e6
            results.append(microseconds)
            print(String(format: "%d records: %.1f µs/record (store thread CPU)", total, microseconds))
        }
        SideBenchCorpus.printSummary(results)
    }

    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
