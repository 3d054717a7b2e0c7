internal import CLibXML2
import Foundation
import RelaisCore

/// Limits applied to every XML file, whatever its source.
public struct XMLLimits: Sendable {
    public var maxFileBytes: Int = 1 << 30
    /// Bytes of one record (from its start tag to its end tag).
    public var maxRecordBytes: Int = 16 << 20
    /// Characters of one text field.
    public var maxFieldBytes: Int = 1 << 20
    public var maxStartTagBytes: Int = 64 << 10
    public var maxAttributesPerElement: Int = 512
    public var maxDepth: Int = 64

    public init() {}
}

/// Refuses every external entity, DTD or XInclude load: nothing outside the file is read.
private let refuseExternalEntities: xmlExternalEntityLoader = { _, _, _ in nil }


/// Bytes flow from the file to libxml2 through this guard, which enforces the byte caps and
/// scans start tags for length and attribute count before libxml2 sees them (libxml2 2.9
/// checks duplicate attributes in quadratic time).
final class InputGuard {
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

    /// Where the scan is: in text, after "<", in a start (or end) tag, in one of its quoted
    /// values (`quote` closes it), in a prolog "<!" (`matched` bytes of "DOCTYPE" seen), or in a
    /// comment, processing instruction or other "<!" construct (only ">" ends it).
    private enum Mode { case text, tagStart, tag, quoted, declaration, other }
    private static let doctype: StaticString = "DOCTYPE"
    private var mode = Mode.text
    private var quote: UInt8 = 0
    private var matched = 0
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
        return scan(bytes, n) ? Int32(n) : -1
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @inline(__always) private static func isLessThanSign(_ word: UInt64) -> UInt64 { WordScan.lanes(of: word, equalTo: 0x3C) }

    /// `> " ' =`, the bytes that change a tag's state.
    @inline(__always) private static func isTagSpecial(_ word: UInt64) -> UInt64 {
        WordScan.lanes(of: word, equalTo: 0x3E) | WordScan.lanes(of: word, equalTo: 0x22)
            | WordScan.lanes(of: word, equalTo: 0x27) | WordScan.lanes(of: word, equalTo: 0x3D)
    }

    /// Runs the bytes through the state machine: a start tag longer than `maxStartTagBytes`
    /// (its bytes before its ">" counted) or with more than `maxAttributesPerElement` "=" outside
    /// quotes, and "<!DOCTYPE" (any case) before the first tag, are refused at the byte where
    /// they become so. The state lives in locals here (a call and the properties' reads and
    /// writes per byte that can change it cost more than the scan), stored back at the end.
    private func scan(_ bytes: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var mode = self.mode
        var quote = self.quote
        var matched = self.matched
        var tagLength = self.tagLength
        var attributes = self.attributes
        defer {
            self.mode = mode
            self.quote = quote
            self.matched = matched
            self.tagLength = tagLength
            self.attributes = attributes
        }
        let maxTag = limits.maxStartTagBytes
        func refuseLength() -> Bool {
            violation = "balise ouvrante de plus de \(limits.maxStartTagBytes) octets"
            return false
        }
        var index = 0
        while index < n {
            switch mode {
            case .text:
                // Text is most of a file: jump to the next "<".
                let next = WordScan.firstByte(in: bytes, from: index, to: n, Self.isLessThanSign)
                if next == n { return true }
                index = next + 1
                mode = .tagStart
                tagLength = 1
                attributes = 0
                if tagLength > maxTag { return refuseLength() }
            case .tagStart:
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "!") {
                    if inProlog { mode = .declaration; matched = 0 } else { mode = .other }
                } else if byte == UInt8(ascii: "?") {
                    mode = .other
                } else {
                    mode = .tag
                    inProlog = false
                }
                tagLength += 1
                if tagLength > maxTag { return refuseLength() }
            case .tag:
                // Bytes that leave the state as it is only lengthen the tag.
                let end = WordScan.firstByte(in: bytes, from: index, to: n, Self.isTagSpecial)
                tagLength += end - index
                if tagLength > maxTag { return refuseLength() }
                index = end
                if index == n { return true }
                let byte = bytes[index]
                index += 1
                tagLength += 1
                if byte == UInt8(ascii: ">") {
                    // The tag ends: its length counted the bytes before ">" only.
                    mode = .text
                    continue
                }
                if byte == UInt8(ascii: "=") {
                    attributes += 1
                    if attributes > limits.maxAttributesPerElement {
                        violation = "élément avec plus de \(limits.maxAttributesPerElement) attributs"
                        return false
                    }
                } else {
                    mode = .quoted
                    quote = byte
                }
                if tagLength > maxTag { return refuseLength() }
            case .quoted:
                let end = memchr(bytes + index, Int32(quote), n - index)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes) } ?? n
                tagLength += end - index
                if tagLength > maxTag { return refuseLength() }
                index = end
                if index == n { return true }
                index += 1
                tagLength += 1
                mode = .tag
                if tagLength > maxTag { return refuseLength() }
            case .declaration:
                // "<!DOCTYPE" is refused before libxml2 parses the DTD (and expands entities in it).
                let byte = bytes[index]
                index += 1
                if byte & 0xDF == Self.doctype.utf8Start[matched] {
                    if matched + 1 == Self.doctype.utf8CodeUnitCount {
                        violation = SecureXMLReader.doctypeRefused
                        return false
                    }
                    matched += 1
                } else if byte == UInt8(ascii: ">") {
                    mode = .text
                    continue
                } else {
                    mode = .other
                }
                if tagLength > maxTag { return refuseLength() }
            case .other:
                // Inside a comment, processing instruction or CDATA opener: only ">" matters
                // (the tag length is not counted there).
                guard let next = memchr(bytes + index, Int32(UInt8(ascii: ">")), n - index) else { return true }
                index = UnsafeRawPointer(next) - UnsafeRawPointer(bytes) + 1
                mode = .text
            }
        }
        return true
    }
}

