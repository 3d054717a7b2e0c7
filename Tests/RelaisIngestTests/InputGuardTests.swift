import Foundation
import Testing
import RelaisCore
@testable import RelaisIngest
import RelaisTestSupport

/// The input guard's scan gives, read after read, what the guard gave before it kept its state in
/// locals (`ReferenceInputGuard`, kept as it was): the same refusals, with the same messages, at the
/// same reads, whatever the chunk boundaries.
@Suite struct InputGuardTests {
    struct Outcome: Equatable {
        var reads: [Int32]
        var violation: String?
        var sawContent: Bool
    }

    /// Reads `bytes` through a guard, `chunks` giving each read's size in turn.
    static func run(_ bytes: [UInt8], limits: XMLLimits, chunks: [Int], reference: Bool) -> Outcome {
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        defer { storage.deallocate() }
        storage.initialize(from: bytes, count: bytes.count)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 8192)
        defer { buffer.deallocate() }
        var outcome = Outcome(reads: [], violation: nil, sawContent: false)
        // fmemopen refuses a size of 0: an empty input is an empty file.
        let file = bytes.isEmpty ? fopen("/dev/null", "rb")! : fmemopen(storage, bytes.count, "rb")!
        var chunk = 0
        func next() -> Int { defer { chunk += 1 }; return chunks[chunk % chunks.count] }
        // Both guards own `file` (they close it) and are read the same way.
        let read: (UnsafeMutablePointer<CChar>, Int) -> Int32
        let state: () -> (violation: String?, sawContent: Bool)
        if reference {
            let guardian = ReferenceInputGuard(file: file, limits: limits)
            read = { guardian.read(into: $0, count: $1) }
            state = { (guardian.violation, guardian.sawContent) }
        } else {
            let guardian = InputGuard(file: file, limits: limits)
            read = { guardian.read(into: $0, count: $1) }
            state = { (guardian.violation, guardian.sawContent) }
        }
        while true {
            let n = read(buffer, next())
            outcome.reads.append(n)
            if n <= 0 { break }
        }
        (outcome.violation, outcome.sawContent) = state()
        return outcome
    }

    static func expectSame(_ text: [UInt8], limits: XMLLimits, chunks: [Int],
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let new = run(text, limits: limits, chunks: chunks, reference: false)
        let old = run(text, limits: limits, chunks: chunks, reference: true)
        #expect(new == old, "\(String(decoding: text, as: UTF8.self)) chunks \(chunks)", sourceLocation: sourceLocation)
    }

    static let pieces: [String] = [
        "<", ">", "=", "\"", "'", "<!DOCTYPE", "<!doctype", "<!DOC", "TYPE", "<!--", "-->", "<?", "?>", "<!",
        "<![CDATA[", "]]>", "a", "bb", " ", "\n", "\t", "é", "<a", "</a>", "<x y=\"1\" z='2'>", "/>", "!", "?",
        "<lom>", " k=\"v>w=x'\"", " k='q=\"r'", "<!DOCTYPE lom [<!ENTITY a \"b\">]>", String(repeating: "v", count: 40),
    ]

    @Test func sameAsBeforeOnFuzzedMarkup() {
        var random = SplitMix64(seed: 0x1A2B_3C4D)
        for _ in 0 ..< 6_000 {
            let text = (0 ..< Int.random(in: 0 ... 30, using: &random))
                .map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            var limits = XMLLimits()
            if Bool.random(using: &random) { limits.maxStartTagBytes = Int.random(in: 0 ... 60, using: &random) }
            if Bool.random(using: &random) { limits.maxAttributesPerElement = Int.random(in: 0 ... 4, using: &random) }
            let chunks = Bool.random(using: &random) ? [4096]
                : (0 ..< 5).map { _ in Int.random(in: 1 ... 13, using: &random) }
            Self.expectSame(Array(text.utf8), limits: limits, chunks: chunks)
        }
    }

    /// Each edge split at every byte: the first read ends there.
    @Test(arguments: [
        "<!DOCTYPE lom>", " \n<!doctype x>", "<?xml version=\"1.0\"?>\n<!DocType x>", "<!-- c --><!DOCTYPE x>",
        "<lom/><!DOCTYPE x>", "<a b='x>y=z' c=\"p'q>\">t</a>", "<a b=\"1\" c=\"2\" d=\"3\">", "<abc def>",
        "<![CDATA[<!DOCTYPE x>]]>", "<!ENTITY x><!DOCTYPE", "<>x</>",
    ])
    func sameAsBeforeWhereverAReadEnds(text: String) {
        let bytes = Array(text.utf8)
        for split in 1 ... bytes.count {
            for (maxTag, maxAttributes) in [(64 << 10, 512), (6, 512), (64 << 10, 1), (8, 2), (1, 0)] {
                var limits = XMLLimits()
                limits.maxStartTagBytes = maxTag
                limits.maxAttributesPerElement = maxAttributes
                Self.expectSame(bytes, limits: limits, chunks: [split, 4096])
                Self.expectSame(bytes, limits: limits, chunks: [split, 1])
            }
        }
    }

    @Test func refusalsAreTheDocumentedOnes() {
        let doctype = Self.run(Array("<?xml version=\"1.0\"?><!doctype x>".utf8), limits: XMLLimits(), chunks: [3], reference: false)
        #expect(doctype.violation == SecureXMLReader.doctypeRefused)
        #expect(doctype.reads.last == -1)
        var limits = XMLLimits()
        limits.maxAttributesPerElement = 1
        let attributes = Self.run(Array("<a b='=' c=\"=\">".utf8), limits: limits, chunks: [5], reference: false)
        #expect(attributes.violation == "élément avec plus de 1 attributs")
        limits = XMLLimits()
        limits.maxStartTagBytes = 10
        // Ten bytes before ">": accepted; the ">" in a quoted value does not end the tag.
        #expect(Self.run(Array("<abcdefghi>x".utf8), limits: limits, chunks: [4], reference: false).violation == nil)
        #expect(Self.run(Array("<a b='>>>>>'>".utf8), limits: limits, chunks: [4], reference: false).violation
                    == "balise ouvrante de plus de 10 octets")
        // A "<!DOCTYPE" after the first tag is not a declaration.
        #expect(Self.run(Array("<a><!DOCTYPE x></a>".utf8), limits: XMLLimits(), chunks: [2], reference: false).violation == nil)
    }
}

