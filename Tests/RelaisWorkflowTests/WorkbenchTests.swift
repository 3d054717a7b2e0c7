import Foundation
import RelaisCore
import RelaisIngest
import RelaisSQLite
import RelaisStore
import RelaisWorkflow
import Testing

@Suite struct WorkbenchTests {
    /// Drives a new submission by "anne" into `state` (claimed by "claire" when a curator holds it).
    func submission(in state: SubmissionState, _ bench: Bench) throws -> SubmissionRecord {
        let workbench = try bench.workbench()
        let anne = bench.account("anne"), claire = bench.account("claire")
        let record = try workbench.create(Bench.newResource(), by: anne)
        let paths: [SubmissionState: [(ModerationAction, String)]] = [
            .draft: [],
            .submitted: [(.submit, "anne")],
            .inReview: [(.submit, "anne"), (.claim, "claire")],
            .changesRequested: [(.submit, "anne"), (.claim, "claire"), (.requestChanges, "claire")],
            .approved: [(.submit, "anne"), (.claim, "claire"), (.approve, "claire")],
            .published: [(.submit, "anne"), (.claim, "claire"), (.approve, "claire"), (.publish, "claire")],
            .rejected: [(.submit, "anne"), (.claim, "claire"), (.reject, "claire")],
            .withdrawn: [(.withdraw, "anne")],
        ]
        for (action, who) in paths[state]! {
            _ = try workbench.transition(record.id, .init(action: action, comment: "une remarque", reason: "doublon"),
                                         by: who == "anne" ? anne : claire)
        }
        let reached = try #require(try bench.store.submission(id: record.id))
        #expect(reached.state == state)
        return reached
    }

    /// Every action from every state, by the author, by the curator who holds the submission,
    /// by another curator and by another contributor: legal steps land in the state the
    /// workflow names and write one audit row; illegal ones are refused with what is allowed.
    @Test func everyLegalAndIllegalTransition() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        var legal = 0, illegal = 0
        for state in SubmissionState.allCases {
            for action in ModerationAction.allCases {
                for who in ["anne", "claire", "carl", "bruno"] {
                    let record = try submission(in: state, bench)
                    let actor = bench.account(who)
                    let auditBefore = try bench.store.auditRows(object: record.auditObject).count
                    let request = Workbench.TransitionRequest(action: action, comment: "une remarque", reason: "doublon",
                                                              assigneeID: bench.account(who == "carl" ? "claire" : "carl").id)
                    let performer: Performer? = who == "anne" ? .author : (who == "bruno" ? nil : .curator)
                    var expected = performer.flatMap { Workflow.target(of: action, from: state, by: $0) }
                    if who == "anne", expected == nil, Workflow.target(of: action, from: state, by: .curator) != nil {
                        expected = nil  // the author is no curator
                    }
                    // Decisions belong to the curator holding the submission.
                    if who == "carl", [.requestChanges, .approve, .reject].contains(action) { expected = nil }
                    // Reassigning to oneself's colleague: "carl" hands it to "claire", "claire" to "carl".
                    if let target = expected, action == .reassign { #expect(target == .inReview) }
                    let outcome = refusal { _ = try workbench.transition(record.id, request, by: actor) }
                    let after = try #require(try bench.store.submission(id: record.id))
                    if let target = expected {
                        #expect(outcome == nil, "\(state) \(action) par \(who) : \(outcome?.message ?? "")")
                        #expect(after.state == target, "\(state) \(action) par \(who)")
                        let rows = try bench.store.auditRows(object: record.auditObject)
                        #expect(rows.count == auditBefore + 1)
                        #expect(rows.last?.from == state.rawValue && rows.last?.to == target.rawValue)
                        legal += 1
                    } else {
                        let refused = try #require(outcome, "\(state) \(action) par \(who) aurait dû être refusé")
                        if who == "bruno" {
                            #expect(refused.kind == .notFound, "\(state) \(action) par bruno : \(refused.kind)")
                        } else {
                            #expect([.conflict, .forbidden].contains(refused.kind), "\(state) \(action) par \(who) : \(refused.kind)")
                            if refused.kind == .conflict {
                                let allowed = workbench.allowedActions(record, for: actor).map(\.rawValue)
                                #expect(refused.allowed == allowed, "\(state) \(action) par \(who)")
                            }
                        }
                        #expect(after.state == state && after.updatedAt == record.updatedAt)
                        #expect(try bench.store.auditRows(object: record.auditObject).count == auditBefore)
                        illegal += 1
                    }
                }
            }
        }
        #expect(legal >= 15 && illegal >= 250, "\(legal) légales, \(illegal) illégales")
        try bench.store.checkIntegrity()
    }

