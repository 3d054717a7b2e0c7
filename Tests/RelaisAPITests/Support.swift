import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import RelaisAPI
import RelaisCore
import RelaisIngest
import RelaisStore
import Testing

/// A database holding the whole corpus, built once for every test of this target, and the
/// router over it.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = root.appendingPathComponent("Corpus")
    static let vocabularies = corpus.appendingPathComponent("vocabularies")

    private static let database: Result<String, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("relais.sqlite").path
        let store = try Store(path: path)
        let importer = Importer(store: store, vocabularies: try Vocabularies.load(from: vocabularies))
        let report = try importer.run(paths: ["consortiums", "sonuma", "amenagements"].map { corpus.appendingPathComponent($0).path })
        guard report.totals.rejected == 0, report.totals.created > 90 else {
            throw StoreError(reason: "import du corpus de test inattendu : \(report.totals)")
        }
        return path
    }

    static func databasePath() throws -> String { try database.get() }

    /// A database of its own, with the corpus, for a test that writes.
    static func privateDatabase() throws -> (path: String, store: Store) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("relais.sqlite").path
        let store = try Store(path: path)
        let importer = Importer(store: store, vocabularies: try Vocabularies.load(from: vocabularies))
        _ = try importer.run(paths: ["consortiums", "sonuma", "amenagements"].map { corpus.appendingPathComponent($0).path })
        return (path, store)
    }

    /// `xmllint --schema` on a document; nil when xmllint or the schema is not on this machine.
    static func xmllint(_ xml: String, schema: URL) throws -> String? {
        let xmllint = URL(fileURLWithPath: "/usr/bin/xmllint")
        guard FileManager.default.isExecutableFile(atPath: xmllint.path), FileManager.default.fileExists(atPath: schema.path) else {
            return nil
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("relais-oai-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = xmllint
        process.arguments = ["--noout", "--nonet", "--schema", schema.path, file.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "" : output
    }

    static let samples = root.deletingLastPathComponent().appendingPathComponent("shared/samples")

    static func configuration(rateLimit: Double = 0, databasePath path: String? = nil, oaiPageSize: Int = 100) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.databasePath = try path ?? databasePath()
        configuration.oaiPageSize = oaiPageSize
        configuration.vocabulariesPath = vocabularies.path
        configuration.readers = 2
        configuration.rateLimit = rateLimit
        return configuration
    }

    static func application(rateLimit: Double = 0, databasePath: String? = nil, oaiPageSize: Int = 100,
                            configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "relais-test")
        logger.logLevel = .warning
        var configuration = try configuration(rateLimit: rateLimit, databasePath: databasePath, oaiPageSize: oaiPageSize)
        configuration.gridsPath = corpus.appendingPathComponent("grilles").path
        configuration.passwordCost = 4
        configuration.writesPerSecond = 10_000
        configuration.loginsPerMinute = 10_000
        configure(&configuration)
        let (router, _) = try await RelaisServer.testRouter(configuration, logger: logger)
        return Application(router: router, logger: logger)
    }

    static func routeTable() async throws -> RouteTable {
        var logger = Logger(label: "relais-test")
        logger.logLevel = .warning
        var configuration = try configuration()
        configuration.gridsPath = corpus.appendingPathComponent("grilles").path
        return try await RelaisServer.testRouter(configuration, logger: logger).1
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return try #require(object as? [String: Any], "pas un objet JSON : \(text.prefix(300))")
    }
}

/// The subset of JSON Schema our OpenAPI document uses (type, properties, required,
/// additionalProperties: false, items, enum, oneOf, $ref, minimum/maximum), enough to say a
/// response is exactly what the document describes.
struct SchemaChecker: @unchecked Sendable {
    let document: [String: Any]

