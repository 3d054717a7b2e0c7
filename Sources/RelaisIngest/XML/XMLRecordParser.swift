import Foundation
import RelaisCore

/// A file that holds no record we import (an XSD, an RDF graph, an OAI-PMH Identify answer...).
/// Not an error: reported as skipped, with why.
public struct FileSkipped: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

/// Reads any XML file we know, streaming: IEEE LOM (default namespace or prefixed, one record
/// or a collection), IMS Metadata 1.2, LOMFR/ScoLOMFR, OAI-PMH responses wrapping `lom` or
/// `oai_dc` records (deleted headers too), and EBUCore. Records are recognised by local name
/// wherever they sit, so wrappers of any kind work.
public struct XMLRecordParser: RecordParser {
    public var limits: XMLLimits

    public init(limits: XMLLimits = XMLLimits()) {
        self.limits = limits
    }

    static let oaiNamespace = "http://www.openarchives.org/OAI/2.0/"

    public func parse(file: URL, context: MappingContext, emit: (RecordEvent) throws -> Void) throws {
        // `scan` calls back from libxml2 while it parses; `emit` is only used during that call.
        try withoutActuallyEscaping(emit) { emit in
            try parse(file: file, context: context, escapingEmit: emit)
        }
    }

    private func parse(file: URL, context: MappingContext, escapingEmit emit: @escaping (RecordEvent) throws -> Void) throws {
        let scanner = try XMLRecordScanner(path: file.path, limits: limits)
        var recordIndex = 0
        var rootName: String?
        var pendingHeader: OAIHeader?
        var sawOAIRecordList = false
        /// The element being captured: an OAI-PMH header, or a record with where it starts.
        enum Pending { case header, record(RecordKind, index: Int, line: Int, header: OAIHeader?) }
        var pending: Pending?

        try scanner.scan(onElement: { tag in
            let name = tag.name
            let namespace = tag.namespace
            if rootName == nil {
                rootName = name
                if let reason = Self.skipReason(root: name, namespace: namespace) {
                    throw FileSkipped(reason: reason)
                }
            }
            if name == "header", namespace == Self.oaiNamespace {
                recordIndex += 1
                pending = .header
                return .capture(serialize: false)
            }
            if name == "ListRecords" || name == "GetRecord" { sawOAIRecordList = true }
            if name == "error", namespace == Self.oaiNamespace, recordIndex == 0 {
                throw FileSkipped(reason: "réponse OAI-PMH d'erreur (\(tag.attribute("code") ?? "?"))")
            }
            guard let kind = RecordKind(name: name, namespace: namespace) else { return .descend }
            if pendingHeader == nil { recordIndex += 1 }
            pending = .record(kind, index: recordIndex, line: tag.line, header: pendingHeader)
            pendingHeader = nil
            return .capture(serialize: true)
        }, onRecord: { captured in
            guard let current = pending else { return }
            pending = nil
            switch current {
            case .header:
                let header = try OAIHeader(captured.element)
                if header.deleted {
                    try emit(.deleted(sourceIdentifier: header.identifier, recordIndex: recordIndex, line: captured.element.line))
                    pendingHeader = nil
                } else {
                    pendingHeader = header
                }
            case .record(let kind, let index, let line, let header):
                if let reason = captured.fieldViolation {
                    try emit(.rejected(RecordRejection(recordIndex: index, line: line, identifier: header?.identifier,
                                                       reason: reason)))
                    return
                }
                if kind == .ebucore, index == 1, Self.isTechnicalOnly(captured.element) {
                    // MediaInfo and similar tools write EBUCore documents that describe a media
                    // file's encoding and nothing else: there is no resource to catalogue.
                    throw FileSkipped(reason: "EBUCore purement technique (format, codecs) : aucune métadonnée descriptive")
                }
                let input = MapperInput(element: captured.element, original: captured.original, recordIndex: index,
                                        line: line, oaiIdentifier: header?.identifier, oaiDatestamp: header?.datestamp)
                switch kind.map(input, context) {
                case .success(let record): try emit(.record(record))
                case .failure(let rejection): try emit(.rejected(rejection))
                }
            }
        })
        if recordIndex == 0 {
            if sawOAIRecordList { return }
            throw FileSkipped(reason: "aucune notice LOM, IMS, oai_dc ou EBUCore (élément racine <\(rootName ?? "?")>)")
        }
    }

    /// An EBUCore document whose coreMetadata holds only `format` elements.
    static func isTechnicalOnly(_ element: XElement) -> Bool {
        guard let core = element.child("coreMetadata") else { return false }
        return !core.isLeaf && core.children.allSatisfy { $0.name == "format" }
    }

    static func skipReason(root: String, namespace: String?) -> String? {
        switch (root, namespace) {
        case ("schema", "http://www.w3.org/2001/XMLSchema"):
            return "schéma XSD, pas une notice"
        case ("RDF", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"):
            return "graphe RDF/XML : Relais importe la sérialisation XML d'EBUCore, pas RDF"
        default:
            return nil
        }
    }
}

/// The record kinds we map, recognised by local name and namespace.
enum RecordKind {
    case lom, ebucore, oaiDC

    init?(name: String, namespace: String?) {
        switch name {
        case "lom":
            // IEEE LOM, IMS MD, LOMFR/ScoLOMFR, or none at all: all are LOM records.
            self = .lom
        case "ebuCoreMain":
            self = .ebucore
        case "dc" where namespace == "http://www.openarchives.org/OAI/2.0/oai_dc/":
            self = .oaiDC
        default:
            return nil
        }
    }

    func map(_ input: MapperInput, _ context: MappingContext) -> Result<ParsedRecord, RecordRejection> {
        switch self {
        case .lom: return LOMMapper.map(input, context: context)
        case .ebucore: return EBUCoreMapper.map(input, context: context)
        case .oaiDC: return DublinCoreMapper.map(input, context: context)
        }
    }
}

/// One expanded record and where it came from.
struct MapperInput {
    var element: XElement
    /// UTF-8.
    var original: [UInt8]
    var recordIndex: Int
    var line: Int
    /// From the OAI-PMH header wrapping the record, when there is one: it is the identifier a
    /// harvester's later deletions will name, so it wins over the record's own.
    var oaiIdentifier: String?
    var oaiDatestamp: String?
}

struct OAIHeader {
    var identifier: String
    var datestamp: String?
    var deleted: Bool

    init(_ element: XElement) throws {
        guard let identifier = element.child("identifier")?.text else {
            throw FileRejection(line: element.line, reason: "en-tête OAI-PMH sans <identifier>")
        }
        self.identifier = identifier
        self.datestamp = element.child("datestamp")?.text
        self.deleted = element.attribute("status") == "deleted"
    }
}
