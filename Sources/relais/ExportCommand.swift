import ArgumentParser
import Foundation
import RelaisCore
import RelaisExport
import RelaisStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Exporte des ressources en LOM (IEEE, XML) ou en oai_dc.",
        discussion: """
            Sans identifiant : toutes les ressources publiées. Un fichier ID.xml par ressource \
            dans le dossier --out ; sans --out, un seul identifiant est écrit sur la sortie standard.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case lom
        case oaiDC = "oai_dc"
    }

    @Argument(help: "Identifiants de ressources (r + 20 caractères) ; aucun : toutes.")
    var ids: [String] = []

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: "Format : lom ou oai_dc.")
    var format: Format = .lom

    @Option(name: .long, help: "Dossier où écrire un fichier ID.xml par ressource.")
    var out: String?

    func validate() throws {
        // Identifiers become file names: only our own shape is accepted.
        for id in ids where !Self.isResourceID(id) {
            throw ValidationError("identifiant invalide : « \(id) » (attendu : r suivi de 20 caractères a-z, 2-7)")
        }
        if out == nil && ids.count != 1 {
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
        let wanted = ids.isEmpty ? try store.publishedIDs() : ids.map(ResourceID.init(rawValue:))

        func render(_ resource: Resource) -> String {
            switch format {
            case .lom: LOMExporter.xml(resource, vocabularies: vocabularies)
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

    /// Every published resource, in id order.
}
