import Foundation
import RelaisCore

/// A record a parser produced, ready to store.
public struct ParsedRecord: Sendable {
    public var resource: Resource
    /// The record exactly as read (one LOM / EBUCore element serialized, or the whole sheet),
    /// kept so it can be exported again: its UTF-8 bytes, stored and hashed as they are (a
    /// `String` made of 5 kB of accented text cost its validation on the parsing thread).
    public var originalUTF8: [UInt8]
    public var original: String {
        get { String(decoding: originalUTF8, as: UTF8.self) }
        set { originalUTF8 = Array(newValue.utf8) }
    }
    /// 1-based position in the file.
    public var recordIndex: Int
    public var line: Int?
    /// Values we could not map, and other things a partner should fix.
    public var warnings: [ImportWarning]

    public init(resource: Resource, original: String, recordIndex: Int, line: Int?, warnings: [ImportWarning]) {
        self.init(resource: resource, originalUTF8: Array(original.utf8), recordIndex: recordIndex, line: line,
                  warnings: warnings)
    }

    public init(resource: Resource, originalUTF8: [UInt8], recordIndex: Int, line: Int?, warnings: [ImportWarning]) {
        self.resource = resource
        self.originalUTF8 = originalUTF8
        self.recordIndex = recordIndex
        self.line = line
        self.warnings = warnings
    }
}

public struct ImportWarning: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case unmappedValue = "unmapped-value"
        case missingIdentifier = "missing-identifier"
        case invalidValue = "invalid-value"
        case skipped
    }
    public var kind: Kind
    /// The dimension or field concerned (`niveaux`, `licences`, `date`...).
    public var field: String
    public var value: String
    public var message: String

    public init(kind: Kind, field: String, value: String, message: String) {
        self.kind = kind
        self.field = field
        self.value = value
        self.message = message
    }
}

/// Why one record was refused; the other records of the file go on.
public struct RecordRejection: Error, Codable, Hashable, Sendable {
    public var recordIndex: Int
    public var line: Int?
    public var identifier: String?
    public var reason: String

    public init(recordIndex: Int, line: Int?, identifier: String? = nil, reason: String) {
        self.recordIndex = recordIndex
        self.line = line
        self.identifier = identifier
        self.reason = reason
    }
}

/// Why a whole file was refused (not well-formed, hostile, too big, unknown format):
/// nothing of it is stored.
public struct FileRejection: Error, CustomStringConvertible, Sendable {
    public var line: Int?
    public var column: Int?
    public var reason: String

    public init(line: Int? = nil, column: Int? = nil, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        if let line { return "ligne \(line)\(column.map { ", colonne \($0)" } ?? "") : \(reason)" }
        return reason
    }
}

/// What a parser hands over, in file order.
public enum RecordEvent: Sendable {
    case record(ParsedRecord)
    /// A deletion (OAI-PMH header with status="deleted") of `sourceIdentifier`.
    case deleted(sourceIdentifier: String, recordIndex: Int, line: Int?)
    case rejected(RecordRejection)
}

/// What every mapper needs to know besides the record itself.
public struct MappingContext: Sendable {
    public var vocabularies: Vocabularies
    /// The source name (`consortiums`, `sonuma`...), part of every resource id.
    public var source: String
    /// The file path as reported (relative to the import argument when possible).
    public var file: String

    public init(vocabularies: Vocabularies, source: String, file: String) {
        self.vocabularies = vocabularies
        self.source = source
        self.file = file
    }
}

/// A parser of one file format. Parsers stream: memory stays flat whatever the file size.
public protocol RecordParser: Sendable {
    /// Reads `file` and calls `emit` for every record in order. Throws `FileRejection` when
    /// the file itself is unusable; a bad record is emitted as `.rejected` instead.
    func parse(file: URL, context: MappingContext, emit: (RecordEvent) throws -> Void) throws
}
