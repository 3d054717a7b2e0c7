import ArgumentParser
import Foundation
import RelaisCore
import RelaisExport
import RelaisStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Exporte des ressources en JSONL (sauvegarde, réimportable), en LOM (IEEE, XML) ou en oai_dc.",
        discussion: """
            Sans identifiant : toutes les ressources publiées (ou celles de --source). jsonl : une ligne \
            par ressource dans DOSSIER/relais[-SOURCE].jsonl, ou sur la sortie standard sans --out ; \
            relais import relit ce fichier à l'identique. lom et oai_dc : un fichier ID.xml par ressource \
            dans le dossier --out ; sans --out, un seul identifiant est écrit sur la sortie standard.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl
        case lom
        case oaiDC = "oai_dc"
    }

    @Argument(help: "Identifiants de ressources (r + 20 caractères) ; aucun : toutes.")
    var ids: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: "Format : jsonl, lom ou oai_dc.")
    var format: Format = .lom

    @Option(name: .long, help: "Seulement les ressources de cette source.")
    var source: String?

    @Option(name: .long, help: "Dossier où écrire un fichier ID.xml par ressource.")
    var out: String?

    func validate() throws {
        // Identifiers become file names: only our own shape is accepted.
        for id in ids where !Self.isResourceID(id) {
            throw ValidationError("identifiant invalide : « \(id) » (attendu : r suivi de 20 caractères a-z, 2-7)")
        }
        if format == .jsonl && !ids.isEmpty {
            throw ValidationError("jsonl exporte toute la base ou une --source, pas des identifiants")
        }
        if let source, source.isEmpty || !source.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ValidationError("--source : lettres, chiffres, - et _")
        }
        if out == nil && ids.count != 1 && format != .jsonl {
            throw ValidationError("--out DOSSIER est requis sauf pour un seul identifiant (écrit sur la sortie standard)")
        }
    }

    static func isResourceID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        return bytes.count == 21 && bytes[0] == UInt8(ascii: "r")
            && bytes.dropFirst().allSatisfy { (0x61...0x7A).contains($0) || (0x32...0x37).contains($0) }
    }

    func run() throws {
        let vocabularies: Vocabularies
        do {
            vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: storeOptions.vocabularies))
        } catch {
            throw ValidationError("\(error)")
        }
        guard FileManager.default.fileExists(atPath: storeOptions.db) else {
            throw ValidationError("base introuvable : \(storeOptions.db) (lancez d'abord relais import)")
        }
        let store = try Store(path: storeOptions.db)
        if format == .jsonl {
            try exportJSONLines(store)
            return
        }
        let wanted = ids.isEmpty ? try store.publishedIDs(source: source) : ids.map(ResourceID.init(rawValue:))

        func render(_ resource: Resource) -> String {
            switch format {
            case .lom, .jsonl: LOMExporter.xml(resource, vocabularies: vocabularies)
            case .oaiDC: DublinCoreExporter.xml(resource, vocabularies: vocabularies, includeDeclaration: true)
            }
        }

        guard let out else {
            guard let resource = try store.resource(wanted[0]) else {
                throw ValidationError("ressource introuvable : \(wanted[0])")
            }
            FileHandle.standardOutput.write(Data(render(resource).utf8))
            return
        }
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var written = 0
        var missing: [String] = []
        for id in wanted {
            guard let resource = try store.resource(id) else {
                missing.append(id.rawValue)
                continue
            }
            try Data(render(resource).utf8).write(to: folder.appendingPathComponent(id.rawValue + ".xml"), options: .atomic)
            written += 1
        }
        print("\(written) ressource(s) exportée(s) en \(format.rawValue) dans \(folder.path)")
        if !missing.isEmpty {
            FileHandle.standardError.write(Data("introuvables : \(missing.joined(separator: ", "))\n".utf8))
            throw ExitCode(1)
        }
    }

    /// One line per resource, to a file in --out or to standard output.
    func exportJSONLines(_ store: Store) throws {
        var count = 0
        guard let out else {
            try store.exportJSONLines(source: source) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                count += 1
            }
            return
        }
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("relais" + (source.map { "-\($0)" } ?? "") + ".jsonl")
        let partial = file.appendingPathExtension("partiel")
        FileManager.default.createFile(atPath: partial.path, contents: nil)
        let handle = try FileHandle(forWritingTo: partial)
        var buffer = Data()
        try store.exportJSONLines(source: source) { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            count += 1
            if buffer.count > 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
        }
        try handle.write(contentsOf: buffer)
        try handle.close()
        // Written whole or not at all: a backup cut short must not look complete.
        _ = try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: partial, to: file)
        print("\(count) ressource(s) exportée(s) en jsonl dans \(file.path)")
    }
}
