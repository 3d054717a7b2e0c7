import Foundation
import RelaisAuth
import RelaisCore
import RelaisIngest
import RelaisStore
import RelaisWorkflow
import Testing

/// A database of its own with a few published resources and one account per role.
struct Bench {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vocabularies = Result { try Vocabularies.load(from: root.appendingPathComponent("Corpus/vocabularies")) }
    static let grids = Result { try EvaluationGrid.loadAll(from: root.appendingPathComponent("Corpus/grilles")) }

    let path: String
    let store: Store
    var accounts: [String: Account] = [:]
    /// Published resources (imported, not contributed).
    var resources: [String] = []

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relais-workflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("relais.sqlite").path
        store = try Store(path: path)
        for (name, role) in [("anne", Role.contributor), ("bruno", .contributor), ("eva", .evaluator),
                             ("claire", .curator), ("carl", .curator), ("ida", .importer), ("adam", .admin)] {
            accounts[name] = try store.createAccount(email: "\(name)@ecole.example.be", name: "Personne \(name.capitalized)",
                                                     passwordHash: Credentials.hashPassword("mot-de-passe-\(name)", cost: 4),
                                                     role: role, source: role == .importer ? "consortiums" : nil, actor: "test")
        }
        // Accounts made today are "new": the tests that need established ones age them.
        try store.db.execute("UPDATE accounts SET created_at = '2020-01-01T00:00:00Z' WHERE email NOT LIKE 'new%'")
        for name in accounts.keys { accounts[name] = try store.account(id: accounts[name]!.id) }
        for (index, title) in ["Les fractions au quotidien", "Lire l'heure en deuxième primaire", "Le volcanisme expliqué"].enumerated() {
            var resource = Resource(id: ResourceID(source: "consortiums", sourceIdentifier: "fixture-\(index)"), source: "consortiums",
                                    sourceIdentifier: "fixture-\(index)", format: .lom)
            resource.titles = [LangText(title, language: "fr")]
            resource.descriptions = [LangText(String(repeating: "Une description assez longue pour la liste de vérification. ", count: 3), language: "fr")]
            resource.levels = [TermValue(term: "P5", raw: "P5")]
            resource.domains = [TermValue(term: "mathematiques", raw: "mathematiques")]
            resource.resourceTypes = [TermValue(term: "exercice", raw: "exercice")]
            resource.licence = Licence(term: "cc-by")
            resource.location = "https://ecole.example.be/\(index)"
            _ = try store.write(StoredRecord(resource: resource, provenance: Provenance(file: "fixture.xml", recordIndex: index + 1, line: nil,
                                                                                        contentHash: "h\(index)"), original: "<lom/>"), batch: nil)
            resources.append(resource.id.rawValue)
        }
    }

    func workbench(_ store: Store? = nil) throws -> Workbench {
        Workbench(store: store ?? self.store, vocabularies: try Self.vocabularies.get(), grids: try Self.grids.get())
    }

    func account(_ name: String) -> Account { accounts[name]! }

    static func newResource(_ title: String = "Le cycle de l'eau en quatre expériences") -> SubmissionBody {
        var body = SubmissionBody(kind: .newResource)
        body.format = "json"
        var metadata = ContributedMetadata()
        metadata.title = title
        metadata.description = "Une séquence de quatre leçons pour comprendre le cycle de l'eau avec des expériences simples en cinquième primaire."
        metadata.levels = ["P5"]
        metadata.domains = ["sciences"]
        metadata.types = ["sequence-didactique"]
        metadata.licence = "cc-by"
        metadata.url = "https://ecole.example.be/eau"
        body.metadata = metadata
        return body
    }

    static func evaluation(_ score: Int?, strengths: String? = "Des exemples concrets", improvements: String? = "Raccourcir") -> EvaluationInput {
        var criteria: [String: CriterionAnswer] = [:]
        for id in ["pertinence", "faisabilite", "methodologie", "clarte", "conformite", "accessibilite"] {
            criteria[id] = CriterionAnswer(score: score, comment: "commentaire \(id)")
        }
        return EvaluationInput(criteria: criteria, strengths: strengths, improvements: improvements)
    }
}


/// The refusal a throwing call ended with, or nil.
func refusal(_ body: () throws -> Void) -> Refusal? {
    do {
        try body()
        return nil
    } catch let refusal as Refusal {
        return refusal
    } catch {
        Issue.record("erreur inattendue : \(error)")
        return nil
    }
}
