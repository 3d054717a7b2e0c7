import Testing
import RelaisSQLite

/// Binding one by one (`bind` + `runBound`) stores what `run([...])` stored.
@Suite struct StatementBindingTests {
    @Test func utf8BytesBindAsTheSameText() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (k INTEGER, v)")
        let insert = try db.prepare("INSERT INTO t (k, v) VALUES (?, ?)")
        let values = ["", "a", "{\"é\":\"😀\"}", String(repeating: "x", count: 5_000)]
        for (k, value) in values.enumerated() {
            try insert.run([k, value])
            insert.reset()
            try insert.bind(1, k + 100)
            try Array(value.utf8).withUnsafeBufferPointer { try insert.bind(2, utf8: $0) }
            try insert.runBound()
        }
        // An empty buffer without a base address is '' too, not NULL.
        insert.reset()
        try insert.bind(1, 200)
        try insert.bind(2, utf8: UnsafeBufferPointer(start: nil, count: 0))
        try insert.runBound()
        let read = try db.prepare("SELECT typeof(v), hex(v) FROM t WHERE k = ?")
        func row(_ k: Int) throws -> [String?] {
            try read.bindAll([k])
            defer { read.reset() }
            guard try read.step() else { return [] }
            return [read.text(0), read.text(1)]
        }
        for k in values.indices {
            #expect(try row(k) == row(k + 100))
            #expect(try row(k).first == "text")
        }
        #expect(try row(200) == row(0))
    }

    /// Strings are bound from their UTF-8 with a length; they were bound as C strings, which
    /// SQLite read up to the first NUL: the same text must be stored.
    @Test func stringsBindAsTheirCStringDid() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (k INTEGER, v)")
        let insert = try db.prepare("INSERT INTO t (k, v) VALUES (?, ?)")
        let values = ["", "a", "été", "a\u{0}b", "\u{0}", "x\u{0}", String(repeating: "é", count: 3_000) + "\u{0}z",
                      "Le cycle de l’eau 😀", String(repeating: "y", count: 100_000)]
        let expected = ["", "a", "été", "a", "", "x", String(repeating: "é", count: 3_000),
                        "Le cycle de l’eau 😀", String(repeating: "y", count: 100_000)]
        for (k, value) in values.enumerated() {
            insert.reset()
            try insert.bind(1, k)
            try insert.bind(2, value)
            try insert.runBound()
            // Through the substring path too (a non-native or shared string).
            insert.reset()
            try insert.bind(1, k + 100)
            try insert.bind(2, String(Substring(value)))
            try insert.runBound()
        }
        insert.reset()
        try insert.bind(1, 200)
        try insert.bind(2, nil as String?)
        try insert.runBound()
        let read = try db.prepare("SELECT typeof(v), v FROM t WHERE k = ?")
        for k in values.indices {
            for key in [k, k + 100] {
                try read.bindAll([key])
                #expect(try read.step())
                #expect(read.text(0) == "text")
                #expect(read.text(1) == expected[k])
                read.reset()
            }
        }
        try read.bindAll([200])
        #expect(try read.step())
        #expect(read.text(0) == "null")
        read.reset()
    }

    /// Borrowed bindings store what the copying ones store, and leave NULL behind.
    @Test func borrowedBindingsStoreTheSameText() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (k INTEGER, v, w)")
        let insert = try db.prepare("INSERT INTO t (k, v, w) VALUES (?, ?, ?)")
        let values = ["", "a", "été", "a\u{0}b", "\u{0}", String(repeating: "<lom>é</lom>", count: 2_000), "😀"]
        for (k, value) in values.enumerated() {
            insert.reset()
            try insert.bind(1, k)
            try insert.bind(2, value)
            try Array(value.utf8).withUnsafeBufferPointer { try insert.bind(3, utf8: $0) }
            try insert.runBound()
            insert.reset()
            try insert.bind(1, k + 100)
            try Array(value.utf8).withUnsafeBufferPointer { bytes in
                try insert.withBorrowedText(2, utf8: bytes) {
                    try insert.withBorrowedUTF8(3, bytes) { try insert.runBound() }
                }
            }
            // Nothing borrowed stays bound: the parameters are NULL now.
            try insert.bind(1, k + 200)
            try insert.runBound()
        }
        try insert.withBorrowedUTF8(3, UnsafeBufferPointer(start: nil, count: 0)) {
            try insert.bind(1, 300)
            try insert.runBound()
        }
        let read = try db.prepare("SELECT typeof(v), hex(v), typeof(w), hex(w) FROM t WHERE k = ?")
        func row(_ k: Int) throws -> [String?] {
            try read.bindAll([k])
            defer { read.reset() }
            guard try read.step() else { return [] }
            return [read.text(0), read.text(1), read.text(2), read.text(3)]
        }
        for k in values.indices {
            #expect(try row(k + 100) == row(k))
            #expect(try row(k + 200) == ["null", "", "null", ""])
        }
        #expect(try row(300)[2] == "text")
        #expect(try row(300)[3] == "")
    }
}
