import Foundation
import Hummingbird
import Logging
import NIOCore
import RelaisCore
import RelaisIngest
import RelaisSearch
import RelaisStore
import Synchronization

/// How `relais serve` runs.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var databasePath = "Indexes/relais.sqlite"
    public var vocabulariesPath = "Corpus/vocabularies"
    /// Imported when the database holds no resource yet.
    public var corpusPaths = ["Corpus/consortiums", "Corpus/sonuma", "Corpus/amenagements"]
    /// Reader connections (searches running at once).
    public var readers = 4
    /// A search or read that runs longer is interrupted (503).
    public var deadline: Duration = .seconds(5)
    /// Requests per second per client address (0: no limit).
    public var rateLimit: Double = 50
    /// Idle connections close after this long (slow or silent clients).
    public var idleTimeout: Duration = .seconds(30)
    /// Memory for encoded search and suggestion answers (0: no cache).
    public var cacheBytes = 64 << 20
    /// Memory-mapped bytes of the database per reader. Mapped pages count in the process's
    /// resident memory once per reader, so the server reads through SQLite's page cache unless
    /// told otherwise.
    public var readerMmapBytes = 0
    /// Records per OAI-PMH list response (the rest follows by resumption token).
    public var oaiPageSize = 100
    /// Where the repository is reached from outside (`https://relais.example.be`), for
    /// OAI-PMH's baseURL; by default the Host the request came to.
    public var publicURL: String?
    /// The repository administrator's address, given by OAI-PMH Identify.
    public var adminEmail = "relais@fwb.example.be"
    /// Evaluation grid definitions (`evaluation-vN.json`).
    public var gridsPath = "Corpus/grilles"
    /// bcrypt cost of new passwords (tests lower it).
    public var passwordCost: UInt8 = 12
    /// Login attempts per minute per address and per e-mail (bursts of that many).
    public var loginsPerMinute: Double = 10
    /// Writes per second per account and per address (bursts of 4 times that).
    public var writesPerSecond: Double = 5
    /// Days a login token is valid.
    public var tokenDays = 30
    /// Evaluations of contributor accounts younger than this wait for a curator.
    public var newAccountDays = 7.0
    /// Largest import body (an archive), in bytes.
    public var importMaxBytes = 1 << 30
    /// While an import job runs, searches see its new records within this many seconds
    /// (facets and lexicon rebuilt at most that often); otherwise at once.
    public var bulkRefreshSeconds = 3.0
    /// Where uploads wait for their import job (default: `imports/` beside the database).
    public var importSpoolPath: String?

    public init() {}
}

/// Whether the server can answer searches yet: it imports the corpus first on a new database.
final class Readiness: Sendable {
    enum State: Sendable { case importing(String), ready, failed(String) }
    private let state = Mutex<State>(.importing("ouverture de la base"))

    var current: State { state.withLock { $0 } }
    func set(_ value: State) { state.withLock { $0 = value } }

    /// Throws a 503 until the server is ready.
    func require() throws(Problem) {
        switch current {
        case .ready: return
        case .importing(let step):
            var problem = Problem(.serviceUnavailable, slug: "pas-encore-pret", title: "Service en préparation",
                                  detail: "import du corpus en cours (\(step)) ; réessayez dans quelques secondes")
            problem.headers[.retryAfter] = "2"
            throw problem
        case .failed(let reason):
            throw Problem(.serviceUnavailable, slug: "indisponible", title: "Service indisponible",
                          detail: "le démarrage a échoué : \(reason)")
        }
    }
}

/// Everything the routes need, shared by all requests.
struct ServerState: Sendable {
    let configuration: ServerConfiguration
    let pool: ReaderPool
    let vocabularies: Vocabularies
    let labeller: Labeller
    let readiness: Readiness
    let assets: Assets
    let cache: ResponseCache
    let logger: Logger
    let writer: Writer
    let authentication: Authentication
    let grids: [EvaluationGrid]
    let loginLimiter: RateLimiter
    let writeLimiter: RateLimiter
    let importRunner: ImportJobRunner
    let importSpool: URL
}

