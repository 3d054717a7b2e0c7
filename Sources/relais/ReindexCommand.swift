import ArgumentParser
import Foundation
import RelaisStore

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Reconstruit l'index de recherche avec l'analyseur actuel (fait automatiquement s'il a changé)."
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: storeOptions.db) else {
            throw ValidationError("base introuvable : \(storeOptions.db)")
        }
        let started = ContinuousClock.now
        let store = try Store(path: storeOptions.db)
        try store.reindex()
        try store.checkIntegrity()
        print("Index reconstruit (\(try store.counts().published) ressources) en \(ContinuousClock.now - started)")
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Vérifie l'intégrité de la base (SQLite) et de l'index de recherche (FTS5) ; code de sortie 1 sinon."
    )

    @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("base introuvable : \(db)") }
        let store = try Store(path: db)
        do {
            try store.checkIntegrity()
        } catch {
            FileHandle.standardError.write(Data("INTÈGRE : non — \(error)\n".utf8))
            throw ExitCode(1)
        }
        let counts = try store.counts()
        print("intègre : oui (SQLite et FTS5) · \(counts.published) publiées, \(counts.deleted) retirées")
    }
}
