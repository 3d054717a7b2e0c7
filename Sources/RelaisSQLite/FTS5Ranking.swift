internal import CSQLite
import Foundation

/// What `relais_bm25` needs to rank without reading the index twice: the token count of
/// every row of an FTS5 table (all columns together) by rowid, and the number of rows holding
/// each phrase already counted.
///
/// FTS5's own `bm25()` reads each matching row's length from the `_docsize` table, one B-tree
/// lookup per row: on a 100k-row index that lookup is ~85 % of ranking a common word (40 ms
/// against 6 ms for 50k matches in `sqlite3`). `relais_bm25` reads it from here instead.
public final class FTS5RankStatistics {
    /// Lengths by rowid; -1: unknown (the function then asks FTS5).
    private(set) var base: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int
    public let table: String
    /// Rows holding each phrase (its IDF), by the caller's key for the phrase: `bm25()` counts
    /// them on every query, one more pass over every row of each phrase (25 ms for a word in
    /// half of 1M rows). Emptied by `refresh`.
    public private(set) var documentFrequencies: [String: Int64] = [:]
    /// FTS5's row and token totals when `documentFrequencies` were counted: a write that did
    /// not go through `refresh` (another process) changes them, and the counts are dropped.
    private var countedAt: (rows: Int64, tokens: Int64) = (-1, -1)
    /// Keys of the phrases of the expression about to run, in FTS5's order (the order they
    /// are written in); nil: count them, as `bm25()` does. Set before stepping, cleared after.
    public var phraseKeys: [String]?

    /// Reads `<table>_docsize`: one varint per column per row.
    public init(table: String, db: Database) throws {
        self.table = table
        let maxRowID = try db.scalarInt("SELECT coalesce(max(id), 0) FROM \"\(table)_docsize\"") ?? 0
        capacity = Int(max(maxRowID, 0)) + 1
        base = .allocate(capacity: capacity)
        base.initialize(repeating: -1, count: capacity)
        let rows = try db.prepare("SELECT id, sz FROM \"\(table)_docsize\"")
        while try rows.step() {
            let rowid = rows.int64(0)
            guard rowid >= 0, Int(rowid) < capacity else { continue }
            base[Int(rowid)] = rows.withBlob(1, Self.total)
        }
    }

    deinit { base.deallocate() }

    /// Reads the lengths of `rowids` again (rows inserted, changed or deleted since).
    public func refresh(_ rowids: [Int64], db: Database) throws {
        documentFrequencies.removeAll()
        let row = try db.prepare("SELECT sz FROM \"\(table)_docsize\" WHERE id = ?")
        for rowid in rowids where rowid >= 0 {
            if Int(rowid) >= capacity { grow(to: Int(rowid) + 1) }
            try row.bindAll([rowid])
            base[Int(rowid)] = try row.step() ? row.withBlob(0, Self.total) : -1
            row.reset()
        }
    }

    func checkTotals(rows: Int64, tokens: Int64) {
        if countedAt != (rows, tokens) {
            documentFrequencies.removeAll()
            countedAt = (rows, tokens)
        }
    }

    func remember(_ rows: Int64, for key: String) {
        // Bounded: keys are query words, and a refresh empties them anyway.
        if documentFrequencies.count >= 50_000 { documentFrequencies.removeAll() }
        documentFrequencies[key] = rows
    }

    public subscript(rowid: Int64) -> Int32? {
        guard rowid >= 0, Int(rowid) < capacity, base[Int(rowid)] >= 0 else { return nil }
        return base[Int(rowid)]
    }

    private func grow(to count: Int) {
        guard count > capacity else { return }
        let newCapacity = max(count, capacity + capacity / 2)
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: base, count: capacity)
        (grown + capacity).initialize(repeating: -1, count: newCapacity - capacity)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// Sum of the record's varints (SQLite's format: 7 bits per byte, high bit = more, at most
    /// 9 bytes, the ninth giving 8 bits), as `xColumnSize(-1)` adds them up.
    static func total(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        var sum: Int64 = 0
        var index = 0
        while index < bytes.count {
            var value: UInt64 = 0
            var length = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                length += 1
                if length == 9 { value = (value << 8) | UInt64(byte); break }
                value = (value << 7) | UInt64(byte & 0x7F)
                if byte & 0x80 == 0 { break }
            }
            sum += Int64(Int32(truncatingIfNeeded: value))
        }
        return Int32(clamping: sum)
    }
}

/// What one query's `relais_bm25` calls share (FTS5 "auxiliary data"): the same values FTS5's
/// `bm25()` computes once per query. Raw buffers: the function runs once per matching row.
private final class BM25QueryData {
    let phraseCount: Int
    let idf: UnsafeMutablePointer<Double>
    let frequencies: UnsafeMutablePointer<Double>
    let weightCount: Int
    let weights: UnsafeMutablePointer<Double>
    let averageLength: Double
    let lengths: UnsafeMutablePointer<Int32>?
    let lengthsCount: Int

    init(idf: [Double], weights: [Double], averageLength: Double, lengths: FTS5RankStatistics?) {
        phraseCount = idf.count
        self.idf = .allocate(capacity: max(1, idf.count))
        self.idf.initialize(from: idf, count: idf.count)
        frequencies = .allocate(capacity: max(1, idf.count))
        frequencies.initialize(repeating: 0, count: max(1, idf.count))
        weightCount = weights.count
        self.weights = .allocate(capacity: max(1, weights.count))
        self.weights.initialize(from: weights, count: weights.count)
        self.averageLength = averageLength
        self.lengths = lengths?.base
        self.lengthsCount = lengths?.capacity ?? 0
    }

    deinit {
        idf.deallocate()
        frequencies.deallocate()
        weights.deallocate()
    }
}

