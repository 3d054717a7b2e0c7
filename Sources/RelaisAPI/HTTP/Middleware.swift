import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RelaisCore
import RelaisSearch
import RelaisStore
import Synchronization

/// The request context: Hummingbird's core storage plus the peer address (rate limits, logs).
public struct RelaisRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "inconnue"
    }

    /// Bodies are read by the routes themselves, up to their own limits.
    public var maxUploadSize: Int { Limits.bodyBytes }
}

enum Limits {
    static let bodyBytes = 64 * 1024
    static let urlBytes = 8 * 1024
    static let headerBytes = 16 * 1024
}

/// One JSON line per request: method, path, status, duration, request id, peer.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = RelaisRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware.problem(for: error, logger: logger, requestID: context.id).response()
        }
        response.headers[.init("X-Request-Id")!] = context.id
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        guard logger.logLevel <= .info else { return response }
        // One JSON object per line, written directly (JSONSerialization was 2% of a search).
        var line = JSONWriter(capacity: 256)
        line.object { line, first in
            line.field("method", request.method.rawValue, &first)
            try? line.field("ms", milliseconds.isFinite ? (milliseconds * 100).rounded() / 100 : 0, &first)
            line.field("path", String(request.uri.path.prefix(300)), &first)
            line.field("peer", context.remoteAddress, &first)
            line.field("request_id", context.id, &first)
            line.field("status", Int(response.status.code), &first)
        }
        logger.info("\(line.text)")
        return response
    }
}

/// Every error becomes a problem+json response; a 404 on a path that exists for other
/// methods becomes a 405 naming them.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = RelaisRequestContext
    let routes: RouteTable
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty && !allowed.contains(request.method) {
                var problem = Problem(.methodNotAllowed, slug: "methode-non-permise", title: "Méthode non permise",
                                      detail: "\(request.method.rawValue) n'est pas permis sur \(request.uri.path.prefix(200)) ; méthodes permises : "
                                          + allowed.map(\.rawValue).joined(separator: ", "))
                problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                return problem.response()
            }
            return Problem.notFound("aucune ressource à l'adresse \(request.uri.path.prefix(200))").response()
        } catch {
            return Self.problem(for: error, logger: logger, requestID: context.id).response()
        }
    }

    static func problem(for error: any Error, logger: Logger, requestID: String) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let refusal as Refusal:
            return Problem(refusal)
        case let error as SearchError:
            return Problem.badParameter(SearchParameters.parameter(forDimension: error.parameter), error.message)
        case let error as DeadlineExceeded:
            var problem = Problem(.serviceUnavailable, slug: "delai-depasse", title: "Délai dépassé",
                                  detail: "la requête a dépassé \(Int(error.seconds)) s ; réessayez avec une requête plus précise")
            problem.headers[.retryAfter] = "1"
            return problem
        case is NIOTooManyBytesError:
            return .contentTooLarge("le corps dépasse \(Limits.bodyBytes / 1024) Kio")
        case let error as HTTPError:
            let status = error.status
            if status == .contentTooLarge { return .contentTooLarge("le corps dépasse \(Limits.bodyBytes / 1024) Kio") }
            return Problem(status, slug: "erreur-http", title: status.reasonPhrase,
                           detail: status.code < 500 ? "requête refusée (\(status.code))" : "erreur du serveur")
        default:
            // The detail stays in the log, tied to the request id; the client gets the id only.
            logger.error("erreur interne \(requestID): \(String(describing: error))")
            return Problem(.internalServerError, slug: "erreur-interne", title: "Erreur interne",
                           detail: "une erreur inattendue est survenue (identifiant de requête \(requestID))")
        }
    }
}

/// Limits on the request itself: URL length (414), declared body size (413), body media type (415).
struct RequestLimitsMiddleware: RouterMiddleware {
    typealias Context = RelaisRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.string.utf8.count > Limits.urlBytes {
            throw Problem(.uriTooLong, slug: "adresse-trop-longue", title: "Adresse trop longue",
                          detail: "l'adresse dépasse \(Limits.urlBytes) octets ; envoyez une recherche longue par POST /api/v1/search")
        }
        // Imports stream their body to disk under a limit of their own.
        let isImport = request.method == .post && request.uri.path == "/api/v1/imports"
        if !isImport, let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Limits.bodyBytes {
            throw Problem.contentTooLarge("le corps annonce \(length) octets ; \(Limits.bodyBytes) au plus")
        }
        return try await next(request, context)
    }
}

/// Per-address token buckets: `rate` requests per second, bursts of twice that. 429 with
/// Retry-After beyond.
final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])
    let rate: Double
    let burst: Double

    /// `rate` per second, bursts of `burst` (twice the rate unless said).
    init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = max(1, burst ?? rate * 2)
    }

    /// nil when allowed; otherwise the seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard rate > 0 else { return nil }
        return buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = RelaisRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let wait = limiter.take(context.remoteAddress) {
            var problem = Problem(.tooManyRequests, slug: "trop-de-requetes", title: "Trop de requêtes",
                                  detail: "plus de \(Int(limiter.rate)) requêtes par seconde depuis cette adresse ; réessayez dans \(wait) s")
            problem.headers[.retryAfter] = String(wait)
            throw problem
        }
        return try await next(request, context)
    }
}
