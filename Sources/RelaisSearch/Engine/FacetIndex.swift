import RelaisSQLite
import RelaisStore

/// Every published resource's classification terms, in memory, packed by rowid: filtering and
/// disjunctive facet counting over tens of thousands of matches take one pass in Swift instead
/// of a join per dimension in SQL.
final class FacetIndex {
    struct Code: Hashable {
        var dimension: Int
        var term: String
    }

    let dimensions: [String]
    private(set) var codes: [Code] = []
    /// `codes[c].dimension` for each code c, packed.
    private var codeDimensions: [UInt8] = []
    private var codeByKey: [Code: UInt16] = [:]
    /// rowid -> position in `rows`, -1 when the rowid is not a published resource.
    private var slot: [Int32] = []
    private(set) var rowIDs: [Int64] = []
    private var offsets: [Int32] = [0]
    private var rowCodes: [UInt16] = []
    private(set) var durations: [Double] = []
    /// Browse order keys: quality (-1 when not evaluated) and date as yyyymmdd (0 when unknown).
    private(set) var qualities: [Double] = []
    private(set) var dates: [Int32] = []
    /// French label of each code, filled by the engine as facets show them.
    var labels: [String?] = []
    /// Row lengths and phrase counts of the search index, for `relais_bm25` (ranking).
    let rankStatistics: FTS5RankStatistics
    /// The last entry of `resource_changes` this index reflects.
    private(set) var changeSeq: Int64 = 0
    /// Positions left behind by rows changed since the build (their rows moved to the end).
    private(set) var deadCount = 0
    private let dimensionIndex: [String: Int]

    /// Two scans that read no overflow page (the record and the original XML of a resource fill
    /// several): the rows through the `resources_facet_rows` index (migration 6) and the terms,
    /// keyed by row (migration 13). At 1M resources the former join read the whole file.
    init(dimensions: [String], db: Database) throws {
        self.dimensions = dimensions
        let dimensionIndex = Dictionary(uniqueKeysWithValues: dimensions.enumerated().map { ($1, $0) })
        self.dimensionIndex = dimensionIndex
        // Read before the rows: a change made meanwhile is applied again later (harmless).
        changeSeq = try db.scalarInt("SELECT coalesce(max(seq), 0) FROM resource_changes") ?? 0
        rankStatistics = try FTS5RankStatistics(table: "resources_fts", db: db)
        let rows = try db.prepare("""
            SELECT rowid, coalesce(duration, -1), coalesce(quality, -1), coalesce(sort_date, '')
            FROM resources WHERE status = 'published'
            """)
        var loaded: [(rowid: Int64, duration: Double, quality: Double, date: Int32)] = []
        var maxRowID: Int64 = 0
        while try rows.step() {
            let rowid = rows.int64(0)
            loaded.append((rowid, rows.double(1), rows.double(2), Self.dateKey(rows.text(3) ?? "")))
            maxRowID = max(maxRowID, rowid)
        }
        loaded.sort { $0.rowid < $1.rowid }
        rowIDs = loaded.map(\.rowid)
        durations = loaded.map(\.duration)
        qualities = loaded.map(\.quality)
        dates = loaded.map(\.date)
        loaded = []
        slot = [Int32](repeating: -1, count: Int(maxRowID) + 1)
        for (index, rowid) in rowIDs.enumerated() { slot[Int(rowid)] = Int32(index) }

        var perRow = [[UInt16]](repeating: [], count: rowIDs.count)
        let terms = try db.prepare("SELECT resource_row, dimension, term FROM resource_terms")
        var lastDimension = ""
        var lastDimensionIndex: Int?
        while try terms.step() {
            let rowid = Int(terms.int64(0))
            guard rowid >= 0, rowid < slot.count, slot[rowid] >= 0, let dimensionName = terms.text(1), let term = terms.text(2) else {
                continue
            }
            if dimensionName != lastDimension {
                lastDimension = dimensionName
                lastDimensionIndex = dimensionIndex[dimensionName]
            }
            guard let dimension = lastDimensionIndex else { continue }
            perRow[Int(slot[rowid])].append(code(for: Code(dimension: dimension, term: term)))
        }
        offsets.reserveCapacity(rowIDs.count + 1)
        for codesOfRow in perRow {
            rowCodes.append(contentsOf: codesOfRow)
            offsets.append(Int32(rowCodes.count))
        }
        labels = [String?](repeating: nil, count: codes.count)
    }

    /// "2021-09-01T..." -> 20210901, "2004" -> 20040000.
    static func dateKey(_ date: String) -> Int32 {
        var digits: Int32 = 0
        var count = 0
        for byte in date.utf8 {
            if byte >= 48 && byte <= 57 {
                digits = digits * 10 + Int32(byte - 48)
                count += 1
                if count == 8 { break }
            } else if byte != UInt8(ascii: "-") {
                break
            }
        }
        while count < 8 && count > 0 { digits *= 10; count += 1 }
        return digits
    }

    private func code(for key: Code) -> UInt16 {
        if let existing = codeByKey[key] { return existing }
        precondition(codes.count < Int(UInt16.max), "more than 65,535 distinct classification terms")
        let new = UInt16(codes.count)
        codes.append(key)
        codeDimensions.append(UInt8(key.dimension))
        codeByKey[key] = new
        return new
    }

    func code(dimension: String, term: String) -> UInt16? {
        guard let index = dimensions.firstIndex(of: dimension) else { return nil }
        return codeByKey[Code(dimension: index, term: term)]
    }

    func position(of rowid: Int64) -> Int? {
        guard rowid >= 0, Int(rowid) < slot.count else { return nil }
        let position = slot[Int(rowid)]
        return position >= 0 ? Int(position) : nil
    }

