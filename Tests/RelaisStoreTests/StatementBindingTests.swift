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
}
