internal import CLibXML2
import Foundation
import RelaisCore

/// An element met outside records, offered to the scanner's client. Valid only during the call
/// that receives it (its attributes point into libxml2's buffers).
struct ScannedStartTag {
    let name: String
    let namespace: String?
    let line: Int
    fileprivate let attributeCount: Int
    fileprivate let attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    /// An attribute's value by local name (the last one of that name).
    func attribute(_ wanted: String) -> String? {
        guard let attributes else { return nil }
        var found: String?
        for index in 0 ..< attributeCount {
            let base = index * 5
            guard let name = attributes[base], String(cString: name) == wanted,
                  let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
            found = XMLRecordScanner.attributeValue(start, end)
        }
        return found
    }
}

/// What to do with an element met outside records.
enum ScanDecision {
    /// Not a record: look inside it.
    case descend
    /// A record: build it whole, with its serialization when `serialize`, and hand it over at its end tag.
    case capture(serialize: Bool)
}

/// One captured element.
struct CapturedElement {
    var element: XElement
    /// As `xmlNodeDump` writes the element on its own (namespaces declared by ancestors added to
    /// its start tag): the record "as read", kept for export and hashed to detect changes.
    var original: [UInt8]
    /// A text field over `XMLLimits.maxFieldBytes`: the record is refused, the file goes on.
    var fieldViolation: String?
}

/// Streams an XML file through libxml2's SAX2 parser: no tree is built, records are built
/// straight into a flat `XTree` and their serialization written as the events arrive, so a record
/// costs one pass. Same security settings as `SecureXMLReader`: the bytes flow through
/// `InputGuard`, no network, no entity substitution, no DTD, DOCTYPE and XInclude refused,
/// depth and size caps. Memory stays flat: only the record being built is held.
final class XMLRecordScanner {
    let limits: XMLLimits
    private let input: InputGuard
    private let errors = ErrorCollector()
    private var context: xmlParserCtxtPtr?

    // Unchecked exclusivity: these are touched on every SAX event, only from the parsing
    // thread, never overlapping; the dynamic checks cost more than the work itself.
    @exclusivity(unchecked) private var onElement: ((ScannedStartTag) throws -> ScanDecision)?
    @exclusivity(unchecked) private var onRecord: ((CapturedElement) throws -> Void)?
    /// The first error a callback threw: it stops the parser and is rethrown by `scan`.
    @exclusivity(unchecked) private var thrown: (any Error)?
    /// `thrown != nil`, read on every event without copying the error out.
    @exclusivity(unchecked) private var stopped = false

    /// Depth of the next element (0 for the root).
    @exclusivity(unchecked) private var depth = 0
    /// Namespace declarations in scope, innermost last; each has an id so that a record can
    /// tell the ones its ancestors made (ids below `capture.firstDeclaration`).
    @exclusivity(unchecked) private var declarations: [(prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?, id: Int)] = []
    @exclusivity(unchecked) private var declarationCounts: [Int] = []
    @exclusivity(unchecked) private var nextDeclarationID = 0
    /// Whether the document declared no encoding: then `xmlNodeDump` writes non-ASCII
    /// attribute characters as character references (it reads `doc->encoding`).
    @exclusivity(unchecked) private var documentEncodingIsNull = true

    /// The record being built, in memory of its own: mutated in place on every event (as an
    /// optional stored property it was copied out and back, a retain and release of each of its
    /// fields per event).
    private let capture = UnsafeMutablePointer<Capture>.allocate(capacity: 1)
    @exclusivity(unchecked) private var capturing = false
    /// The record's serialization and its elements' text, reused from record to record.
    private let out = ByteBuffer(capacity: 16 << 10)
    private let text = ByteBuffer(capacity: 4 << 10)
    private let frames = HandleArray<Capture.Frame>(capacity: 16)
    /// The buffers records' trees are built in, reused from record to record.
    private let treeStorage = XTreeBuilder.Storage()

    deinit {
        if capturing { capture.deinitialize(count: 1) }
        capture.deallocate()
        pointerCache.free()
        out.free()
        text.free()
        frames.free()
    }

    init(path: String, limits: XMLLimits = XMLLimits()) throws {
        _ = SecureXMLReader.libxmlReady
        guard let file = fopen(path, "rb") else {
            throw FileRejection(reason: "fichier illisible: \(String(cString: strerror(errno)))")
        }
        self.limits = limits
        self.input = InputGuard(file: file, limits: limits)
    }