    @Test func auditRowsCannotBeChangedOrDeleted() throws {
        let bench = try Bench()
        _ = try submission(in: .published, bench)
        let count = try bench.store.db.scalarInt("SELECT count(*) FROM audit") ?? 0
        #expect(count > 5)
        for sql in ["UPDATE audit SET actor = 'quelqu''un'", "DELETE FROM audit", "UPDATE audit SET to_state = NULL WHERE id = 1"] {
            #expect(throws: SQLiteError.self) { try bench.store.db.execute(sql) }
        }
        #expect(try bench.store.db.scalarInt("SELECT count(*) FROM audit") == count)
    }

    /// Two connections, two threads, one submission: exactly one claim lands.
    @Test func twoCuratorsOnTwoConnectionsClaimOnce() throws {
        let bench = try Bench()
        for _ in 0..<10 {
            let record = try submission(in: .submitted, bench)
            let outcomes = Outcomes()
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for curator in ["claire", "carl"] {
                let store = try Store(path: bench.path)
                let workbench = Handed(Workbench(store: store, vocabularies: try Bench.vocabularies.get(), grids: try Bench.grids.get()))
                let actor = bench.account(curator)
                group.enter()
                Thread.detachNewThread {
                    start.wait()
                    let refused = refusal { _ = try workbench.value.transition(record.id, .init(action: .claim), by: actor) }
                    outcomes.add(refused?.kind)
                    group.leave()
                }
            }
            start.signal()
            start.signal()
            group.wait()
            #expect(outcomes.all.filter { $0 == nil }.count == 1, "\(outcomes.all)")
            #expect(outcomes.all.filter { $0 == .conflict }.count == 1, "\(outcomes.all)")
            let claimed = try #require(try bench.store.submission(id: record.id))
            #expect(claimed.state == .inReview)
            #expect([bench.account("claire").id, bench.account("carl").id].contains(claimed.assigneeID))
        }
    }

    /// Evaluations arrive at once on several connections: all are kept, the synthesis counts
    /// them, and one evaluator twice on the same version gets one conflict.
    @Test func concurrentEvaluations() throws {
        let bench = try Bench()
        let resource = bench.resources[0]
        let evaluators = ["anne", "bruno", "eva", "claire", "carl", "adam"]
        let outcomes = Outcomes()
        let group = DispatchGroup()
        for (index, name) in (evaluators + ["eva"]).enumerated() {
            let store = try Store(path: bench.path)
            let workbench = Handed(Workbench(store: store, vocabularies: try Bench.vocabularies.get(), grids: try Bench.grids.get()))
            let actor = bench.account(name)
            group.enter()
            Thread.detachNewThread {
                let refused = refusal {
                    _ = try workbench.value.evaluate(resourceID: resource, input: Bench.evaluation(1 + index % 4), by: actor, replacing: false)
                }
                outcomes.add(refused?.kind)
                group.leave()
            }
        }
        group.wait()
        #expect(outcomes.all.filter { $0 == nil }.count == 6, "\(outcomes.all)")
        #expect(outcomes.all.filter { $0 == .conflict }.count == 1, "\(outcomes.all)")
        let synthesis = try bench.workbench().synthesis(resourceID: resource)
        #expect(synthesis.count == 6)
        #expect(synthesis.experts == 1 && synthesis.peers == 5)
        let quality = try bench.store.db.prepare("SELECT quality FROM resources WHERE id = ?")
        try quality.bindAll([resource])
        #expect(try quality.step())
        #expect(abs(quality.double(0) - (synthesis.qualityPrior ?? -1)) < 1e-12)
    }

