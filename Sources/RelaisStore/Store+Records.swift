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

    /// Every published resource's id, in id order (exports).
    public func publishedIDs() throws -> [ResourceID] {
        let statement = try db.prepare("SELECT id FROM resources WHERE status = 'published' ORDER BY id")
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
        guard try statement.step(), let json = statement.text(0) else { return nil }
        let resource = try JSONDecoder().decode(Resource.self, from: Data(json.utf8))
        let provenance = Provenance(
            file: statement.text(1) ?? "", recordIndex: statement.int(2),
            line: statement.isNull(3) ? nil : statement.int(3),
            batch: statement.isNull(4) ? nil : statement.int64(4),
            contentHash: statement.text(5) ?? "")
        return PublishedRecord(resource: resource, provenance: provenance, updatedAt: statement.text(6) ?? "")
    }
}
