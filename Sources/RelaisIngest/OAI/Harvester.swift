import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RelaisCore
import RelaisStore

/// What `relais harvest` asks for.
public struct HarvestOptions: Sendable {
    public var baseURL: URL
    public var metadataPrefix = "lom"
    public var set: String?
    /// Overrides the datestamp remembered from the previous harvest.
    public var from: String?
    public var source: String
    /// Attempts per request on 503, network errors and timeouts.
    public var maxAttempts = 6
    /// Longest wait honoured from a Retry-After header.
    public var maxRetryAfter: TimeInterval = 120

    public init(baseURL: URL, source: String) {
        self.baseURL = baseURL
        self.source = source
    }
}

/// A harvest: the import report of all its pages, and what the requests did.
public struct HarvestReport: Codable, Sendable {
    public var url: String
    public var metadataPrefix: String
    public var set: String?
    /// The `from` used: given, remembered from the previous harvest, or none (full harvest).
    public var from: String?
    public var requests = 0
    public var retries = 0
    public var pages = 0
    /// The newest datestamp seen: the next harvest starts there.
    public var lastDatestamp: String?
    public var imported: ImportReport
}

public struct HarvestError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

/// An OAI-PMH 2.0 harvester: ListRecords page by page through resumption tokens, each page
/// imported like a file (one transaction, deleted headers applied), 503 + Retry-After and
/// network failures retried with back-off, and the newest datestamp remembered per source,
/// URL, format and set so that the next run is incremental.
public final class Harvester {
    let store: Store
    let vocabularies: Vocabularies
    let session: URLSession
    /// Seconds to wait before a retry (replaced in tests).
    var sleep: (TimeInterval) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int($0 * 1000))) }

    public init(store: Store, vocabularies: Vocabularies) {
        self.store = store
        self.vocabularies = vocabularies
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: configuration)
    }

    private func stateKey(_ options: HarvestOptions) -> String {
        "harvest|\(options.source)|\(options.baseURL.absoluteString)|\(options.metadataPrefix)|\(options.set ?? "")"
    }

    public func run(_ options: HarvestOptions, progress: ((String) -> Void)? = nil) async throws -> HarvestReport {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-harvest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var from = try options.from ?? store.setting(stateKey(options))
        // A repository that counts in days only takes days.
        let granularity = try await identifyGranularity(options, folder: folder)
        if granularity == "YYYY-MM-DD", let value = from, value.count > 10 { from = String(value.prefix(10)) }

        let importer = Importer(store: store, vocabularies: vocabularies)
        importer.source = options.source
        importer.actor = "harvest"
        var report = HarvestReport(url: options.baseURL.absoluteString, metadataPrefix: options.metadataPrefix, set: options.set,
                                   from: from, imported: ImportReport(dryRun: false, paths: [options.baseURL.absoluteString]))
        var arguments = [("verb", "ListRecords"), ("metadataPrefix", options.metadataPrefix)]
        if let set = options.set { arguments.append(("set", set)) }
        if let from { arguments.append(("from", from)) }
        let started = ContinuousClock.now
        var seenTokens = Set<String>()

        while true {
            let file = folder.appendingPathComponent("page-\(report.pages + 1).xml")
            try await fetch(options, arguments, to: file, report: &report)
            let page = try OAIPage(file: file)
            if let error = page.error {
                guard error.code == "noRecordsMatch" else {
                    throw HarvestError(reason: "le dépôt répond \(error.code) : \(error.message)")
                }
                progress?("aucune notice nouvelle (noRecordsMatch)")
                break
            }
            report.pages += 1
            let imported = try importer.run(paths: [file.path])
            report.imported.merge(imported, page: report.pages)
            if let newest = page.newestDatestamp, newest > (report.lastDatestamp ?? "") { report.lastDatestamp = newest }
            progress?("page \(report.pages) : \(imported.totals.records) notices"
                      + (page.completeListSize.map { " · \(report.imported.totals.records)/\($0)" } ?? ""))
            guard let token = page.resumptionToken, !token.isEmpty else { break }
            // A repository that hands back the token it was given would loop for ever.
            guard !seenTokens.contains(token) else {
                throw HarvestError(reason: "le dépôt renvoie un jeton de reprise déjà suivi (« \(token.prefix(60)) ») : moisson arrêtée à la page \(report.pages)")
            }
            seenTokens.insert(token)
            arguments = [("verb", "ListRecords"), ("resumptionToken", token)]
        }
        let elapsed = ContinuousClock.now - started
        report.imported.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report.imported.recordsPerSecond = report.imported.elapsedSeconds > 0
            ? Double(report.imported.totals.records) / report.imported.elapsedSeconds : 0
        if let last = report.lastDatestamp { try store.setSetting(stateKey(options), last) }
        return report
    }

    private func identifyGranularity(_ options: HarvestOptions, folder: URL) async throws -> String? {
        var scratch = HarvestReport(url: "", metadataPrefix: "", imported: ImportReport(dryRun: true, paths: []))
        let file = folder.appendingPathComponent("identify.xml")
        try await fetch(options, [("verb", "Identify")], to: file, report: &scratch)
        return try OAIPage(file: file).granularity
    }

    /// GET with the arguments; 503 waits Retry-After (or backs off), network failures back off.
    private func fetch(_ options: HarvestOptions, _ arguments: [(String, String)], to file: URL,
                       report: inout HarvestReport) async throws {
        var components = URLComponents(url: options.baseURL, resolvingAgainstBaseURL: false)
        components?.queryItems = arguments.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` in a token must arrive as a plus, not a space.
        let query = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = query
        guard let url = components?.url else { throw HarvestError(reason: "adresse invalide : \(options.baseURL)") }
        var backoff: TimeInterval = 1
        for attempt in 1...options.maxAttempts {
            report.requests += 1
            do {
                let (data, response) = try await session.data(from: url)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if status == 200 {
                    try data.write(to: file)
                    return
                }
                guard status == 503 || status == 429 || status >= 500, attempt < options.maxAttempts else {
                    throw HarvestError(reason: "le dépôt répond HTTP \(status) à \(url.absoluteString.prefix(200))")
                }
                let retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After").flatMap(Self.seconds)
                try await sleep(min(retryAfter ?? backoff, options.maxRetryAfter))
            } catch let error as HarvestError {
                throw error
            } catch {
                guard attempt < options.maxAttempts else {
                    throw HarvestError(reason: "dépôt injoignable après \(attempt) essais : \(error.localizedDescription)")
                }
                try await sleep(backoff)
            }
            report.retries += 1
            backoff = min(backoff * 2, 60)
        }
        throw HarvestError(reason: "dépôt indisponible après \(options.maxAttempts) essais")
    }

    /// Retry-After as seconds, or as an HTTP date.
    static func seconds(_ value: String) -> TimeInterval? {
        if let seconds = TimeInterval(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}

/// What the harvester needs from a response besides its records: the protocol error, the
/// resumption token, the newest datestamp, the granularity. Read with the same secure reader.
struct OAIPage {
    var error: (code: String, message: String)?
    var resumptionToken: String?
    var completeListSize: Int?
    var newestDatestamp: String?
    var granularity: String?

    init(file: URL) throws {
        let reader: SecureXMLReader
        do {
            reader = try SecureXMLReader(path: file.path)
        } catch let rejection as FileRejection {
            throw HarvestError(reason: "réponse illisible : \(rejection.reason)")
        }
        do {
            // Records are skipped whole; the few small elements wanted are expanded.
            while try reader.read() {
                guard reader.nodeType == .element else { continue }
                switch reader.localName {
                case "metadata", "about":
                    _ = try reader.skip()
                case "error", "resumptionToken", "datestamp", "granularity":
                    let name = reader.localName
                    let element = try reader.expandRecord().element
                    let value = element.allText.trimmingCharacters(in: .whitespacesAndNewlines)
                    switch name {
                    case "error": error = (element.attribute("code") ?? "inconnu", value)
                    case "resumptionToken":
                        resumptionToken = value
                        completeListSize = element.attribute("completeListSize").flatMap { Int($0) }
                    case "datestamp": if value > (newestDatestamp ?? "") { newestDatestamp = value }
                    default: granularity = value
                    }
                default:
                    break
                }
            }
        } catch let rejection as FileRejection {
            throw HarvestError(reason: "réponse mal formée : \(rejection.reason)")
        }
    }
}

extension ImportReport {
    /// Adds a page's report (rejections keep the page in their file name).
    mutating func merge(_ page: ImportReport, page number: Int) {
        filesRead += page.filesRead
        filesRejected += page.filesRejected
        filesSkipped += page.filesSkipped
        totals.add(page.totals)
        for (format, counts) in page.byFormat { byFormat[format, default: ImportCounts()].add(counts) }
        rejections += page.rejections.map { var r = $0; r.file = "page \(number)"; return r }
        batch = batch ?? page.batch
    }
}
