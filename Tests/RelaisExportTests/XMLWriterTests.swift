import Foundation
import Testing
import RelaisCore
@testable import RelaisExport

@Suite struct XMLWriterTests {
    @Test func escapesMarkupCharacters() {
        #expect(XMLWriter.escape("a<b>&\"c'", inAttribute: false) == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(XMLWriter.escape("]]>", inAttribute: false) == "]]&gt;")
        #expect(XMLWriter.escape("&amp;", inAttribute: false) == "&amp;amp;")
    }

    @Test func dropsCharactersXMLForbids() {
        let hostile = "a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{FFFE}h\u{FFFF}i"
        #expect(XMLWriter.escape(hostile, inAttribute: false) == "abcdefghi")
        #expect(XMLWriter.clean(hostile) == "abcdefghi")
    }

    @Test func keepsWhitespaceAndAstralCharacters() {
        #expect(XMLWriter.escape("x\ty\nz", inAttribute: false) == "x\ty\nz")
        #expect(XMLWriter.escape("x\r\ny", inAttribute: false) == "x&#xD;\ny")
        #expect(XMLWriter.escape("x\ty\nz\r", inAttribute: true) == "x&#x9;y&#xA;z&#xD;")
        let emoji = "🎓 👩🏽‍🏫 \u{10FFFD} \u{E000} \u{FFFD}"
        #expect(XMLWriter.escape(emoji, inAttribute: false) == emoji)
    }

    @Test func writesNestedElementsAndAttributes() {
        var writer = XMLWriter(declaration: true)
        writer.element("root", [("a", "x\"<y")]) { w in
            w.element("child") { w in w.text("leaf", "1 < 2") }
            w.text("empty", "")
        }
        #expect(writer.document == """
            <?xml version="1.0" encoding="UTF-8"?>
            <root a="x&quot;&lt;y">
              <child>
                <leaf>1 &lt; 2</leaf>
              </child>
              <empty/>
            </root>

            """)
    }

    @Test func isoDurations() {
        #expect(ExportFormat.isoDuration(0) == "PT0S")
        #expect(ExportFormat.isoDuration(45 * 60) == "PT45M")
        #expect(ExportFormat.isoDuration(3725.5) == "PT1H2M5.5S")
        #expect(ExportFormat.isoDuration(90_000) == "P1DT1H")
        #expect(ExportFormat.isoDuration(86_400) == "P1D")
        #expect(ExportFormat.isoDuration(0.04) == "PT0.04S")
        #expect(ExportFormat.isoDuration(-1) == nil)
        #expect(ExportFormat.isoDuration(.nan) == nil)
        #expect(ExportFormat.isoDuration(.infinity) == nil)
        for seconds in [0.0, 1, 59.999, 3600, 3725.5, 90_061.25] {
            #expect(Normalize.duration(ExportFormat.isoDuration(seconds)!) == (seconds * 1000).rounded() / 1000)
        }
    }

    @Test func lomDates() {
        #expect(ExportFormat.lomDateTime("2004") == "2004")
        #expect(ExportFormat.lomDateTime("2004-05") == "2004-05")
        #expect(ExportFormat.lomDateTime("2004-05-12") == "2004-05-12")
        #expect(ExportFormat.lomDateTime("2004-05-12T10:11:12") == "2004-05-12T10:11:12")
        // LOM's DateTimeString takes a zone only after fractional seconds.
        #expect(ExportFormat.lomDateTime("2004-05-12T10:11:12Z") == "2004-05-12T10:11:12.0Z")
        #expect(ExportFormat.lomDateTime("2004-05-12T10:11:12+02:00") == "2004-05-12T10:11:12.0+02:00")
        #expect(ExportFormat.lomDateTime("2004-05-12T10:11:12.25Z") == "2004-05-12T10:11:12.25Z")
        #expect(ExportFormat.lomDateTime("0000") == nil)
        #expect(ExportFormat.lomDateTime("2004-13") == nil)
        #expect(ExportFormat.lomDateTime("hier") == nil)
        #expect(ExportFormat.lomDateTime("2004-05-12T10:11:12+2") == nil)
    }

    @Test func languageTags() {
        #expect(ExportFormat.isLanguageTag("fr"))
        #expect(ExportFormat.isLanguageTag("nl-BE"))
        #expect(ExportFormat.isLanguageTag("x-none"))
        #expect(!ExportFormat.isLanguageTag(""))
        #expect(!ExportFormat.isLanguageTag("fr_BE"))
        #expect(!ExportFormat.isLanguageTag("français"))
    }

    @Test func mimeTypes() {
        #expect(ExportFormat.isMIMEType("application/pdf"))
        #expect(ExportFormat.isMIMEType("application/vnd.oasis.opendocument.text"))
        #expect(ExportFormat.isMIMEType("text/html; charset=utf-8"))
        #expect(!ExportFormat.isMIMEType("PAL 625 lignes"))
        #expect(!ExportFormat.isMIMEType("noir et blanc, 16 mm/35 mm"))
    }

    @Test func vCardsEscapeAndFold() throws {
        let card = try #require(VCardWriter.card(name: "Dupont, Anne; \\ X", organization: "A\nB"))
        #expect(card.contains("FN:Dupont\\, Anne\\; \\\\ X\n"))
        #expect(card.contains("ORG:A\\nB\n"))
        #expect(card.hasPrefix("BEGIN:VCARD\nVERSION:3.0\n"))
        #expect(card.hasSuffix("\nEND:VCARD"))
        #expect(VCardWriter.card(name: " ", organization: nil) == nil)

        let long = String(repeating: "Éloïse-Marie ", count: 12) + "Fin"
        let folded = try #require(VCardWriter.card(name: long, organization: nil))
        for line in folded.split(separator: "\n") { #expect(line.utf8.count <= 75) }
        // Unfolding (drop each newline + space) gives the line back.
        #expect(folded.replacingOccurrences(of: "\n ", with: "").contains("FN:" + long + "\n"))
    }
}