    /// Reads the whole file. `onElement` is asked about every element outside records;
    /// `onRecord` receives each captured element at its end tag. Either may throw to stop.
    func scan(onElement: @escaping (ScannedStartTag) throws -> ScanDecision,
              onRecord: @escaping (CapturedElement) throws -> Void) throws {
        self.onElement = onElement
        self.onRecord = onRecord
        defer { self.onElement = nil; self.onRecord = nil }
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startDocument = { user in XMLRecordScanner.this(user).startDocument() }
        handler.startElementNs = { user, localName, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            XMLRecordScanner.with(user) { $0.startElement(localName, prefix, uri, Int(namespaceCount), namespaces, Int(attributeCount), attributes) }
        }
        handler.endElementNs = { user, _, _, _ in XMLRecordScanner.with(user) { $0.endElement() } }
        handler.characters = { user, bytes, length in XMLRecordScanner.with(user) { $0.characters(bytes, Int(length)) } }
        handler.ignorableWhitespace = handler.characters
        handler.comment = { user, text in XMLRecordScanner.this(user).comment(text) }
        handler.processingInstruction = { user, target, data in XMLRecordScanner.this(user).processingInstruction(target, data) }
        handler.internalSubset = { user, _, _, _ in
            XMLRecordScanner.this(user).fail(FileRejection(reason: SecureXMLReader.doctypeRefused))
        }
        handler.serror = { user, error in
            guard let user, let error else { return }
            XMLRecordScanner.this(user).errors.note(error)
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        // Push parsing, as xmlTextReader does it (the first 4 bytes to detect the encoding, then
        // the rest): libxml2's push and pull parsers differ in small ways (the push parser keeps
        // a CR of CDATA, for one), and records must read as they always have. Reads and chunks
        // of 4 kB (the reader pushes 512 bytes at a time: 3 % more CPU, same events): InputGuard
        // checks a record's size at each read.
        let chunkSize = 4096
        let readSize = 4096
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: readSize)
        defer { buffer.deallocate() }
        var head = 0
        while head < 4 {
            let n = Int(input.read(into: buffer + head, count: 4 - head))
            if n <= 0 { break }
            head += n
        }
        guard let context = withUnsafeMutablePointer(to: &handler, {
            xmlCreatePushParserCtxt($0, me, buffer, Int32(head), nil)
        }) else {
            throw FileRejection(reason: "libxml2 n'a pas pu créer l'analyseur")
        }
        self.context = context
        defer {
            // The kept namespace points into the parser's dictionary, freed with it.
            lastNamespace = nil
            xmlFreeParserCtxt(context)
            self.context = nil
        }
        _ = xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
                                                | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue))
        var rc: Int32 = 0
        withExtendedLifetime(self) {
            var pending = 0
            var offset = 0
            while !stopped {
                if offset == pending {
                    let n = Int(input.read(into: buffer, count: readSize))
                    if n < 0 { rc = -1; break }
                    if n == 0 { rc = xmlParseChunk(context, nil, 0, 1); break }
                    pending = n
                    offset = 0
                }
                let count = min(chunkSize, pending - offset)
                rc = xmlParseChunk(context, buffer + offset, Int32(count), 0)
                offset += count
                if rc != 0 || context.pointee.disableSAX != 0 { break }
            }
        }
        if let thrown { throw thrown }
        if rc != 0 || context.pointee.wellFormed == 0 || errors.message != nil {
            throw SecureXMLReader.failure(input: input, errors: errors, limits: limits,
                                          currentLine: Int(context.pointee.input?.pointee.line ?? 0))
        }
    }

    private static func this(_ user: UnsafeMutableRawPointer?) -> XMLRecordScanner {
        Unmanaged<XMLRecordScanner>.fromOpaque(user!).takeUnretainedValue()
    }

    /// For the events of every element: `scan` keeps the scanner alive while libxml2 calls
    /// back, so the call needs no retain and release of it each time.
    @inline(__always)
    private static func with(_ user: UnsafeMutableRawPointer?, _ body: (XMLRecordScanner) -> Void) {
        Unmanaged<XMLRecordScanner>.fromOpaque(user!)._withUnsafeGuaranteedRef(body)
    }

    private func fail(_ error: any Error) {
        if thrown == nil { thrown = error }
        stopped = true
        if let context { xmlStopParser(context) }
    }

    private var currentLine: Int { Int(context?.pointee.input?.pointee.line ?? 0) }

    // MARK: Events

    private func startDocument() {
        // What xmlSAX2StartDocument copies into doc->encoding.
        documentEncodingIsNull = context?.pointee.encoding == nil
    }

    private func startElement(_ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                              _ uri: UnsafePointer<xmlChar>?, _ namespaceCount: Int,
                              _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                              _ attributeCount: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !stopped else { return }
        if !capturing && nameTable.count > 8192 {
            // Here no index of the old table is held: a record's tree needs all of its own.
            names.removeAll(keepingCapacity: true)
            pointerCache.removeAll()
            nameTable = XNames()
            lastNamespace = nil
        }
        let line = currentLine
        let (namespace, isXInclude) = uri.map(namespaceURI) ?? (-1, false)
        if depth >= limits.maxDepth {
            return fail(FileRejection(line: line, reason: "imbrication trop profonde (plus de \(limits.maxDepth) niveaux)"))
        }
        if isXInclude {
            return fail(FileRejection(line: line, reason: "XInclude refusé : un fichier ne peut pas inclure d'autres documents"))
        }
        depth += 1
        for index in 0 ..< namespaceCount {
            declarations.append((namespaces?[2 * index], namespaces?[2 * index + 1], nextDeclarationID))
            nextDeclarationID += 1
        }
        declarationCounts.append(namespaceCount)

        if capturing {
            capture.pointee.open(self, localName, prefix, namespace, line, namespaceCount, namespaces, attributeCount, attributes)
            return
        }
        let tag = ScannedStartTag(name: internedName(localName), namespace: namespace < 0 ? nil : nameTable.names[Int(namespace)], line: line,
                                  attributeCount: attributeCount, attributes: attributes)
        do {
            guard case .capture(let serialize) = try onElement!(tag) else { return }
            input.recordStart = input.bytesRead
            out.removeAll()
            text.removeAll()
            capture.initialize(to: Capture(serialize: serialize, firstDeclaration: nextDeclarationID - namespaceCount,
                                           documentEncodingIsNull: documentEncodingIsNull, limits: limits, out: out,
                                           text: text, frames: frames, tree: XTreeBuilder(names: nameTable, reusing: treeStorage)))
            capturing = true
            capture.pointee.open(self, localName, prefix, namespace, line, namespaceCount, namespaces, attributeCount, attributes)
        } catch {
            fail(error)
        }
    }

    private func endElement() {
        guard !stopped else { return }
        depth -= 1
        let count = declarationCounts.removeLast()
        if capturing, let finished = capture.pointee.close() {
            capture.deinitialize(count: 1)
            capturing = false
            input.recordStart = nil
            do { try onRecord!(finished) } catch { fail(error) }
        }
        declarations.removeLast(count)
    }

    private func characters(_ bytes: UnsafePointer<xmlChar>?, _ length: Int) {
        guard !stopped, capturing, let bytes, length > 0 else { return }
        capture.pointee.text(bytes, length)
    }

    private func comment(_ text: UnsafePointer<xmlChar>?) {
        guard !stopped, capturing else { return }
        capture.pointee.markup(open: "<!--", text.map { [$0] } ?? [], close: "-->")
    }

    private func processingInstruction(_ target: UnsafePointer<xmlChar>?, _ data: UnsafePointer<xmlChar>?) {
        guard !stopped, capturing, let target else { return }
        capture.pointee.processingInstruction(target, data)
    }

    // MARK: Names

    /// Names come from libxml2's dictionary: one pointer per distinct name for the parser's
    /// life, so each becomes a Swift string once. The cached bytes are compared too, so a
    /// reused address never returns a stale name.
    @exclusivity(unchecked) private var names: [UnsafeRawPointer: (id: Int32, bytes: [CChar])] = [:]
    /// In front of `names`, which hashing made a sizeable part of every element's cost; it
    /// holds only what `names` holds, so ids are the same as without it.
    private let pointerCache = NamePointerCache()
    /// The names' strings, which records' trees index. Replaced, not emptied, when it grows
    /// large: trees already made keep theirs.
    @exclusivity(unchecked) private var nameTable = XNames()

    fileprivate func internedName(_ pointer: UnsafePointer<xmlChar>?) -> String {
        // The index first: finding it may add to the table, or replace it.
        let id = internedNameID(pointer)
        return nameTable.names[Int(id)]
    }

    fileprivate func internedNameID(_ pointer: UnsafePointer<xmlChar>?) -> Int32 {
        guard let pointer else { return nameTable.id("") }
        let raw = UnsafeRawPointer(pointer)
        if let id = pointerCache.id(for: raw) { return id }
        if let cached = names[raw], strcmp(cached.bytes, raw.assumingMemoryBound(to: CChar.self)) == 0 {
            pointerCache.remember(raw, id: cached.id)
            return cached.id
        }
        let name = String(cString: pointer)
        // A file can hold any number of distinct names: the cache starts over past a bound
        // (the table too, but only before an element outside records: see `startElement`).
        if names.count >= 4096 {
            names.removeAll(keepingCapacity: true)
            pointerCache.removeAll()
        }
        let id = nameTable.append(name)
        names[raw] = (id, Array(name.utf8CString))
        pointerCache.remember(raw, id: id)
        return id
    }

    /// Most elements are in their parent's namespace: the last URI is kept with its XInclude
    /// verdict, so the same one costs a comparison.
    @exclusivity(unchecked) private var lastNamespace: (pointer: UnsafePointer<xmlChar>, id: Int32, isXInclude: Bool)?

    /// The namespace's index in `nameTable`, and whether it is XInclude's.
    private func namespaceURI(_ pointer: UnsafePointer<xmlChar>) -> (Int32, Bool) {
        if let last = lastNamespace, last.pointer == pointer || strcmp(UnsafeRawPointer(last.pointer).assumingMemoryBound(to: CChar.self),
                                                                       UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)) == 0 {
            return (last.id, last.isXInclude)
        }
        let id = internedNameID(pointer)
        let name = nameTable.names[Int(id)]
        let isXInclude = name.hasPrefix("http://www.w3.org/200") && name.hasSuffix("/XInclude")
        lastNamespace = (pointer, id, isXInclude)
        return (id, isXInclude)
    }

    /// The declaration an element or attribute with this prefix refers to (the innermost).
    fileprivate func declaration(for prefix: UnsafePointer<xmlChar>?) -> (prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?, id: Int)? {
        for entry in declarations.reversed() where Self.samePrefix(entry.prefix, prefix) { return entry }
        return nil
    }

    static func samePrefix(_ a: UnsafePointer<xmlChar>?, _ b: UnsafePointer<xmlChar>?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return a == b || strcmp(UnsafeRawPointer(a).assumingMemoryBound(to: CChar.self),
                                                   UnsafeRawPointer(b).assumingMemoryBound(to: CChar.self)) == 0
        default: return false
        }
    }

    /// An attribute value as SAX2 hands it over: when it held a reference, libxml2 copied it
    /// and left "&#38;" for each "&" (xmlStringLenGetNodeList decodes it when building a tree).
    static func attributeValue(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> String {
        let bytes = UnsafeBufferPointer(start: start, count: end - start)
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: decodeReferences(bytes), as: UTF8.self)
    }

    /// Character references and the five predefined entities, decoded.
    static func decodeReferences(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&"), let semicolon = bytes[index...].firstIndex(of: UInt8(ascii: ";")) else {
                out.append(byte)
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1) ..< semicolon], as: UTF8.self)
            var scalar: Unicode.Scalar?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
            } else {
                scalar = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"][name]
            }
            if let scalar {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                index = semicolon + 1
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}

