import Foundation
import RelaisCore

/// Reads a JSONL export of Relais (`relais export --format jsonl`): one resource per line,
/// already normalized, with its original record. Streams by chunks: memory stays flat.
public struct JSONLRecordParser: RecordParser {
    /// A line longer than this is refused (a record with its original is a few kilobytes).
    public var maxLineBytes = 16 << 20

    public init() {}

    struct Line: Decodable {
        var original: String
        var resource: Resource
    }

    public func parse(file: URL, context: MappingContext, emit: (RecordEvent) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw FileRejection(reason: "fichier illisible") }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var lineNumber = 0
        var recordIndex = 0
        let decoder = JSONDecoder()
        func take(_ bytes: ArraySlice<UInt8>) throws {
            lineNumber += 1
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            recordIndex += 1
            do {
                let line = try decoder.decode(Line.self, from: Data(bytes))
                // An original is text read from XML or a sheet, where U+0000 cannot be: stored, it
                // would have ended there.
                if line.original.utf8.contains(0) {
                    try emit(.rejected(RecordRejection(recordIndex: recordIndex, line: lineNumber,
                                                       identifier: line.resource.sourceIdentifier,
                                                       reason: "« original » contient le caractère nul (U+0000) : ce n'est pas un original de Relais")))
                    return
                }
                try emit(.record(ParsedRecord(resource: line.resource, original: line.original, recordIndex: recordIndex,
                                              line: lineNumber, warnings: [])))
            } catch let error as DecodingError {
                try emit(.rejected(RecordRejection(recordIndex: recordIndex, line: lineNumber,
                                                   reason: "ligne JSON invalide : \(Self.describe(error))")))
            }
        }
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            var start = pending.count
            pending.append(contentsOf: chunk)
            var lineStart = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try take(pending[lineStart..<newline])
                lineStart = newline + 1
                start = lineStart
            }
            pending.removeFirst(lineStart)
            if pending.count > maxLineBytes {
                throw FileRejection(line: lineNumber + 1, reason: "ligne de plus de \(maxLineBytes) octets")
            }
        }
        if !pending.isEmpty { try take(pending[...]) }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "membre « \(key.stringValue) » absent"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.map(\.stringValue).joined(separator: ".") + " " + context.debugDescription).trimmingCharacters(in: .whitespaces)
        @unknown default: "\(error)"
        }
    }
}
