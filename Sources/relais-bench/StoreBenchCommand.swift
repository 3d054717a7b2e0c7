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

    @Argument(help: "A folder of LOM XML files.")
    var folder: String

    @Option(name: .long, help: "Vocabulary folder.")
    var vocabularies: String = "Corpus/vocabularies"

    @Option(name: .long, help: "Rounds, each into a fresh database.")
    var rounds: Int = 3

    @Option(name: .long, help: "Database path (removed before each round).")
    var database: String = "/tmp/relais-store-bench.sqlite"

    func run() throws {
        let manager = FileManager.default
        let vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: vocabularies))
        let files = try manager.contentsOfDirectory(at: URL(fileURLWithPath: folder), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
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
        for _ in 0..<rounds {
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
        let sorted = results.sorted()
        print(String(format: "min %.1f  median %.1f µs/record", sorted[0], sorted[sorted.count / 2]))
    }

    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