    var count: Int { rowIDs.count }

    /// Positions of the rows published now (all of them, unless rows changed since the build).
    var livePositions: [Int] {
        guard deadCount > 0 else { return Array(0..<rowIDs.count) }
        return rowIDs.indices.filter { slot[Int(rowIDs[$0])] == Int32($0) }
    }

    /// Brings the index up to date with the rows changed since it was built or last patched:
    /// each changed row's old position is abandoned and its current state, if published,
    /// appended. False when a full rebuild is the better (or only) way: the log was pruned past
    /// this index, too many rows changed, or too many positions are dead.
    func applyChanges(db: Database) throws -> Bool {
        let bounds = try db.prepare("SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM resource_changes")
        guard try bounds.step() else { return false }
        let (oldest, newest) = (bounds.int64(0), bounds.int64(1))
        bounds.reset()
        if newest == changeSeq { return true }
        guard newest > changeSeq, oldest <= changeSeq + 1, newest - changeSeq <= Int64(max(2_000, rowIDs.count / 20)) else {
            return false
        }
        let changed = try db.prepare("SELECT DISTINCT row FROM resource_changes WHERE seq > ? AND seq <= ?")
        try changed.bindAll([changeSeq, newest])
        var rows: [Int64] = []
        while try changed.step() { rows.append(changed.int64(0)) }
        try rankStatistics.refresh(rows, db: db)
        let row = try db.prepare("""
            SELECT rowid, coalesce(duration, -1), coalesce(quality, -1), coalesce(sort_date, '')
            FROM resources WHERE rowid = ? AND status = 'published'
            """)
        let terms = try db.prepare("SELECT dimension, term FROM resource_terms WHERE resource_row = ?")
        for rowid in rows.sorted() {
            if let old = position(of: rowid) {
                slot[Int(rowid)] = -1
                _ = old
                deadCount += 1
            }
            try row.bindAll([rowid])
            guard try row.step() else { row.reset(); continue }
            let duration = row.double(1), quality = row.double(2), date = Self.dateKey(row.text(3) ?? "")
            row.reset()
            try terms.bindAll([rowid])
            var codesOfRow: [UInt16] = []
            while try terms.step() {
                guard let name = terms.text(0), let dimension = dimensionIndex[name], let term = terms.text(1) else { continue }
                codesOfRow.append(code(for: Code(dimension: dimension, term: term)))
            }
            terms.reset()
            if Int(rowid) >= slot.count { slot += [Int32](repeating: -1, count: Int(rowid) + 1 - slot.count) }
            slot[Int(rowid)] = Int32(rowIDs.count)
            rowIDs.append(rowid)
            durations.append(duration)
            qualities.append(quality)
            dates.append(date)
            rowCodes.append(contentsOf: codesOfRow)
            offsets.append(Int32(rowCodes.count))
        }
        if labels.count < codes.count { labels += [String?](repeating: nil, count: codes.count - labels.count) }
        changeSeq = newest
        return deadCount <= max(1_000, rowIDs.count / 5)
    }

    /// Filters `positions` and counts facets in one pass. A row failing exactly one dimension
    /// still counts for that dimension: each dimension's counts ignore its own selection.
    ///
    /// Every code belongs to one dimension, so the selection becomes one bit per code (its
    /// dimension's bit when the code is selected): a row's codes OR-ed together say which
    /// active dimensions it satisfies, without a `Set` lookup per code.
    func filterAndCount(positions: [Int], selected: [Set<UInt16>?], durationRange: ClosedRange<Double>?)
        -> (kept: [Int], counts: [Int]) {
        precondition(dimensions.count <= 32, "one bit per dimension")
        var counts = [Int](repeating: 0, count: codes.count)
        var kept: [Int] = []
        kept.reserveCapacity(positions.count)
        var active: UInt32 = 0
        var wantedBit = [UInt32](repeating: 0, count: codes.count)
        for (dimension, wanted) in selected.enumerated() {
            guard let wanted else { continue }
            active |= 1 << UInt32(dimension)
            for code in wanted where Int(code) < codes.count { wantedBit[Int(code)] = 1 << UInt32(dimension) }
        }
        let filtered = active != 0 || durationRange != nil
        offsets.withUnsafeBufferPointer { offsets in
        rowCodes.withUnsafeBufferPointer { rowCodes in
        codeDimensions.withUnsafeBufferPointer { codeDimensions in
        wantedBit.withUnsafeBufferPointer { wantedBit in
        durations.withUnsafeBufferPointer { durations in
        counts.withUnsafeMutableBufferPointer { counts in
            for position in positions {
                let start = Int(offsets[position])
                let end = Int(offsets[position + 1])
                if !filtered {
                    kept.append(position)
                    for index in start..<end { counts[Int(rowCodes[index])] += 1 }
                    continue
                }
                // Outside the duration range: counts for nothing.
                if let durationRange, !durationRange.contains(durations[position]) { continue }
                var satisfied: UInt32 = 0
                for index in start..<end { satisfied |= wantedBit[Int(rowCodes[index])] }
                let missing = active & ~satisfied
                if missing == 0 {
                    kept.append(position)
                    for index in start..<end { counts[Int(rowCodes[index])] += 1 }
                } else if missing & (missing - 1) == 0 {
                    let failed = UInt8(missing.trailingZeroBitCount)
                    for index in start..<end where codeDimensions[Int(rowCodes[index])] == failed {
                        counts[Int(rowCodes[index])] += 1
                    }
                }
            }
        }
        }
        }
        }
        }
        }
        return (kept, counts)
    }
}