/// Name ids by pointer, one slot per pointer (slots chosen by a multiplicative hash of its
/// bits): a hit costs a multiplication, a load and a `strcmp` against the bytes remembered with
/// the pointer, so a reused address never returns a stale id. A colliding pointer takes the
/// slot; the one it evicts is found again in its owner's dictionary.
struct NamePointerCache {
    private struct Entry {
        var pointer: UnsafeRawPointer?
        var id: Int32
        var bytes: UnsafeMutablePointer<CChar>?
    }
    private static let slotBits = 10
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: 1 << Self.slotBits)
        entries.initialize(repeating: Entry(pointer: nil, id: 0, bytes: nil), count: 1 << Self.slotBits)
    }

    func free() {
        removeAll()
        entries.deallocate()
    }

    @inline(__always) private func entry(_ pointer: UnsafeRawPointer) -> UnsafeMutablePointer<Entry> {
        entries + Int(truncatingIfNeeded: (UInt64(UInt(bitPattern: pointer)) &* 0x9E37_79B9_7F4A_7C15) >> (64 - UInt64(Self.slotBits)))
    }

    /// The id remembered for this pointer, when the bytes it points to are still the same.
    @inline(__always) func id(for pointer: UnsafeRawPointer) -> Int32? {
        let slot = entry(pointer)
        guard slot.pointee.pointer == pointer, let bytes = slot.pointee.bytes,
              strcmp(bytes, pointer.assumingMemoryBound(to: CChar.self)) == 0 else { return nil }
        return slot.pointee.id
    }

    func remember(_ pointer: UnsafeRawPointer, id: Int32) {
        let slot = entry(pointer)
        Foundation.free(slot.pointee.bytes)
        slot.pointee = Entry(pointer: pointer, id: id, bytes: strdup(pointer.assumingMemoryBound(to: CChar.self)))
    }

    func removeAll() {
        for index in 0 ..< 1 << Self.slotBits where entries[index].pointer != nil {
            Foundation.free(entries[index].bytes)
            entries[index] = Entry(pointer: nil, id: 0, bytes: nil)
        }
    }
}

