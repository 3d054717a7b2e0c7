import ArgumentParser
import Foundation

struct CorpusOptions: ParsableArguments {
    @Option(name: .long, help: "Number of records.")
    var records: Int = 10_000

    @Option(name: .long, help: "Records per collection file.")
    var perFile: Int = 1000

    @Option(name: .long, help: "Random seed (same seed, same bytes).")
    var seed: UInt64 = 42

    func validate() throws {
        guard records > 0 else { throw ValidationError("--records must be positive") }
        guard perFile > 0 else { throw ValidationError("--per-file must be positive") }
    }

    /// Writes the corpus into `folder`, after removing collection files a previous run left there.
    func generate(into folder: URL, quiet: Bool = false) throws -> CorpusWriter.Summary {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: folder.path) {
            for name in existing where name.hasPrefix("lom-") && name.hasSuffix(".xml") {
                try manager.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        let started = ContinuousClock.now
        let summary = try CorpusWriter(folder: folder, records: records, perFile: perFile, seed: seed).write()
        if !quiet {
            let seconds = (ContinuousClock.now - started).seconds
            print(String(format: "generated %d records in %d files (%.1f MB, %.2f kB/record) in %.2f s -> %@",
                         records, summary.files, Double(summary.bytes) / 1e6, Double(summary.bytes) / Double(records) / 1000,
                         seconds, folder.path))
        }
        return summary
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Writes synthetic IEEE LOM records into <lomCollection> files."
    )

    @OptionGroup var corpus: CorpusOptions

    @Option(name: .long, help: "Output folder (created if needed).")
    var out: String

    func run() throws {
        _ = try corpus.generate(into: URL(fileURLWithPath: out))
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