    @Test func evaluationRules() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        let resource = bench.resources[1]
        // Unknown resource, invalid answers.
        #expect(refusal { _ = try workbench.evaluate(resourceID: "rinconnue", input: Bench.evaluation(3), by: bench.account("eva"), replacing: false) }?.kind == .notFound)
        var bad = Bench.evaluation(3)
        bad.criteria["pertinence"]?.score = 7
        #expect(refusal { _ = try workbench.evaluate(resourceID: resource, input: bad, by: bench.account("eva"), replacing: false) }?.field == "criteria.pertinence.score")
        bad = Bench.evaluation(3)
        bad.criteria["inventé"] = CriterionAnswer(score: 2)
        #expect(refusal { _ = try workbench.evaluate(resourceID: resource, input: bad, by: bench.account("eva"), replacing: false) }?.kind == .invalid)
        // PUT before POST, POST, POST again, PUT.
        #expect(refusal { _ = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(3), by: bench.account("eva"), replacing: true) }?.kind == .notFound)
        let first = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(3), by: bench.account("eva"), replacing: false)
        #expect(first.status == .visible && first.expert)
        #expect(refusal { _ = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(2), by: bench.account("eva"), replacing: false) }?.kind == .conflict)
        let updated = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(2), by: bench.account("eva"), replacing: true)
        #expect(updated.id == first.id && updated.input.criteria["clarte"]?.score == 2)
        // Importers do not evaluate.
        #expect(refusal { _ = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(3), by: bench.account("ida"), replacing: false) }?.kind == .forbidden)
        // A brand-new account's evaluation waits for a curator and does not count until released.
        let newcomer = try bench.store.createAccount(email: "new-nina@ecole.example.be", name: "Nina", passwordHash: "x", role: .contributor,
                                                     source: nil, actor: "test")
        let held = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(4), by: newcomer, replacing: false)
        #expect(held.status == .held)
        #expect(try workbench.synthesis(resourceID: resource).count == 1)
        #expect(refusal { _ = try workbench.moderateEvaluation(id: held.id, release: true, by: bench.account("anne")) }?.kind == .forbidden)
        _ = try workbench.moderateEvaluation(id: held.id, release: true, by: bench.account("claire"))
        #expect(try workbench.synthesis(resourceID: resource).count == 2)
        #expect(refusal { _ = try workbench.moderateEvaluation(id: held.id, release: true, by: bench.account("claire")) }?.kind == .conflict)
    }

    /// An accepted improvement becomes version 2; version 1 is kept; its author may no longer
    /// evaluate the resource; a proposal made on an older version cannot be published.
    @Test func improvementBecomesANewVersion() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        let resource = bench.resources[2]
        var body = SubmissionBody(kind: .improvement)
        body.resourceID = resource
        var changes = ContributedMetadata()
        changes.title = "Le volcanisme expliqué aux élèves de sixième"
        changes.levels = ["P6"]
        body.changes = changes
        body.rationale = "Le titre dit à qui la ressource s'adresse."
        let anne = bench.account("anne"), claire = bench.account("claire")
        let proposal = try workbench.create(body, by: anne)
        let assessment = try workbench.checklist(of: proposal)
        #expect(Set(assessment.diff.map(\.field)).isSuperset(of: ["title", "levels"]))
        #expect(assessment.ready)
        let second = try workbench.create(body, by: bench.account("bruno"))
        for action in [ModerationAction.submit] {
            _ = try workbench.transition(proposal.id, .init(action: action), by: anne)
            _ = try workbench.transition(second.id, .init(action: action), by: bench.account("bruno"))
        }
        for action in [ModerationAction.claim, .approve, .publish] {
            _ = try workbench.transition(proposal.id, .init(action: action), by: claire)
        }
        let (version, record) = try #require(try bench.store.publishedVersion(ResourceID(rawValue: resource)))
        #expect(version == 2)
        #expect(record.contains("sixième"))
        #expect(try bench.store.db.scalarInt("SELECT count(*) FROM resource_versions WHERE resource_id = '\(resource)'") == 2)
        #expect(throws: SQLiteError.self) { try bench.store.db.execute("UPDATE resource_versions SET record = '{}'") }
        #expect(refusal { _ = try workbench.evaluate(resourceID: resource, input: Bench.evaluation(4), by: anne, replacing: false) }?.kind == .forbidden)
        // Bruno's proposal was made on version 1.
        for action in [ModerationAction.claim, .approve] { _ = try workbench.transition(second.id, .init(action: action), by: claire) }
        #expect(refusal { _ = try workbench.transition(second.id, .init(action: .publish), by: claire) }?.kind == .conflict)
        #expect(try bench.store.searchIDs(matching: "sixieme").map(\.rawValue) == [resource])
        try bench.store.checkIntegrity()
    }

    /// After erasure, nothing in the database (tables, free pages, WAL) carries the person's
    /// name or e-mail; their published work stays, signed "ancien contributeur".
    @Test func erasureLeavesNoTraceOfThePerson() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        let name = "Zéphyrine Quatremains", email = "zephyrine.quatremains@ecole.example.be"
        let person = try bench.store.createAccount(email: email, name: name, passwordHash: "$2b$04$abcdefghijklmnopqrstuv", role: .contributor,
                                                   source: nil, actor: "inscription")
        try bench.store.db.execute("UPDATE accounts SET created_at = '2020-01-01T00:00:00Z' WHERE id = \(person.id)")
        let account = try #require(try bench.store.account(id: person.id))
        _ = try bench.store.insertToken(accountID: account.id, hash: String(repeating: "a", count: 64), label: nil,
                                        expiresAt: Date().addingTimeInterval(3600), actor: account.auditName)
        let published = try workbench.create(Bench.newResource("Les volcans d'Auvergne et de l'Eifel"), by: account)
        _ = try workbench.transition(published.id, .init(action: .submit), by: account)
        for action in [ModerationAction.claim, .approve, .publish] {
            _ = try workbench.transition(published.id, .init(action: action), by: bench.account("claire"))
        }
        _ = try workbench.create(Bench.newResource("Brouillon de Zéphyrine Quatremains"), by: account)
        _ = try workbench.comment(resourceID: bench.resources[0], text: "Signé \(name), \(email)", by: account)
        _ = try workbench.evaluate(resourceID: bench.resources[0], input: Bench.evaluation(3, strengths: "Merci, \(name)"), by: account, replacing: false)

        // The search below would be vacuous if the files did not hold the person before.
        let before = ["", "-wal"].compactMap { FileManager.default.contents(atPath: bench.path + $0) }
        #expect(before.contains { $0.range(of: Data(email.utf8)) != nil })

        try bench.store.erase(accountID: account.id)

        let needles = [name, email, "Zéphyrine", "Quatremains", "quatremains"]
        // Every cell of every table.
        let tables = try bench.store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        var names: [String] = []
        while try tables.step() { names.append(tables.text(0) ?? "") }
        for table in names {
            let rows = try bench.store.db.prepare("SELECT * FROM \"\(table)\"")
            while try rows.step() {
                for column in 0..<rows.columnCount {
                    let cell = rows.text(column) ?? ""
                    for needle in needles { #expect(!cell.contains(needle), "« \(needle) » encore dans \(table)") }
                }
            }
        }
        // The files themselves (free pages, journal).
        for suffix in ["", "-wal"] {
            guard let data = FileManager.default.contents(atPath: bench.path + suffix) else { continue }
            for needle in needles {
                #expect(data.range(of: Data(needle.utf8)) == nil, "« \(needle) » encore dans le fichier \(suffix)")
            }
        }
        // Their work stays, no longer theirs by name; they can no longer log in.
        let record = try #require(try bench.store.submission(id: published.id))
        #expect(record.state == .published)
        #expect(try bench.store.account(id: account.id)?.displayName == formerContributorName)
        #expect(try bench.store.credentials(email: email) == nil)
        #expect(try bench.store.tokens(accountID: account.id).isEmpty)
        #expect(try bench.store.searchIDs(matching: "eifel").count == 1)
    }
}

