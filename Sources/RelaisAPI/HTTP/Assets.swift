import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelaisCore

/// Strong entity tags made from the bytes sent, and `If-None-Match` read as RFC 9110 says
/// (a list, `*`, weak tags compared weakly).
enum EntityTag {
    static func of(_ bytes: some Sequence<UInt8>) -> String {
        "\"" + ContentHash.hex(bytes, salt: "etag").prefix(32) + "\""
    }

    static func matches(_ ifNoneMatch: String?, _ tag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        let tags = ifNoneMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return tags.contains("*") || tags.contains(tag) || tags.contains("W/" + tag)
    }
}

/// The teachers' page (HTML, CSS, JS) and the OpenAPI document, read once at start-up from
/// the module's resources and served from memory with an ETag.
struct Assets: Sendable {
    struct File: Sendable {
        var bytes: ByteBuffer
        var contentType: String
        var etag: String
    }

    private let files: [String: File]

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "json": "application/json; charset=utf-8", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon",
    ]

    /// The page may load only its own scripts and styles, and be framed by nobody.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "same-origin",
    ]

    static func load() throws -> Assets {
        var files: [String: File] = [:]
        func add(_ url: URL, as name: String) throws {
            let data = try Data(contentsOf: url)
            let type = contentTypes[url.pathExtension.lowercased()] ?? "application/octet-stream"
            files[name] = File(bytes: ByteBuffer(bytes: data), contentType: type, etag: EntityTag.of(data))
        }
        guard let web = Bundle.module.url(forResource: "Web", withExtension: nil),
              let openAPI = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw AssetError(reason: "les fichiers de la page (Web/, openapi.json) manquent dans le paquet de ressources")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: web.path) where !name.hasPrefix(".") {
            try add(web.appendingPathComponent(name), as: name)
        }
        try add(openAPI, as: "openapi.json")
        return Assets(files: files)
    }

    struct AssetError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    func contains(_ name: String) -> Bool { name != "openapi.json" && files[name] != nil }

    func response(for name: String, request: Request) -> Response {
        guard let file = files[name] else {
            return Problem.notFound("fichier inconnu : \(name.prefix(100))").response()
        }
        var headers = Self.securityHeaders
        headers[.eTag] = file.etag
        headers[.cacheControl] = "no-cache"
        if EntityTag.matches(request.headers[.ifNoneMatch], file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
    }
}
