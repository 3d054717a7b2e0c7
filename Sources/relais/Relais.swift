import ArgumentParser

@main
struct Relais: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relais",
        abstract: "Relais : dépôt et moteur de recherche de ressources éducatives libres (FWB).",
        subcommands: [ServeCommand.self, ImportCommand.self, HarvestCommand.self, SearchCommand.self, ReindexCommand.self, ExportCommand.self,
                      UserCommand.self, TokenCommand.self, SourceCommand.self, CheckCommand.self]
    )
}

/// Options shared by the commands that open the database.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Base de données SQLite.")
    var db: String = "Indexes/relais.sqlite"

    @Option(name: .long, help: "Dossier des vocabulaires (niveaux, domaines...).")
    var vocabularies: String = "Corpus/vocabularies"
}
