import Foundation
import Testing
import RelaisCore
@testable import RelaisIngest

@Suite struct LOMMapperTests {
    static let ieee = """
        <?xml version="1.0" encoding="UTF-8"?>
        <lom xmlns="http://ltsc.ieee.org/xsd/LOM" xmlns:lomfr="http://www.lom-fr.fr/xsd/LOMFR">
          <general>
            <identifier><catalog>URI</catalog><entry>
               https://consortiums.example.be/outils/fractions
            </entry></identifier>
            <title><string language="fre">Les fractions   au quotidien</string></title>
            <language>http://id.loc.gov/vocabulary/iso639-2/fre</language>
            <description><string language="fr">Partager une pizza, une tablette de chocolat.</string></description>
            <keyword><string language="fr">fractions, partage; mesure</string></keyword>
            <lomfr:documentType><lomfr:source>SCOLOMFRv2.1</lomfr:source>
              <lomfr:value>http://purl.org/dc/dcmitype/InteractiveResource</lomfr:value></lomfr:documentType>
          </general>
          <lifeCycle>
            <contribute>
              <role><source>LOMv1.0</source><value>author</value></role>
              <entity><![CDATA[BEGIN:VCARD
        VERSION:3.0
        FN:Anne Dupont
        ORG:UCLouvain
        END:VCARD]]></entity>
              <date><dateTime>2022-03-14T10:22:31.123+01:00</dateTime></date>
            </contribute>
            <contribute>
              <role><source>LOMv1.0</source><value>publisher</value></role>
              <entity>BEGIN:VCARD
        VERSION:3.0
        FN:Consortium 5
        ORG:Consortium 5
        END:VCARD</entity>
            </contribute>
          </lifeCycle>
          <technical><format>application/pdf</format><location>https://consortiums.example.be/f.pdf</location></technical>
          <educational>
            <learningResourceType><source>LOMv1.0</source><value>exercise</value></learningResourceType>
            <learningResourceType><source>LOMv1.0</source><value>portfolio</value></learningResourceType>
            <intendedEndUserRole><source>LOMv1.0</source><value>teacher</value></intendedEndUserRole>
            <context><source>LOMv1.0</source><value>school</value></context>
            <typicalLearningTime><duration>PT0H45M0S</duration></typicalLearningTime>
          </educational>
          <rights><copyrightAndOtherRestrictions><source>LOMv1.0</source><value>yes</value></copyrightAndOtherRestrictions>
            <description><string language="fr">https://creativecommons.org/licenses/by-sa/4.0/</string></description></rights>
          <relation><kind><source>LOMv1.0</source><value>ispartof</value></kind>
            <resource><identifier><catalog>URI</catalog><entry>https://consortiums.example.be/outils/nombres</entry></identifier></resource></relation>
          <classification><purpose><source>LOMv1.0</source><value>educational level</value></purpose>
            <taxonPath><source><string language="fr">FWB niveaux</string></source>
              <taxon><id>P4</id><entry><string language="fr">4e primaire</string></entry></taxon></taxonPath>
            <taxonPath><source><string language="fr">ScoLOMFR</string></source>
              <taxon><id>scolomfr-voc-022-num-999</id><entry><string language="fr">CM2</string></entry></taxon></taxonPath>
            <taxonPath><source><string language="fr">autre</string></source>
              <taxon><entry><string language="fr">7e année</string></entry></taxon></taxonPath>
          </classification>
          <classification><purpose><source>LOMv1.0</source><value>discipline</value></purpose>
            <taxonPath><source><string>FWB</string></source><taxon><id>mathematiques</id></taxon></taxonPath></classification>
          <classification><purpose><source>LOMv1.0</source><value>accessibility restrictions</value></purpose>
            <taxonPath><source><string>FWB</string></source><taxon><id>dyscalculie</id></taxon></taxonPath></classification>
        </lom>
        """

