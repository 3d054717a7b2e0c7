import Foundation
import Testing
import RelaisCore
import RelaisIngest
@testable import RelaisExport

@Suite struct LOMExporterTests {
    let vocabularies = Fixtures.vocabularies

    @Test func documentShape() {
        let xml = LOMExporter.xml(Fixtures.full(), vocabularies: vocabularies)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lom xmlns=\"http://ltsc.ieee.org/xsd/LOM\""))
        #expect(xml.hasSuffix("</lom>\n"))
        // The LOM elements in schema order, each unique one once.
        var last = xml.startIndex
        for element in ["<general>", "<lifeCycle>", "<metaMetadata>", "<technical>", "<educational>", "<rights>",
                        "<relation>", "<classification>"] {
            let found = xml.range(of: element, range: last..<xml.endIndex)
            #expect(found != nil, "\(element) missing or out of order")
            if let found { last = found.upperBound }
        }
        for unique in ["<general>", "<lifeCycle>", "<metaMetadata>", "<technical>", "<educational>", "<rights>", "<title>"] {
            #expect(xml.components(separatedBy: unique).count == 2, "\(unique) not unique")
        }
    }

    @Test func everyFieldMapped() {
        let xml = LOMExporter.xml(Fixtures.full(), vocabularies: vocabularies)
        let id = Fixtures.full().id.rawValue
        let expected = [
            // general
            "<identifier>\n      <catalog>relais</catalog>\n      <entry>\(id)</entry>",
            "<catalog>consortiums</catalog>\n      <entry>https://consortiums.example.be/outils/fractions</entry>",
            "<string language=\"fr\">Les fractions au quotidien</string>",
            "<string language=\"nl\">Breuken in het dagelijks leven</string>",
            "<language>fr</language>", "<language>nl-BE</language>",
            "<string language=\"fr\">Partager une pizza, une tablette de chocolat.</string>",
            "<keyword>\n      <string language=\"fr\">partage</string>",
            // lifeCycle: both authors in one contribute, dated; the publisher; a role LOM lacks kept in ROLE
            "<value>author</value>", "FN:Anne Dupont\nN:;;;;\nORG:UCLouvain\nEND:VCARD</entity>",
            "FN:Marc Lenoir\nN:;;;;\nEND:VCARD</entity>\n      <date>\n        <dateTime>2022-03-14T10:22:31.0+01:00</dateTime>",
            "<value>publisher</value>", "FN:Consortium 5\nN:;;;;\nORG:Consortium 5\nEND:VCARD",
            "<dateTime>2023-01-02</dateTime>", "FN:Paul Durand\nN:;;;;\nROLE:journaliste\nEND:VCARD",
            // metaMetadata
            "<metadataSchema>LOMv1.0</metadataSchema>",
            // technical: MIME types only
            "<format>application/pdf</format>", "<location>https://consortiums.example.be/f.pdf</location>",
            "<duration>\n      <duration>PT1H2M5.5S</duration>\n    </duration>",
            // educational
            "<learningResourceType>\n      <source>LOMv1.0</source>\n      <value>exercise</value>",
            "<learningResourceType>\n      <source>LOMv1.0</source>\n      <value>questionnaire</value>",
            "<intendedEndUserRole>\n      <source>LOMv1.0</source>\n      <value>teacher</value>",
            "<context>\n      <source>LOMv1.0</source>\n      <value>school</value>",
            "<typicalLearningTime>\n      <duration>PT45M</duration>",
            "<string language=\"fr\">Contexte : formation continue</string>",
            // rights
            "<copyrightAndOtherRestrictions>\n      <source>LOMv1.0</source>\n      <value>yes</value>",
            "CC BY-SA – Attribution, Partage dans les mêmes conditions 4.0 – https://creativecommons.org/licenses/by-sa/4.0/",
            // relation: a LOM kind, and a kind LOM lacks left out
            "<kind>\n      <source>LOMv1.0</source>\n      <value>ispartof</value>",
            "<catalog>URI</catalog>\n        <entry>https://consortiums.example.be/outils/nombres</entry>",
            "<string>Les nombres</string>",
            "<resource>\n      <identifier>\n        <entry>fiche-42</entry>",
            // classification
            "<value>educational level</value>",
            "<string language=\"fr\">Relais FWB – Niveaux d&apos;enseignement (niveaux)</string>",
            "<id>P5</id>\n        <entry>\n          <string language=\"fr\">5e primaire</string>",
            "<id>P6</id>",
            "<string>Québec</string>\n      </source>\n      <taxon>\n        <entry>\n          <string>7e année</string>",
            "<value>discipline</value>", "<id>mathematiques</id>",
            "<value>accessibility restrictions</value>", "<id>dyscalculie</id>",
            "<value>idea</value>", "<id>fiche-amenagement</id>", "<id>parent</id>",
        ]
        for snippet in expected {
            #expect(xml.contains(snippet), "missing: \(snippet)")
        }
        #expect(!xml.contains("PAL 625"))
        #expect(!xml.contains("voir aussi"))
        // Terms with a LOMv1.0 value are not repeated as classification.
        #expect(!xml.contains("<id>exercice</id>"))
        #expect(!xml.contains("<id>enseignant</id>"))
    }

    @Test func rightsWithoutRestrictions() {
        var resource = Fixtures.full()
        resource.licence = Licence(term: "cc0", version: "1.0", url: "https://creativecommons.org/publicdomain/zero/1.0/")
        let xml = LOMExporter.xml(resource, vocabularies: vocabularies)
        #expect(xml.contains("<copyrightAndOtherRestrictions>\n      <source>LOMv1.0</source>\n      <value>no</value>"))
        resource.licence = Licence(term: "tous-droits-reserves-usage-pedagogique", url: nil,
                                   statement: "Usage pédagogique autorisé dans les écoles de la FWB")
        let reserved = LOMExporter.xml(resource, vocabularies: vocabularies)
        #expect(reserved.contains("<value>yes</value>"))
        #expect(reserved.contains("Usage pédagogique autorisé dans les écoles de la FWB"))
        resource.licence = nil
        #expect(!LOMExporter.xml(resource, vocabularies: vocabularies).contains("<rights>"))
    }

    @Test func minimalResource() throws {
        let resource = Resource(id: ResourceID(source: "s", sourceIdentifier: "x"), source: "s", sourceIdentifier: "x", format: .markdown)
        let xml = LOMExporter.xml(resource, vocabularies: vocabularies)
        for absent in ["<lifeCycle>", "<technical>", "<educational>", "<rights>", "<relation>", "<classification>", "<title>"] {
            #expect(!xml.contains(absent))
        }
        if let result = Fixtures.xmllint(xml, schema: Fixtures.lomXSD) { #expect(result.ok, "\(result.output)") }
    }

    static let hostile = "<script>alert('x')</script> & \"q\" ]]>\u{0}\u{1}\u{8}\u{B}\u{C}\u{1F}\u{FFFE}\u{FFFF} 🎓👩🏽‍🏫 <!-- --> <![CDATA[ x ]]> &amp; &#0;"
    static let hostileClean = "<script>alert('x')</script> & \"q\" ]]> 🎓👩🏽‍🏫 <!-- --> <![CDATA[ x ]]> &amp; &#0;"

    static let hostileNoSeparators = "<b>&amp</b> ]]>\u{0}\u{B}\u{FFFE} 👩🏽‍🏫 \"'"
    static let hostileNoSeparatorsClean = "<b>&amp</b> ]]> 👩🏽‍🏫 \"'"

    func hostileResource() -> Resource {
        var r = Fixtures.full()
        r.titles = [LangText(Self.hostile, language: "fr"), LangText("langue invalide", language: "fr\"><x")]
        r.descriptions = [LangText(Self.hostile + "\nligne 2\r\nligne 3", language: "fr")]
        // (The LOM reader splits keywords at "," and ";", and vCard ORG at any ";": not those here.)
        r.keywords = [LangText(Self.hostileNoSeparators, language: nil), LangText("\u{0}\u{1}", language: "fr")]
        r.contributors = [Contributor(role: "author", name: "Dupont, Anne;\nX", organization: Self.hostileNoSeparators,
                                      date: "2022-03-14T10:22:31Z")]
        r.levels.append(TermValue(term: nil, raw: Self.hostile, scheme: Self.hostile))
        r.relations = [Relation(kind: "</kind>", target: Self.hostile, description: Self.hostile)]
        r.location = Self.hostile
        r.licence = Licence(term: nil, statement: Self.hostile)
        r.contexts = [Self.hostile]
        return r
    }

    @Test func hostileTextStaysText() throws {
        let xml = LOMExporter.xml(hostileResource(), vocabularies: vocabularies)
        for forbidden in ["\u{0}", "\u{1}", "\u{8}", "\u{B}", "\u{C}", "\u{1F}", "\u{FFFE}", "\u{FFFF}"] {
            #expect(!xml.unicodeScalars.contains(forbidden.unicodeScalars.first!))
        }
        #expect(!xml.contains("<script>"))
        #expect(!xml.contains("]]>"))
        #expect(!xml.contains("<!-- -->"))
        #expect(!xml.contains("language=\"fr\"><x"))
        #expect(xml.contains("🎓👩🏽‍🏫"))

        // Well-formed, and the text reads back exactly (minus what XML cannot carry).
        let back = try #require(try Fixtures.reimport(xml, source: "consortiums").first)
        #expect(back.titles.first?.text == Self.hostileClean)
        #expect(back.titles.last == LangText("langue invalide"))
        #expect(back.keywords.contains(LangText(Self.hostileNoSeparatorsClean)))
        #expect(back.descriptions.first?.text.hasPrefix(Self.hostileClean) == true)
        #expect(back.contributors.first?.name == "Dupont, Anne; X")
        #expect(back.contributors.first?.organization == Self.hostileNoSeparatorsClean)
        #expect(back.contributors.first?.date == "2022-03-14T10:22:31Z")
        #expect(back.location == Self.hostileClean)
        #expect(back.relations.first?.target == Self.hostileClean)
        #expect(back.licence?.statement == Self.hostileClean)
        #expect(back.levels.contains { $0.raw == Self.hostileClean && $0.term == nil })

        if let result = Fixtures.xmllint(xml, schema: Fixtures.lomXSD) { #expect(result.ok, "\(result.output)") }
    }

    @Test func schemaCheckCatchesInvalidDocuments() {
        // The xmllint helper fails what the strict XSD forbids (so a pass above means something).
        let invalid = """
            <lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title/><title/></general>
            <educational><context><source>LOMv1.0</source><value>ecole</value></context></educational></lom>
            """
        if let result = Fixtures.xmllint(invalid, schema: Fixtures.lomXSD) { #expect(!result.ok) }
    }

    @Test func validatesAgainstTheLOMSchema() throws {
        guard let result = Fixtures.xmllint(LOMExporter.xml(Fixtures.full(), vocabularies: vocabularies), schema: Fixtures.lomXSD)
        else { return }  // no xmllint or no ../shared/samples here: .ci/validate_lom.sh covers it
        #expect(result.ok, "\(result.output)")
    }

    @Test func roundTripThroughTheLOMReader() throws {
        let original = Fixtures.full()
        let xml = LOMExporter.xml(original, vocabularies: vocabularies)
        let back = try #require(try Fixtures.reimport(xml, source: original.source).first)

        #expect(back.format == .lom)
        // A URI identifier of the source comes back as it was, hence the same resource id.
        #expect(back.sourceIdentifier == original.sourceIdentifier)
        #expect(back.id == original.id)
        #expect(back.titles == original.titles)
        #expect(back.descriptions == original.descriptions)
        #expect(back.languages == original.languages)
        #expect(Set(original.keywords).isSubset(of: Set(back.keywords)))
        func people(_ r: Resource) -> [String] {
            r.contributors.map { "\($0.role ?? "-")|\($0.name ?? "-")|\($0.organization ?? "-")|\($0.date ?? "-")" }
        }
        #expect(people(back) == [
            "author|Anne Dupont|UCLouvain|2022-03-14T10:22:31+01:00",
            "author|Marc Lenoir|-|2022-03-14T10:22:31+01:00",
            "publisher|-|Consortium 5|2023-01-02",
            "-|Paul Durand|-|-",
        ])
        #expect(back.publisher == original.publisher)
        #expect(back.created == original.created)
        #expect(back.modified == original.modified)
        #expect(back.location == original.location)
        #expect(back.mediaFormats == ["application/pdf"])
        #expect(back.duration == original.duration)
        #expect(back.learningTime == original.learningTime)

        func terms(_ values: [TermValue]) -> [String] { values.map { $0.term ?? "?" + $0.raw } }
        #expect(terms(back.levels) == terms(original.levels))
        #expect(terms(back.domains) == terms(original.domains))
        #expect(terms(back.specificNeeds) == terms(original.specificNeeds))
        // Types and audiences with a LOMv1.0 value come back; the others return as keywords.
        #expect(terms(back.resourceTypes) == ["exercice", "evaluation"])
        #expect(terms(back.intendedRoles) == ["enseignant"])
        #expect(back.keywords.contains { $0.text == "Fiche d'aménagements raisonnables" })
        #expect(back.contexts == ["school"])

        #expect(back.licence?.term == "cc-by-sa")
        #expect(back.licence?.version == "4.0")
        #expect(back.licence?.url == original.licence?.url)
        #expect(back.relations == [
            Relation(kind: "ispartof", target: "https://consortiums.example.be/outils/nombres", description: "Les nombres"),
            Relation(kind: nil, target: "fiche-42"),
        ])
    }
}