/// One record being built: a stack of open elements over one text buffer, and the bytes of its
/// serialization.
private struct Capture {
    struct Frame {
        /// Where this element's own text starts in `text` (children truncate theirs at their end).
        var textStart: Int
        var qualifiedName: (prefix: UnsafePointer<xmlChar>?, local: UnsafePointer<xmlChar>?)
        /// Whether ">" was written: an element that gets no content is written "<x/>".
        var startTagClosed = false
    }

    let serialize: Bool
    let firstDeclaration: Int
    let documentEncodingIsNull: Bool
    let maxFieldBytes: Int
    /// Open elements, innermost last: a handle like `out` (as an Array, marking the innermost
    /// start tag closed on each text event checked the array's uniqueness).
    let frames: HandleArray<Frame>
    var tree: XTreeBuilder
    // Handles on memory the scanner owns: copying or using them counts no reference.
    let text: ByteBuffer
    let out: ByteBuffer
    /// Where the root's start tag takes the declarations of namespaces its ancestors made.
    var rootDeclarationsAt = 0
    var rootDeclared: [UnsafePointer<xmlChar>?] = []
    /// Ancestors' declarations the record uses, in the order first used (what xmlNodeDump's
    /// caller adds with xmlNewNs), by id.
    var needed: [(prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?, id: Int)] = []
    /// The current run of text (one text node in a tree) and its length.
    var runLength = 0
    var fieldViolation: String?

