import Foundation
import RelaisCore
import Testing
@testable import RelaisIngest

/// EBUCore records through the real streaming parser: fixtures are written to a temporary file.
@Suite("EBUCoreMapper")
struct EBUCoreMapperTests {
    // MARK: - Fixtures

    static let vocabularies: Vocabularies = {
        let json: [Facet: String] = [
            .level: #"""
                [{"id": "P5", "label": "5e primaire", "altLabels": ["P5"]},
                 {"id": "S2", "label": "2e secondaire", "altLabels": ["S2"]}]
                """#,
            .domain: #"""
                [{"id": "histoire", "label": "Histoire"},
                 {"id": "sciences", "label": "Sciences", "mappings": {"other": ["éveil scientifique"]}}]
                """#,
            .resourceType: #"""
                [{"id": "sequence-video", "label": "Séquence vidéo"},
                 {"id": "reportage", "label": "Reportage"},
                 {"id": "document-audio", "label": "Document audio"},
                 {"id": "texte", "label": "Texte", "mappings": {"other": ["Text"]}}]
                """#,
            .intendedRole: "[]",
            .specificNeed: "[]",
            .licence: #"""
                [{"id": "cc-by", "label": "CC BY"},
                 {"id": "cc-by-sa", "label": "CC BY-SA"},
                 {"id": "cc-by-nc-sa", "label": "CC BY-NC-SA"},
                 {"id": "tous-droits-reserves-usage-pedagogique", "label": "Tous droits réservés – usage pédagogique"}]
                """#,
        ]
        var all: [Facet: Vocabulary] = [:]
        for facet in Facet.allCases {
            let text = #"{"name": "\#(facet.rawValue)", "label": "\#(facet.rawValue)", "version": 1, "terms": \#(json[facet] ?? "[]")}"#
            all[facet] = try! JSONDecoder().decode(Vocabulary.self, from: Data(text.utf8))
        }
        return try! Vocabularies(all)
    }()

    static func events(file: URL, source: String = "sonuma", vocabularies: Vocabularies = vocabularies) throws -> [RecordEvent] {
        let context = MappingContext(vocabularies: vocabularies, source: source, file: file.lastPathComponent)
        var events: [RecordEvent] = []
        try XMLRecordParser().parse(file: file, context: context) { events.append($0) }
        return events
    }

    static func events(_ xml: String, source: String = "sonuma") throws -> [RecordEvent] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("relais-ebu-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try events(file: file, source: source)
    }

    static func records(_ events: [RecordEvent]) -> [ParsedRecord] {
        events.compactMap { if case .record(let record) = $0 { record } else { nil } }
    }

    static func rejections(_ events: [RecordEvent]) -> [RecordRejection] {
        events.compactMap { if case .rejected(let rejection) = $0 { rejection } else { nil } }
    }

    static func only(_ xml: String) throws -> ParsedRecord {
        let events = try events(xml)
        let records = records(events)
        try #require(records.count == 1, "événements : \(events)")
        return records[0]
    }

    static let full = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ebucore:ebuCoreMain xmlns:ebucore="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <ebucore:coreMetadata>
            <ebucore:title><dc:title xml:lang="fr">La catastrophe du Bois du Cazier</dc:title></ebucore:title>
            <ebucore:title><dc:title xml:lang="nl">De mijnramp van Marcinelle</dc:title></ebucore:title>
            <ebucore:alternativeTitle typeLabel="titre de série"><dc:title>Le Journal de l'INR</dc:title></ebucore:alternativeTitle>
            <ebucore:creator>
              <ebucore:contactDetails><ebucore:givenName>Raymond</ebucore:givenName><ebucore:familyName>Quertinmont</ebucore:familyName></ebucore:contactDetails>
              <ebucore:organisationDetails><ebucore:organisationName>INR</ebucore:organisationName></ebucore:organisationDetails>
              <ebucore:role typeLabel="journaliste"/>
            </ebucore:creator>
            <ebucore:creator>
              <ebucore:contactDetails><ebucore:name>Anonyme</ebucore:name></ebucore:contactDetails>
            </ebucore:creator>
            <ebucore:subject typeLabel="niveau"><dc:subject>P5</dc:subject></ebucore:subject>
            <ebucore:subject typeLabel="Level"><dc:subject>S2</dc:subject></ebucore:subject>
            <ebucore:subject typeLabel="niveau"><dc:subject>P9</dc:subject></ebucore:subject>
            <ebucore:subject typeLabel="discipline"><dc:subject>histoire</dc:subject></ebucore:subject>
            <ebucore:subject typeLabel="mot-clé"><dc:subject>Marcinelle</dc:subject></ebucore:subject>
            <ebucore:subject typeLabel="mot-clé"><dc:subject>éveil scientifique</dc:subject></ebucore:subject>
            <ebucore:subject><ebucore:subjectCode>http://example.org/themes/42</ebucore:subjectCode></ebucore:subject>
            <ebucore:description typeLabel="note de catalogage"><dc:description>Notice de démonstration.</dc:description></ebucore:description>
            <ebucore:description typeLabel="résumé">
              <dc:description><![CDATA[<p>Le <b>8 août 1956</b>, un incendie se d&eacute;clare au puits Saint-Charles&hellip;</p><p>262 victimes.</p>]]></dc:description>
            </ebucore:description>
            <ebucore:description typeLabel="Rank"><dc:description>14</dc:description></ebucore:description>
            <ebucore:publisher>
              <ebucore:organisationDetails><ebucore:organisationName>Institut national belge de radiodiffusion</ebucore:organisationName></ebucore:organisationDetails>
              <ebucore:role typeLabel="diffuseur"/>
            </ebucore:publisher>
            <ebucore:contributor>
              <ebucore:contactDetails><ebucore:name>Michel Lambotte</ebucore:name></ebucore:contactDetails>
              <ebucore:role typeLabel="preneur de son"/>
            </ebucore:contributor>
            <ebucore:date>
              <ebucore:created startDate="1956-08-08" endDate="1956-08-23"/>
              <ebucore:modified startDate="2023-11-14"/>
            </ebucore:date>
            <ebucore:type>
              <ebucore:genre typeLabel="reportage"/>
              <ebucore:genre typeLabel="actualités"/>
              <ebucore:objectType typeLabel="journal télévisé"/>
            </ebucore:type>
            <ebucore:format>
              <ebucore:videoFormat videoFormatName="PAL"/>
              <ebucore:containerFormat containerFormatName="MXF"/>
              <ebucore:mimeType typeLabel="video/mp4"/>
              <ebucore:duration><ebucore:timecode>00:14:54:12</ebucore:timecode></ebucore:duration>
              <ebucore:locator typeLabel="page d'archive">https://www.sonuma.example.be/archive/SON-1956-0808</ebucore:locator>
            </ebucore:format>
            <ebucore:identifier typeLabel="cote INR"><dc:identifier>INR-TV-56-0808</dc:identifier></ebucore:identifier>
            <ebucore:identifier typeLabel="SONUMA"><dc:identifier>SON-1956-0808</dc:identifier></ebucore:identifier>
            <ebucore:language typeLabel="langue parlée"><dc:language>fre</dc:language></ebucore:language>
            <ebucore:rights typeLabel="licence">
              <dc:rights>Licence libre</dc:rights>
              <ebucore:rightsLink>https://creativecommons.org/licenses/by-sa/4.0/</ebucore:rightsLink>
              <ebucore:rightsHolder>
                <ebucore:organisationDetails><ebucore:organisationName>RTBF</ebucore:organisationName></ebucore:organisationDetails>
              </ebucore:rightsHolder>
            </ebucore:rights>
            <ebucore:isPartOf><ebucore:relationIdentifier><dc:identifier>SON-JT-1956</dc:identifier></ebucore:relationIdentifier></ebucore:isPartOf>
            <ebucore:relation typeLabel="voir aussi"><ebucore:relationLink>https://www.sonuma.example.be/archive/SON-1966-0620</ebucore:relationLink></ebucore:relation>
            <ebucore:relation typeLabel="vide"><dc:relation/></ebucore:relation>
            <ebucore:part partId="P1" partName="Alerte">
              <ebucore:title><dc:title xml:lang="fr">L'alerte au puits Saint-Charles</dc:title></ebucore:title>
              <ebucore:description typeLabel="présentation"><dc:description><![CDATA[<p>Les <em>premières</em> images.</p>]]></dc:description></ebucore:description>
              <ebucore:description typeLabel="transcription"><dc:description>Ce matin, peu après huit heures, un incendie s'est déclaré.</dc:description></ebucore:description>
              <ebucore:partStartTime><ebucore:timecode>00:00:10:00</ebucore:timecode></ebucore:partStartTime>
              <ebucore:partDuration><ebucore:timecode>00:03:20:12</ebucore:timecode></ebucore:partDuration>
              <ebucore:part partName="Les familles">
                <ebucore:partId>P1a</ebucore:partId>
                <ebucore:partStartTime><ebucore:normalPlayTime>00:01:00.5</ebucore:normalPlayTime></ebucore:partStartTime>
                <ebucore:partDuration><ebucore:normalPlayTime>PT1M30S</ebucore:normalPlayTime></ebucore:partDuration>
              </ebucore:part>
            </ebucore:part>
            <ebucore:part partId="P2">
              <ebucore:title><dc:title>Le bilan</dc:title></ebucore:title>
              <ebucore:transcript>Tutti cadaveri.</ebucore:transcript>
              <ebucore:partStartTime><ebucore:editUnitNumber editRate="25">5000</ebucore:editUnitNumber></ebucore:partStartTime>
              <ebucore:partEndTime><ebucore:offsetNormalPlayTime>PT4M</ebucore:offsetNormalPlayTime></ebucore:partEndTime>
            </ebucore:part>
          </ebucore:coreMetadata>
        </ebucore:ebuCoreMain>
        """

    // MARK: - Tests

    @Test func prefixedRecordMapsEveryField() throws {
        let record = try Self.only(Self.full)
        let resource = record.resource
        #expect(resource.format == .ebucore)
        #expect(resource.sourceIdentifier == "SON-1956-0808")
        #expect(resource.id == ResourceID(source: "sonuma", sourceIdentifier: "SON-1956-0808"))
        #expect(resource.titles == [
            LangText("La catastrophe du Bois du Cazier", language: "fr"),
            LangText("De mijnramp van Marcinelle", language: "nl"),
            LangText("Le Journal de l'INR", language: "fr"),
        ])
        #expect(resource.languages == ["fr"])
        // The summary comes first; a number alone is no description.
        #expect(resource.descriptions.map(\.text) == [
            "Le 8 août 1956, un incendie se déclare au puits Saint-Charles…\n\n262 victimes.",
            "Notice de démonstration.",
        ])
        #expect(record.warnings.contains { $0.kind == .skipped && $0.value == "14" })

        #expect(resource.levels == [TermValue(term: "P5", raw: "P5", scheme: "niveau"),
                                    TermValue(term: "S2", raw: "S2", scheme: "Level"),
                                    TermValue(term: nil, raw: "P9", scheme: "niveau")])
        #expect(record.warnings.contains { $0.kind == .unmappedValue && $0.field == "niveaux" && $0.value == "P9" })
        #expect(resource.domains.map(\.term) == ["histoire", "sciences"])
        // An unmapped genre is a keyword, not a type.
        #expect(resource.keywords.map(\.text) == ["Marcinelle", "éveil scientifique", "actualités"])
        // The keyword that named a domain gave no warning.
        #expect(!record.warnings.contains { $0.value == "éveil scientifique" })

        #expect(resource.created == "1956-08-08")
        #expect(resource.modified == "2023-11-14")
        #expect(resource.contributors == [
            Contributor(role: "journaliste", name: "Raymond Quertinmont", organization: "INR"),
            Contributor(role: "author", name: "Anonyme"),
            Contributor(role: "preneur de son", name: "Michel Lambotte"),
            Contributor(role: "diffuseur", organization: "Institut national belge de radiodiffusion"),
            Contributor(role: "rightsholder", organization: "RTBF"),
        ])
        #expect(resource.publisher == "Institut national belge de radiodiffusion")

        #expect(resource.licence?.term == "cc-by-sa")
        #expect(resource.licence?.version == "4.0")
        #expect(resource.licence?.url == "https://creativecommons.org/licenses/by-sa/4.0/")
        #expect(resource.licence?.statement == "Licence libre")

        #expect(resource.resourceTypes == [TermValue(term: nil, raw: "journal télévisé"),
                                           TermValue(term: "reportage", raw: "reportage")])
        #expect(record.warnings.contains { $0.field == "types" && $0.value == "journal télévisé" })
        #expect(!record.warnings.contains { $0.value == "actualités" })
        #expect(abs((resource.duration ?? 0) - 894.48) < 0.001)
        #expect(resource.mediaFormats == ["video/mp4", "MXF", "PAL"])
        #expect(resource.location == "https://www.sonuma.example.be/archive/SON-1956-0808")
        #expect(resource.relations == [
            Relation(kind: "ispartof", target: "SON-JT-1956"),
            Relation(kind: "voir aussi", target: "https://www.sonuma.example.be/archive/SON-1966-0620"),
        ])

        #expect(resource.segments.count == 3)
        let first = resource.segments[0]
        #expect(first.identifier == "P1")
        #expect(first.title == "L'alerte au puits Saint-Charles")
        #expect(first.description == "Les premières images.")
        #expect(first.transcript == "Ce matin, peu après huit heures, un incendie s'est déclaré.")
        #expect(first.start == 10)
        #expect(abs((first.end ?? 0) - 210.48) < 0.001)
        let nested = resource.segments[1]
        #expect(nested.identifier == "P1a")
        #expect(nested.title == "Les familles")
        #expect(nested.start == 60.5)
        #expect(nested.end == 150.5)
        let last = resource.segments[2]
        #expect(last.identifier == "P2")
        #expect(last.transcript == "Tutti cadaveri.")
        #expect(last.start == 200)
        #expect(last.end == 240)
        #expect(record.original.contains("ebuCoreMain"))
    }

    @Test func defaultDatedNamespaceWithISODurationAndReservedRights() throws {
        let record = try Self.only("""
            <ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2014" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <coreMetadata>
                <title><dc:title>Les premiers pas sur la Lune</dc:title></title>
                <description typeLabel="summary"><dc:description>Le 21 juillet 1969, la RTB suit la mission Apollo 11.</dc:description></description>
                <date><dc:date>21/07/1969</dc:date></date>
                <type><objectType typeLabel="émission spéciale"/></type>
                <format>
                  <videoFormat videoFormatName="PAL"/>
                  <duration><normalPlayTime>PT1H2M3S</normalPlayTime></duration>
                </format>
                <identifier><dc:identifier>SON-1969-0721</dc:identifier></identifier>
                <rights><dc:rights>Tous droits réservés – usage pédagogique</dc:rights></rights>
              </coreMetadata>
            </ebuCoreMain>
            """)
        let resource = record.resource
        #expect(resource.sourceIdentifier == "SON-1969-0721")
        // No language given: French is assumed.
        #expect(resource.titles == [LangText("Les premiers pas sur la Lune", language: "fr")])
        #expect(resource.descriptions == [LangText("Le 21 juillet 1969, la RTB suit la mission Apollo 11.", language: "fr")])
        #expect(resource.created == "1969-07-21")
        #expect(resource.duration == 3723)
        #expect(resource.licence == Licence(term: "tous-droits-reserves-usage-pedagogique",
                                            statement: "Tous droits réservés – usage pédagogique"))
        // A video without a mapped type is a video sequence; the object type is kept after it.
        #expect(resource.resourceTypes == [TermValue(term: "sequence-video", raw: "sequence-video"),
                                           TermValue(term: nil, raw: "émission spéciale")])
        #expect(resource.mediaFormats == ["PAL"])
        #expect(resource.segments.isEmpty)
    }

    @Test func datedNamespaceWithPrefixAndOtherLanguage() throws {
        let record = try Self.only("""
            <ebu:ebuCoreMain xmlns:ebu="urn:ebu:metadata-schema:ebuCore_2014" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <ebu:coreMetadata>
                <ebu:title><dc:title>Het Vlaamse nieuws</dc:title></ebu:title>
                <ebu:identifier typeLabel="main"><dc:identifier>VRT-1</dc:identifier></ebu:identifier>
                <ebu:identifier><dc:identifier>other</dc:identifier></ebu:identifier>
                <ebu:language><dc:language>dut</dc:language></ebu:language>
                <ebu:format><ebu:duration><ebu:timecode editRate="30" factorNumerator="1000" factorDenominator="1001">00:00:10:15</ebu:timecode></ebu:duration></ebu:format>
              </ebu:coreMetadata>
            </ebu:ebuCoreMain>
            """)
        #expect(record.resource.sourceIdentifier == "VRT-1")
        #expect(record.resource.languages == ["nl"])
        #expect(record.resource.titles == [LangText("Het Vlaamse nieuws", language: "nl")])
        #expect(abs((record.resource.duration ?? 0) - (10 + 15 / (30_000.0 / 1001))) < 0.0001)
        #expect(record.resource.resourceTypes.isEmpty)
    }

    @Test func radioRecordIsAnAudioDocument() throws {
        let record = try Self.only("""
            <ebuCoreMain xmlns="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <coreMetadata>
                <title><dc:title>La Question royale</dc:title></title>
                <identifier typeLabel="SONUMA"><dc:identifier>SON-1950-0313</dc:identifier></identifier>
                <type><genre typeLabel="actualités"/><objectType typeLabel="journal parlé"/></type>
                <format><audioFormat audioFormatName="mono"/><duration><editUnitNumber editRate="25">11250</editUnitNumber></duration></format>
              </coreMetadata>
            </ebuCoreMain>
            """)
        #expect(record.resource.resourceTypes == [TermValue(term: "document-audio", raw: "document-audio"),
                                                  TermValue(term: nil, raw: "journal parlé")])
        #expect(record.resource.duration == 450)
        #expect(record.resource.keywords == [LangText("actualités", language: "fr")])
    }

    @Test func missingIdentifierIsRejected() throws {
        let events = try Self.events("""
            <ebucore:ebuCoreMain xmlns:ebucore="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <ebucore:coreMetadata><ebucore:title><dc:title>Sans identifiant</dc:title></ebucore:title></ebucore:coreMetadata>
            </ebucore:ebuCoreMain>
            """)
        #expect(Self.records(events).isEmpty)
        #expect(Self.rejections(events).map(\.reason) == ["notice EBUCore sans identifiant"])
    }

    @Test func locatorIsTheLastIdentifierAndUntitledIsRejected() throws {
        let events = try Self.events("""
            <sonumaExport xmlns:ebucore="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <ebucore:ebuCoreMain><ebucore:coreMetadata>
                <ebucore:title><dc:title>Par localisateur</dc:title></ebucore:title>
                <ebucore:format><ebucore:locator>archive/1.mxf</ebucore:locator></ebucore:format>
              </ebucore:coreMetadata></ebucore:ebuCoreMain>
              <ebucore:ebuCoreMain><ebucore:coreMetadata>
                <ebucore:identifier><dc:identifier>X-2</dc:identifier></ebucore:identifier>
              </ebucore:coreMetadata></ebucore:ebuCoreMain>
            </sonumaExport>
            """)
        let records = Self.records(events)
        #expect(records.map(\.resource.sourceIdentifier) == ["archive/1.mxf"])
        #expect(records.first?.resource.location == nil)
        #expect(Self.rejections(events).map(\.identifier) == ["X-2"])
    }

    @Test func oaiIdentifierWinsOverTheRecordsOwn() throws {
        let events = try Self.events("""
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
              <GetRecord><record>
                <header><identifier>oai:sonuma.example.be:SON-1</identifier><datestamp>2024-01-01</datestamp></header>
                <metadata>
                  <ebucore:ebuCoreMain xmlns:ebucore="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
                    <ebucore:coreMetadata>
                      <ebucore:title><dc:title>Moissonnée</dc:title></ebucore:title>
                      <ebucore:identifier typeLabel="SONUMA"><dc:identifier>SON-1</dc:identifier></ebucore:identifier>
                    </ebucore:coreMetadata>
                  </ebucore:ebuCoreMain>
                </metadata>
              </record></GetRecord>
            </OAI-PMH>
            """)
        #expect(Self.records(events).map(\.resource.sourceIdentifier) == ["oai:sonuma.example.be:SON-1"])
    }

    @Test func lonePartDescribesTheRecord() throws {
        let record = try Self.only("""
            <ebucore:ebuCoreMain xmlns:ebucore="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <ebucore:coreMetadata>
                <ebucore:part partId="00_25_32" partName="Performance">
                  <ebucore:title><dc:title>Une chanson</dc:title></ebucore:title>
                  <ebucore:description typeLabel="About"><dc:description>Une interprète.</dc:description></ebucore:description>
                  <ebucore:partStartTime><ebucore:timecode>00:25:32:00</ebucore:timecode></ebucore:partStartTime>
                  <ebucore:partDuration><ebucore:timecode>00:03:10:00</ebucore:timecode></ebucore:partDuration>
                </ebucore:part>
              </ebucore:coreMetadata>
            </ebucore:ebuCoreMain>
            """)
        #expect(record.resource.sourceIdentifier == "00_25_32")
        #expect(record.resource.titles.map(\.text) == ["Une chanson"])
        #expect(record.resource.descriptions.map(\.text) == ["Une interprète."])
        #expect(record.resource.duration == 190)
        #expect(record.resource.segments == [Segment(identifier: "00_25_32", title: "Une chanson",
                                                     description: "Une interprète.", start: 1532, end: 1722)])
    }

    @Test func unmappedLicenceIsKeptAndWarned() throws {
        let record = try Self.only("""
            <ebuCoreMain xmlns="urn:ebu:metadata-schema:ebucore" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <coreMetadata>
                <title><dc:title>Droits inconnus</dc:title></title>
                <identifier><dc:identifier>R-1</dc:identifier></identifier>
                <rights>
                  <dc:rights>Voir contrat 12</dc:rights>
                  <rightsClearanceFlag>false</rightsClearanceFlag>
                </rights>
              </coreMetadata>
            </ebuCoreMain>
            """)
        #expect(record.resource.licence == Licence(term: nil, statement: "Voir contrat 12"))
        #expect(record.warnings.contains { $0.kind == .unmappedValue && $0.field == "licences" })
        #expect(record.warnings.contains { $0.value == "false" && $0.field == "licences" })
    }

    // MARK: - Real files

    static let samples = URL(fileURLWithPath: "/work/shared/samples/ebu-ebucore")

    static func xmlFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.lowercased().hasSuffix(".xml") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test func realEBUSamplesMap() throws {
        let files = Self.xmlFiles(in: Self.samples)
        guard !files.isEmpty else { return }  // samples not installed here
        for file in files {
            let events: [RecordEvent]
            do {
                events = try Self.events(file: file, source: "ebu")
            } catch let skipped as FileSkipped {
                // MediaInfo's technical-only documents hold no resource: the dispatcher skips
                // them, with a reason, before any mapper runs.
                print("[EBU] \(file.lastPathComponent): ignoré : \(skipped.reason)")
                #expect(!file.lastPathComponent.contains("Eurovision"))
                continue
            }
            #expect(!events.isEmpty, "\(file.lastPathComponent) : aucun événement")
            for event in events {
                switch event {
                case .record(let record):
                    let r = record.resource
                    print("[EBU] \(file.lastPathComponent): « \(r.displayTitle) » id=\(r.sourceIdentifier) "
                          + "durée=\(r.duration.map { String($0) } ?? "-") types=\(r.resourceTypes.map { $0.term ?? $0.raw }) "
                          + "formats=\(r.mediaFormats) segments=\(r.segments.map { "\($0.identifier ?? "?") \($0.start ?? -1)-\($0.end ?? -1)" }) "
                          + "descriptions=\(r.descriptions.count) relations=\(r.relations.count) warnings=\(record.warnings.count)")
                case .rejected(let rejection):
                    print("[EBU] \(file.lastPathComponent): rejetée : \(rejection.reason)")
                case .deleted:
                    Issue.record("suppression inattendue dans \(file.lastPathComponent)")
                }
            }
            if file.lastPathComponent.contains("Eurovision") {
                let records = Self.records(events)
                #expect(records.count == 1, "\(file.lastPathComponent)")
                #expect(records.first?.resource.titles.first?.text.contains("Eurovision") == true)
                #expect(records.first?.resource.segments.isEmpty == false)
            }
        }
        let grandFinal = Self.samples.appendingPathComponent("ebu_Eurovision_Song_Contest_2015_Grand_Final_ebucorexml.xml")
        if FileManager.default.fileExists(atPath: grandFinal.path),
           let resource = Self.records(try Self.events(file: grandFinal, source: "ebu")).first?.resource {
            #expect(resource.sourceIdentifier == "2083")
            #expect(resource.created == "2015-05-23T21:00:00")
            #expect(resource.duration == 14_350.0)
            #expect(resource.segments.first?.start == 1_287.0)
            #expect(resource.segments.first?.end == 1_477.0)
        }
    }

    @Test func sonumaCorpusMaps() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let files = Self.xmlFiles(in: root.appendingPathComponent("Corpus/sonuma"))
        guard !files.isEmpty else { return }  // corpus not written yet
        // The shipped vocabularies when they are there, else the small test ones.
        let vocabularies = (try? Vocabularies.load(from: root.appendingPathComponent("Corpus/vocabularies")))
            ?? Self.vocabularies
        var records = 0
        for file in files {
            let events = try Self.events(file: file, source: "sonuma", vocabularies: vocabularies)
            #expect(!events.isEmpty, "\(file.lastPathComponent) : aucun événement")
            for event in events {
                switch event {
                case .record(let record):
                    records += 1
                    let r = record.resource
                    print("[SONUMA] \(file.lastPathComponent): « \(r.displayTitle) » id=\(r.sourceIdentifier) "
                          + "niveaux=\(r.levels.map(\.raw)) domaines=\(r.domains.map(\.raw)) licence=\(r.licence?.term ?? "?") "
                          + "durée=\(r.duration.map { String($0) } ?? "-") segments=\(r.segments.count) "
                          + "transcriptions=\(r.segments.filter { $0.transcript != nil }.count) "
                          + "types=\(r.resourceTypes.map { $0.term ?? $0.raw }) "
                          + "avertissements=\(record.warnings.map { "\($0.field):\($0.value)" })")
                case .rejected(let rejection):
                    print("[SONUMA] \(file.lastPathComponent): rejetée : \(rejection.reason)")
                case .deleted:
                    break
                }
            }
        }
        #expect(records > 0)
    }
}
