import ArgumentParser
import Foundation
import RelaisCore
import RelaisIngest
import RelaisStore

struct HarvestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harvest",
        abstract: "Moissonne un dépôt OAI-PMH 2.0 (ListRecords, jetons de reprise, suppressions).",
        discussion: """
            La date de la notice la plus récente est retenue par source, adresse, format et ensemble : \
            la moisson suivante ne demande que ce qui a changé depuis (sauf --from). Les réponses 503 \
            sont réessayées après Retry-After, les erreurs réseau avec un délai croissant.
            """
    )

    @Argument(help: "Adresse OAI-PMH du dépôt (baseURL), par ex. https://depot.example.org/oai.") var url: String
    @Option(name: .long, help: "Format : lom ou oai_dc.") var prefix = "lom"
    @Option(name: .long, help: "Ensemble (setSpec).") var set: String?
    @Option(name: .long, help: "Date de début (AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ) ; par défaut, la fin de la moisson précédente.")
    var from: String?
    @Option(name: .long, help: "Nom de la source dans Relais.") var source: String
    @Option(name: .long, help: "Rapport JSON complet.") var report: String?
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("adresse OAI-PMH invalide : \(url) (http:// ou https:// attendu)")
        }
        guard ["lom", "oai_dc"].contains(prefix) else { throw ValidationError("--prefix : lom ou oai_dc") }
        guard !source.isEmpty, source.count <= 100 else { throw ValidationError("--source : un nom de 1 à 100 caractères") }
    }

    func run() async throws {
        let vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: storeOptions.vocabularies))
        let store = try Store(path: storeOptions.db)
        var options = HarvestOptions(baseURL: URL(string: url)!, source: source)
        options.metadataPrefix = prefix
        options.set = set
        options.from = from
        let harvester = Harvester(store: store, vocabularies: vocabularies)
        let result: HarvestReport
        do {
            result = try await harvester.run(options) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch let error as HarvestError {
            throw ValidationError(error.description)
        }
        Summary.print(result.imported)
        print("Moisson : \(result.pages) page(s), \(result.requests) requête(s), \(result.retries) nouvel(s) essai(s)"
              + (result.from.map { ", depuis \($0)" } ?? ", complète")
              + (result.lastDatestamp.map { " ; prochaine moisson depuis \($0)" } ?? ""))
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(result).write(to: URL(fileURLWithPath: report))
            print("Rapport : \(report)")
        }
        if result.imported.totals.rejected > 0 || result.imported.filesRejected > 0 { throw ExitCode(1) }
    }
}