    init(serialize: Bool, firstDeclaration: Int, documentEncodingIsNull: Bool, limits: XMLLimits,
         out: ByteBuffer, text: ByteBuffer, frames: HandleArray<Frame>, tree: XTreeBuilder) {
        self.serialize = serialize
        self.firstDeclaration = firstDeclaration
        self.documentEncodingIsNull = documentEncodingIsNull
        self.maxFieldBytes = limits.maxFieldBytes
        self.out = out
        self.text = text
        self.tree = tree
        frames.removeAll()
        self.frames = frames
    }

    private var writing: Bool { serialize && fieldViolation == nil }

    mutating func open(_ scanner: XMLRecordScanner, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                       _ namespace: Int32, _ line: Int, _ namespaceCount: Int,
                       _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                       _ attributeCount: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        endRun()
        closeStartTag()
        let nameID = scanner.internedNameID(localName)
        tree.open(nameID: nameID, namespaceID: namespace, line: line)
        if attributeCount > 0, let attributes {
            for index in 0 ..< attributeCount {
                let base = index * 5
                guard let start = attributes[base + 3], let end = attributes[base + 4] else { continue }
                tree.attribute(scanner.internedName(attributes[base]), XMLRecordScanner.attributeValue(start, end))
            }
        }
        let isRoot = frames.count == 0
        if writing {
            out.append(UInt8(ascii: "<"))
            writeQualified(prefix, localName)
            for index in 0 ..< namespaceCount {
                let declaredPrefix = namespaces?[2 * index]
                if isRoot { rootDeclared.append(declaredPrefix) }
                writeDeclaration(declaredPrefix, namespaces?[2 * index + 1])
            }
            if isRoot { rootDeclarationsAt = out.count }
        }
        if serialize {
            if namespace >= 0 { use(scanner.declaration(for: prefix)) }
        }
        for index in 0 ..< attributeCount {
            guard let attributes else { break }
            let base = index * 5
            let attributePrefix = attributes[base + 1]
            if serialize, let attributePrefix, !Self.isXMLPrefix(attributePrefix) {
                use(scanner.declaration(for: attributePrefix))
            }
            if writing, let start = attributes[base + 3], let end = attributes[base + 4] {
                out.append(UInt8(ascii: " "))
                writeQualified(attributePrefix, attributes[base])
                out.append("=\"")
                writeAttributeValue(start, end)
                out.append(UInt8(ascii: "\""))
            }
        }
        frames.append(Frame(textStart: text.count, qualifiedName: (prefix, localName)))
    }

