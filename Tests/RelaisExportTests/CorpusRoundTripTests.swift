import Foundation
import Testing
import RelaisCore
import RelaisIngest
import RelaisStore
@testable import RelaisExport

/// Every resource of `Corpus/`: exported as LOM, read back by the LOM importer, compared field
/// by field; exported as oai_dc, read back by the oai_dc importer.
@Suite struct CorpusRoundTripTests {
    static func corpus() throws -> [Resource] {
        let store = try Store(path: ":memory:")
        let importer = Importer(store: store, vocabularies: Fixtures.vocabularies)
        let folder = Fixtures.repository.appendingPathComponent("Corpus")
        _ = try importer.run(paths: ["consortiums", "sonuma", "amenagements"].map { folder.appendingPathComponent($0).path })
        let statement = try store.db.prepare("SELECT id FROM resources WHERE status = 'published' ORDER BY id")
        var resources: [Resource] = []
        while try statement.step() {
            if let id = statement.text(0), let resource = try store.resource(ResourceID(rawValue: id)) {
                resources.append(resource)
            }
        }
        return resources
    }

    @Test func lomRoundTrip() throws {
        let vocabularies = Fixtures.vocabularies
        let resources = try Self.corpus()
        #expect(resources.count >= 98)
        var mismatches: [String] = []
        for original in resources {
            let xml = LOMExporter.xml(original, vocabularies: vocabularies)
            guard let back = try Fixtures.reimport(xml, source: original.source).first else {
                mismatches.append("\(original.id): not read back")
                continue
            }
            func check<T: Equatable>(_ field: String, _ a: T, _ b: T) {
                if a != b { mismatches.append("\(original.id) \(original.sourceIdentifier) \(field): \(a) ≠ \(b)") }
            }
            func terms(_ values: [TermValue]) -> [String] { values.map { $0.term ?? "?" + $0.raw } }
            check("titles", original.titles, back.titles)
            // The LOM reader collapses whitespace in LangStrings: paragraph breaks come back as spaces.
            func collapsed(_ texts: [LangText]) -> [LangText] {
                texts.map { LangText($0.text.split(whereSeparator: \.isWhitespace).joined(separator: " "), language: $0.language) }
            }
            check("descriptions", collapsed(original.descriptions), collapsed(back.descriptions))
            check("keywords", original.keywords, Array(back.keywords.prefix(original.keywords.count)))
            check("languages", original.languages, back.languages)
            check("levels", terms(original.levels), terms(back.levels))
            check("domains", terms(original.domains), terms(back.domains))
            check("needs", terms(original.specificNeeds), terms(back.specificNeeds))
            let lomTypes = original.resourceTypes.filter {
                LOMExporter.lomValue($0, .resourceType, allowed: LOMExporter.learningResourceTypes, vocabularies) != nil
            }
            check("types", Set(terms(lomTypes)), Set(terms(back.resourceTypes)))
            let lomRoles = original.intendedRoles.filter {
                LOMExporter.lomValue($0, .intendedRole, allowed: LOMExporter.intendedEndUserRoles, vocabularies) != nil
            }
            check("roles", Set(terms(lomRoles)), Set(terms(back.intendedRoles)))
            // A publisher named only as such goes out as a publisher contribution.
            var people = Set(original.contributors.map { "\($0.name ?? "-")|\($0.organization ?? "-")" })
            if let publisher = original.publisher,
               !original.contributors.contains(where: { $0.organization == publisher || $0.name == publisher }) {
                people.insert("-|\(publisher)")
            }
            check("people", people, Set(back.contributors.map { "\($0.name ?? "-")|\($0.organization ?? "-")" }))
            // A publisher role given as a concept URI is recognised on export: compare known publishers.
            if original.publisher != nil { check("publisher", original.publisher, back.publisher) }
            check("licence", original.licence?.term, back.licence?.term)
            check("licence version", original.licence?.version, back.licence?.version)
            check("licence url", original.licence?.url, back.licence?.url)
            check("location", original.location, back.location)
            check("formats", original.mediaFormats.filter(ExportFormat.isMIMEType), back.mediaFormats)
            check("duration", original.duration, back.duration)
            check("learning time", original.learningTime, back.learningTime)
            check("relations", original.relations.map(\.target), back.relations.map(\.target))
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches:\n\(mismatches.prefix(40).joined(separator: "\n"))")
    }

    @Test func oaiDCRoundTrip() throws {
        let vocabularies = Fixtures.vocabularies
        var mismatches: [String] = []
        for original in try Self.corpus() {
            let xml = DublinCoreExporter.xml(original, vocabularies: vocabularies, includeDeclaration: true)
            guard let back = try Fixtures.reimport(xml, source: original.source).first else {
                mismatches.append("\(original.id): not read back")
                continue
            }
            if back.titles.map(\.text) != original.titles.map(\.text) { mismatches.append("\(original.id) titles") }
            if back.languages != original.languages { mismatches.append("\(original.id) languages") }
            if back.licence?.term != original.licence?.term {
                mismatches.append("\(original.id) licence \(String(describing: original.licence?.term)) ≠ \(String(describing: back.licence?.term))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}
