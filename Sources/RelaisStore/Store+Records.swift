import Foundation
import RelaisCore
import RelaisSQLite

extension Store {
    /// A published resource with where it came from and when it last changed: what the
    /// resource page and its ETag are made of.
    public struct PublishedRecord: Sendable {
        public var resource: Resource
        public var provenance: Provenance
        public var updatedAt: String
    }

    /// Every published resource's id (of one source when given), in id order (exports).
    public func publishedIDs(source: String? = nil) throws -> [ResourceID] {
        let statement = try db.prepare("SELECT id FROM resources WHERE status = 'published' AND (?1 IS NULL OR source = ?1) ORDER BY id")
        try statement.bindAll([source])
        var ids: [ResourceID] = []
        while try statement.step() {
            if let id = statement.text(0) { ids.append(ResourceID(rawValue: id)) }
        }
        return ids
    }

    public func publishedRecord(_ id: ResourceID) throws -> PublishedRecord? {
        let statement = try db.prepare("""
            SELECT record, file, record_index, line, batch_id, content_hash, updated_at
            FROM resources WHERE id = ? AND status = 'published'
            """)
        try statement.bindAll([id.rawValue])
        guard try statement.step(), !statement.isNull(0) else { return nil }
        let resource = try statement.withBlob(0) { try ResourceJSONReader.decode($0) }
        let provenance = Provenance(
            file: statement.text(1) ?? "", recordIndex: statement.int(2),
            line: statement.isNull(3) ? nil : statement.int(3),
            batch: statement.isNull(4) ? nil : statement.int64(4),
            contentHash: statement.text(5) ?? "")
        return PublishedRecord(resource: resource, provenance: provenance, updatedAt: statement.text(6) ?? "")
    }
}

extension Store {
    /// Calls `body` with one JSON line per published resource of `source` (all sources when
    /// nil), in id order: `{"original": …, "provenance": {…}, "resource": {…}}`. The resource
    /// is the stored record as is, so an export re-imported elsewhere gives identical records.
    public func exportJSONLines(source: String?, _ body: (String) throws -> Void) throws {
        let statement = try db.prepare("""
            SELECT record, original, file, record_index, line, content_hash FROM resources
            WHERE status = 'published' AND (?1 IS NULL OR source = ?1) ORDER BY id
            """)
        try statement.bindAll([source])
        while try statement.step() {
            var line = "{\"original\":"
            line += Self.jsonString(statement.text(1) ?? "")
            line += ",\"provenance\":{\"content_hash\":" + Self.jsonString(statement.text(5) ?? "")
            line += ",\"file\":" + Self.jsonString(statement.text(2) ?? "")
            if !statement.isNull(4) { line += ",\"line\":\(statement.int(4))" }
            line += ",\"record_index\":\(statement.int(3))},\"resource\":"
            line += statement.text(0) ?? "{}"
            line += "}"
            try body(line)
        }
    }

    static func jsonString(_ text: String) -> String { ResourceJSON.quoted(text) }
}
