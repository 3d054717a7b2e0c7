import Foundation
import Testing
import RelaisCore
@testable import RelaisIngest
import RelaisTestSupport

/// The SAX scanner must read every file as the xmlTextReader path did (`ReaderRecordParser`):
/// the same events, the same mapped resources, the same originals byte for byte (they are
/// hashed to tell a changed record), the same refusals.
@Suite struct XMLRecordScannerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Everything a parse produced, as one comparable text.
    static func outcome(_ file: URL, scanner: Bool, limits: XMLLimits = XMLLimits()) -> String {
        let context = TestVocabularies.context(source: "diff", file: file.lastPathComponent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var lines: [String] = []
        func add(_ event: RecordEvent) {
            switch event {
            case .record(let record):
                let json = (try? encoder.encode(record.resource)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
                lines.append("record \(record.recordIndex) line \(record.line ?? -1) warnings \(record.warnings)\n"
                                + "original \(record.original)\nresource \(json)")
            case .deleted(let identifier, let index, let line):
                lines.append("deleted \(identifier) \(index) line \(line ?? -1)")
            case .rejected(let rejection):
                lines.append("rejected \(rejection)")
            }
        }
        do {
            if scanner {
                try XMLRecordParser(limits: limits).parse(file: file, context: context) { add($0) }
            } else {
                try ReaderRecordParser(limits: limits).parse(file: file, context: context) { add($0) }
            }
            lines.append("end")
        } catch {
            lines.append("error \(type(of: error)): \(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// The first line where two outcomes part, for a readable failure.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
        for index in 0 ..< max(x.count, y.count) {
            let left = index < x.count ? x[index] : "(none)", right = index < y.count ? y[index] : "(none)"
            if left != right { return "line \(index): scanner «\(left)» reader «\(right)»" }
        }
        return "same"
    }

    static func xmlFiles(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "xml" }
            .sorted { $0.path < $1.path }
    }

    @Test func corpusAndSamplesReadAsBefore() throws {
        var files = Self.xmlFiles(under: Self.root.appendingPathComponent("Corpus"))
        // The public samples beside the repository, when they are there (CI has them).
        files += Self.xmlFiles(under: Self.root.deletingLastPathComponent().appendingPathComponent("shared/samples"))
        #expect(files.count >= 20)
        var records = 0
        for file in files {
            let expected = Self.outcome(file, scanner: false)
            let actual = Self.outcome(file, scanner: true)
            #expect(actual == expected, "\(file.path): \(Self.firstDifference(actual, expected))")
            records += actual.components(separatedBy: "\nresource ").count - 1
        }
        #expect(records >= 50)
    }

    // MARK: Fuzzed documents

    /// Pieces where a serializer or a tree builder could go wrong.
    static let texts = ["Titre", "a &lt; b &amp; c &gt; d", "\"guillemets\" et 'apostrophes'", "é à ç œ",
                        "😀 emoji", "&#13;retour", "ligne\nsuivante", "  espaces  ", "<![CDATA[<b>gras</b> & co\r\nfin]]>",
                        "avant<!-- commentaire é -->après", "x<?pi donnée ?>y", "&#233;t&#xE9;", "]]&gt;", "tab\tulation"]
    static let attributeValues = ["fr", "a&amp;b", "&lt;x&gt;", "&quot;q&quot;", "l'apostrophe", "é", "😀",
                                  "&#9;t&#10;n&#13;r", "lit\ttab", "lit\nnewline", "&#38;amp"]

    static func document(seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ values: [T]) -> T { values.randomElement(using: &random)! }
        func chance(_ percent: Int) -> Bool { Int.random(in: 0 ..< 100, using: &random) < percent }
        let prefixed = chance(30)
        let p = prefixed ? "lom:" : ""
        func attributes() -> String {
            var out = ""
            if chance(25) { out += " xml:lang=\"\(pick(attributeValues))\"" }
            if chance(25) { out += " x:note=\"\(pick(attributeValues))\"" }
            if chance(20) { out += " plain='\(pick(attributeValues).replacingOccurrences(of: "'", with: "&apos;"))'" }
            return out
        }
        func langString(_ name: String) -> String {
            let language = chance(80) ? " language=\"\(pick(attributeValues))\"" : ""
            return "<\(p)\(name)\(attributes())><\(p)string\(language)>\(pick(texts))</\(p)string></\(p)\(name)>"
        }
        var records: [String] = []
        for index in 0 ..< Int.random(in: 1 ... 3, using: &random) {
            var body = "<\(p)general\(attributes())>"
            body += "<\(p)identifier><\(p)catalog>URI</\(p)catalog><\(p)entry>https://exemple.be/r/\(seed)-\(index)</\(p)entry></\(p)identifier>"
            body += chance(90) ? langString("title") : ""
            if chance(50) { body += langString("description") }
            if chance(30) { body += "<\(p)description/>" }
            if chance(30) { body += "<\(p)keyword></\(p)keyword>" }
            if chance(40) { body += "<\(p)keyword>\(pick(texts))</\(p)keyword>" }
            if chance(30) { body += "<!-- \(pick(["note", "é", "--é"].filter { !$0.hasPrefix("--") }))-->" }
            body += "<\(p)language>\(pick(["fr", "fre", "FR-be", "x-none"]))</\(p)language></\(p)general>"
            if chance(50) {
                let card = pick(["BEGIN:VCARD\nVERSION:3.0\nFN:Anne Dupont\nEND:VCARD",
                                 "<![CDATA[BEGIN:VCARD\r\nFN:Émile Leroy\r\nORG:École\r\nEND:VCARD]]>",
                                 "BEGIN:VCARD&#13;\nFN:Zoé &amp; Cie\nEND:VCARD"])
                body += "<\(p)lifeCycle><\(p)contribute><\(p)role><\(p)source>LOMv1.0</\(p)source><\(p)value>author</\(p)value></\(p)role>"
                body += "<\(p)entity>\(card)</\(p)entity></\(p)contribute></\(p)lifeCycle>"
            }
            if chance(30) {
                body += "<\(p)technical xmlns=\"\"><format>text/html</format></\(p)technical>"
            }
            if chance(30) { body += "<other xmlns=\"urn:other\" xmlns:o=\"urn:o\"><o:inner o:at=\"1\">\(pick(texts))</o:inner></other>" }
            if chance(20) { body += "<?\(pick(["pi", "robot"]))\(pick(["", " data", "  spaced data "]))?>" }
            if chance(20) { body += "<x:ext>\(pick(texts))</x:ext>" }
            let declaration = prefixed ? " xmlns:lom=\"http://ltsc.ieee.org/xsd/LOM\"" : ""
            let ownDeclarations = chance(30) ? " xmlns:x=\"urn:inner-x\"" : ""
            records.append("<\(p)lom\(prefixed || chance(50) ? declaration : "")\(ownDeclarations)\(attributes())>"
                           + (chance(50) ? "\n  " : "") + body + (chance(50) ? "\n" : "") + "</\(p)lom>")
        }
        let prolog = pick(["", "<?xml version=\"1.0\"?>\n", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                           "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n"])
        let namespaces = " xmlns:x=\"urn:x\" xmlns:lom=\"http://ltsc.ieee.org/xsd/LOM\""
        switch Int.random(in: 0 ..< 4, using: &random) {
        case 0:
            return prolog + records[0].replacingOccurrences(of: "<\(p)lom", with: "<\(p)lom\(namespaces)",
                                                            options: [.anchored])
        case 1:
            return prolog + "<lomCollection xmlns=\"http://ltsc.ieee.org/xsd/LOM\"\(namespaces)>\n"
                + records.joined(separator: "\n") + "\n</lomCollection>\n"
        case 2:
            return prolog + "<w:wrap xmlns:w=\"urn:w\"\(namespaces) xmlns=\"http://ltsc.ieee.org/xsd/LOM\"><!-- dehors -->"
                + "<w:inner xmlns:x=\"urn:x2\">" + records.joined() + "</w:inner></w:wrap>"
        default:
            let items = records.enumerated().map { index, record in
                let deleted = index == 1 && chance(50)
                return "<record><header\(deleted ? " status=\"deleted\"" : "")><identifier>oai:ex:\(seed)-\(index)</identifier>"
                    + "<datestamp>2024-01-0\(index + 1)</datestamp></header>"
                    + (deleted ? "" : "<metadata>\(record)</metadata>") + "</record>"
            }
            return prolog + "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"\(namespaces)><ListRecords>"
                + items.joined() + "</ListRecords></OAI-PMH>"
        }
    }

    @Test func fuzzedDocumentsReadAsBefore() throws {
        let folder = TempFolder()
        var records = 0
        var refused = 0
        for seed in UInt64(1) ... 400 {
            var text = Self.document(seed: seed)
            if seed % 7 == 0 {
                // Broken on purpose: cut somewhere, or trailing garbage.
                let cut = text.utf8.count * Int(seed % 5 + 1) / 6
                text = seed % 2 == 0 ? String(decoding: Array(text.utf8).prefix(cut), as: UTF8.self) : text + "<x>"
            }
            let file = folder.write("fuzz-\(seed).xml", text)
            let expected = Self.outcome(file, scanner: false)
            let actual = Self.outcome(file, scanner: true)
            if seed % 7 == 0 {
                // A broken file is refused whole (the importer keeps none of its records), with the
                // same error. Records before the error may or may not have been handed over: the
                // reader stopped where libxml2 had read ahead, the scanner where the error is.
                let lastLine = { (outcome: String) in outcome.components(separatedBy: "\n").last ?? "" }
                #expect(lastLine(actual) == lastLine(expected), "seed \(seed)")
            } else {
                #expect(actual == expected, "seed \(seed): \(Self.firstDifference(actual, expected))")
            }
            records += actual.components(separatedBy: "\nresource ").count - 1
            if actual.contains("\nerror ") || actual.hasPrefix("error ") { refused += 1 }
        }
        // The fuzzing reached both sides: records read and files refused.
        #expect(records > 300)
        #expect(refused >= 40)
    }

    @Test func oversizedFieldAndRecordAreRefusedAsBefore() throws {
        let folder = TempFolder()
        var limits = XMLLimits()
        limits.maxFieldBytes = 200
        limits.maxRecordBytes = 4_000
        let long = String(repeating: "é", count: 150)
        let record = { (n: Int, title: String) in
            "<lom><general><identifier><catalog>URI</catalog><entry>u:\(n)</entry></identifier>"
                + "<title><string language=\"fr\">\(title)</string></title><description><string>\(long)</string>"
                + "<!-- c -->\(long)</description></general></lom>"
        }
        let file = folder.write("big.xml", "<lomCollection xmlns=\"http://ltsc.ieee.org/xsd/LOM\">"
                                    + record(1, "court") + record(2, long) + record(3, "ok") + "</lomCollection>")
        let expected = Self.outcome(file, scanner: false, limits: limits)
        #expect(Self.outcome(file, scanner: true, limits: limits) == expected)
        #expect(expected.contains("rejected"))
        // One record of ~100 kB in fields of 150 bytes: over the record cap (checked with 64 kB of
        // slack for what libxml2 reads ahead).
        let many = String(repeating: "<keyword><string>\(String(repeating: "k", count: 150))</string></keyword>", count: 600)
        let huge = folder.write("huge.xml", "<lomCollection xmlns=\"http://ltsc.ieee.org/xsd/LOM\">" + record(1, "t")
                                    + "<lom><general><title><string>T</string></title>\(many)</general></lom></lomCollection>")
        let hugeOutcome = Self.outcome(huge, scanner: true, limits: limits)
        #expect(hugeOutcome.contains("notice trop volumineuse"), "\(hugeOutcome.suffix(300))")
    }

    @Test func recordLinesPastLine65535AreTheStartTagsLine() throws {
        // libxml2 keeps a node's line in 16 bits; the reader path then reported the line of the
        // record's first text node instead (usually one more). The scanner reads the parser's line.
        let folder = TempFolder()
        let padding = String(repeating: "\n", count: 70_000)
        let file = folder.write("long.xml", "<lomCollection xmlns=\"http://ltsc.ieee.org/xsd/LOM\">\(padding)<lom>\n"
                                    + "<general><identifier><entry>https://x.be/1</entry></identifier>"
                                    + "<title><string>T</string></title></general></lom></lomCollection>")
        var lines: [Int?] = []
        try XMLRecordParser().parse(file: file, context: TestVocabularies.context()) { lines.append($0.record?.line) }
        #expect(lines == [70_001])
    }
    @Test func manyDistinctNamesKeepEachRecordsNames() throws {
        // Trees index a table of names the scanner fills; past 8,192 names it starts a new table
        // between records, and its lookup cache starts over past 4,096 names, inside records too.
        // Every record's names must still be its own: the same outcome as the reader's.
        func record(_ index: Int, extras: Int) -> String {
            let odd = (0 ..< extras).map { "<x\(index)_\($0) a\($0)=\"v\">w\($0)</x\(index)_\($0)>" }.joined()
            return "<lom><general>\(odd)<identifier><entry>https://x.be/\(index)</entry></identifier>"
                + "<title><string language=\"fr\">Titre \(index)</string></title>"
                + "<keyword><string>mot\(index)</string></keyword></general></lom>"
        }
        let records = (1 ... 30).map { record($0, extras: $0 == 12 ? 5_000 : 400) }.joined(separator: "\n")
        let folder = TempFolder()
        let file = folder.write("names.xml", "<lomCollection xmlns=\"http://ltsc.ieee.org/xsd/LOM\">\(records)</lomCollection>")
        let scanned = Self.outcome(file, scanner: true)
        #expect(scanned.components(separatedBy: "\nresource ").count == 31)
        #expect(scanned.contains("Titre 30") && scanned.contains("mot12"))
        #expect(scanned == Self.outcome(file, scanner: false), "\(Self.firstDifference(scanned, Self.outcome(file, scanner: false)))")
    }

    /// The pointer cache against the dictionary it stands in front of, on generated sequences:
    /// few slots' worth of pointers into buffers whose bytes get rewritten (a reused address),
    /// colliding pointers, emptying. It may forget, never answer what the dictionary would not.
    @Test func namePointerCacheAnswersAsTheDictionary() {
        let cache = NamePointerCache()
        defer { cache.free() }
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: 4096)
        var random = SplitMix64(seed: 0xCAC4E)
        var reference: [UnsafeRawPointer: (id: Int32, bytes: [CChar])] = [:]
        let names = ["", "lom", "general", "title", "langstring", "a", String(repeating: "x", count: 40)]
        var hits = 0
        for step in 0 ..< 50_000 {
            // 3,000 possible addresses in 4 kB: many share a slot, and overlap each other's bytes.
            let pointer = UnsafeRawPointer(buffer + Int(random.next() % 3000))
            switch random.next() % 10 {
            case 0:
                let name = names[Int(random.next() % UInt64(names.count))]
                _ = name.withCString { strcpy(UnsafeMutablePointer(mutating: pointer.assumingMemoryBound(to: CChar.self)), $0) }
            case 1 where step % 97 == 0:
                reference.removeAll()
                cache.removeAll()
            case 2, 3:
                let id = Int32(truncatingIfNeeded: random.next())
                reference[pointer] = (id, Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: CChar.self),
                                                                     count: strlen(pointer.assumingMemoryBound(to: CChar.self)) + 1)))
                cache.remember(pointer, id: id)
                #expect(cache.id(for: pointer) == id)
            default:
                let expected = reference[pointer].flatMap { strcmp($0.bytes, pointer.assumingMemoryBound(to: CChar.self)) == 0 ? $0.id : nil }
                if let found = cache.id(for: pointer) {
                    hits += 1
                    #expect(found == expected, "step \(step)")
                }
            }
        }
        #expect(hits > 1000)
    }
}
