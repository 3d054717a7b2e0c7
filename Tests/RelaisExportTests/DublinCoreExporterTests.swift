import Foundation
import Testing
import RelaisCore
import RelaisIngest
@testable import RelaisExport

@Suite struct DublinCoreExporterTests {
    let vocabularies = Fixtures.vocabularies

    @Test func embeddableWithoutDeclaration() {
        let xml = DublinCoreExporter.xml(Fixtures.full(), vocabularies: vocabularies, includeDeclaration: false)
        #expect(xml.hasPrefix("<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" "
            + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            + "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">"))
        #expect(!xml.contains("<?xml"))
        #expect(xml.hasSuffix("</oai_dc:dc>\n"))
        let standalone = DublinCoreExporter.xml(Fixtures.full(), vocabularies: vocabularies, includeDeclaration: true)
        #expect(standalone == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml)
    }

    @Test func content() {
        let xml = DublinCoreExporter.xml(Fixtures.full(), vocabularies: vocabularies, includeDeclaration: false)
        let expected = [
            "<dc:title xml:lang=\"fr\">Les fractions au quotidien</dc:title>",
            "<dc:title xml:lang=\"nl\">Breuken in het dagelijks leven</dc:title>",
            "<dc:creator>Anne Dupont</dc:creator>", "<dc:creator>Marc Lenoir</dc:creator>",
            "<dc:contributor>Paul Durand</dc:contributor>",
            "<dc:subject xml:lang=\"fr\">fractions</dc:subject>",
            "<dc:subject xml:lang=\"fr\">Mathématiques</dc:subject>",
            "<dc:subject xml:lang=\"fr\">5e primaire</dc:subject>",
            "<dc:subject>7e année</dc:subject>",
            "<dc:subject xml:lang=\"fr\">Dyscalculie</dc:subject>",
            "<dc:description xml:lang=\"fr\">Partager une pizza, une tablette de chocolat.</dc:description>",
            "<dc:publisher>Consortium 5</dc:publisher>",
            "<dc:date>2022-03-14T10:22:31+01:00</dc:date>",
            "<dc:type xml:lang=\"fr\">Exercice</dc:type>",
            "<dc:type xml:lang=\"fr\">Fiche d&apos;aménagements raisonnables</dc:type>",
            "<dc:format>application/pdf</dc:format>", "<dc:format>PAL 625 lignes</dc:format>",
            "<dc:format>PT1H2M5.5S</dc:format>",
            "<dc:identifier>https://consortiums.example.be/f.pdf</dc:identifier>",
            "<dc:identifier>https://consortiums.example.be/outils/fractions</dc:identifier>",
            "<dc:language>fr</dc:language>", "<dc:language>nl-BE</dc:language>",
            "<dc:relation>https://consortiums.example.be/outils/nombres</dc:relation>",
            "<dc:relation>fiche-42</dc:relation>",
            "<dc:rights xml:lang=\"fr\">CC BY-SA – Attribution, Partage dans les mêmes conditions 4.0</dc:rights>",
            "<dc:rights>https://creativecommons.org/licenses/by-sa/4.0/</dc:rights>",
        ]
        for snippet in expected { #expect(xml.contains(snippet), "missing: \(snippet)") }
        // The publisher is not repeated as a contributor; no value twice.
        #expect(!xml.contains("<dc:contributor>Consortium 5</dc:contributor>"))
        #expect(xml.components(separatedBy: "<dc:publisher>").count == 2)
    }

    @Test func dcmiTypesFromTheVocabulary() {
        var resource = Fixtures.full()
        resource.resourceTypes = [TermValue(term: "sequence-video", raw: "journal télévisé")]
        let xml = DublinCoreExporter.xml(resource, vocabularies: vocabularies, includeDeclaration: false)
        #expect(xml.contains("<dc:type>MovingImage</dc:type>"))
    }

    @Test func hostileText() throws {
        var resource = Fixtures.full()
        resource.titles = [LangText(LOMExporterTests.hostile, language: "fr\" x=\"1")]
        let xml = DublinCoreExporter.xml(resource, vocabularies: vocabularies, includeDeclaration: true)
        #expect(!xml.contains("<script>"))
        #expect(!xml.contains("x=\"1\""))
        #expect(!xml.unicodeScalars.contains("\u{0}"))
        let back = try #require(try Fixtures.reimport(xml, source: "consortiums").first)
        #expect(back.titles.first?.text == LOMExporterTests.hostileClean)
    }

    @Test func roundTripThroughTheOAIDCReader() throws {
        let original = Fixtures.full()
        let xml = DublinCoreExporter.xml(original, vocabularies: vocabularies, includeDeclaration: true)
        let back = try #require(try Fixtures.reimport(xml, source: original.source).first)
        #expect(back.format == .oaiDC)
        #expect(back.titles == original.titles)
        #expect(back.descriptions == original.descriptions)
        #expect(back.languages == original.languages)
        #expect(back.location == original.location)
        #expect(back.publisher == original.publisher)
        #expect(back.created == original.created)
        #expect(back.licence?.term == "cc-by-sa")
        #expect(back.licence?.version == "4.0")
        #expect(Set(back.resourceTypes.compactMap(\.term)) == ["exercice", "evaluation", "fiche-amenagement"])
        #expect(back.domains.compactMap(\.term) == ["mathematiques"])
        #expect(Set(back.contributors.filter { $0.role == "author" }.compactMap(\.name)) == ["Anne Dupont", "Marc Lenoir"])
    }
}