/// Outcomes gathered from several threads.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Refusal.Kind?] = []
    func add(_ value: Refusal.Kind?) { lock.lock(); values.append(value); lock.unlock() }
    var all: [Refusal.Kind?] { lock.lock(); defer { lock.unlock() }; return values }
}

/// A connection handed to the one thread that uses it.
final class Handed<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

@Suite struct UntrustedImportTests {
    /// A source marked untrusted: its records wait in the queue; re-importing the same files
    /// changes nothing; a curator publishes one as a trusted import would have.
    @Test func untrustedSourceGoesToTheQueue() throws {
        let bench = try Bench()
        try bench.store.setTrusted(source: "consortiums", false, actor: "test")
        let before = try bench.store.counts().published
        let importer = Importer(store: bench.store, vocabularies: try Bench.vocabularies.get())
        let folder = Bench.root.appendingPathComponent("Corpus/consortiums").path
        let report = try importer.run(paths: [folder])
        #expect(report.totals.queued > 10 && report.totals.created == 0, "\(report.totals)")
        #expect(try bench.store.counts().published == before)
        let again = try importer.run(paths: [folder])
        #expect(again.totals.queued == 0 && again.totals.unchanged == report.totals.queued, "\(again.totals)")
        var filter = QueueFilter()
        filter.source = "consortiums"
        filter.limit = 100
        let queue = try bench.store.queue(filter)
        #expect(queue.total == report.totals.queued)
        let workbench = try bench.workbench()
        let first = try #require(queue.items.first)
        #expect(first.authorID == nil)
        for action in [ModerationAction.claim, .approve, .publish] {
            _ = try workbench.transition(first.id, .init(action: action), by: bench.account("claire"))
        }
        let id = try #require(first.resourceID)
        let published = try #require(try bench.store.publishedRecord(ResourceID(rawValue: id)))
        #expect(published.resource.source == "consortiums")
        #expect(published.provenance.file.hasSuffix(".xml"))
        #expect(try bench.store.original(ResourceID(rawValue: id))?.contains("<") == true)
        // Nobody sends the importer's own format over the API.
        var body = SubmissionBody(kind: .newResource)
        body.format = "import"
        body.content = "{}"
        #expect(refusal { _ = try workbench.create(body, by: bench.account("anne")) }?.field == "format")
        try bench.store.checkIntegrity()
    }
}