/// The guard as it was before its scan kept its state in locals: the reference the tests compare to.
final class ReferenceInputGuard {
    let file: UnsafeMutablePointer<FILE>
    let limits: XMLLimits
    var bytesRead = 0
    /// Offset where the record being expanded started, or nil outside records.
    var recordStart: Int?
    var violation: String?
    /// Whether any byte other than XML whitespace was read (an all-blank file is "empty").
    var sawContent = false
    /// Before the first tag: the only place a DOCTYPE can be (later, "<!DOCTYPE" is CDATA or a comment).
    private var inProlog = true

    private enum ScanState { case text, tagStart, tag, quoted(UInt8), declaration(Int), other }
    private static let doctype = Array("DOCTYPE".utf8)
    private var state = ScanState.text
    private var tagLength = 0
    private var attributes = 0

    init(file: UnsafeMutablePointer<FILE>, limits: XMLLimits) {
        self.file = file
        self.limits = limits
    }

    deinit { fclose(file) }

    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
        if violation != nil { return -1 }
        let n = fread(buffer, 1, count, file)
        if n == 0 { return ferror(file) != 0 ? -1 : 0 }
        bytesRead += n
        if bytesRead > limits.maxFileBytes {
            violation = "fichier trop volumineux (plus de \(limits.maxFileBytes) octets)"
            return -1
        }
        if let start = recordStart, bytesRead - start > limits.maxRecordBytes + 65536 {
            violation = "notice trop volumineuse (plus de \(limits.maxRecordBytes) octets)"
            return -1
        }
        let bytes = UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        if !sawContent {
            sawContent = UnsafeBufferPointer(start: bytes, count: n).contains { !Self.isBlank($0) }
        }
        var index = 0
        scanning: while index < n {
            // Most bytes cannot change the state: jump over them to the next one that can, and
            // let `scan` handle that one. Skipped bytes of a start tag still count in its length.
            switch state {
            case .text:
                // Text is most of a file: jump to the next "<".
                guard let next = memchr(bytes + index, Int32(UInt8(ascii: "<")), n - index) else { break scanning }
                index = UnsafeRawPointer(next) - UnsafeRawPointer(bytes)
            case .other:
                // Inside a comment, processing instruction or CDATA opener: only ">" matters
                // (the tag length is not counted there).
                guard let next = memchr(bytes + index, Int32(UInt8(ascii: ">")), n - index) else { break scanning }
                index = UnsafeRawPointer(next) - UnsafeRawPointer(bytes)
            case .quoted(let quote):
                let end = memchr(bytes + index, Int32(quote), n - index)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes) } ?? n
                if !lengthen(by: end - index) { return -1 }
                index = end
                if index == n { break scanning }
            case .tag:
                var end = index
                while end < n {
                    let byte = bytes[end]
                    if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
                        || byte == UInt8(ascii: "=") { break }
                    end += 1
                }
                if !lengthen(by: end - index) { return -1 }
                index = end
                if index == n { break scanning }
            case .tagStart, .declaration:
                break
            }
            if !scan(bytes[index]) { return -1 }
            index += 1
        }
        return Int32(n)
    }

    /// `count` bytes of a start tag that leave the state as it is: what `scan` would have done
    /// for each, at once (the tag stays open, so only its length can refuse it).
    private func lengthen(by count: Int) -> Bool {
        tagLength += count
        if tagLength > limits.maxStartTagBytes {
            violation = "balise ouvrante de plus de \(limits.maxStartTagBytes) octets"
            return false
        }
        return true
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func scan(_ byte: UInt8) -> Bool {
        switch state {
        case .text:
            if byte == UInt8(ascii: "<") { state = .tagStart; tagLength = 1; attributes = 0 }
        case .tagStart:
            state = byte == UInt8(ascii: "!") ? (inProlog ? .declaration(0) : .other) : byte == UInt8(ascii: "?") ? .other : .tag
            if case .tag = state { inProlog = false }
            tagLength += 1
        case .declaration(let matched):
            // "<!DOCTYPE" is refused before libxml2 parses the DTD (and expands entities in it).
            if byte & 0xDF == Self.doctype[matched] {
                if matched + 1 == Self.doctype.count {
                    violation = SecureXMLReader.doctypeRefused
                    return false
                }
                state = .declaration(matched + 1)
            } else {
                state = byte == UInt8(ascii: ">") ? .text : .other
            }
        case .other:
            if byte == UInt8(ascii: ">") { state = .text }
        case .tag:
            tagLength += 1
            switch byte {
            case UInt8(ascii: ">"): state = .text
            case UInt8(ascii: "\""), UInt8(ascii: "'"): state = .quoted(byte)
            case UInt8(ascii: "="):
                attributes += 1
                if attributes > limits.maxAttributesPerElement {
                    violation = "élément avec plus de \(limits.maxAttributesPerElement) attributs"
                    return false
                }
            default: break
            }
        case .quoted(let quote):
            tagLength += 1
            if byte == quote { state = .tag }
        }
        if tagLength > limits.maxStartTagBytes, case .text = state {} else if tagLength > limits.maxStartTagBytes {
            violation = "balise ouvrante de plus de \(limits.maxStartTagBytes) octets"
            return false
        }
        return true
    }
}


/// Finding bytes a word at a time finds the first one, as a byte loop does, at every offset and
/// length (the last bytes of a buffer are read as a shorter word).
@Suite struct WordScanTests {
    @Test func firstByteIsTheFirstMatch() {
        var random = SplitMix64(seed: 0x0DD_BA11)
        let alphabet: [UInt8] = [0x3C, 0x3E, 0x26, 0x0D, 0x22, 0x27, 0x3D, 0x00, 0x01, 0x3B, 0x3D, 0x61, 0x80, 0xBC, 0xFF]
        for _ in 0 ..< 3_000 {
            let bytes = (0 ..< Int.random(in: 0 ... 40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let wanted = [UInt8(0x3C), 0x3E, 0x26, 0x0D].randomElement(using: &random)!
            bytes.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                for start in 0 ... bytes.count {
                    let found = WordScan.firstByte(in: base, from: start, to: bytes.count) {
                        WordScan.lanes(of: $0, equalTo: wanted)
                    }
                    #expect(found == (bytes[start...].firstIndex(of: wanted) ?? bytes.count), "\(bytes) from \(start)")
                }
            }
        }
    }
}
