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