extension Database {
    public static let weightedBM25Name = "relais_bm25"

    /// Registers `relais_bm25(table, lengths, w0, w1...)`: FTS5's `bm25()` (same formula, same
    /// operations, same doubles) with the row length taken from `lengths` (an `FTS5RankStatistics`
    /// bound with `Statement.bind(_:rankStatistics:)`, or NULL) instead of the `_docsize` table.
    public func registerWeightedBM25() throws {
        guard let api = csqlite_fts5_api(handle) else {
            throw SQLiteError(code: SQLITE_ERROR, message: "FTS5 n'est pas disponible dans ce SQLite", sql: nil)
        }
        let rc = api.pointee.xCreateFunction(api, Self.weightedBM25Name, nil, { api, fts, context, count, values in
            guard let api, let fts else { return }
            let data: BM25QueryData
            if let existing = api.pointee.xGetAuxdata(fts, 0) {
                data = Unmanaged<BM25QueryData>.fromOpaque(existing).takeUnretainedValue()
            } else {
                guard let created = makeQueryData(api, fts, count, values) else {
                    sqlite3_result_error(context, "relais_bm25 : statistiques de l'index illisibles", -1)
                    return
                }
                let retained = Unmanaged.passRetained(created).toOpaque()
                let rc = api.pointee.xSetAuxdata(fts, retained) { pointer in
                    if let pointer { Unmanaged<BM25QueryData>.fromOpaque(pointer).release() }
                }
                guard rc == SQLITE_OK else { sqlite3_result_error_code(context, rc); return }
                data = created
            }
            var instances: Int32 = 0
            var rc = api.pointee.xInstCount(fts, &instances)
            let phraseCount = data.phraseCount
            let frequencies = data.frequencies
            frequencies.update(repeating: 0, count: phraseCount)
            var instance: Int32 = 0
            while rc == SQLITE_OK && instance < instances {
                var phrase: Int32 = 0, column: Int32 = 0, offset: Int32 = 0
                rc = api.pointee.xInst(fts, instance, &phrase, &column, &offset)
                if rc == SQLITE_OK && Int(phrase) < phraseCount {
                    frequencies[Int(phrase)] += Int(column) < data.weightCount ? data.weights[Int(column)] : 1.0
                }
                instance += 1
            }
            guard rc == SQLITE_OK else { sqlite3_result_error_code(context, rc); return }
            var tokens: Int32 = -1
            let rowid = api.pointee.xRowid(fts)
            if let lengths = data.lengths, rowid >= 0, Int(rowid) < data.lengthsCount { tokens = lengths[Int(rowid)] }
            if tokens < 0 {
                rc = api.pointee.xColumnSize(fts, -1, &tokens)
                guard rc == SQLITE_OK else { sqlite3_result_error_code(context, rc); return }
            }
            let k1 = 1.2, b = 0.75
            let length = Double(tokens)
            var score = 0.0
            for index in 0..<phraseCount {
                let frequency = frequencies[index]
                score += data.idf[index] * ((frequency * (k1 + 1.0)) / (frequency + k1 * (1 - b + b * length / data.averageLength)))
            }
            sqlite3_result_double(context, -1.0 * score)
        }, nil)
        if rc != SQLITE_OK { throw error(rc, sql: nil) }
    }
}

/// IDF per phrase and the average row length, as `fts5Bm25GetData` computes them.
private func makeQueryData(_ api: UnsafePointer<Fts5ExtensionApi>, _ fts: OpaquePointer,
                           _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) -> BM25QueryData? {
    var statistics: FTS5RankStatistics?
    var weights: [Double] = []
    if count >= 1, let values {
        if let pointer = sqlite3_value_pointer(values[0], csqlite_row_lengths_type()) {
            statistics = Unmanaged<FTS5RankStatistics>.fromOpaque(pointer).takeUnretainedValue()
        }
        for index in 1..<Int(max(count, 1)) { weights.append(sqlite3_value_double(values[index])) }
    }
    let phraseCount = Int(api.pointee.xPhraseCount(fts))
    var rows: Int64 = 0
    var tokens: Int64 = 0
    guard api.pointee.xRowCount(fts, &rows) == SQLITE_OK,
          api.pointee.xColumnTotalSize(fts, -1, &tokens) == SQLITE_OK else { return nil }
    let averageLength = Double(tokens) / Double(rows)
    var idf: [Double] = []
    let keys = statistics?.phraseKeys.flatMap { $0.count == phraseCount ? $0 : nil }
    if keys != nil { statistics?.checkTotals(rows: rows, tokens: tokens) }
    for phrase in 0..<phraseCount {
        var hits: Int64 = 0
        if let keys, let known = statistics?.documentFrequencies[keys[phrase]] {
            hits = known
        } else {
            let rc = api.pointee.xQueryPhrase(fts, Int32(phrase), &hits) { _, _, counter in
                counter?.assumingMemoryBound(to: Int64.self).pointee += 1
                return SQLITE_OK
            }
            guard rc == SQLITE_OK else { return nil }
            if let keys { statistics?.remember(hits, for: keys[phrase]) }
        }
        let hitCount = Double(hits)
        var value = log((Double(rows) - hitCount + 0.5) / (hitCount + 0.5))
        if value <= 0.0 { value = 1e-6 }
        idf.append(value)
    }
    return BM25QueryData(idf: idf, weights: weights, averageLength: averageLength, lengths: statistics)
}

extension Statement {
    /// Binds `lengths` for `relais_bm25`: the statement must not outlive it while bound.
    public func bind(_ index: Int32, rankStatistics lengths: FTS5RankStatistics) throws {
        try check(sqlite3_bind_pointer(handle, index, Unmanaged.passUnretained(lengths).toOpaque(),
                                       csqlite_row_lengths_type(), nil))
    }
}
