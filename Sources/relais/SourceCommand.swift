import ArgumentParser
import Foundation
import RelaisStore

/// `relais source ...`: which sources publish on import and which wait for a curator.
struct SourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Sources de confiance (publiées à l'import) ou non (file de modération).",
        subcommands: [Trust.self, Distrust.self, List.self]
    )

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "trust", abstract: "Les imports de la source sont publiés directement (par défaut).")
        @Argument(help: "Nom de la source (consortiums, sonuma...).") var name: String
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"
        func run() throws {
            try Store(path: db).setTrusted(source: name, true, actor: "cli")
            print("Source « \(name) » : de confiance, ses imports sont publiés")
        }
    }

    struct Distrust: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "distrust", abstract: "Les imports de la source attendent un curateur.")
        @Argument(help: "Nom de la source.") var name: String
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"
        func run() throws {
            try Store(path: db).setTrusted(source: name, false, actor: "cli")
            print("Source « \(name) » : à modérer, ses imports vont dans la file de modération")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Liste les sources et leur statut.")
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"
        func run() throws {
            let store = try Store(path: db)
            let counts = try store.counts().bySource
            let statement = try store.db.prepare("SELECT name, trusted FROM sources")
            var trust: [String: Bool] = [:]
            while try statement.step() { trust[statement.text(0) ?? ""] = statement.int(1) != 0 }
            for name in Set(counts.keys).union(trust.keys).sorted() {
                print("\(name)\t\(counts[name] ?? 0) ressources\t\(trust[name] ?? true ? "de confiance" : "à modérer")")
            }
        }
    }
}
