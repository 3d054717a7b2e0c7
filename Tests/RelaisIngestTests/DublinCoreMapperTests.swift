import Foundation
import RelaisCore
import Testing
@testable import RelaisIngest

/// oai_dc records through the real streaming parser (fixtures and vocabularies shared with
/// `EBUCoreMapperTests`).
@Suite("DublinCoreMapper")
struct DublinCoreMapperTests {
    static func events(_ xml: String) throws -> [RecordEvent] {
        try EBUCoreMapperTests.events(xml, source: "moisson")
    }

    static let listRecords = """
        <?xml version="1.0" encoding="UTF-8"?>
        <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
          <responseDate>2024-03-04T10:00:00Z</responseDate>
          <request verb="ListRecords" metadataPrefix="oai_dc">https://oai.example.be/oai</request>
          <ListRecords>
            <record>
              <header><identifier>oai:example.be:1</identifier><datestamp>2024-01-02</datestamp></header>
              <metadata>
                <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
                  <dc:title>Les volcans d'Auvergne</dc:title>
                  <dc:title xml:lang="en">The volcanoes of Auvergne</dc:title>
                  <dc:creator>Haroun Tazieff</dc:creator>
                  <dc:contributor>Jeanne Dupont</dc:contributor>
                  <dc:subject>Histoire ; volcanologie</dc:subject>
                  <dc:subject>éveil scientifique</dc:subject>
                  <dc:description>Un &lt;b&gt;reportage&lt;/b&gt; sur les volcans.</dc:description>
                  <dc:publisher>RTBF</dc:publisher>
                  <dc:date>printemps 1976</dc:date>
                  <dc:date>1976-03-18</dc:date>
                  <dc:date>1977</dc:date>
                  <dc:type>Text</dc:type>
                  <dc:type>Vidéogramme</dc:type>
                  <dc:format>video/mp4</dc:format>
                  <dc:format>video/mp4</dc:format>
                  <dc:identifier>DOC-1976-0318</dc:identifier>
                  <dc:identifier>https://www.example.be/notice/1976-0318</dc:identifier>
                  <dc:language>fre</dc:language>
                  <dc:language>??</dc:language>
                  <dc:relation>https://www.example.be/notice/1976-0001</dc:relation>
                  <dc:rights>CC BY-SA 4.0</dc:rights>
                  <dc:rights>https://creativecommons.org/licenses/by-sa/4.0/</dc:rights>
                </oai_dc:dc>
              </metadata>
            </record>
            <record>
              <header><identifier>oai:example.be:2</identifier><datestamp>2024-01-03</datestamp></header>
              <metadata>
                <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
                  <dc:title>Le passage à l'euro</dc:title>
                  <dc:rights>Tous droits réservés – usage pédagogique</dc:rights>
                </oai_dc:dc>
              </metadata>
            </record>
            <record>
              <header status="deleted"><identifier>oai:example.be:3</identifier><datestamp>2024-01-04</datestamp></header>
            </record>
            <resumptionToken completeListSize="3" cursor="0"/>
          </ListRecords>
        </OAI-PMH>
        """

    @Test func listRecordsGivesTwoRecordsAndADeletion() throws {
        let events = try Self.events(Self.listRecords)
        try #require(events.count == 3)
        guard case .record(let first) = events[0], case .record(let second) = events[1],
              case .deleted(let deleted, let index, _) = events[2] else {
            Issue.record("événements inattendus : \(events)")
            return
        }
        #expect(deleted == "oai:example.be:3")
        #expect(index == 3)
        #expect(first.recordIndex == 1)
        #expect(second.recordIndex == 2)

        let resource = first.resource
        #expect(resource.format == .oaiDC)
        // The OAI identifier wins over dc:identifier; an http identifier is the location.
        #expect(resource.sourceIdentifier == "oai:example.be:1")
        #expect(resource.id == ResourceID(source: "moisson", sourceIdentifier: "oai:example.be:1"))
        #expect(resource.location == "https://www.example.be/notice/1976-0318")
        #expect(resource.titles == [LangText("Les volcans d'Auvergne", language: "fr"),
                                    LangText("The volcanoes of Auvergne", language: "en")])
        #expect(resource.contributors == [Contributor(role: "author", name: "Haroun Tazieff"),
                                          Contributor(role: "contributor", name: "Jeanne Dupont"),
                                          Contributor(role: "publisher", organization: "RTBF")])
        #expect(resource.publisher == "RTBF")
        #expect(resource.keywords.map(\.text) == ["Histoire", "volcanologie", "éveil scientifique"])
        #expect(resource.domains == [TermValue(term: "histoire", raw: "Histoire"),
                                     TermValue(term: "sciences", raw: "éveil scientifique")])
        #expect(resource.descriptions == [LangText("Un reportage sur les volcans.", language: "fr")])
        #expect(resource.created == "1976-03-18")
        #expect(resource.resourceTypes == [TermValue(term: "texte", raw: "Text"), TermValue(term: nil, raw: "Vidéogramme")])
        #expect(first.warnings.contains { $0.kind == .unmappedValue && $0.field == "types" && $0.value == "Vidéogramme" })
        #expect(first.warnings.contains { $0.kind == .invalidValue && $0.value == "??" })
        // Subjects mapped to domains silently, and no complaint about the unreadable date
        // since a readable one follows.
        #expect(!first.warnings.contains { $0.field == "domaines" || $0.field == "date" })
        #expect(resource.mediaFormats == ["video/mp4"])
        #expect(resource.languages == ["fr"])
        #expect(resource.relations == [Relation(kind: nil, target: "https://www.example.be/notice/1976-0001")])
        #expect(resource.licence == Licence(term: "cc-by-sa", version: "4.0",
                                            url: "https://creativecommons.org/licenses/by-sa/4.0/",
                                            statement: "CC BY-SA 4.0"))

        #expect(second.resource.sourceIdentifier == "oai:example.be:2")
        #expect(second.resource.licence?.term == "tous-droits-reserves-usage-pedagogique")
        #expect(second.warnings.isEmpty)
    }

    @Test func bareRecordUsesItsFirstIdentifier() throws {
        let events = try Self.events("""
            <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <dc:title>Notice seule</dc:title>
              <dc:identifier>urn:isbn:2-07-036822-X</dc:identifier>
              <dc:identifier>http://www.example.be/x</dc:identifier>
              <dc:date>jamais</dc:date>
              <dc:language>nl</dc:language>
            </oai_dc:dc>
            """)
        guard case .record(let record)? = events.first, events.count == 1 else {
            Issue.record("événements inattendus : \(events)")
            return
        }
        #expect(record.resource.sourceIdentifier == "urn:isbn:2-07-036822-X")
        #expect(record.resource.location == "http://www.example.be/x")
        #expect(record.resource.titles == [LangText("Notice seule", language: "nl")])
        #expect(record.resource.created == nil)
        #expect(record.warnings.contains { $0.kind == .invalidValue && $0.field == "date" && $0.value == "jamais" })
    }

    @Test func recordWithoutIdentifierIsRejected() throws {
        let events = try Self.events("""
            <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <dc:title>Sans identifiant</dc:title>
            </oai_dc:dc>
            """)
        #expect(EBUCoreMapperTests.rejections(events).map(\.reason) == ["notice oai_dc sans identifiant"])
    }
}
