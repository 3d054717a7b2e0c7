import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelaisCore

/// An RFC 9457 problem: what went wrong, in French, naming the parameter at fault. Every
/// error the API returns is one of these; nothing else (no stack trace, no SQL) leaves.
public struct Problem: Error, Sendable {
    public var status: HTTPResponse.Status
    public var slug: String
    public var title: String
    public var detail: String
    public var parameter: String?
    public var headers: HTTPFields = [:]
    /// Extra members (the allowed methods of a 405, the limit of a 413...).
    public var extra: [String: String] = [:]
    /// The actions allowed now, on a 409 about a workflow step.
    public var allowed: [String]?
    /// The submission checklist, on a 422 about submitting.
    public var checklist: [ChecklistItem]?

    public init(_ status: HTTPResponse.Status, slug: String, title: String, detail: String, parameter: String? = nil) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.parameter = parameter
    }

    public static let typeBase = "https://relais.fwb.be/problemes/"

    public static func badParameter(_ parameter: String, _ detail: String) -> Problem {
        Problem(.badRequest, slug: "parametre-invalide", title: "Paramètre invalide", detail: detail, parameter: parameter)
    }

    public static func contentTooLarge(_ detail: String) -> Problem {
        Problem(.contentTooLarge, slug: "corps-trop-grand", title: "Corps de requête trop grand", detail: detail)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, slug: "introuvable", title: "Introuvable", detail: detail)
    }

    public func response() -> Response {
        var object: [String: Any] = [
            "type": Self.typeBase + slug, "title": title, "status": Int(status.code), "detail": detail,
        ]
        if let parameter { object["parameter"] = parameter }
        for (key, value) in extra { object[key] = value }
        if let allowed { object["allowed"] = allowed }
        if let checklist { object["checklist"] = checklist.map(JSONShape.checklistItem) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        var fields = headers
        fields[.contentType] = "application/problem+json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
