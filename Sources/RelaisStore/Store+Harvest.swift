import Foundation
import RelaisCore
import RelaisSQLite

/// What OAI-PMH harvesters read: records in the order of their last change, tombstones
/// included, in sets by source, learning domain and level.
extension Store {
    /// A set: all resources of a source, or those carrying a term of a dimension.
    public enum HarvestSet: Sendable, Equatable {
        case source(String)
        case term(dimension: String, term: String)
    }

    public struct HarvestRecord: Sendable {
        public var id: ResourceID
        /// Last change, ISO 8601 UTC to the second.
        public var datestamp: String
        public var deleted: Bool
        /// The record as last published (also kept for tombstones).
        public var resource: Resource?
    }

    /// Where a page ends: the next page starts after this (datestamp, id).
    public struct HarvestPosition: Sendable, Equatable {
        public var datestamp: String
        public var id: String
        public init(datestamp: String, id: String) {
            self.datestamp = datestamp
            self.id = id
        }
    }

    public struct HarvestQuery: Sendable {
        public var from: String?
        /// Inclusive, to the second.
        public var until: String?
        public var set: HarvestSet?
        public init(from: String? = nil, until: String? = nil, set: HarvestSet? = nil) {
            self.from = from
            self.until = until
            self.set = set
        }
    }

    private func harvestConditions(_ query: HarvestQuery) -> (sql: String, values: [(any SQLBindable)?]) {
        var conditions: [String] = []
        var values: [(any SQLBindable)?] = []
        if let from = query.from {
            conditions.append("r.updated_at >= ?")
            values.append(from)
        }
        if let until = query.until {
            conditions.append("r.updated_at <= ?")
            values.append(until)
        }
        switch query.set {
        case .source(let source):
            conditions.append("r.source = ?")
            values.append(source)
        case .term(let dimension, let term):
            conditions.append("EXISTS (SELECT 1 FROM resource_terms t WHERE t.resource_row = r.rowid AND t.dimension = ? AND t.term = ?)")
            values += [dimension, term]
        case nil:
            break
        }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), values)
    }

    public func harvestCount(_ query: HarvestQuery) throws -> Int {
        let (condition, values) = harvestConditions(query)
        let statement = try db.prepare("SELECT count(*) FROM resources r WHERE \(condition)")
        try statement.bindAll(values)
        return try statement.step() ? statement.int(0) : 0
    }

    /// Up to `limit` records after `position`, oldest change first; with `withRecords`, each
    /// record's resource is decoded.
    public func harvestPage(_ query: HarvestQuery, after position: HarvestPosition?, limit: Int,
                            withRecords: Bool) throws -> [HarvestRecord] {
        var (condition, values) = harvestConditions(query)
        if let position {
            condition += " AND (r.updated_at, r.id) > (?, ?)"
            values += [position.datestamp, position.id]
        }
        values.append(limit)
        let statement = try db.prepare("""
            SELECT r.id, r.updated_at, r.status, \(withRecords ? "r.record" : "NULL") FROM resources r
            WHERE \(condition) ORDER BY r.updated_at, r.id LIMIT ?
            """)
        try statement.bindAll(values)
        var records: [HarvestRecord] = []
        while try statement.step() {
            let resource = statement.isNull(3) ? nil : try statement.withBlob(3) { try ResourceJSONReader.decode($0) }
            records.append(HarvestRecord(id: ResourceID(rawValue: statement.text(0) ?? ""), datestamp: statement.text(1) ?? "",
                                         deleted: statement.text(2) == "deleted", resource: resource))
        }
        return records
    }

    public func harvestRecord(_ id: ResourceID) throws -> HarvestRecord? {
        let statement = try db.prepare("SELECT id, updated_at, status, record FROM resources WHERE id = ?")
        try statement.bindAll([id.rawValue])
        guard try statement.step() else { return nil }
        let resource = statement.isNull(3) ? nil : try statement.withBlob(3) { try ResourceJSONReader.decode($0) }
        return HarvestRecord(id: id, datestamp: statement.text(1) ?? "", deleted: statement.text(2) == "deleted",
                             resource: resource)
    }

    /// A value kept in the database between runs (a harvest's last datestamp...).
    public func setting(_ key: String) throws -> String? {
        let statement = try db.prepare("SELECT value FROM settings WHERE key = ?")
        try statement.bindAll([key])
        return try statement.step() ? statement.text(0) : nil
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)").run([key, value])
    }

    /// The oldest change in the repository (OAI-PMH Identify's earliestDatestamp).
    public func earliestDatestamp() throws -> String? {
        try db.scalarText("SELECT min(updated_at) FROM resources")
    }

    /// Sources, and the terms of `dimensions` that at least one published resource carries,
    /// with their counts: the sets worth offering.
    public func harvestSets(dimensions: [String]) throws -> (sources: [String], terms: [(dimension: String, term: String)]) {
        var sources: [String] = []
        let sourceStatement = try db.prepare("SELECT DISTINCT source FROM resources ORDER BY source")
        while try sourceStatement.step() { if let source = sourceStatement.text(0) { sources.append(source) } }
        // Counts kept by the store (migration 15): a few hundred rows, whatever the repository's size.
        var byDimension: [String: [String]] = [:]
        let wanted = Set(dimensions)
        let statement = try db.prepare(
            "SELECT dimension, term FROM resource_term_counts WHERE resources > 0 ORDER BY dimension, term")
        while try statement.step() {
            guard let dimension = statement.text(0), wanted.contains(dimension), let term = statement.text(1) else { continue }
            byDimension[dimension, default: []].append(term)
        }
        var terms: [(String, String)] = []
        for dimension in dimensions { terms += (byDimension[dimension] ?? []).map { (dimension, $0) } }
        return (sources, terms)
    }
}
