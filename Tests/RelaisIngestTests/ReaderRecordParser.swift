import Foundation
import RelaisCore
@testable import RelaisIngest

/// The record reading that `XMLRecordParser` did before it moved to SAX (a0f2d0a): libxml2's
/// xmlTextReader, each record expanded into a tree, converted, dumped with `xmlNodeDump`. Kept
/// here as the oracle the scanner is compared with, event for event and byte for byte.
struct ReaderRecordParser {
    var limits = XMLLimits()

    func parse(file: URL, context: MappingContext, emit: (RecordEvent) throws -> Void) throws {
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
                if let reason = XMLRecordParser.skipReason(root: name, namespace: namespace) {
                    throw FileSkipped(reason: reason)
                }
            }
            let line = reader.line
            if name == "header", namespace == XMLRecordParser.oaiNamespace {
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
            if name == "error", namespace == XMLRecordParser.oaiNamespace, recordIndex == 0 {
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
                if kind == .ebucore, recordIndex == 1, XMLRecordParser.isTechnicalOnly(element) {
                    throw FileSkipped(reason: "EBUCore purement technique (format, codecs) : aucune métadonnée descriptive")
                }
                let input = MapperInput(element: element, original: Array(original.utf8), recordIndex: recordIndex, line: line,
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
}
