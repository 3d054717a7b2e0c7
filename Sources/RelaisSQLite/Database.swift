internal import CSQLite
import Foundation

/// An SQLite error with what is needed to act on it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " (in: \($0.prefix(200)))" } ?? "")
    }

    public var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }
    /// The statement stopped because `Database.interrupt()` was called (a deadline passed).
    public var isInterrupted: Bool { code & 0xff == SQLITE_INTERRUPT }
}

final class DeadlineBox {
    let deadline: UInt64
    init(deadline: UInt64) { self.deadline = deadline }
}

/// One SQLite connection. Not thread-safe: owned by one actor or one thread at a time.
public final class Database {
    let handle: OpaquePointer
    public let path: String

    public enum Mode: Sendable { case readWrite, readOnly }

    /// Process-wide SQLite settings, applied before the first connection opens.
    private static let configured: Int32 = csqlite_disable_memory_statistics()
    /// Whether SQLite took the settings (it refuses them once initialized).
    public static var isConfigured: Bool { configured == SQLITE_OK }

    public init(path: String, mode: Mode = .readWrite) throws {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = mode == .readWrite
            ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            // "Whether or not an error occurs when it is opened, resources associated with the
            // database connection handle should be released by passing it to sqlite3_close()."
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: "cannot open \(path): \(message)", sql: nil)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)
        _ = csqlite_db_config_enable_fkey(db, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in a savepoint: released when it returns, rolled back when it throws,
    /// leaving the enclosing transaction intact.
    public func savepoint<T>(_ name: String = "relais_sp", _ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(name)")
            try? execute("RELEASE \(name)")
            throw error
        }
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Makes the statement running on this connection stop with SQLITE_INTERRUPT. The one
    /// call that is safe from another thread.
    public func interrupt() { sqlite3_interrupt(handle) }

    /// Statements started until `deadline` (a `DispatchTime` uptime in nanoseconds) stop
    /// with SQLITE_INTERRUPT once it has passed; nil lifts it. SQLite checks it itself every
    /// few thousand instructions, so no other thread has to be on time for it.
    public func setDeadline(uptimeNanoseconds deadline: UInt64?) {
        guard let deadline else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            deadlineBox = nil
            return
        }
        let box = DeadlineBox(deadline: deadline)
        deadlineBox = box
        sqlite3_progress_handler(handle, 4_000, { context in
            guard let context else { return 0 }
            let box = Unmanaged<DeadlineBox>.fromOpaque(context).takeUnretainedValue()
            return DispatchTime.now().uptimeNanoseconds > box.deadline ? 1 : 0
        }, Unmanaged.passUnretained(box).toOpaque())
    }

    /// Runs `body` with no deadline, then puts the one there was back: for work whose result
    /// outlives the request (a cache every later request uses), which an interrupted request
    /// would otherwise leave for the next one to start again.
    public func withoutDeadline<T>(_ body: () throws -> T) rethrows -> T {
        let saved = deadlineBox?.deadline
        guard saved != nil else { return try body() }
        setDeadline(uptimeNanoseconds: nil)
        defer { setDeadline(uptimeNanoseconds: saved) }
        return try body()
    }

    /// Kept alive while SQLite holds a pointer to it.
    private var deadlineBox: DeadlineBox?
    /// True outside any explicit transaction.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// First column of the first row, for PRAGMA and COUNT queries.
    public func scalarInt(_ sql: String) throws -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(0) : nil
    }

    public func scalarText(_ sql: String) throws -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(0) : nil
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

@available(*, unavailable)
extension Database: Sendable {}

