import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RelaisCore
import RelaisExport
import RelaisIngest
import RelaisStore

/// Imports over HTTP: the body is spooled to disk, a job is queued and answered 202; the
/// import-job runner does the work, one transaction per file, and keeps the report.
extension Handlers {
    static let importKinds: [String: String] = [
        "application/zip": "zip", "application/x-zip-compressed": "zip",
        "application/gzip": "tar.gz", "application/x-gzip": "tar.gz", "application/x-gtar": "tar.gz",
        "application/x-tar": "tar",
        "application/xml": "xml", "text/xml": "xml",
        "text/markdown": "markdown",
    ]

    /// The source a caller may import into: an importer's own, or the one an admin names.
    func importSource(_ caller: Account, _ parameters: QueryParameters) throws -> String {
        let named = try parameters.single("source")
        switch caller.role {
        case .importer:
            guard let own = caller.source else { throw Problem(Refusal(.forbidden, "ce compte importateur n'a pas de source")) }
            if let named, named != own {
                throw Problem(Refusal(.forbidden, "ce jeton importe dans la source « \(own) », pas « \(named.prefix(40)) »", field: "source"))
            }
            return own
        case .admin:
            guard let named, !named.isEmpty, named.count <= 100,
                  named.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw Problem.badParameter("source", "un administrateur nomme la source (lettres, chiffres, - et _)")
            }
            return named
        default:
            throw Problem(Refusal(.forbidden, "réservé aux comptes importateurs"))
        }
    }

    @Sendable func postImport(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let parameters = try parameters(request, allowed: ["dry_run", "mode", "source"])
        let caller = try await state.authentication.require(request)
        try limitWrites(caller, context)
        let source = try importSource(caller, parameters)
        let dryRun = try parameters.boolean("dry_run")
        let mode = try parameters.single("mode") ?? "incremental"
        guard mode == "incremental" || mode == "full" else {
            throw Problem.badParameter("mode", "« \(mode.prefix(20)) » : incremental ou full est attendu")
        }
        let given = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard let kind = Self.importKinds[given] else {
            throw Problem(.unsupportedMediaType, slug: "format-de-corps-non-pris-en-charge", title: "Format de corps non pris en charge",
                          detail: "envoyez une notice XML (application/xml), une fiche (text/markdown) ou une archive "
                              + "(application/zip, application/gzip pour un .tar.gz) ; reçu : \(given.isEmpty ? "aucun Content-Type" : given)",
                          parameter: "Content-Type")
        }
        let limit = state.configuration.importMaxBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw Problem.contentTooLarge("le corps annonce \(length) octets ; \(limit) au plus")
        }
        let spool = state.importSpool.appendingPathComponent("envoi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        let uploadURL = spool.appendingPathComponent("upload")
        var written = 0
        var head: [UInt8] = []
        do {
            FileManager.default.createFile(atPath: uploadURL.path, contents: nil)
            let handle = try FileHandle(forWritingTo: uploadURL)
            defer { try? handle.close() }
            for try await buffer in request.body {
                written += buffer.readableBytes
                if written > limit { throw Problem.contentTooLarge("le corps dépasse \(limit) octets") }
                if head.count < 512 { head += buffer.getBytes(at: buffer.readerIndex, length: min(512 - head.count, buffer.readableBytes)) ?? [] }
                try handle.write(contentsOf: Data(buffer: buffer))
            }
            try handle.synchronize()
            guard written > 0 else { throw Problem.badParameter("body", "le corps est vide") }
            if ["zip", "tar.gz", "tar"].contains(kind) {
                let found = ArchiveKind.detect(head)
                guard found?.rawValue == kind else {
                    throw Problem.badParameter("body", "le corps n'est pas une archive \(kind) (Content-Type \(given))"
                                               + (found.map { " : c'est une archive \($0.rawValue)" } ?? ""))
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: spool)
            throw error
        }
        let actor = caller.auditName
        let size = written
        let job = try await state.writer.run { store in
            try store.createImportJob(source: source, accountID: caller.id, dryRun: dryRun, fullMode: mode == "full", kind: kind,
                                      spool: spool.path, uploadBytes: size, actor: actor)
        }
        state.importRunner.notify()
        var response = try json(Self.jobPayload(job, report: nil), status: .accepted)
        response.headers[.location] = "/api/v1/imports/\(job.id)"
        return response
    }

    static func jobPayload(_ job: ImportJob, report: Any?) -> [String: Any] {
        var object: [String: Any] = [
            "id": job.id, "source": job.source, "state": job.state.rawValue, "dry_run": job.dryRun,
            "mode": job.fullMode ? "full" : "incremental", "kind": job.kind, "upload_bytes": job.uploadBytes,
            "progress": ["files_done": job.filesDone, "files_total": JSONShape.value(job.filesTotal),
                         "records_done": job.recordsDone, "records_total": JSONShape.value(Store.estimatedRecords(job)),
                         "bytes_done": job.bytesDone, "bytes_total": JSONShape.value(job.bytesTotal)] as [String: Any],
            "attempts": job.attempts, "created_at": job.createdAt, "started_at": JSONShape.value(job.startedAt),
            "finished_at": JSONShape.value(job.finishedAt), "error": JSONShape.value(job.error),
            "links": ["self": "/api/v1/imports/\(job.id)"],
        ]
        if let report { object["report"] = report }
        return object
    }

    func requireImportReader(_ request: Request) async throws -> Account {
        let caller = try await state.authentication.require(request)
        guard caller.role == .importer || caller.role == .admin else {
            throw Problem(Refusal(.forbidden, "réservé aux comptes importateurs et aux administrateurs"))
        }
        return caller
    }

    @Sendable func getImport(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        _ = try parameters(request, allowed: [])
        let caller = try await requireImportReader(request)
        let id = try numericID(context, "import")
        let data = try await state.pool.run { reader -> Data? in
            guard let job = try reader.store.importJob(id: id), caller.role == .admin || job.source == caller.source else { return nil }
            // The stored report (tens of megabytes for 100k records) is spliced in as it is:
            // parsing it into Foundation objects to write it back cost ten times its size in memory.
            var payload = try JSONShape.data(Self.jobPayload(job, report: nil))
            guard payload.last == UInt8(ascii: "}") else { return payload }
            payload.removeLast()
            payload.append(contentsOf: Array(",\"report\":".utf8))
            payload.append(contentsOf: Array((job.report ?? "null").utf8))
            payload.append(UInt8(ascii: "}"))
            return payload
        }
        guard let data else { throw Problem.notFound("aucun import \(id) parmi ceux de votre source") }
        return jsonResponse(data)
    }

    @Sendable func listImports(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        try negotiate(request, "application/json")
        let parameters = try parameters(request, allowed: ["source"])
        let caller = try await requireImportReader(request)
        let source = caller.role == .admin ? try parameters.single("source") : caller.source
        if caller.role != .admin, let named = try parameters.single("source"), named != caller.source {
            throw Problem(Refusal(.forbidden, "ce jeton ne voit que les imports de « \(caller.source ?? "") »", field: "source"))
        }
        let data = try await state.pool.run { reader in
            let jobs = try reader.store.importJobs(source: source)
            return try JSONShape.data(["items": jobs.map { Self.jobPayload($0, report: nil) }, "total": jobs.count] as [String: Any])
        }
        return jsonResponse(data)
    }
}