@Suite struct SubmissionFormatTests {
    /// A LOM record and a Markdown fact sheet go through the import mappers; the published
    /// resource gets the submission's id, whatever identifier the record carried.
    @Test func lomAndMarkdownSubmissions() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        var lom = SubmissionBody(kind: .newResource)
        lom.format = "lom"
        lom.content = """
            <lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
            <identifier><catalog>ailleurs</catalog><entry>42</entry></identifier>
            <title><string language="fr">Mesurer des longueurs avec une ficelle</string></title>
            <description><string language="fr">Les élèves mesurent la classe avec une ficelle nouée tous les dix centimètres, puis comparent leurs résultats.</string></description>
            </general>
            <educational><context><source>LOMv1.0</source><value>school</value></context></educational>
            <rights><description><string language="fr">CC BY 4.0</string></description></rights>
            <technical><location>https://ecole.example.be/ficelle</location></technical></lom>
            """
        let record = try workbench.create(lom, by: bench.account("anne"))
        let assessment = try workbench.checklist(of: record)
        #expect(assessment.resource?.displayTitle == "Mesurer des longueurs avec une ficelle")
        #expect(assessment.resource?.source == ContributionMapper.source)
        #expect(assessment.checklist.first { $0.id == "licence" }?.passed == true)
        // No level, domain or type in that record: the checklist says so, submitting is refused.
        #expect(Set(assessment.checklist.filter { !$0.passed }.map(\.id)).isSuperset(of: ["niveau", "domaine", "type"]))
        #expect(refusal { _ = try workbench.transition(record.id, .init(action: .submit), by: bench.account("anne")) }?.kind == .unprocessable)