    /// Ends the current element; returns the record when it was the root.
    mutating func close() -> CapturedElement? {
        endRun()
        let frame = frames.removeLast()
        if writing {
            if frame.startTagClosed {
                out.append("</")
                writeQualified(frame.qualifiedName.prefix, frame.qualifiedName.local)
                out.append(UInt8(ascii: ">"))
            } else {
                out.append("/>")
            }
        }
        if text.count > frame.textStart, !Self.isXMLWhitespace(text.base + frame.textStart, text.count - frame.textStart) {
            tree.close(text: UnsafeBufferPointer(start: text.base + frame.textStart, count: text.count - frame.textStart))
        } else {
            // Only the indentation around children (or nothing): every reader of `ownText` takes
            // blank text as no text (trimmed, collapsed, or filtered out), and most elements of a
            // pretty-printed record are like this, so none is kept.
            tree.close(text: nil)
        }
        text.truncate(to: frame.textStart)
        if frames.count > 0 { return nil }
        let element = tree.finish()
        var original: [UInt8] = []
        if writing {
            let declarations = ByteBuffer(capacity: 128)
            defer { declarations.free() }
            for entry in needed where !rootDeclared.contains(where: { XMLRecordScanner.samePrefix($0, entry.prefix) }) {
                Self.appendDeclaration(entry.prefix, entry.href, to: declarations)
            }
            out.insert(declarations, at: rootDeclarationsAt)
            original = Array(UnsafeBufferPointer(start: out.base, count: out.count))
        }
        return CapturedElement(element: element, original: original, fieldViolation: fieldViolation)
    }

    mutating func text(_ bytes: UnsafePointer<xmlChar>, _ length: Int) {
        closeStartTag()
        runLength += length
        if runLength > maxFieldBytes { return }
        text.append(bytes, length)
        if writing { writeEscapedText(bytes, length) }
    }

    mutating func markup(open: StaticString, _ content: [UnsafePointer<xmlChar>], close: StaticString) {
        endRun()
        closeStartTag()
        guard writing else { return }
        out.append(open)
        for piece in content { appendCString(piece) }
        out.append(close)
    }

    mutating func processingInstruction(_ target: UnsafePointer<xmlChar>, _ data: UnsafePointer<xmlChar>?) {
        endRun()
        closeStartTag()
        guard writing else { return }
        out.append("<?")
        appendCString(target)
        if let data {
            out.append(UInt8(ascii: " "))
            appendCString(data)
        }
        out.append("?>")
    }

    // MARK: Serialization, as libxml2 2.9's xmlNodeDump writes it

    private mutating func endRun() {
        if runLength > maxFieldBytes, frames.count > 0 {
            let frame = frames.base[frames.count - 1]
            // The last oversized field is the one reported, as the tree walk did.
            let name = frame.qualifiedName.local.map { String(cString: $0) } ?? ""
            fieldViolation = "champ <\(name)> de \(runLength) octets (maximum \(maxFieldBytes))"
            out.removeAll()
        }
        runLength = 0
    }

    private mutating func closeStartTag() {
        guard frames.count > 0, !frames.base[frames.count - 1].startTagClosed else { return }
        frames.base[frames.count - 1].startTagClosed = true
        if writing { out.append(UInt8(ascii: ">")) }
    }

