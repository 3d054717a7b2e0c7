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
        let reader = try SecureXMLReader(path: file.path, limits: limits)
        var recordIndex = 0
        var rootName: String?
        var pendingHeader: OAIHeader?
        var sawOAIRecordList = false

        guard try reader.read() else { throw FileRejection(reason: "fichier vide") }
        var more = true
        while more {
            guard reader.nodeType == .element else {
                more = try reader.read()
                continue
            }
            let name = reader.localName
            let namespace = reader.namespace
            if rootName == nil {
                rootName = name
                if let reason = Self.skipReason(root: name, namespace: namespace) {
                    throw FileSkipped(reason: reason)
                }
            }
            let line = reader.line
            if name == "header", namespace == Self.oaiNamespace {
                recordIndex += 1
                let header = try OAIHeader(reader.expandRecord().element)
                if header.deleted {
                    try emit(.deleted(sourceIdentifier: header.identifier, recordIndex: recordIndex, line: line))
                    pendingHeader = nil
                } else {
                    pendingHeader = header
                }
                more = try reader.skip()
                continue
            }
            if name == "ListRecords" || name == "GetRecord" { sawOAIRecordList = true }
            if name == "error", namespace == Self.oaiNamespace, recordIndex == 0 {
                throw FileSkipped(reason: "réponse OAI-PMH d'erreur (\(reader.attribute("code") ?? "?"))")
            }
            guard let kind = RecordKind(name: name, namespace: namespace) else {
                more = try reader.read()
                continue
            }
            if pendingHeader == nil { recordIndex += 1 }
            let header = pendingHeader
            pendingHeader = nil
            do {
                let (element, original) = try reader.expandRecord()
                if kind == .ebucore, recordIndex == 1, Self.isTechnicalOnly(element) {
                    // MediaInfo and similar tools write EBUCore documents that describe a media
                    // file's encoding and nothing else: there is no resource to catalogue.
                    throw FileSkipped(reason: "EBUCore purement technique (format, codecs) : aucune métadonnée descriptive")
                }
                let input = MapperInput(element: element, original: original, recordIndex: recordIndex, line: line,
                                        oaiIdentifier: header?.identifier, oaiDatestamp: header?.datestamp)
                switch kind.map(input, context) {
                case .success(let record): try emit(.record(record))
                case .failure(let rejection): try emit(.rejected(rejection))
                }
            } catch let tooLarge as SecureXMLReader.RecordTooLarge {
                try emit(.rejected(RecordRejection(recordIndex: recordIndex, line: line, identifier: header?.identifier,
                                                   reason: tooLarge.reason)))
            }
            more = try reader.skip()
        }
        if recordIndex == 0 {
            if sawOAIRecordList { return }
            throw FileSkipped(reason: "aucune notice LOM, IMS, oai_dc ou EBUCore (élément racine <\(rootName ?? "?")>)")
        }
    }

    /// An EBUCore document whose coreMetadata holds only `format` elements.
    static func isTechnicalOnly(_ element: XElement) -> Bool {
        guard let core = element.child("coreMetadata") else { return false }
        return !core.children.isEmpty && core.children.allSatisfy { $0.name == "format" }
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
    var original: String
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