public enum RelaisServer {
    /// The application, ready to run. On an empty database it imports the corpus in the
    /// background, answering `/readyz` with 503 until it is done.
    public static func application(_ configuration: ServerConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
        let state = try open(configuration, logger: logger)
        let (router, _) = Routes.router(state)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(
                idleTimeout: .seconds(configuration.idleTimeout.components.seconds),
                httpDecoderConfiguration: .init(maxHeaderFieldSize: Limits.headerBytes, maxHeaderListSize: Limits.headerBytes,
                                                maxHeaderFieldCount: 100))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Relais"),
            onServerRunning: { channel in
                // Tests and scripts read the port from this line when they asked for port 0.
                logger.notice("à l'écoute sur http://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)/")
            },
            logger: logger
        )
        state.writer.submit { store in prepare(store, state: state) }
        return app
    }

    /// The router alone, for tests: the database must already hold what the test needs.
    static func testRouter(_ configuration: ServerConfiguration, logger: Logger) async throws -> (Router<RelaisRequestContext>, RouteTable) {
        let state = try open(configuration, logger: logger)
        state.readiness.set(.ready)
        try state.importRunner.start()
        return Routes.router(state)
    }

    /// The writer, which opens first (it creates and migrates the database the readers then
    /// open), and everything the routes share.
    private static func open(_ configuration: ServerConfiguration, logger: Logger) throws -> ServerState {
        let vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: configuration.vocabulariesPath))
        let grids = try EvaluationGrid.loadAll(from: URL(fileURLWithPath: configuration.gridsPath))
        guard !grids.isEmpty else {
            throw GridError(file: configuration.gridsPath, reason: "aucune grille d'évaluation (evaluation-v1.json attendu)")
        }
        // The writer creates and migrates the database before anything else opens it.
        let cache = ResponseCache(capacityBytes: configuration.cacheBytes)
        let writer = Writer(store: try Store(path: configuration.databasePath, mmapBytes: configuration.readerMmapBytes),
                            afterChange: { cache.invalidate() })
        if cache.isEnabled { try cache.watch(databasePath: configuration.databasePath) }
        let refreshPolicy = RefreshPolicy()
        let pool = try ReaderPool(path: configuration.databasePath, vocabularies: vocabularies,
                                  size: configuration.readers, deadline: configuration.deadline,
                                  mmapBytes: configuration.readerMmapBytes, refreshPolicy: refreshPolicy)
        let bulkInterval = configuration.bulkRefreshSeconds
        return ServerState(configuration: configuration, pool: pool, vocabularies: vocabularies,
                           labeller: Labeller(vocabularies: vocabularies), readiness: Readiness(),
                           assets: try Assets.load(), cache: cache, logger: logger,
                           writer: writer, authentication: Authentication(pool: pool, writer: writer), grids: grids,
                           loginLimiter: RateLimiter(rate: configuration.loginsPerMinute / 60, burst: configuration.loginsPerMinute),
                           writeLimiter: RateLimiter(rate: configuration.writesPerSecond, burst: configuration.writesPerSecond * 4),
                           importRunner: ImportJobRunner(databasePath: configuration.databasePath, vocabularies: vocabularies,
                                                         log: { [logger] in logger.info("\($0)") },
                                                         onActivity: { busy in refreshPolicy.setMinimumInterval(busy ? bulkInterval : 0) }),
                           importSpool: URL(fileURLWithPath: configuration.importSpoolPath
                                            ?? URL(fileURLWithPath: configuration.databasePath).deletingLastPathComponent()
                                                .appendingPathComponent("imports").path))
    }

    /// Imports the corpus into an empty database, then warms every reader.
    private static func prepare(_ store: Store, state: ServerState) {
        let logger = state.logger
        do {
            let counts = try store.counts()
            if counts.published == 0 {
                let paths = state.configuration.corpusPaths.filter { FileManager.default.fileExists(atPath: $0) }
                logger.info("base vide : import du corpus (\(paths.joined(separator: ", ")))")
                let importer = Importer(store: store, vocabularies: state.vocabularies)
                var lastFile = ""
                let report = try importer.run(paths: paths) { progress in
                    guard progress.currentFile != lastFile, !progress.currentFile.isEmpty else { return }
                    lastFile = progress.currentFile
                    state.readiness.set(.importing("fichier \(progress.filesDone + 1)/\(progress.filesTotal)"))
                    logger.info("import [\(progress.filesDone + 1)/\(progress.filesTotal)] \(progress.currentFile) · \(progress.recordsDone) notices")
                }
                logger.info("import terminé : \(report.totals.created) créées, \(report.totals.rejected) refusées, \(report.totals.warnings) avertissements, \(report.filesRejected) fichiers refusés")
            } else {
                logger.info("base ouverte : \(counts.published) ressources publiées")
            }
            state.readiness.set(.importing("chargement des index"))
            let semaphore = DispatchSemaphore(value: 0)
            let failure = Mutex<String?>(nil)
            Task {
                do {
                    // Loading the indexes of a million resources takes longer than a request may.
                    try await state.pool.forEach(deadline: .seconds(3600)) { reader in _ = try reader.engine.search(SearchRequest(size: 1)) }
                } catch {
                    failure.withLock { $0 = String(describing: error) }
                }
                semaphore.signal()
            }
            semaphore.wait()
            if let reason = failure.withLock({ $0 }) {
                state.readiness.set(.failed(reason))
                logger.error("démarrage impossible : \(reason)")
            } else {
                state.readiness.set(.ready)
                // Jobs a stopped process left running resume now.
                do { try state.importRunner.start() } catch { logger.error("imports HTTP indisponibles : \(error)") }
                logger.info("prêt")
            }
        } catch {
            state.readiness.set(.failed(String(describing: error)))
            logger.error("démarrage impossible : \(error)")
        }
    }
}