    @Test func ieeeBinding() throws {
        let events = try parseXML(Self.ieee, source: "consortiums")
        #expect(events.count == 1)
        let record = try #require(events.first?.record)
        let r = record.resource
        #expect(r.sourceIdentifier == "https://consortiums.example.be/outils/fractions")
        #expect(r.id == ResourceID(source: "consortiums", sourceIdentifier: "https://consortiums.example.be/outils/fractions"))
        #expect(r.format == .lom)
        #expect(r.titles == [LangText("Les fractions au quotidien", language: "fr")])
        #expect(r.languages == ["fr"])
        #expect(r.keywords.map(\.text) == ["fractions", "partage", "mesure"])
        #expect(r.contributors.first == Contributor(role: "author", name: "Anne Dupont", organization: "UCLouvain",
                                                    date: "2022-03-14T10:22:31+01:00"))
        #expect(r.publisher == "Consortium 5")
        #expect(r.created == "2022-03-14T10:22:31+01:00")
        #expect(r.mediaFormats == ["application/pdf"])
        #expect(r.location == "https://consortiums.example.be/f.pdf")
        #expect(r.resourceTypes.map(\.term) == ["ressource-interactive", "exercice", nil])
        #expect(r.intendedRoles.map(\.term) == ["enseignant"])
        #expect(r.learningTime == 2700)
        #expect(r.contexts == ["school"])
        #expect(r.licence?.term == "cc-by-sa" && r.licence?.version == "4.0")
        #expect(r.relations == [Relation(kind: "ispartof", target: "https://consortiums.example.be/outils/nombres")])
        #expect(r.levels.map(\.term) == ["P4", "P5", nil])
        #expect(r.levels.last?.raw == "7e année")
        #expect(r.domains.map(\.term) == ["mathematiques"])
        #expect(r.specificNeeds.map(\.term) == ["dyscalculie"])
        // Unmapped values are reported, not dropped.
        let unmapped = record.warnings.filter { $0.kind == .unmappedValue }.map(\.value)
        #expect(unmapped.contains("portfolio"))
        #expect(unmapped.contains("7e année"))
        #expect(record.original.hasPrefix("<lom"))
        #expect(record.original.contains("Les fractions"))
    }

    @Test func prefixedNamespaceAndCollection() throws {
        let xml = """
            <lomCollection xmlns:lom="http://ltsc.ieee.org/xsd/LOM">
              <lom:lom><lom:general><lom:identifier><lom:catalog>URI</lom:catalog><lom:entry>https://x.example/1</lom:entry></lom:identifier>
                <lom:title><lom:string language="fr">Un</lom:string></lom:title></lom:general></lom:lom>
              <lom:lom><lom:general><lom:identifier><lom:catalog>URI</lom:catalog><lom:entry>https://x.example/2</lom:entry></lom:identifier>
                <title><string language="FRE">Deux (titre hors espace de noms)</string></title></lom:general></lom:lom>
              <lom:lom><lom:general><lom:identifier><lom:catalog>URI</lom:catalog><lom:entry>https://x.example/3</lom:entry></lom:identifier>
                </lom:general></lom:lom>
            </lomCollection>
            """
        let events = try parseXML(xml)
        #expect(events.count == 3)
        #expect(events[0].record?.resource.displayTitle == "Un")
        #expect(events[1].record?.resource.titles == [LangText("Deux (titre hors espace de noms)", language: "fr")])
        #expect(events[1].record?.recordIndex == 2)
        guard case .rejected(let rejection) = events[2] else {
            Issue.record("a record without a title must be rejected")
            return
        }
        #expect(rejection.recordIndex == 3)
        #expect(rejection.line == 6)
        #expect(rejection.reason.contains("sans titre"))
    }

    @Test func imsMetadataDialect() throws {
        let xml = """
            <lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1">
              <general>
                <title><langstring xml:lang="fr">La Belgique fédérale</langstring><langstring xml:lang="nl">Federaal België</langstring></title>
                <catalogentry><catalog>CONSORTIUMS</catalog><entry><langstring xml:lang="x-none">C4-017</langstring></entry></catalogentry>
                <language>fr-BE</language>
                <description><langstring xml:lang="fr">Communautés, Régions.</langstring></description>
              </general>
              <lifecycle><contribute><role><source><langstring xml:lang="x-none">LOMv1.0</langstring></source>
                <value><langstring xml:lang="x-none">Author</langstring></value></role>
                <centity><vcard>BEGIN:VCARD
            VERSION:2.1
            N;CHARSET=UTF-8:Lambert;Jos=C3=A9
            FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Jos=C3=A9 Lam=
            bert
            ORG;ENCODING=QUOTED-PRINTABLE:ULi=C3=A8ge
            END:VCARD</vcard></centity>
                <date><datetime>2004</datetime></date></contribute></lifecycle>
              <educational><typicallearningtime><datetime>01:00:00</datetime></typicallearningtime>
                <context><source><langstring>LOMFR</langstring></source><value><langstring>enseignement primaire</langstring></value></context>
              </educational>
              <classification><purpose><source><langstring>LOMv1.0</langstring></source><value><langstring>Discipline</langstring></value></purpose>
                <taxonpath><source><langstring>FWB</langstring></source>
                  <taxon><id>x</id><entry><langstring>Sciences humaines</langstring></entry>
                    <taxon><entry><langstring xml:lang="fr">Histoire</langstring></entry></taxon></taxon></taxonpath>
              </classification>
            </lom>
            """
        let record = try #require(try parseXML(xml).first?.record)
        let r = record.resource
        #expect(r.format == .imsMetadata)
        #expect(r.sourceIdentifier == "CONSORTIUMS:C4-017")
        #expect(r.titles.count == 2 && r.titles[1].language == "nl")
        #expect(r.displayTitle == "La Belgique fédérale")
        #expect(r.languages == ["fr-BE"])
        #expect(r.contributors.first?.name == "José Lambert")
        #expect(r.contributors.first?.organization == "ULiège")
        #expect(r.created == "2004")
        #expect(r.learningTime == 3600)
        #expect(r.levels.map(\.term) == ["primaire"])
        #expect(r.domains.map(\.term) == [nil, "histoire-geographie"])
    }

    @Test func oaiPMHListRecordsWithDeletedHeader() throws {
        let xml = """
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
              <responseDate>2024-01-01T00:00:00Z</responseDate>
              <request verb="ListRecords" metadataPrefix="lom">https://x.example/oai</request>
              <ListRecords>
                <record><header><identifier>oai:x:1</identifier><datestamp>2024-01-01</datestamp></header>
                  <metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
                    <identifier><catalog>URI</catalog><entry>https://x.example/1</entry></identifier>
                    <title><string language="fr">Premier</string></title></general></lom></metadata></record>
                <record><header status="deleted"><identifier>oai:x:2</identifier><datestamp>2024-01-02</datestamp></header></record>
                <record><header><identifier>oai:x:3</identifier><datestamp>2024-01-01</datestamp></header>
                  <metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title><string>Troisième</string></title></general></lom></metadata></record>
                <resumptionToken completeListSize="3" cursor="0"/>
              </ListRecords>
            </OAI-PMH>
            """
        let events = try parseXML(xml)
        #expect(events.count == 3)
        #expect(events[0].record?.resource.sourceIdentifier == "oai:x:1")
        guard case .deleted(let identifier, let index, _) = events[1] else {
            Issue.record("expected a deletion")
            return
        }
        #expect(identifier == "oai:x:2" && index == 2)
        #expect(events[2].record?.resource.sourceIdentifier == "oai:x:3")
        #expect(events[2].record?.recordIndex == 3)
    }

    @Test func recordWithoutIdentifierIsKeptWithAWarning() throws {
        let record = try #require(try parseXML("<lom><general><title><string>Sans identifiant</string></title></general></lom>").first?.record)
        #expect(record.resource.sourceIdentifier == "f.xml#1")
        #expect(record.warnings.contains { $0.kind == .missingIdentifier })
    }

    @Test func nonRecordFilesAreSkippedWithAReason() throws {
        #expect {
            _ = try parseXML(#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>"#)
        } throws: { error in
            (error as? FileSkipped)?.reason.contains("XSD") == true
        }
        #expect(throws: FileSkipped.self) { _ = try parseXML("<notes><note>rien</note></notes>") }
        let technical = """
            <ebucore:ebuCoreMain xmlns:ebucore="urn:ebu:metadata-schema:ebucore"><ebucore:coreMetadata>
            <ebucore:format><ebucore:videoFormat videoFormatName="AVC"/></ebucore:format>
            </ebucore:coreMetadata></ebucore:ebuCoreMain>
            """
        #expect {
            _ = try parseXML(technical)
        } throws: { error in
            (error as? FileSkipped)?.reason.contains("technique") == true
        }
    }

    @Test func malformedFileIsRejectedWithItsLine() throws {
        #expect {
            _ = try parseXML("<lom>\n<general>\n<title></general></lom>")
        } throws: { error in
            guard let rejection = error as? FileRejection else { return false }
            return rejection.line == 3 && rejection.reason.contains("mismatch")
        }
    }
}
