import ArgumentParser
import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importe des notices LOM / IMS / ScoLOMFR / OAI-PMH, EBUCore et des fiches Markdown.",
        discussion: """
            Les fichiers et dossiers (parcourus récursivement) sont reconnus par leur contenu. \
            Une transaction par fichier : un fichier refusé ne laisse aucune trace. \
            Code de sortie 1 si au moins une notice ou un fichier a été refusé.
            """
    )

    @Argument(help: "Fichiers ou dossiers à importer.")
    var paths: [String]

    @OptionGroup var storeOptions: StoreOptions

    @Flag(name: .long, help: "Valide et compte sans rien écrire.")
    var dryRun = false

    @Option(name: .long, help: "Écrit le rapport complet (JSON) dans ce fichier.")
    var report: String?

    @Option(name: .long, help: "Nom de la source (sinon : le premier dossier sous l'argument).")
    var source: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("indiquez au moins un fichier ou un dossier") }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("chemin introuvable : \(path)")
        }
    }

    func run() throws {
        let vocabularies: Vocabularies
        do {
            vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: storeOptions.vocabularies))
        } catch {
            throw ValidationError("\(error)")
        }
        // A dry run never creates a database: it rehearses against the existing one, or an
        // empty one in memory.
        let path = dryRun && !FileManager.default.fileExists(atPath: storeOptions.db) ? ":memory:" : storeOptions.db
        let store = try Store(path: path)
        let importer = Importer(store: store, vocabularies: vocabularies)
        importer.dryRun = dryRun
        importer.source = source

        let display = ProgressDisplay()
        let result = try importer.run(paths: paths) { display.update($0) }
        display.finish()
        Summary.print(result)
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(result).write(to: URL(fileURLWithPath: report))
            print("Rapport : \(report)")
        }
        if result.hasRejections { throw ExitCode(1) }
    }
}

/// A progress bar on a terminal, a plain line per file otherwise.
final class ProgressDisplay {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var lastFile = ""

    func update(_ progress: ImportProgress) {
        if isTerminal {
            let now = ContinuousClock.now
            guard now - lastDraw > .milliseconds(100) || progress.filesDone == progress.filesTotal else { return }
            lastDraw = now
            let width = 30
            let filled = progress.filesTotal == 0 ? width : width * progress.filesDone / progress.filesTotal
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\r[\(bar)] \(progress.filesDone)/\(progress.filesTotal) fichiers · \(progress.recordsDone) notices "
            FileHandle.standardError.write(Data(line.utf8))
        } else if !progress.currentFile.isEmpty, progress.currentFile != lastFile {
            lastFile = progress.currentFile
            FileHandle.standardError.write(Data("[\(progress.filesDone + 1)/\(progress.filesTotal)] \(progress.currentFile)\n".utf8))
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

enum Summary {
    static func print(_ report: ImportReport) {
        let title = report.dryRun ? "Simulation d'import (rien n'a été écrit)" : "Import terminé (lot \(report.batch ?? 0))"
        Swift.print(title)
        Swift.print("Fichiers : \(report.filesRead) lus, \(report.filesSkipped) ignorés, \(report.filesRejected) refusés")
        let header = ["format", "créées", "mises à jour", "inchangées", "supprimées", "refusées", "à modérer", "avertissements"]
        var rows = report.byFormat.sorted { $0.key < $1.key }.map { row($0.key, $0.value) }
        rows.append(row("total", report.totals))
        table([header] + rows)
        Swift.print(String(format: "Durée : %.2f s · %.0f notices/s", report.elapsedSeconds, report.recordsPerSecond))
        for skipped in report.skipped.prefix(50) {
            Swift.print("  ignoré  \(skipped.file) : \(skipped.reason)")
        }
        if report.skipped.count > 50 { Swift.print("  ... et \(report.skipped.count - 50) autres fichiers ignorés") }
        for rejection in report.rejections.prefix(50) {
            var place = rejection.file
            if let record = rejection.record { place += " notice \(record)" }
            if let line = rejection.line { place += " ligne \(line)" }
            Swift.print("  REFUSÉ  \(place) : \(rejection.reason)")
        }
        if report.rejections.count > 50 { Swift.print("  ... et \(report.rejections.count - 50) autres refus (voir --report)") }
        if report.totals.warnings > 0 {
            Swift.print("Avertissements : \(report.totals.warnings) (valeurs non reconnues, conservées telles quelles) :")
            let values = report.warningValues.sorted { ($1.count, $0.field, $0.value) < ($0.count, $1.field, $1.value) }
            for value in values.prefix(15) {
                Swift.print("  \(value.count) × \(value.field) « \(value.value) »")
            }
            if report.warningsNotDetailed > 0 {
                Swift.print("  (détail des \(ImportReport.maximumDetailedWarnings) premiers dans le rapport JSON, "
                            + "\(report.warningsNotDetailed) autres comptés par valeur)")
            }
        }
    }

    private static func row(_ name: String, _ counts: ImportCounts) -> [String] {
        [name, "\(counts.created)", "\(counts.updated)", "\(counts.unchanged)", "\(counts.deleted)",
         "\(counts.rejected)", "\(counts.queued)", "\(counts.warnings)"]
    }

    private static func table(_ rows: [[String]]) {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        for row in rows {
            Swift.print(row.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  "))
        }
    }
}