    init() throws {
        let url = Fixture.root.appendingPathComponent("Sources/RelaisAPI/openapi.json")
        document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    var paths: [String: [String: Any]] { (document["paths"] as? [String: [String: Any]]) ?? [:] }

    func responseSchema(path: String, method: String, status: Int, contentType: String = "application/json") -> [String: Any]? {
        let operation = paths[path]?[method] as? [String: Any]
        let responses = operation?["responses"] as? [String: Any]
        let response = responses?[String(status)] as? [String: Any]
        let content = response?["content"] as? [String: Any]
        return (content?[contentType] as? [String: Any])?["schema"] as? [String: Any]
    }

    /// Expects `response` to be exactly what the document declares for `method path` and its
    /// status (problem+json for errors; a 204 has no body to check).
    func expect(_ response: TestResponse, _ path: String, _ method: String = "get",
                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = Int(response.status.code)
        if status == 204 { return }
        let isProblem = response.headers[.contentType]?.hasPrefix("application/problem+json") == true
        let contentType = isProblem ? "application/problem+json" : "application/json"
        let declared = try #require(responseSchema(path: path, method: method, status: status, contentType: contentType),
                                    "\(method.uppercased()) \(path) \(status) \(contentType) absent du document OpenAPI",
                                    sourceLocation: sourceLocation)
        let found = problems(try JSONSerialization.jsonObject(with: Data(buffer: response.body)), declared)
        #expect(found.isEmpty, "\(method) \(path): \(found.prefix(10))", sourceLocation: sourceLocation)
    }

    /// Problems with `value` against `schema`, as JSON-pointer-like paths.
    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        if let reference = schema["$ref"] as? String {
            let name = String(reference.split(separator: "/").last ?? "")
            let components = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
            guard let target = components?[name] as? [String: Any] else { return ["\(path): $ref inconnue \(reference)"] }
            return problems(value, target, at: path)
        }
        if let choices = schema["oneOf"] as? [[String: Any]] {
            let matching = choices.filter { problems(value, $0, at: path).isEmpty }
            return matching.count == 1 ? [] : ["\(path): \(matching.count) schémas oneOf correspondent"]
        }
        if let allowed = schema["enum"] as? [Any] {
            guard allowed.contains(where: { "\($0)" == "\(value)" }) else { return ["\(path): \(value) hors enum"] }
        }
        if let types = schema["type"] as? [String] {
            // `type: [T, "null"]`: null, or a value of the other type checked in full.
            if value is NSNull { return types.contains("null") ? [] : ["\(path): null non permis"] }
            var single = schema
            single["type"] = types.first { $0 != "null" }
            return problems(value, single, at: path)
        }
        switch schema["type"] as? String {
        case "null":
            return value is NSNull ? [] : ["\(path): null attendu"]
        case "object":
            guard let object = value as? [String: Any] else { return ["\(path): objet attendu"] }
            var found: [String] = []
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                found.append("\(path).\(key): requis et absent")
            }
            for (key, member) in object {
                if let property = properties[key] {
                    found += problems(member, property, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path).\(key): non décrit par le document")
                }
            }
            return found
        case "array":
            guard let array = value as? [Any] else { return ["\(path): liste attendue"] }
            let items = schema["items"] as? [String: Any] ?? [:]
            return array.enumerated().flatMap { problems($1, items, at: "\(path)[\($0)]") }
        case "string":
            return value is String ? [] : ["\(path): chaîne attendue"]
        case _ where value is NSNull && schema["type"] != nil:
            return ["\(path): null non permis"]
        case "integer":
            guard let number = value as? NSNumber, number.doubleValue == number.doubleValue.rounded() else {
                return ["\(path): entier attendu"]
            }
            return bounds(number.doubleValue, schema, path)
        case "number":
            guard let number = value as? NSNumber else { return ["\(path): nombre attendu"] }
            return bounds(number.doubleValue, schema, path)
        case "boolean":
            // Foundation on Linux hands back JSON booleans and 0/1 alike as NSNumber.
            return value is Bool || value is NSNumber ? [] : ["\(path): booléen attendu"]
        default:
            return []
        }
    }

    private func bounds(_ number: Double, _ schema: [String: Any], _ path: String) -> [String] {
        if let minimum = schema["minimum"] as? Double, number < minimum { return ["\(path): \(number) < \(minimum)"] }
        if let maximum = schema["maximum"] as? Double, number > maximum { return ["\(path): \(number) > \(maximum)"] }
        return []
    }
}
