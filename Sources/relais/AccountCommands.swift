import ArgumentParser
import Foundation
import RelaisAuth
import RelaisCore
import RelaisStore

extension Role: ExpressibleByArgument {}

/// `relais user ...`: accounts managed from the machine (the first administrator and
/// curators are made here, before anyone can log in).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Gère les comptes (ajout, rôle, liste).",
        subcommands: [Add.self, SetRole.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Crée un compte ; le mot de passe est lu sur l'entrée standard (première ligne)."
        )
        @Option(help: "Adresse électronique (identifiant de connexion).") var email: String
        @Option(help: "Nom affiché.") var name: String
        @Option(help: "Rôle : contributor, evaluator, curator, importer, admin.") var role: Role = .contributor
        @Option(help: "Source d'un compte importateur.") var source: String?
        @Option(help: "Coût bcrypt (12 par défaut ; 4 à 31).") var cost: UInt8 = Credentials.defaultCost
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

        func run() throws {
            guard (4...31).contains(cost) else { throw ValidationError("--cost doit être entre 4 et 31") }
            if role == .importer && source == nil { throw ValidationError("un compte importateur a une --source") }
            guard let line = readLine(strippingNewline: true) else {
                throw ValidationError("mot de passe attendu sur l'entrée standard (ex. : echo \"$MOT_DE_PASSE\" | relais user add ...)")
            }
            if let problem = Credentials.passwordProblem(line) { throw ValidationError(problem) }
            let store = try Store(path: db)
            do {
                let account = try store.createAccount(email: email, name: name, passwordHash: Credentials.hashPassword(line, cost: cost),
                                                      role: role, source: source, actor: "cli")
                print("Compte \(account.id) créé : \(email) (\(role.label))")
            } catch let refusal as Refusal {
                throw ValidationError(refusal.message)
            }
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Change le rôle d'un compte.")
        @Option(help: "Adresse du compte.") var email: String
        @Option(help: "Nouveau rôle.") var role: Role
        @Option(help: "Source (comptes importateurs).") var source: String?
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

        func run() throws {
            let store = try Store(path: db)
            guard let account = try store.account(email: email) else { throw ValidationError("aucun compte pour \(email)") }
            let updated = try store.updateAccount(id: account.id, role: role, source: source.map { .some($0) }, disabled: nil, actor: "cli")
            print("Compte \(updated.id) : \(updated.role.label)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Liste les comptes.")
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

        func run() throws {
            for account in try Store(path: db).accounts() {
                print("\(account.id)\t\(account.email ?? "")\t\(account.role.rawValue)\t\(account.source ?? "")\t\(account.disabled ? "désactivé" : "actif")")
            }
        }
    }
}

/// `relais token ...`: bearer tokens for scripts and partner systems.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Émet, liste et révoque les jetons d'accès.",
        subcommands: [Issue.self, Revoke.self, List.self]
    )

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "issue", abstract: "Émet un jeton (affiché une seule fois).")
        @Option(help: "Adresse du compte.") var email: String
        @Option(help: "Validité en jours.") var days: Int = 30
        @Option(help: "Libellé (à quoi sert le jeton).") var label: String?
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

        func run() throws {
            guard (1...3650).contains(days) else { throw ValidationError("--days doit être entre 1 et 3650") }
            let store = try Store(path: db)
            guard let account = try store.account(email: email), !account.disabled else {
                throw ValidationError("aucun compte actif pour \(email)")
            }
            let issued = try Credentials.issueToken(for: account, days: days, label: label, store: store, actor: "cli")
            FileHandle.standardError.write(Data("Jeton \(issued.id) pour \(email), valable jusqu'au \(issued.expiresAt.formatted(.iso8601)) :\n".utf8))
            print(issued.token)
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Révoque un jeton.")
        @Option(help: "Numéro du jeton (voir token list).") var id: Int64
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

        func run() throws {
            guard try Store(path: db).revokeToken(id: id, actor: "cli") else {
                throw ValidationError("jeton \(id) inconnu ou déjà révoqué")
            }
            print("Jeton \(id) révoqué")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Liste les jetons d'un compte.")
        @Option(help: "Adresse du compte.") var email: String
        @Option(name: .long, help: "Base de données SQLite.") var db: String = "Indexes/relais.sqlite"

        func run() throws {
            let store = try Store(path: db)
            guard let account = try store.account(email: email) else { throw ValidationError("aucun compte pour \(email)") }
            for token in try store.tokens(accountID: account.id) {
                let state = token.revokedAt != nil ? "révoqué" : (token.expiresAt < Date().formatted(.iso8601) ? "expiré" : "valide")
                print("\(token.id)\t\(token.label ?? "")\tcréé \(token.createdAt)\texpire \(token.expiresAt)\tdernier usage \(token.lastUsedAt ?? "jamais")\t\(state)")
            }
        }
    }
}