        var sheet = SubmissionBody(kind: .newResource)
        sheet.format = "markdown"
        sheet.content = try String(contentsOf: Bench.root.appendingPathComponent("Corpus/amenagements/amenagement-dyslexie-consignes.md"),
                                   encoding: .utf8)
        let fact = try workbench.create(sheet, by: bench.account("bruno"))
        let sheetAssessment = try workbench.checklist(of: fact)
        #expect(sheetAssessment.ready, "\(sheetAssessment.checklist.filter { !$0.passed })")
        _ = try workbench.transition(fact.id, .init(action: .submit), by: bench.account("bruno"))
        for action in [ModerationAction.claim, .approve, .publish] {
            _ = try workbench.transition(fact.id, .init(action: action), by: bench.account("claire"))
        }
        let published = try #require(try bench.store.submission(id: fact.id)?.resourceID)
        let resource = try #require(try bench.store.resource(ResourceID(rawValue: published)))
        #expect(resource.id == ResourceID(source: ContributionMapper.source, sourceIdentifier: ContributionMapper.identifier(submission: fact.id)))
        #expect(!resource.sections.isEmpty && resource.bodyHTML?.isEmpty == false)

        // Broken content: the field and the parser's reason.
        var broken = SubmissionBody(kind: .newResource)
        broken.format = "lom"
        broken.content = "<lom><general><title>pas fermé"
        let refused = try #require(refusal { _ = try workbench.create(broken, by: bench.account("anne")) })
        #expect(refused.kind == .invalid && refused.field == "content")
    }

    /// A title nearly identical to a published one: the checklist warns (without blocking)
    /// and links the resource.
    @Test func nearDuplicateIsFlaggedWithItsLink() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        let assessment = try workbench.assess(Bench.newResource("Les fractions au quotidien !"), submissionID: nil)
        let duplicate = try #require(assessment.checklist.first { $0.id == "doublon" })
        #expect(!duplicate.passed && !duplicate.blocking)
        #expect(duplicate.link == "/ressource/\(bench.resources[0])")
        #expect(assessment.ready)
        let distinct = try workbench.assess(Bench.newResource("Les fractions égyptiennes et leurs hiéroglyphes"), submissionID: nil)
        #expect(distinct.checklist.first { $0.id == "doublon" }?.passed == true)
    }

    /// The queue: filters by state, kind, source and age; oldest first; counts by state.
    @Test func queueFiltersAndOrder() throws {
        let bench = try Bench()
        let workbench = try bench.workbench()
        var ids: [Int64] = []
        for title in ["Première séquence sur l'eau", "Deuxième séquence sur le vent", "Troisième séquence sur le feu"] {
            let record = try workbench.create(Bench.newResource(title), by: bench.account("anne"))
            _ = try workbench.transition(record.id, .init(action: .submit), by: bench.account("anne"))
            ids.append(record.id)
        }
        try bench.store.db.execute("UPDATE submissions SET submitted_at = '2026-01-01T00:00:00Z' WHERE id = \(ids[2])")
        _ = try workbench.transition(ids[1], .init(action: .claim), by: bench.account("claire"))
        var filter = QueueFilter()
        let all = try workbench.queue(filter, by: bench.account("claire"))
        #expect(all.items.map(\.id) == [ids[2], ids[0], ids[1]])
        #expect(all.counts[.submitted] == 2 && all.counts[.inReview] == 1)
        filter.olderThanDays = 30
        #expect(try workbench.queue(filter, by: bench.account("claire")).items.map(\.id) == [ids[2]])
        filter = QueueFilter()
        filter.states = [.inReview]
        #expect(try workbench.queue(filter, by: bench.account("carl")).items.map(\.id) == [ids[1]])
        filter.kind = .feedback
        #expect(try workbench.queue(filter, by: bench.account("carl")).total == 0)
        #expect(refusal { _ = try workbench.queue(QueueFilter(), by: bench.account("anne")) }?.kind == .forbidden)
    }
}