/// The first libxml2 error of a parse, with its position.
final class ErrorCollector {
    var message: String?
    var line: Int?
    var column: Int?

    func note(_ error: UnsafePointer<xmlError>) {
        guard message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        message = error.pointee.message.map { String(cString: $0) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "erreur XML"
        line = Int(error.pointee.line)
        column = Int(error.pointee.int2)
    }
}

/// A streaming reader over libxml2's xmlTextReader with our security settings:
/// no network, no entity substitution, no DTD loading, DOCTYPE and XInclude refused, depth and
/// size caps. Memory stays flat: only the record being mapped is expanded.
final class SecureXMLReader {
    private let reader: OpaquePointer
    private let input: Unmanaged<InputGuard>
    private let errors: Unmanaged<ErrorCollector>
    let limits: XMLLimits

    enum NodeType: Int32 {
        case element = 1, text = 3, cdata = 4, endElement = 15, documentType = 10, other = -1
    }

    static let libxmlReady: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(refuseExternalEntities)
    }()

    init(path: String, limits: XMLLimits = XMLLimits()) throws {
        _ = Self.libxmlReady
        guard let file = fopen(path, "rb") else {
            throw FileRejection(reason: "fichier illisible: \(String(cString: strerror(errno)))")
        }
        self.limits = limits
        let guardBox = Unmanaged.passRetained(InputGuard(file: file, limits: limits))
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
                            | XML_PARSE_COMPACT.rawValue)
        let read: xmlInputReadCallback = { context, buffer, length in
            guard let context, let buffer else { return -1 }
            return Unmanaged<InputGuard>.fromOpaque(context).takeUnretainedValue().read(into: buffer, count: Int(length))
        }
        guard let reader = xmlReaderForIO(read, nil, guardBox.toOpaque(), path, nil, options) else {
            guardBox.release()
            throw FileRejection(reason: "libxml2 n'a pas pu créer le lecteur")
        }
        self.reader = reader
        self.input = guardBox
        self.errors = Unmanaged.passRetained(ErrorCollector())
        let handler: xmlStructuredErrorFunc = { context, error in
            guard let context, let error else { return }
            Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue().note(error)
        }
        xmlTextReaderSetStructuredErrorHandler(reader, handler, errors.toOpaque())
    }

    deinit {
        xmlFreeTextReader(reader)
        input.release()
        errors.release()
    }

    /// Advances to the next node; false at the end of the document.
    func read() throws -> Bool {
        try advanced(xmlTextReaderRead(reader))
    }

    /// Skips the current node's subtree; false at the end of the document.
    func skip() throws -> Bool {
        try advanced(xmlTextReaderNext(reader))
    }

    /// libxml2 says 1 (a node), 0 (the end, or an error it reported without failing) or -1.
    private func advanced(_ rc: Int32) throws -> Bool {
        if rc < 0 { throw failure() }
        if rc == 0 {
            if errors.takeUnretainedValue().message != nil { throw failure() }
            return false
        }
        try checkNode()
        return true
    }

    private func checkNode() throws {
        let type = nodeType
        if type == .documentType {
            throw FileRejection(line: line, reason: Self.doctypeRefused)
        }
        if type == .element {
            try checkElement(depth: depth, namespace: namespace, line: line)
        }
    }

    static let doctypeRefused = "DOCTYPE refusé : les DTD et entités ne sont pas acceptées (risque XXE / expansion d'entités)"

    /// Depth and XInclude checks, for elements met while streaming and inside expanded records.
    private func checkElement(depth: Int, namespace: String?, line: Int) throws {
        if depth >= limits.maxDepth {
            throw FileRejection(line: line, reason: "imbrication trop profonde (plus de \(limits.maxDepth) niveaux)")
        }
        if let namespace, namespace.hasPrefix("http://www.w3.org/200"), namespace.hasSuffix("/XInclude") {
            throw FileRejection(line: line, reason: "XInclude refusé : un fichier ne peut pas inclure d'autres documents")
        }
    }

    private func failure() -> FileRejection {
        Self.failure(input: input.takeUnretainedValue(), errors: errors.takeUnretainedValue(), limits: limits,
                     currentLine: currentParserLine)
    }

    /// Why a parse failed, in the words a partner can act on.
    static func failure(input: InputGuard, errors collector: ErrorCollector, limits: XMLLimits,
                        currentLine: Int) -> FileRejection {
        if let violation = input.violation {
            return FileRejection(line: collector.line ?? currentLine, reason: violation)
        }
        guard input.sawContent else { return FileRejection(reason: "fichier vide") }
        var message = collector.message ?? "document XML mal formé"
        if message.contains("Char 0x0 out of allowed range") || message.contains("not proper UTF-8") {
            message = "encodage invalide (UTF-8 attendu) : \(message)"
        } else if message.contains("Excessive depth") {
            message = "imbrication trop profonde (plus de \(limits.maxDepth) niveaux) : \(message)"
        } else if message.contains("huge text node") {
            message = "champ texte de plus de 10000000 octets (maximum \(limits.maxFieldBytes)) : \(message)"
        } else if collector.message != nil {
            message = "XML mal formé : \(message)"
        }
        return FileRejection(line: collector.line, column: collector.column, reason: message)
    }

    var nodeType: NodeType { NodeType(rawValue: xmlTextReaderNodeType(reader)) ?? .other }
    var depth: Int { Int(xmlTextReaderDepth(reader)) }
    var localName: String { string(xmlTextReaderConstLocalName(reader)) ?? "" }
    var namespace: String? { string(xmlTextReaderConstNamespaceUri(reader)) }
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    var currentParserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    var line: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return currentParserLine }
        return Int(xmlGetLineNo(node))
    }

    func attribute(_ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { cxml_free(value) }
        return String(cString: value)
    }

    /// Expands the current element into a Swift tree, plus its serialization. The subtree is
    /// read whole (within `maxRecordBytes`); call `skip()` afterwards to move past it.
    func expandRecord() throws -> (element: XElement, original: String) {
        let guardian = input.takeUnretainedValue()
        guardian.recordStart = guardian.bytesRead
        defer { guardian.recordStart = nil }
        guard let node = xmlTextReaderExpand(reader) else { throw failure() }
        var fieldViolation: String?
        let element = try convert(node, depth: depth, violation: &fieldViolation)
        if let fieldViolation { throw RecordTooLarge(reason: fieldViolation) }
        return (element, try outerXML(node))
    }

    /// The record serialized on its own, as `xmlTextReaderReadOuterXml` gives it, without its
    /// deep copy of the subtree: namespaces the subtree uses but an ancestor declares are
    /// declared on the record's root (in the order the copy would add them), then the node is dumped.
    private func outerXML(_ node: UnsafeMutablePointer<xmlNode>) throws -> String {
        var declared = Set<UnsafeMutablePointer<xmlNs>>()
        var needed: [UnsafeMutablePointer<xmlNs>] = []
        // Most elements share their parent's namespace: noting the same one again changes nothing
        // (it was declared then and still is, or it is already needed), so it is skipped unhashed.
        var lastNoted: UnsafeMutablePointer<xmlNs>?
        func note(_ ns: UnsafeMutablePointer<xmlNs>) {
            if ns == lastNoted { return }
            lastNoted = ns
            if let prefix = ns.pointee.prefix, strcmp(UnsafeRawPointer(prefix).assumingMemoryBound(to: CChar.self), "xml") == 0 { return }
            if !declared.contains(ns) && !needed.contains(ns) { needed.append(ns) }
        }
        func visit(_ current: UnsafeMutablePointer<xmlNode>) {
            var definition = current.pointee.nsDef
            while let ns = definition { declared.insert(ns); definition = ns.pointee.next }
            if let ns = current.pointee.ns { note(ns) }
            var attribute = current.pointee.properties
            while let property = attribute {
                if let ns = property.pointee.ns { note(ns) }
                attribute = property.pointee.next
            }
            var child = current.pointee.children
            while let next = child {
                if next.pointee.type == XML_ELEMENT_NODE { visit(next) }
                child = next.pointee.next
            }
        }
        visit(node)
        for ns in needed { _ = xmlNewNs(node, ns.pointee.href, ns.pointee.prefix) }
        guard let buffer = xmlBufferCreate() else { throw failure() }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeDump(buffer, node.pointee.doc, node, 0, 0) >= 0, let content = xmlBufferContent(buffer) else {
            throw failure()
        }
        return String(cString: content)
    }

    struct RecordTooLarge: Error { let reason: String }

    /// `depth` is the node's depth in the document: the streaming checks hold inside records too.
    private func convert(_ node: UnsafeMutablePointer<xmlNode>, depth: Int, violation: inout String?) throws -> XElement {
        var builder = XTreeBuilder()
        try convert(node, depth: depth, violation: &violation, into: &builder)
        return builder.finish()
    }

    private func convert(_ node: UnsafeMutablePointer<xmlNode>, depth: Int, violation: inout String?,
                         into builder: inout XTreeBuilder) throws {
        let name = internedName(node.pointee.name)
        let namespace = node.pointee.ns.flatMap { namespaceURI($0.pointee.href) }
        let line = Int(xmlGetLineNo(node))
        try checkElement(depth: depth, namespace: namespace, line: line)
        builder.open(name: name, namespace: namespace, line: line)
        var attribute = node.pointee.properties
        while let current = attribute {
            if let value = attributeValue(current) {
                builder.attribute(internedName(current.pointee.name), value)
            }
            attribute = current.pointee.next
        }
        // Text nodes (pretty-printing whitespace between children, or the value) are gathered
        // into one buffer, in order, and become the element's own text.
        var text: [UInt8] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                try convert(current, depth: depth + 1, violation: &violation, into: &builder)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                    if length > limits.maxFieldBytes {
                        violation = "champ <\(name)> de \(length) octets (maximum \(limits.maxFieldBytes))"
                    } else if length > 0 {
                        text.append(contentsOf: UnsafeBufferPointer(start: content, count: length))
                    }
                }
            default:
                break
            }
            child = current.pointee.next
        }
        text.withUnsafeBufferPointer { builder.close(text: $0) }
    }

    /// An attribute's value as `xmlNodeGetContent` gives it, without its copy when the value is
    /// one text node (the usual case: no entity references).
    private func attributeValue(_ attribute: UnsafeMutablePointer<xmlAttr>) -> String? {
        if let only = attribute.pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE {
            return only.pointee.content.map { String(cString: $0) }
        }
        guard let value = xmlNodeGetContent(UnsafeMutablePointer(OpaquePointer(attribute))) else { return nil }
        defer { cxml_free(value) }
        return String(cString: value)
    }

    /// Element and attribute names come from libxml2's dictionary: one pointer per distinct
    /// name for the reader's life, so each is turned into a Swift string once. The cached
    /// bytes are compared too, so a reused address can never return a stale name.
    private var names: [UnsafeRawPointer: (name: String, bytes: [CChar])] = [:]

    private func internedName(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        let raw = UnsafeRawPointer(pointer)
        let cString = raw.assumingMemoryBound(to: CChar.self)
        if let cached = names[raw], strcmp(cached.bytes, cString) == 0 { return cached.name }
        let name = String(cString: pointer)
        names[raw] = (name, Array(name.utf8CString))
        return name
    }

    /// Namespace URIs are not in libxml2's dictionary (a record may declare its own): the last
    /// one met is kept and reused while the bytes are the same, instead of a new 30-byte
    /// string per element. One entry, so memory does not grow with the records.
    private var lastNamespace: (name: String, bytes: [CChar]) = ("", [0])

    private func namespaceURI(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        let cString = UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)
        if strcmp(lastNamespace.bytes, cString) == 0 { return lastNamespace.name }
        let name = String(cString: pointer)
        lastNamespace = (name, Array(name.utf8CString))
        return name
    }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
