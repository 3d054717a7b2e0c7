import Foundation
import Testing
import RelaisCore
@testable import RelaisIngest
import RelaisTestSupport

/// The import's shortcuts give what the general code they stand in for gives, on fuzzed input
/// built from the characters where they could differ (combining marks, non-ASCII whitespace,
/// case, separators).
@Suite struct FastPathTests {
    static let pieces: [String] = [
        "a", "B", "é", "É", ":", ";", ".", "=", " ", "\t", "\n", "\r\n", "\u{301}", "\u{A0}", "\u{85}",
        "\u{2028}", "\u{200B}", "\u{3000}", "\u{FEFF}", "\u{1F600}", "QUOTED-PRINTABLE", "quoted-printable",
        "ENCODING=", "BEGIN:VCARD", "FN", "x", "\u{37E}", "\u{1F0}", "\u{2FF}", "\u{300}", "\u{600}",
    ]

    static func fuzzed(_ count: Int, maxPieces: Int = 10) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< count).map { _ in
            (0 ..< Int.random(in: 0 ... maxPieces, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
    }

    @Test func blankAfterTrimmingMatchesFoundation() {
        for value in Self.fuzzed(4_000, maxPieces: 4) + ["", " ", "\t\n", " \u{A0}", "\u{200B}", " x "] {
            #expect(value.isBlankAfterTrimming == value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                    "\(Array(value.unicodeScalars))")
        }
    }

    @Test func quotedPrintableCheckMatchesFoundation() {
        for value in Self.fuzzed(4_000, maxPieces: 5) {
            let head = value.uppercased()
            let parameters = head.split(separator: ";")
            #expect(VCard.mentionsQuotedPrintable(head, parameters)
                        == parameters.contains(where: { $0.contains("QUOTED-PRINTABLE") }), "\(head)")
        }
    }

    @Test func vCardLinesSplitOnTheByteAsOnTheCharacter() {
        for value in Self.fuzzed(4_000) {
            let text = value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            let byBytes = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .map { String(Substring($0)) }
            #expect(byBytes == text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
    }

    @Test func vCardPartsSplitOnTheByteAsOnTheCharacter() {
        var differing: [String] = []
        for value in Self.fuzzed(4_000) {
            for separator: Unicode.Scalar in [";", ".", ":"] {
                for omitting in [true, false] {
                    let expected = value.split(separator: Character(separator), omittingEmptySubsequences: omitting)
                    if VCard.split(value, on: separator, omittingEmpty: omitting) != expected { differing.append(value) }
                    let sub = value.dropFirst()
                    if VCard.split(sub, on: separator, omittingEmpty: omitting)
                        != sub.split(separator: Character(separator), omittingEmptySubsequences: omitting) {
                        differing.append(value)
                    }
                }
            }
            if VCard.isPlain(value), value.utf8.firstIndex(of: UInt8(ascii: ":")) != value.firstIndex(of: ":") {
                differing.append(value)
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5).map { Array($0.unicodeScalars) })")
    }

    @Test func vCardsReadOnBytesAsInGeneral() {
        let lines = ["BEGIN:VCARD", "begin:vcard", "VERSION:3.0", "FN:Anne Dupont", "fn:Zoé Leroy ", "N:Dupont;Anne;;;",
                     "N:;;", "ORG:École de Ciney;Section", "ORG:", "EMAIL:a@b.be", "item1.EMAIL;TYPE=work:x@y.be",
                     " suite pliée", "\tsuite", "FN;CHARSET=UTF-8:Émile", "FN\u{301}:X", "FN:A\\,B\\;C\\nD",
                     "ORG;ENCODING=QUOTED-PRINTABLE:=C3=89cole", "FN:=", "END:VCARD", "", " ", "\u{A0}FN:Nbsp\u{A0}",
                     "X-Ë:é", ";;FN:x", ".FN:y", "a.b.FN:z", "FN", ":", "FN:\u{A0}", "ORG:\u{3000}Loin\u{3000}",
                     "FN:e\u{301}", "\r", "FN:Ligne\r"]
        var generator = SystemRandomNumberGenerator()
        var onBytes = 0
        for _ in 0 ..< 4_000 {
            let count = Int.random(in: 1 ... 8, using: &generator)
            // Mostly the usual shape (BEGIN first, LF, plain lines), so that both paths are taken.
            let body = (0 ..< count).map { _ in
                Int.random(in: 0 ..< 10, using: &generator) < 8 ? lines[2 ... 14].randomElement(using: &generator)!
                    : lines.randomElement(using: &generator)!
            }
            let text = (["BEGIN:VCARD"] + body).joined(separator: Int.random(in: 0 ..< 10, using: &generator) < 8 ? "\n" : "\r\n")
            let general = VCard(general: text)
            let card = VCard(text)
            if VCard.parsedOnBytes(text) != nil { onBytes += 1 }
            #expect(card.formattedName == general.formattedName && card.name == general.name
                        && card.organization == general.organization && card.email == general.email,
                    "\(Array(text.unicodeScalars))")
        }
        // Both paths were exercised.
        #expect(onBytes > 500 && onBytes < 3_900, "\(onBytes)")
    }

    @Test func vCardTrimMatchesFoundation() {
        for value in Self.fuzzed(4_000, maxPieces: 5) + ["École", "Zoé", "\u{A0}École\u{A0}", "\u{3000}x", "é\u{2009}"] {
            #expect(VCard.trimSpaces(value) == value.trimmingCharacters(in: .whitespaces), "\(Array(value.unicodeScalars))")
        }
    }

    @Test func keywordsSplitAsBefore() {
        var differing: [String] = []
        for value in Self.fuzzed(4_000, maxPieces: 6) + ["a,b", "a\u{37E}b", "a,\u{301}b", "une seule"] {
            let keyword = LangText(value, language: "fr")
            // The split as it was, for every keyword.
            let parts = value.split(whereSeparator: { $0 == "," || $0 == ";" })
                .map { Normalize.text(String($0)) }.filter { !$0.isEmpty }
            let expected = parts.count > 1 ? parts.map { LangText($0, language: "fr") } : [keyword]
            if LOMMapper.splitKeywords(keyword) != expected { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5).map { Array($0.unicodeScalars) })")
    }

    @Test func caseInsensitiveEqualsMatchesLowercasing() {
        let names = ["general", "GENERAL", "General", "genera1", "langstring", "langString", "LANGSTRING",
                     "entité", "ENTITÉ", "entite", "Straße", "STRASSE", "x", "", "a\u{301}", "\u{E1}"]
        for a in names + Self.fuzzed(300, maxPieces: 3) {
            for b in names {
                #expect(a.caseInsensitiveEquals(b) == Self.referenceCaseInsensitiveEquals(a, b), "\(a) / \(b)")
            }
        }
    }

    /// Packed names match exactly the elements `caseInsensitiveEquals` matches: around the
    /// 8-byte word edges, at the 31-byte packing limit, with non-ASCII, case and NUL.
    @Test func packedNamesMatchAsCaseInsensitiveEquals() {
        var names = ["general", "GENERAL", "General", "genera1", "langstring", "langString", "LANGSTRING", "string",
                     "entité", "ENTITÉ", "entite", "Straße", "STRASSE", "x", "X", "", "a\u{301}", "\u{E1}", "a\u{0}",
                     "@", "`", "[", "{", "learningResourceType", "LEARNINGRESOURCETYPE", "copyrightAndOtherRestrictions",
                     "\u{212A}", "k", "K", "İ", "i"]
        for length in [7, 8, 9, 15, 16, 17, 23, 24, 25, 30, 31, 32, 33] {
            let lower = String((0 ..< length).map { Character(Unicode.Scalar(UInt8(0x61 + $0 % 26))) })
            names += [lower, lower.uppercased(), String(lower.dropLast()) + "_", String(lower.dropLast()) + "é"]
        }
        names += Self.fuzzed(200, maxPieces: 3)
        let parent = XElement(name: "parent", children: names.map { XElement(name: $0) })
        // A tree holds each name once, by String equality: ";" and U+037E become one name.
        let held = parent.children.map(\.name)
        for wanted in names {
            let key = XName(wanted)
            let expected = held.indices.filter { held[$0].caseInsensitiveEquals(wanted) }
            let found = held.indices.filter { parent.children[$0].isNamed(key) }
            #expect(found == expected, "\(Array(wanted.unicodeScalars))")
            #expect(parent.children(key).map(\.name) == expected.map { held[$0] })
            #expect(parent.child(key)?.name == expected.first.map { held[$0] })
            #expect(parent.hasDescendant(key) == !expected.isEmpty)
        }
    }

    /// `caseInsensitiveEquals` as it was, zipping the two UTF8Views.
    static func referenceCaseInsensitiveEquals(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        for (a, b) in zip(left.utf8, right.utf8) where a != b {
            if a >= 0x80 || b >= 0x80 { return left.lowercased() == right.lowercased() }
            let foldedA = (0x41...0x5A).contains(a) ? a | 0x20 : a
            let foldedB = (0x41...0x5A).contains(b) ? b | 0x20 : b
            if foldedA != foldedB { return false }
        }
        return true
    }

    @Test func attributesKeepTheirMeaning() throws {
        let element = XElement(name: "string", attributeList: [("language", "fr"), ("lang", "nl"), ("lang", "de")],
                               children: [], ownText: "x", line: 1)
        #expect(element.attribute("lang") == "de")
        #expect(element.attribute("language") == "fr")
        #expect(element.attribute("missing") == nil)
        #expect(element.attributes == ["language": "fr", "lang": "de"])
        let fromDictionary = XElement(name: "string", attributes: ["language": "fr"])
        #expect(fromDictionary.attribute("language") == "fr")
    }

    @Test func elementTextJoinsItsTextNodesAndAttributesAreRead() throws {
        // Text split by a comment and a CDATA section, an attribute with an entity (not one text node).
        let xml = """
            <lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title><string language="f&amp;r" \
            xml:lang="fr">Le <!-- c --> cycle<![CDATA[ de <l’eau> ]]>&amp; fin</string></title></general></lom>
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fastpath-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try SecureXMLReader(path: url.path)
        #expect(try reader.read())
        let string = try #require(reader.expandRecord().element["general", "title", "string"])
        #expect(string.ownText == "Le  cycle de <l’eau> & fin")
        #expect(string.attribute("language") == "f&r")
        #expect(string.attribute("lang") == "fr")
        #expect(string.hasDescendant("x") == false)
    }

    @Test(arguments: [(capacity: 256, batch: 16, count: 5_000), (capacity: 4, batch: 16, count: 1_000),
                      (capacity: 256, batch: 16, count: 7), (capacity: 1, batch: 1, count: 300)])
    func eventQueueDeliversEverythingInOrder(capacity: Int, batch: Int, count: Int) throws {
        // Fewer events than a wake batch, a queue smaller than the batch, and the usual sizes: the
        // taker gets every event in order, then the end, and never sleeps through either.
        let queue = EventQueue(capacity: capacity, wakeBatch: batch)
        let producer = Thread {
            for index in 0 ..< count {
                _ = queue.put(.event(.deleted(sourceIdentifier: "r", recordIndex: index, line: nil)))
                if index % 97 == 0 { usleep(50) }
            }
            _ = queue.put(.done(nil))
        }
        producer.start()
        var received: [Int] = []
        loop: while true {
            switch queue.take() {
            case .event(.deleted(_, let recordIndex, _)): received.append(recordIndex)
            case .event: Issue.record("unexpected event")
            case .done(let error):
                #expect(error == nil)
                break loop
            }
        }
        #expect(received == Array(0 ..< count))
    }

    /// A record's tree as built from start and end tags reads back as the elements given:
    /// generated trees (deep and wide, with and without text, attributes or namespace) through
    /// `XTreeBuilder` as the scanner drives it, compared element by element.
    @Test func treeBuilderReadsBackWhatWasBuilt() {
        final class Model {
            let name: String, namespace: String?, line: Int, attributes: [(name: String, value: String)], text: String
            var children: [Model] = []
            init(_ name: String, _ namespace: String?, _ line: Int, _ attributes: [(name: String, value: String)], _ text: String) {
                (self.name, self.namespace, self.line, self.attributes, self.text) = (name, namespace, line, attributes, text)
            }
        }
        var random = SplitMix64(seed: 0x7EE)
        func draw(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        let names = ["lom", "general", "title", "string", "langstring", "entity", "été"]
        let texts = ["", "", "Le modèle", " \n  ", "x", String(repeating: "mot ", count: 30)]
        var line = 0
        func model(depth: Int) -> Model {
            line += 1
            let attributes = (0 ..< draw(3)).map { _ in (name: names[draw(names.count)], value: texts[draw(texts.count)]) }
            let node = Model(names[draw(names.count)], draw(3) == 0 ? nil : "http://ns/\(draw(2))", line, attributes,
                             texts[draw(texts.count)])
            if depth < 6 { node.children = (0 ..< draw(depth == 0 ? 6 : 4)).map { _ in model(depth: depth + 1) } }
            return node
        }
        func build(_ node: Model, into builder: inout XTreeBuilder) {
            builder.open(name: node.name, namespace: node.namespace, line: node.line)
            for attribute in node.attributes { builder.attribute(attribute.name, attribute.value) }
            for child in node.children { build(child, into: &builder) }
            builder.close(text: node.text)
        }
        func differences(_ element: XElement, _ node: Model, _ path: String) -> [String] {
            var found: [String] = []
            if element.name != node.name || element.namespace != node.namespace || element.line != node.line
                || element.ownText != node.text || element.attributeList.map({ "\($0.name)=\($0.value)" })
                != node.attributes.map({ "\($0.name)=\($0.value)" }) || element.children.count != node.children.count {
                found.append(path)
            }
            for (index, (child, childNode)) in zip(element.children, node.children).enumerated() {
                found += differences(child, childNode, path + "/\(index)")
            }
            // hasDescendant reads the node range the builder records, not the children.
            var below = Set<String>()
            func walk(_ model: Model) { for child in model.children { below.insert(child.name); walk(child) } }
            walk(node)
            for name in names where element.hasDescendant(name) != below.contains(name) { found.append(path + " has " + name) }
            return found
        }
        var failures: [String] = []
        // Every third tree on buffers shared from tree to tree, as the scanner reuses them: the
        // tree made before must still read back once the next is built in the same buffers.
        let shared = XTreeBuilder.Storage()
        var previous: (element: XElement, root: Model)?
        for round in 0 ..< 300 {
            let root = model(depth: 0)
            var builder = round % 3 == 0 ? XTreeBuilder(names: XNames(), reusing: shared)
                : XTreeBuilder(reserving: round % 2 == 0 ? (0, 0, 0) : (7, 1, 3))
            build(root, into: &builder)
            let element = builder.finish()
            failures += differences(element, root, "\(round)")
            if round % 3 == 0 {
                if let previous { failures += differences(previous.element, previous.root, "\(round) before") }
                previous = (element, root)
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}