/// A prepared statement. Bind with 1-based indexes, read columns with 0-based ones.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw database.error(rc, sql: sql)
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ index: Int32, _ value: String?) throws {
        guard var value else { return try check(sqlite3_bind_null(handle, index)) }
        // Bound from the string's own UTF-8 with its length: passing the String as a C string
        // made Swift copy it into a new array, and SQLite measure it, for every parameter.
        // SQLite read that C string up to its first NUL: so does the length.
        let rc = value.withUTF8 { utf8 in
            let base = UnsafeRawPointer(utf8.baseAddress ?? UnsafePointer(Self.emptyText))
            let count = Self.lengthBeforeNUL(utf8)
            return sqlite3_bind_text64(handle, index, base.assumingMemoryBound(to: CChar.self), UInt64(count),
                                       csqlite_transient(), UInt8(SQLITE_UTF8))
        }
        try check(rc)
    }

    public func bind(_ index: Int32, _ value: Int64?) throws {
        try check(value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    public func bind(_ index: Int32, _ value: Int?) throws {
        try bind(index, value.map(Int64.init))
    }

    public func bind(_ index: Int32, _ value: Double?) throws {
        try check(value.map { sqlite3_bind_double(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    public func bind(_ index: Int32, blob: [UInt8]) throws {
        let rc = blob.withUnsafeBytes { raw in
            sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), csqlite_transient())
        }
        try check(rc)
    }

    /// Binds UTF-8 bytes as TEXT (SQLite copies them): for text built as bytes, which need not
    /// become a `String` first.
    public func bind(_ index: Int32, utf8: UnsafeBufferPointer<UInt8>) throws {
        // A non-null pointer even when empty: a null one would bind NULL, not ''.
        let rc = withExtendedLifetime(utf8) {
            sqlite3_bind_text(handle, index, UnsafeRawPointer(utf8.baseAddress ?? UnsafePointer(Self.emptyText))
                .assumingMemoryBound(to: CChar.self), Int32(utf8.count), csqlite_transient())
        }
        try check(rc)
    }

    nonisolated(unsafe) private static let emptyText = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// Binds UTF-8 bytes as TEXT without SQLite's copy while `body` runs the statement; the
    /// parameter is NULL afterwards. For the large values of a row written per record (an
    /// import's original XML, its record JSON): the copy was a malloc, a memcpy and a free each.
    public func withBorrowedUTF8<R>(_ index: Int32, _ utf8: UnsafeBufferPointer<UInt8>,
                                    _ body: () throws -> R) throws -> R {
        let base = UnsafeRawPointer(utf8.baseAddress ?? UnsafePointer(Self.emptyText))
        // A nil destructor is SQLITE_STATIC: SQLite reads the bytes where they are.
        try check(sqlite3_bind_text64(handle, index, base.assumingMemoryBound(to: CChar.self), UInt64(utf8.count),
                                      nil, UInt8(SQLITE_UTF8)))
        defer { sqlite3_bind_null(handle, index) }
        return try body()
    }

    /// `withBorrowedUTF8` up to the first NUL: the text `bind(_:_:)` gives a string of these bytes.
    public func withBorrowedText<R>(_ index: Int32, utf8: UnsafeBufferPointer<UInt8>, _ body: () throws -> R) throws -> R {
        try withBorrowedUTF8(index, UnsafeBufferPointer(rebasing: utf8[0 ..< Self.lengthBeforeNUL(utf8)]), body)
    }

    /// The bytes before the first NUL: what SQLite read of a string bound as a C string.
    private static func lengthBeforeNUL(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = utf8.baseAddress, let nul = memchr(base, 0, utf8.count) else { return utf8.count }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(nul))
    }

    /// Binds all values in order, after a reset.
    public func bindAll(_ values: [(any SQLBindable)?]) throws {
        reset()
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            if let value { try value.bind(to: self, at: index) } else { try check(sqlite3_bind_null(handle, index)) }
        }
    }

    /// Advances; true when a row is available.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Binds, runs to completion, resets.
    public func run(_ values: [(any SQLBindable)?] = []) throws {
        try bindAll(values)
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Runs to completion with what is bound (after `reset()` and `bind` calls), then resets:
    /// `run` without its array of existentials, for statements run per row.
    public func runBound() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    public var columnCount: Int32 { sqlite3_column_count(handle) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func blob(_ column: Int32) -> [UInt8] {
        withBlob(column) { Array($0) }
    }

    /// The bytes of a BLOB column without copying them, valid only inside `body`.
    public func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        // The pointer first, then its size (SQLite's advice: a size asked first may be that of
        // another conversion).
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, count > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

/// Values that can be bound to a statement parameter.
public protocol SQLBindable {
    func bind(to statement: Statement, at index: Int32) throws
}

extension String: SQLBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(index, self) }
}
extension Int: SQLBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(index, Int64(self)) }
}
extension Int64: SQLBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(index, self) }
}
extension Double: SQLBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(index, self) }
}
extension Bool: SQLBindable {
    public func bind(to statement: Statement, at index: Int32) throws { try statement.bind(index, Int64(self ? 1 : 0)) }
}
