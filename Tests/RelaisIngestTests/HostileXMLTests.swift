import Foundation
import RelaisCore
import Testing
@testable import RelaisIngest
import RelaisTestSupport

/// Hostile XML: every input here must be refused quickly, with a message a partner can read,
/// and nothing outside the file (here /etc/passwd) may ever end up in a record.
/// Fixtures are generated in code into a temporary folder. Serialized so that each elapsed time
/// measures one parse, not its neighbours competing for the CPU.
///
/// When a file is refused, good records that came before the hostile part may already have been
/// emitted: the importer writes each file in one transaction, so they are rolled back. What must
/// never come out is the hostile record itself, or anything after it.
@Suite("HostileXML", .serialized)
struct HostileXMLTests {
    // MARK: - Fixtures

    static let vocabularies: Vocabularies = {
        var all: [Facet: Vocabulary] = [:]
        for facet in Facet.allCases {
            let json = #"{"name": "\#(facet.rawValue)", "label": "\#(facet.rawValue)", "version": 1, "terms": []}"#
            all[facet] = try! JSONDecoder().decode(Vocabulary.self, from: Data(json.utf8))
        }
        return try! Vocabularies(all)
    }()

    static let context = MappingContext(vocabularies: vocabularies, source: "hostile", file: "hostile.xml")

    static let lomNamespace = "http://ltsc.ieee.org/xsd/LOM"

    /// A minimal good LOM record.
    static func lom(_ number: Int = 1, title: String = "Titre") -> String {
        #"<lom xmlns="\#(lomNamespace)"><general><identifier><catalog>URI</catalog><entry>https://x.example/\#(number)</entry></identifier>"#
            + #"<title><string language="fr">\#(title)</string></title></general></lom>"#
    }

