internal import CSQLite

/// Why FTS5 is asking for tokens.
public enum FTS5TokenizeReason: Sendable {
    case document, query, prefixQuery, auxiliary
}

/// A custom FTS5 tokenizer written in Swift. `emit(term, start, end, colocated)` takes byte
/// offsets into `text` and returns false when FTS5 asks to stop.
public protocol FTS5Tokenizer: AnyObject {
    func tokenize(_ text: UnsafeBufferPointer<UInt8>, reason: FTS5TokenizeReason,
                  emit: (_ term: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ colocated: Bool) -> Bool)
}

private final class TokenizerBox {
    let tokenizer: any FTS5Tokenizer
    init(_ tokenizer: any FTS5Tokenizer) { self.tokenizer = tokenizer }
}

/// What one xTokenize call needs inside the Swift emit closure.
private struct TokenSink {
    let context: UnsafeMutableRawPointer?
    let xToken: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32, Int32, Int32) -> Int32
    var rc: Int32 = SQLITE_OK
}

extension Database {
    /// Registers `tokenizer` under `name` on this connection. FTS5 tokenizers are per
    /// connection: every connection that touches a table using it must register it.
    public func register(tokenizer: any FTS5Tokenizer, named name: String) throws {
        guard let api = csqlite_fts5_api(handle) else {
            throw SQLiteError(code: SQLITE_ERROR, message: "FTS5 n'est pas disponible dans ce SQLite", sql: nil)
        }
        let box = Unmanaged.passRetained(TokenizerBox(tokenizer)).toOpaque()
        var methods = fts5_tokenizer()
        // One tokenizer instance serves every table: xCreate hands back the shared box.
        methods.xCreate = { context, _, _, out in
            out?.pointee = OpaquePointer(context)
            return SQLITE_OK
        }
        methods.xDelete = { _ in }
        methods.xTokenize = { instance, sinkContext, flags, text, length, xToken in
            guard let instance, let xToken else { return SQLITE_ERROR }
            let box = Unmanaged<TokenizerBox>.fromOpaque(UnsafeRawPointer(instance)).takeUnretainedValue()
            let reason: FTS5TokenizeReason
            switch flags & 0x0F {
            case FTS5_TOKENIZE_QUERY: reason = .query
            case FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX: reason = .prefixQuery
            case FTS5_TOKENIZE_AUX: reason = .auxiliary
            default: reason = .document
            }
            var sink = TokenSink(context: sinkContext, xToken: xToken)
            let count = Int(max(length, 0))
            text.map { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                    box.tokenizer.tokenize(UnsafeBufferPointer(start: bytes, count: count), reason: reason) {
                        term, start, end, colocated in
                        let rc = term.withMemoryRebound(to: CChar.self) { chars in
                            sink.xToken(sink.context, colocated ? FTS5_TOKEN_COLOCATED : 0, chars.baseAddress,
                                        Int32(chars.count), Int32(start), Int32(end))
                        }
                        sink.rc = rc
                        return rc == SQLITE_OK
                    }
                }
            }
            return sink.rc == SQLITE_DONE ? SQLITE_OK : sink.rc
        }
        let rc = api.pointee.xCreateTokenizer(api, name, box, &methods) { context in
            if let context { Unmanaged<TokenizerBox>.fromOpaque(context).release() }
        }
        if rc != SQLITE_OK {
            Unmanaged<TokenizerBox>.fromOpaque(box).release()
            throw error(rc, sql: nil)
        }
    }
}
