import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RelaisAPI

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Sert l'API et la page de recherche (importe d'abord Corpus/ si la base est vide).",
        discussion: "Arrêt propre sur SIGTERM ou SIGINT : les requêtes en cours se terminent."
    )

    @Option(name: .long, help: "Adresse d'écoute.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port d'écoute (0 : un port libre).") var port = 8080
    @OptionGroup var storeOptions: StoreOptions
    @Option(name: .long, help: "Connexions de lecture (recherches simultanées).") var readers = 4
    @Option(name: .customLong("rate-limit"), help: "Requêtes par seconde et par adresse (0 : sans limite).")
    var rateLimit: Double = 50
    @Option(name: .long, help: "Délai maximal d'une recherche, en secondes.") var deadline: Double = 5
    @Option(name: .customLong("cache-mb"), help: "Mémoire pour les réponses récentes, en Mio (0 : sans cache).")
    var cacheMB = 64
    @Option(name: .customLong("mmap-mb"), help: "Base projetée en mémoire par connexion de lecture, en Mio (0 : lecture par le cache de pages de SQLite).")
    var mmapMB = 0
    @Option(name: .customLong("oai-page-size"), help: "Notices par réponse OAI-PMH (la suite par jeton de reprise).")
    var oaiPageSize = 100
    @Option(name: .customLong("public-url"), help: "Adresse publique du dépôt (baseURL OAI-PMH), par ex. https://relais.example.be.")
    var publicURL: String?
    @Option(name: .customLong("admin-email"), help: "Adresse de l'administrateur (OAI-PMH Identify).")
    var adminEmail = "relais@fwb.example.be"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(name: .long, help: "Dossier des grilles d'évaluation (evaluation-vN.json).") var grids = "Corpus/grilles"
    @Option(name: .customLong("logins-per-minute"), help: "Tentatives de connexion par minute, par adresse et par compte.")
    var loginsPerMinute: Double = 10
    @Option(name: .customLong("writes-per-second"), help: "Écritures par seconde, par compte et par adresse.")
    var writesPerSecond: Double = 5

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port : entre 0 et 65535") }
        guard (1...64).contains(readers) else { throw ValidationError("--readers : entre 1 et 64") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit : 0 ou plus") }
        guard (1...1000).contains(oaiPageSize) else { throw ValidationError("--oai-page-size : entre 1 et 1000") }
        guard adminEmail.contains("@") else { throw ValidationError("--admin-email : une adresse électronique") }
        guard (0...65536).contains(mmapMB) else { throw ValidationError("--mmap-mb : entre 0 et 65536") }
        guard (0...4096).contains(cacheMB) else { throw ValidationError("--cache-mb : entre 0 et 4096") }
        guard deadline > 0, deadline <= 600 else { throw ValidationError("--deadline : entre 0 et 600 secondes") }
        guard loginsPerMinute > 0, writesPerSecond > 0 else { throw ValidationError("--logins-per-minute et --writes-per-second : plus de 0") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level : \(logLevel) inconnu") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.databasePath = storeOptions.db
        configuration.vocabulariesPath = storeOptions.vocabularies
        configuration.readers = readers
        configuration.cacheBytes = cacheMB << 20
        configuration.readerMmapBytes = mmapMB << 20
        configuration.oaiPageSize = oaiPageSize
        configuration.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        configuration.adminEmail = adminEmail
        configuration.rateLimit = rateLimit
        configuration.gridsPath = grids
        configuration.loginsPerMinute = loginsPerMinute
        configuration.writesPerSecond = writesPerSecond
        configuration.deadline = .milliseconds(Int64(deadline * 1000))
        var logger = Logger(label: "relais")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let app = try await RelaisServer.application(configuration, logger: logger)
        try await app.runService()
    }
}