    /// Several good records in one `lomCollection` wrapper.
    static func collection(_ records: [String]) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<lomCollection>\n" + records.joined(separator: "\n") + "\n</lomCollection>\n"
    }

    /// Lines of /etc/passwd long enough to be recognised if they leaked into a record.
    static let passwdLines: [String] = {
        guard let text = try? String(contentsOfFile: "/etc/passwd", encoding: .utf8) else { return ["root:x:0:0"] }
        let lines = text.split(separator: "\n").map(String.init).filter { $0.count >= 8 }
        return lines.isEmpty ? ["root:x:0:0"] : lines
    }()

    /// A throwaway folder for one test's files.
    final class Folder {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory
                .appendingPathComponent("relais-hostile-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func write(_ name: String, _ data: Data) throws -> URL {
            let file = url.appendingPathComponent(name)
            try data.write(to: file)
            return file
        }

        func write(_ name: String, _ text: String) throws -> URL {
            try write(name, Data(text.utf8))
        }
    }

    /// What one parse gave: events in order, the error thrown (if any), and how long it took.
    struct Outcome {
        var events: [RecordEvent] = []
        var error: (any Error)?
        var elapsed: Duration = .zero

        var records: [ParsedRecord] {
            events.compactMap { if case .record(let record) = $0 { record } else { nil } }
        }

        var rejections: [RecordRejection] {
            events.compactMap { if case .rejected(let rejection) = $0 { rejection } else { nil } }
        }

        var fileRejection: FileRejection? { error as? FileRejection }
    }

    static func parse(_ file: URL, limits: XMLLimits = XMLLimits()) -> Outcome {
        var outcome = Outcome()
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try XMLRecordParser(limits: limits).parse(file: file, context: context) { outcome.events.append($0) }
        } catch {
            outcome.error = error
        }
        outcome.elapsed = clock.now - start
        return outcome
    }

    static func parse(_ data: Data, limits: XMLLimits = XMLLimits()) throws -> Outcome {
        let folder = try Folder()
        let file = try folder.write("input.xml", data)
        return withExtendedLifetime(folder) { parse(file, limits: limits) }
    }

    static func parse(_ text: String, limits: XMLLimits = XMLLimits()) throws -> Outcome {
        try parse(Data(text.utf8), limits: limits)
    }

    /// Nothing read from /etc/passwd may appear in what a parse emitted.
    static func expectNoPasswd(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let encoder = JSONEncoder()
        for record in outcome.records {
            let resource = String(decoding: try encoder.encode(record.resource), as: UTF8.self)
            for line in passwdLines {
                #expect(!record.original.contains(line), "contenu de /etc/passwd dans l'original", sourceLocation: sourceLocation)
                #expect(!resource.contains(line), "contenu de /etc/passwd dans la ressource", sourceLocation: sourceLocation)
            }
        }
        for rejection in outcome.rejections {
            for line in passwdLines {
                #expect(!rejection.reason.contains(line), sourceLocation: sourceLocation)
            }
        }
        if let error = outcome.error {
            for line in passwdLines {
                #expect(!"\(error)".contains(line), sourceLocation: sourceLocation)
            }
        }
    }

    /// The file is refused as a whole, within a second, with one of `words` in the reason, and
    /// no record from `hostileRecord` on was emitted.
    @discardableResult
    static func expectFileRejected(_ outcome: Outcome, containing words: [String], hostileRecord: Int = 1,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws -> FileRejection? {
        try expectNoPasswd(outcome, sourceLocation: sourceLocation)
        #expect(outcome.elapsed < .seconds(1), "trop lent : \(outcome.elapsed)", sourceLocation: sourceLocation)
        let rejection = try #require(outcome.fileRejection,
                                     "FileRejection attendu, obtenu \(String(describing: outcome.error)) et \(outcome.events.count) événement(s)",
                                     sourceLocation: sourceLocation)
        #expect(words.contains { rejection.reason.localizedCaseInsensitiveContains($0) },
                "motif « \(rejection.reason) » sans \(words)", sourceLocation: sourceLocation)
        #expect(outcome.records.allSatisfy { $0.recordIndex < hostileRecord },
                "notice hostile émise : \(outcome.records.map(\.recordIndex))", sourceLocation: sourceLocation)
        return rejection
    }

    static func expectFileRejected(_ outcome: Outcome, containing word: String, hostileRecord: Int = 1,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectFileRejected(outcome, containing: [word], hostileRecord: hostileRecord, sourceLocation: sourceLocation)
    }

    // MARK: - Entities and DTDs

    @Test func billionLaughs() throws {
        var text = #"<?xml version="1.0"?>"# + "\n<!DOCTYPE lom [\n<!ENTITY lol \"lol\">\n"
        text += "<!ENTITY lol1 \"" + String(repeating: "&lol;", count: 10) + "\">\n"
        for level in 2...9 {
            text += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        text += "]>\n" + Self.lom(title: "&lol9;") + "\n"
        try Self.expectFileRejected(try Self.parse(text), containing: "DOCTYPE")
    }

    @Test func quadraticBlowup() throws {
        let entity = String(repeating: "a", count: 50_000)
        let references = String(repeating: "&a;", count: 10_000)
        let text = #"<?xml version="1.0"?>"# + "\n<!DOCTYPE lom [<!ENTITY a \"\(entity)\">]>\n"
            + Self.lom(title: references) + "\n"
        try Self.expectFileRejected(try Self.parse(text), containing: "DOCTYPE")
    }

    @Test func externalEntityFile() throws {
        let text = #"<?xml version="1.0"?>"# + "\n"
            + #"<!DOCTYPE lom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"# + "\n"
            + Self.lom(title: "&xxe;") + "\n"
        try Self.expectFileRejected(try Self.parse(text), containing: "DOCTYPE")
    }

    @Test func externalEntityNetwork() throws {
        let text = #"<?xml version="1.0"?>"# + "\n"
            + #"<!DOCTYPE lom [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>"# + "\n"
            + Self.lom(title: "&xxe;") + "\n"
        try Self.expectFileRejected(try Self.parse(text), containing: "DOCTYPE")
    }

    @Test func externalParameterEntity() throws {
        let text = #"<?xml version="1.0"?>"# + "\n"
            + #"<!DOCTYPE lom [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>"# + "\n"
            + Self.lom() + "\n"
        try Self.expectFileRejected(try Self.parse(text), containing: "DOCTYPE")
    }

    @Test func doctypeWordInCDATAIsNotADoctype() throws {
        // Only a DOCTYPE in the prolog is one: inside a record it is text, and the record goes through.
        let html = "<![CDATA[<p>Voir</p><!DOCTYPE html><html></html>]]>"
        let text = Self.collection([Self.lom(1, title: "Titre \(html)"), Self.lom(2)])
        let outcome = try Self.parse(text)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.records.map(\.recordIndex) == [1, 2])
    }

    @Test func externalDTD() throws {
        let text = #"<?xml version="1.0"?>"# + "\n"
            + #"<!DOCTYPE lom SYSTEM "http://127.0.0.1:9/lom.dtd">"# + "\n"
            + Self.lom() + "\n"
        try Self.expectFileRejected(try Self.parse(text), containing: "DOCTYPE")
    }

    // MARK: - XInclude

    @Test func xincludeInsideRecord() throws {
        let include = #"<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>"#
        let text = Self.collection([Self.lom(1), Self.lom(2, title: "Titre \(include)"), Self.lom(3)])
        try Self.expectFileRejected(try Self.parse(text), containing: "XInclude", hostileRecord: 2)
    }

    @Test func xincludeOutsideRecords() throws {
        let include = #"<xi:include xmlns:xi="http://www.w3.org/2003/XInclude" href="/etc/passwd" parse="text"/>"#
        let text = Self.collection([include, Self.lom(1)])
        try Self.expectFileRejected(try Self.parse(text), containing: "XInclude")
    }

    // MARK: - Shape

    @Test func deepNestingOutsideRecords() throws {
        let depth = 100_000
        let text = String(repeating: "<a>", count: depth) + Self.lom() + String(repeating: "</a>", count: depth)
        try Self.expectFileRejected(try Self.parse(text), containing: "imbrication")
    }

    @Test func deepNestingInsideRecord() throws {
        let depth = 100_000
        let text = Self.lom(title: String(repeating: "<b>", count: depth) + "x" + String(repeating: "</b>", count: depth))
        try Self.expectFileRejected(try Self.parse(text), containing: "imbrication")
    }

    @Test func nestingJustOverTheCapInsideRecord() throws {
        // Over our cap (64) but under libxml2's own (256): our cap must hold inside records too.
        let depth = 100
        let text = Self.lom(title: String(repeating: "<b>", count: depth) + "x" + String(repeating: "</b>", count: depth))
        try Self.expectFileRejected(try Self.parse(text), containing: "imbrication")
    }

    @Test func twoHundredThousandAttributes() throws {
        var attributes = ""
        attributes.reserveCapacity(2_600_000)
        for index in 0..<200_000 { attributes += " a\(index)=\"v\"" }
        let text = Self.collection([Self.lom(1), Self.lom(2, title: "<span\(attributes)>x</span>"), Self.lom(3)])
        try Self.expectFileRejected(try Self.parse(text), containing: "attributs", hostileRecord: 2)
    }

    @Test func hugeStartTag() throws {
        // Few attributes but one huge value: the start-tag length cap.
        let value = String(repeating: "v", count: 200_000)
        let text = Self.collection([Self.lom(1), Self.lom(2, title: "<span a=\"\(value)\">x</span>")])
        try Self.expectFileRejected(try Self.parse(text), containing: "balise", hostileRecord: 2)
    }

    @Test(arguments: [300, 10_000])
    func startTagCapIsExact(valueLength: Int) throws {
        // Quoted values holding ">", "=" and the other quote: the tag ends at its own ">" only,
        // and its length counts every byte before it, across the guard's reads.
        let value = String(repeating: "v>w=x'", count: valueLength / 6)
        let tag = "<span a=\"\(value)\" b='q=\"r'>"
        let text = Self.collection([Self.lom(1), Self.lom(2, title: "\(tag)x</span>"), Self.lom(3)])
        var limits = XMLLimits()
        limits.maxAttributesPerElement = 2
        limits.maxStartTagBytes = tag.utf8.count - 1
        let accepted = try Self.parse(text, limits: limits)
        #expect(accepted.fileRejection == nil && accepted.error == nil)
        #expect(accepted.events.count == 3)
        limits.maxStartTagBytes = tag.utf8.count - 2
        try Self.expectFileRejected(try Self.parse(text, limits: limits), containing: "balise", hostileRecord: 2)
        limits.maxStartTagBytes = tag.utf8.count - 1
        limits.maxAttributesPerElement = 1
        try Self.expectFileRejected(try Self.parse(text, limits: limits), containing: "attributs", hostileRecord: 2)
    }

    // MARK: - Sizes

    @Test func twelveMegabyteTitle() throws {
        let size = 12 << 20
        var data = Data()
        data.reserveCapacity(size + 4096)
        data.append(contentsOf: (Self.collection([Self.lom(1)]).replacingOccurrences(of: "\n</lomCollection>\n", with: "\n")).utf8)
        let record = Self.lom(2, title: "@@")
        let parts = record.components(separatedBy: "@@")
        data.append(contentsOf: parts[0].utf8)
        data.append(Data(repeating: UInt8(ascii: "x"), count: size))
        data.append(contentsOf: parts[1].utf8)
        data.append(contentsOf: ("\n" + Self.lom(3) + "\n</lomCollection>\n").utf8)

        let outcome = try Self.parse(data)
        try Self.expectNoPasswd(outcome)
        #expect(outcome.elapsed < .seconds(1), "trop lent : \(outcome.elapsed)")
        // Either the record or the whole file is refused; the message names the size.
        if let rejection = outcome.fileRejection {
            #expect(rejection.reason.contains("octets"), "\(rejection.reason)")
            #expect(outcome.records.allSatisfy { $0.recordIndex < 2 })
        } else {
            #expect(outcome.error == nil, "\(String(describing: outcome.error))")
            let rejection = try #require(outcome.rejections.first)
            #expect(rejection.recordIndex == 2)
            #expect(rejection.reason.contains("octets"), "\(rejection.reason)")
            #expect(outcome.records.map(\.recordIndex) == [1, 3])
        }
    }

    @Test func fieldOverTheCapRejectsOnlyItsRecord() throws {
        // 2 MB: over the per-field cap (1 MB), far under the per-record cap.
        let title = String(repeating: "y", count: 2 << 20)
        let text = Self.collection([Self.lom(1), Self.lom(2, title: title), Self.lom(3)])
        let outcome = try Self.parse(text)
        #expect(outcome.elapsed < .seconds(1), "trop lent : \(outcome.elapsed)")
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        let rejection = try #require(outcome.rejections.first)
        #expect(outcome.rejections.count == 1)
        #expect(rejection.recordIndex == 2)
        #expect(rejection.reason.contains("octets"), "\(rejection.reason)")
        #expect(rejection.reason.contains("\(2 << 20)"), "\(rejection.reason)")
        #expect(outcome.records.map(\.recordIndex) == [1, 3])
        #expect(outcome.records.map(\.resource.sourceIdentifier) == ["https://x.example/1", "https://x.example/3"])
    }

    @Test func recordOverTheCap() throws {
        // The per-record byte cap stops reading: the file is refused (the stream cannot resume).
        var limits = XMLLimits()
        limits.maxRecordBytes = 100_000
        let keywords = (0..<20_000).map { "<keyword><string>mot \($0)</string></keyword>" }.joined()
        let big = Self.lom(2).replacingOccurrences(of: "</general>", with: keywords + "</general>")
        let text = Self.collection([Self.lom(1), big, Self.lom(3)])
        try Self.expectFileRejected(try Self.parse(text, limits: limits), containing: "volumineuse", hostileRecord: 2)
    }

    @Test func fileOverTheCap() throws {
        var limits = XMLLimits()
        limits.maxFileBytes = 50_000
        let text = Self.collection((1...2_000).map { Self.lom($0) })
        let outcome = try Self.parse(text, limits: limits)
        try Self.expectNoPasswd(outcome)
        #expect(outcome.elapsed < .seconds(1))
        let rejection = try #require(outcome.fileRejection)
        #expect(rejection.reason.contains("volumineux"), "\(rejection.reason)")
    }

    // MARK: - Bytes

    @Test func invalidUTF8InTitle() throws {
        var data = Data(Self.collection([Self.lom(1), Self.lom(2, title: "Ti@@tre"), Self.lom(3)]).utf8)
        let marker = Data("@@".utf8)
        let range = try #require(data.range(of: marker))
        data.replaceSubrange(range, with: [0xC3, 0x28])
        try Self.expectFileRejected(try Self.parse(data), containing: "encodage", hostileRecord: 2)
    }

    @Test func invalidUTF8DeepInsideALargeRecord() throws {
        // The bad bytes arrive while the record is being expanded, many reads after its start:
        // the half-read record must not come out.
        let keywords = (0..<5_000).map { "<keyword><string>mot \($0)</string></keyword>" }.joined()
        let big = Self.lom(2, title: "Ti@@tre").replacingOccurrences(of: "<title>", with: keywords + "<title>")
        var data = Data(Self.collection([Self.lom(1), big, Self.lom(3)]).utf8)
        let range = try #require(data.range(of: Data("@@".utf8)))
        data.replaceSubrange(range, with: [0xC3, 0x28])
        try Self.expectFileRejected(try Self.parse(data), containing: "encodage", hostileRecord: 2)
    }

    @Test func trailingGarbage() throws {
        // The garbage follows a complete record: that record may be handed over before the parser
        // meets the garbage (the importer then drops it with the rest of the file), nothing after it.
        let text = Self.lom() + "\n<garbage/> and then some & < text"
        try Self.expectFileRejected(try Self.parse(text), containing: "XML mal formé", hostileRecord: 2)
    }

    @Test func trailingTextAfterCollection() throws {
        let text = Self.collection([Self.lom(1), Self.lom(2)]) + "ceci n'est pas du XML"
        try Self.expectFileRejected(try Self.parse(text), containing: "XML mal formé", hostileRecord: 3)
    }

    @Test(arguments: [1, 2, 3, 42, 2024])
    func randomBytes(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let data = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try Self.expectFileRejected(try Self.parse(data), containing: ["XML mal formé", "encodage"])
    }

    @Test(arguments: [1, 2, 3])
    func randomBytesAfterAGoodStart(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        var data = Data((Self.collection([]).replacingOccurrences(of: "</lomCollection>", with: "") + Self.lom(1)).utf8)
        data.append(contentsOf: (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try Self.expectFileRejected(try Self.parse(data), containing: ["XML mal formé", "encodage"], hostileRecord: 2)
    }

    @Test func emptyFile() throws {
        try Self.expectFileRejected(try Self.parse(Data()), containing: "vide")
    }

    @Test func onlyWhitespace() throws {
        try Self.expectFileRejected(try Self.parse(" \n\t\r\n   \n"), containing: "vide")
    }

    @Test func truncatedDocument() throws {
        let full = Self.collection([Self.lom(1), Self.lom(2), Self.lom(3)])
        let cut = String(full.prefix(full.count - 80))
        try Self.expectFileRejected(try Self.parse(cut), containing: "XML mal formé", hostileRecord: 3)
    }

    @Test func truncatedInsideFirstRecord() throws {
        let text = Self.lom()
        let cut = String(text.prefix(text.count / 2 + 30))
        try Self.expectFileRejected(try Self.parse(cut), containing: "XML mal formé")
    }

    @Test func truncatedInsideALargeRecord() throws {
        let keywords = (0..<5_000).map { "<keyword><string>mot \($0)</string></keyword>" }.joined()
        let big = Self.lom(2).replacingOccurrences(of: "<title>", with: keywords + "<title>")
        let full = Self.collection([Self.lom(1), big, Self.lom(3)])
        let cut = String(full.prefix(full.count / 2))
        try Self.expectFileRejected(try Self.parse(cut), containing: "XML mal formé", hostileRecord: 2)
    }

    // MARK: - The rest goes on

    @Test func theRestGoesOn() throws {
        let folder = try Folder()
        let first = try folder.write("1-bon.xml", Self.collection([Self.lom(1), Self.lom(2)]))
        let hostile = try folder.write("2-hostile.xml", #"<?xml version="1.0"?>"# + "\n"
            + #"<!DOCTYPE lom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"# + "\n" + Self.lom(3, title: "&xxe;"))
        let last = try folder.write("3-bon.xml", Self.collection([Self.lom(4)]))

        let files = try FileManager.default.contentsOfDirectory(at: folder.url, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(files.map(\.lastPathComponent) == [first, hostile, last].map(\.lastPathComponent))
        let outcomes = files.map { Self.parse($0) }

        #expect(outcomes[0].error == nil)
        #expect(outcomes[0].records.map(\.resource.sourceIdentifier) == ["https://x.example/1", "https://x.example/2"])
        #expect(outcomes[0].records.map { $0.resource.titles.first?.text } == ["Titre", "Titre"])
        try Self.expectFileRejected(outcomes[1], containing: "DOCTYPE")
        #expect(outcomes[2].error == nil)
        #expect(outcomes[2].records.map(\.resource.sourceIdentifier) == ["https://x.example/4"])
        for outcome in outcomes {
            try Self.expectNoPasswd(outcome)
            #expect(outcome.elapsed < .seconds(1))
        }
    }
}
