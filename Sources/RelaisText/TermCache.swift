/// The index terms of words already analyzed, for a tokenizer that sees the same words again and
/// again (an import indexes thousands of records drawn from one vocabulary): stemming and
/// folding each occurrence was most of the tokenizer's own time.
///
/// A word's terms depend only on its normalized scalars (cut to `maxTermLength`) and on whether
/// the whole word had digits or was ASCII, which is the key; the value is the UTF-8 of both
/// forms, emitted as computed. Bounded: it empties itself when full. Not thread-safe: one per
/// FTS5 tokenizer instance, which serves one database connection.
public final class TermCache {
    /// One cached word. `hash == 0` never occurs (see `hash`), so it marks an empty slot.
    struct Entry {
        var hash: UInt64
        var keyStart: Int32
        var keyCount: Int32
        var valueStart: Int32
        /// UTF-8 lengths of the primary and accent-free forms (0: not emitted).
        var primary: Int32
        var alternative: Int32
    }

    /// What changes as words are cached. Behind a pointer the class holds as a constant: as
    /// variables of the class, each read of them in the tokenizer's loop was a dynamic
    /// exclusivity check (~100 per record, the cache's main cost on a hit).
    struct State {
        var count = 0
        var keys = Scratch<UInt32>(capacity: 4096)
        var keyCount = 0
        var values = Scratch<UInt8>(capacity: 8192)
        var valueCount = 0
    }

    let entryLimit: Int
    private let slotMask: Int
    private let slots: UnsafeMutablePointer<Entry>
    private let state: UnsafeMutablePointer<State>

    /// `entries` distinct words at most (about 100 bytes each); then the cache restarts.
    public init(entries: Int = 8_192) {
        entryLimit = max(entries, 1)
        var slotCount = 16
        while slotCount < 2 * entryLimit { slotCount *= 2 }
        slotMask = slotCount - 1
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Entry(hash: 0, keyStart: 0, keyCount: 0, valueStart: 0, primary: 0, alternative: 0),
                         count: slotCount)
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        slots.deallocate()
        state.pointee.keys.free()
        state.pointee.values.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Words cached now (for tests).
    public var entryCount: Int { state.pointee.count }

    private func clear() {
        for k in 0...slotMask { slots[k].hash = 0 }
        state.pointee.count = 0
        state.pointee.keyCount = 0
        state.pointee.valueCount = 0
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt32>, _ n: Int, _ flags: UInt64) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ flags ^ (UInt64(n) << 2)
        for k in 0..<n {
            h = (h ^ UInt64(p[k])) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
        }
        return h | 1
    }

    @inline(__always)
    static func flags(hasDigits: Bool, ascii: Bool) -> UInt64 {
        (hasDigits ? 1 : 0) | (ascii ? 2 : 0)
    }

    /// The slot of the word, holding it or empty.
    @inline(__always)
    private func slot(_ p: UnsafePointer<UInt32>, _ n: Int, _ h: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: h >> 7) & slotMask
        let keys = state.pointee.keys
        while true {
            let e = slots[i]
            if e.hash == 0 { return i }
            if e.hash == h && Int(e.keyCount) == n {
                let key = keys.p + Int(e.keyStart)
                var same = true
                for k in 0..<n where key[k] != p[k] {
                    same = false
                    break
                }
                if same { return i }
            }
            i = (i + 1) & slotMask
        }
    }

    /// The cached terms of the word: (primary UTF-8, alternative UTF-8), valid until the next
    /// `insert`; nil when not cached.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt32>, _ n: Int, hasDigits: Bool, ascii: Bool)
        -> (hash: UInt64, hit: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>)?)
    {
        let h = Self.hash(p, n, Self.flags(hasDigits: hasDigits, ascii: ascii))
        let e = slots[slot(p, n, h)]
        guard e.hash != 0 else { return (h, nil) }
        let v = state.pointee.values.p + Int(e.valueStart)
        return (h, (UnsafeBufferPointer(start: v, count: Int(e.primary)),
                    UnsafeBufferPointer(start: v + Int(e.primary), count: Int(e.alternative))))
    }

    /// Caches the word's terms (`hash` from `lookup`, which found nothing).
    func insert(_ p: UnsafePointer<UInt32>, _ n: Int, hash h: UInt64,
                primary: UnsafeBufferPointer<UInt8>, alternative: UnsafeBufferPointer<UInt8>) {
        let size = primary.count + alternative.count
        // Past these the offsets would not fit, or the arenas would outgrow their purpose.
        let s = state
        if s.pointee.count >= entryLimit || s.pointee.keyCount + n > 16 * entryLimit
            || s.pointee.valueCount + size > 32 * entryLimit
        {
            clear()
        }
        let keyCount = s.pointee.keyCount
        let valueCount = s.pointee.valueCount
        s.pointee.keys.reserve(keyCount + n, keeping: keyCount)
        (s.pointee.keys.p + keyCount).update(from: p, count: n)
        s.pointee.values.reserve(valueCount + size, keeping: valueCount)
        let values = s.pointee.values.p
        if let base = primary.baseAddress { (values + valueCount).update(from: base, count: primary.count) }
        if let base = alternative.baseAddress {
            (values + valueCount + primary.count).update(from: base, count: alternative.count)
        }
        slots[slot(p, n, h)] = Entry(hash: h, keyStart: Int32(keyCount), keyCount: Int32(n),
                                     valueStart: Int32(valueCount), primary: Int32(primary.count),
                                     alternative: Int32(alternative.count))
        s.pointee.keyCount = keyCount + n
        s.pointee.valueCount = valueCount + size
        s.pointee.count += 1
    }
}