// MARK: Export

extension Handlers {
    /// The published records as JSONL (a backup that `relais import` reads back identically)
    /// or as a zip of LOM files. Written to a temporary file by a reader, then streamed.
    @Sendable func export(_ request: Request, context: RelaisRequestContext) async throws -> Response {
        let parameters = try parameters(request, allowed: ["format", "source"])
        let caller = try await state.authentication.require(request)
        guard [.admin, .curator, .importer].contains(caller.role) else {
            throw Problem(Refusal(.forbidden, "réservé aux administrateurs, curateurs et comptes importateurs"))
        }
        let format = try parameters.single("format") ?? "jsonl"
        guard format == "jsonl" || format == "lom" else {
            throw Problem.badParameter("format", "« \(format.prefix(20)) » : jsonl ou lom est attendu")
        }
        var source = try parameters.single("source")
        if caller.role == .importer {
            if let source, source != caller.source {
                throw Problem(Refusal(.forbidden, "ce jeton n'exporte que la source « \(caller.source ?? "") »", field: "source"))
            }
            source = caller.source
        }
        let mediaType = format == "jsonl" ? "application/x-ndjson" : "application/zip"
        try negotiate(request, mediaType)
        try state.readiness.require()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("relais-export-\(UUID().uuidString)")
        let vocabularies = state.vocabularies
        let chosen = source
        do {
            try await state.pool.run(deadline: .seconds(600)) { reader in
                if format == "jsonl" {
                    FileManager.default.createFile(atPath: file.path, contents: nil)
                    let handle = try FileHandle(forWritingTo: file)
                    defer { try? handle.close() }
                    var buffer = Data()
                    try reader.store.exportJSONLines(source: chosen) { line in
                        buffer.append(contentsOf: line.utf8)
                        buffer.append(0x0A)
                        if buffer.count > 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
                    }
                    try handle.write(contentsOf: buffer)
                } else {
                    var writer = try ArchiveWriter(path: file.path, kind: .zip)
                    for id in try reader.store.publishedIDs(source: chosen) {
                        guard let resource = try reader.store.resource(id) else { continue }
                        try writer.add(name: id.rawValue + ".xml", bytes: Array(LOMExporter.xml(resource, vocabularies: vocabularies).utf8))
                    }
                    try writer.close()
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? nil
        let name = "relais" + (chosen.map { "-\($0)" } ?? "") + (format == "jsonl" ? ".jsonl" : "-lom.zip")
        return Response(status: .ok, headers: [.contentType: mediaType, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: ResponseBody(contentLength: size) { writer in
            defer { try? FileManager.default.removeItem(at: file) }
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            while true {
                let chunk = handle.readData(ofLength: 1 << 20)
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}