    private mutating func use(_ declaration: (prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?, id: Int)?) {
        guard let declaration, declaration.id < firstDeclaration,
              !needed.contains(where: { $0.id == declaration.id }) else { return }
        needed.append(declaration)
    }

    private static func isXMLWhitespace(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for index in 0 ..< count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x09, 0x0D: continue
            default: return false
            }
        }
        return true
    }

    private static func isXMLPrefix(_ prefix: UnsafePointer<xmlChar>?) -> Bool {
        guard let prefix else { return false }
        return strcmp(UnsafeRawPointer(prefix).assumingMemoryBound(to: CChar.self), "xml") == 0
    }

    private mutating func appendCString(_ pointer: UnsafePointer<xmlChar>) {
        out.append(pointer, strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
    }

    private mutating func writeQualified(_ prefix: UnsafePointer<xmlChar>?, _ local: UnsafePointer<xmlChar>?) {
        if let prefix {
            appendCString(prefix)
            out.append(UInt8(ascii: ":"))
        }
        if let local { appendCString(local) }
    }

    private mutating func writeDeclaration(_ prefix: UnsafePointer<xmlChar>?, _ href: UnsafePointer<xmlChar>?) {
        Self.appendDeclaration(prefix, href, to: out)
    }

    /// ` xmlns:p="href"` (xmlNsDumpOutput; the "xml" prefix is never declared).
    private static func appendDeclaration(_ prefix: UnsafePointer<xmlChar>?, _ href: UnsafePointer<xmlChar>?,
                                          to out: ByteBuffer) {
        guard let href else { return }
        if isXMLPrefix(prefix) { return }
        out.append(" xmlns")
        if let prefix {
            out.append(UInt8(ascii: ":"))
            out.append(prefix, strlen(UnsafeRawPointer(prefix).assumingMemoryBound(to: CChar.self)))
        }
        out.append(UInt8(ascii: "="))
        // xmlBufWriteQuotedString: double quotes, or single ones when the value holds a double
        // quote, or double quotes with &quot; when it holds both.
        let value = UnsafeBufferPointer(start: href, count: strlen(UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self)))
        if value.contains(UInt8(ascii: "\"")) {
            if value.contains(UInt8(ascii: "'")) {
                out.append(UInt8(ascii: "\""))
                for byte in value {
                    if byte == UInt8(ascii: "\"") { out.append("&quot;") } else { out.append(byte) }
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(UInt8(ascii: "'"))
                out.append(value.baseAddress!, value.count)
                out.append(UInt8(ascii: "'"))
            }
        } else {
            out.append(UInt8(ascii: "\""))
            out.append(value.baseAddress!, value.count)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Text content: xmlEscapeContent ("<", ">", "&" and CR escaped; the rest as it is).
    private mutating func writeEscapedText(_ bytes: UnsafePointer<xmlChar>, _ length: Int) {
        var runStart = 0
        while true {
            let index = WordScan.firstByte(in: bytes, from: runStart, to: length, Self.isEscapedInText)
            if index == length { break }
            let replacement: StaticString
            switch bytes[index] {
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "&"): replacement = "&amp;"
            default: replacement = "&#13;"
            }
            out.append(bytes + runStart, index - runStart)
            out.append(replacement)
            runStart = index + 1
        }
        out.append(bytes + runStart, length - runStart)
    }

    @inline(__always) private static func isEscapedInText(_ word: UInt64) -> UInt64 {
        WordScan.lanes(of: word, equalTo: UInt8(ascii: "<")) | WordScan.lanes(of: word, equalTo: UInt8(ascii: ">"))
            | WordScan.lanes(of: word, equalTo: UInt8(ascii: "&")) | WordScan.lanes(of: word, equalTo: 0x0D)
    }

    /// Attribute values: xmlBufAttrSerializeTxtContent (markup characters, quotes, tab and line
    /// breaks escaped; non-ASCII characters as references when the document declared no encoding).
    private mutating func writeAttributeValue(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) {
        let raw = UnsafeBufferPointer(start: start, count: end - start)
        let decoded: [UInt8]? = raw.contains(UInt8(ascii: "&")) ? XMLRecordScanner.decodeReferences(raw) : nil
        func write(_ value: UnsafeBufferPointer<UInt8>) {
            var index = 0
            while index < value.count {
                let byte = value[index]
                switch byte {
                case UInt8(ascii: "<"): out.append("&lt;")
                case UInt8(ascii: ">"): out.append("&gt;")
                case UInt8(ascii: "&"): out.append("&amp;")
                case UInt8(ascii: "\""): out.append("&quot;")
                case 0x0A: out.append("&#10;")
                case 0x0D: out.append("&#13;")
                case 0x09: out.append("&#9;")
                default:
                    if byte >= 0x80 && documentEncodingIsNull {
                        let count = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                        let end = min(index + count, value.count)
                        let scalar = String(decoding: UnsafeBufferPointer(rebasing: value[index ..< end]), as: UTF8.self)
                            .unicodeScalars.first?.value ?? 0xFFFD
                        let reference = Array("&#x\(String(scalar, radix: 16, uppercase: true));".utf8)
                        reference.withUnsafeBufferPointer { out.append($0.baseAddress!, $0.count) }
                        index = end
                        continue
                    }
                    out.append(byte)
                }
                index += 1
            }
        }
        if let decoded { decoded.withUnsafeBufferPointer(write) } else { write(raw) }
    }
}

/// A growable array behind a pointer: a handle that counts no reference, so the many appends
/// of every SAX event cost a capacity check and a copy, and elements move in and out without
/// the retain and release pair per element that copying an Array slice and removing it cost.
/// Its owner calls `free()`.
struct HandleArray<Element> {
    private struct Header {
        var base: UnsafeMutablePointer<Element>
        var count: Int
        var capacity: Int
    }
    private let header: UnsafeMutablePointer<Header>

    init(capacity: Int) {
        let capacity = max(capacity, 16)
        header = .allocate(capacity: 1)
        header.initialize(to: Header(base: .allocate(capacity: capacity), count: 0, capacity: capacity))
    }

    func free() {
        removeAll()
        header.pointee.base.deallocate()
        header.deallocate()
    }

    var base: UnsafeMutablePointer<Element> { header.pointee.base }
    var count: Int { header.pointee.count }

    @inline(__always)
    private func reserve(_ extra: Int) {
        let needed = header.pointee.count + extra
        if needed > header.pointee.capacity { grow(toHold: needed) }
    }

    /// Out of line: appends are inlined at every SAX event's call site, and their common case
    /// is the check alone (called, they were a sizeable part of serializing a record).
    @inline(never)
    private func grow(toHold needed: Int) {
        var grown = header.pointee.capacity * 2
        while grown < needed { grown *= 2 }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: grown)
        bigger.moveInitialize(from: header.pointee.base, count: header.pointee.count)
        header.pointee.base.deallocate()
        header.pointee.base = bigger
        header.pointee.capacity = grown
    }

    @inline(__always)
    func append(_ element: Element) {
        reserve(1)
        (header.pointee.base + header.pointee.count).initialize(to: element)
        header.pointee.count += 1
    }

    @inline(__always)
    func append(_ elements: UnsafePointer<Element>, _ length: Int) {
        guard length > 0 else { return }
        reserve(length)
        (header.pointee.base + header.pointee.count).initialize(from: elements, count: length)
        header.pointee.count += length
    }

    /// The last element, moved out (there must be one).
    @inline(__always)
    func removeLast() -> Element {
        precondition(header.pointee.count > 0)
        header.pointee.count -= 1
        return (header.pointee.base + header.pointee.count).move()
    }

    func truncate(to length: Int) {
        guard length < header.pointee.count else { return }
        (header.pointee.base + length).deinitialize(count: header.pointee.count - length)
        header.pointee.count = length
    }

    func removeAll() { truncate(to: 0) }
}

/// The record's serialization and its elements' text.
typealias ByteBuffer = HandleArray<UInt8>

extension HandleArray<UInt8> {
    @inline(__always)
    func append(_ string: StaticString) {
        append(string.utf8Start, string.utf8CodeUnitCount)
    }

    func insert(_ other: ByteBuffer, at offset: Int) {
        let inserted = other.count
        guard inserted > 0 else { return }
        reserve(inserted)
        memmove(base + offset + inserted, base + offset, count - offset)
        (base + offset).update(from: other.base, count: inserted)
        header.pointee.count += inserted
    }
}
