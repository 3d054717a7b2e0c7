/// One word of a chain, after elision: its byte range in the original UTF-8 and its
/// normalized scalars (a range of the segmenter's `norm` buffer).
struct Part {
    var start: Int
    var end: Int
    var normStart: Int
    var normEnd: Int
    var hasDigits: Bool
    var allDigits: Bool
    /// All normalized scalars are ASCII (so folding changes nothing).
    var ascii: Bool
}

/// The words of the current chain: at most `Segmenter.maxParts`, in storage the segmenter
/// allocates once (an array's uniqueness checks and resizing cost more than the words).
struct Parts: RandomAccessCollection {
    let p: UnsafeMutablePointer<Part>
    private(set) var count = 0

    init(capacity: Int) { p = .allocate(capacity: capacity) }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(i: Int) -> Part { p[i] }

    @inline(__always)
    mutating func append(_ part: Part) {
        (p + count).initialize(to: part)
        count += 1
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    func free() { p.deallocate() }
}

/// Splits UTF-8 into chains of words. A chain is a run of words linked by a single hyphen
/// or by a single apostrophe that is not an elision ("peut-être", "arc-en-ciel",
/// "aujourd'hui"); most chains have one word. Elided heads ("l'", "qu'", "jusqu'") are
/// dropped and end the chain before them. The normalized scalars of a chain's words are
/// contiguous in `norm`, so the joined form of a chain is `norm[0 ..< normCount]`.
struct Segmenter {
    /// Longest chain that gets a joined form; longer runs of linked words are split.
    static let maxParts = 8

    let bytes: UnsafePointer<UInt8>
    let count: Int
    var pos = 0
    var norm: Scratch<UInt32>
    var normCount = 0
    var parts = Parts(capacity: Segmenter.maxParts)
    /// Whether the current chain may be joined (false when it continues an over-long run).
    var joinable = true
    private var overflow = false

    init(_ utf8: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address: point at a static byte instead.
        if let base = utf8.baseAddress {
            bytes = base
            count = utf8.count
        } else {
            bytes = Segmenter.emptyByte
            count = 0
        }
        norm = Scratch(capacity: 64)
    }

    nonisolated(unsafe) private static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    func free() {
        norm.free()
        parts.free()
    }

    /// Reads the next chain into `parts`/`norm`; false at the end of the input.
    mutating func nextChain() -> Bool {
        parts.removeAll()
        normCount = 0
        joinable = !overflow
        overflow = false
        let n = count
        while pos < n {
            let (c0, len0) = decodeUTF8(bytes, pos, n)
            let cls0 = classify(c0)
            if cls0 != .letter && cls0 != .digit {
                pos += len0
                continue
            }
            // A word: letters, digits, combining marks; ignorables are skipped.
            let start = pos
            var end = pos
            let normStart = normCount
            var hasDigits = false
            var allDigits = true
            var ascii = true
            scan: while pos < n {
                if bytes[pos] < 0x80 {
                    // A run of ASCII letters and digits (most of French text) in a loop of its
                    // own, as the general path below would take it scalar by scalar: lower case,
                    // never a mark nor an ignorable; any other ASCII byte ends the word.
                    var q = pos
                    var digits = 0
                    while q < n {
                        let b = bytes[q]
                        if b >= 0x80 { break }
                        let t = ClassTables.latin[Int(b)]  // 1 letter, 2 digit
                        if t &- 1 > 1 { break }
                        digits &+= Int(t &- 1)
                        q += 1
                    }
                    let run = q - pos
                    if run == 0 { break scan }
                    norm.reserve(normCount + run, keeping: normCount)
                    let out = norm.p + normCount
                    for k in 0..<run {
                        let b = bytes[pos + k]
                        out[k] = UInt32(b &- 0x41 < 26 ? b | 0x20 : b)
                    }
                    normCount += run
                    if digits > 0 { hasDigits = true }
                    if digits < run { allDigits = false }
                    pos = q
                    end = q
                    continue scan
                }
                let (c, len) = decodeUTF8(bytes, pos, n)
                switch classify(c) {
                case .letter:
                    norm.reserve(normCount + 4, keeping: normCount)
                    normCount = Normalizer.appendLetter(c, norm.p, normCount)
                    allDigits = false
                case .digit:
                    norm.reserve(normCount + 4, keeping: normCount)
                    normCount = Normalizer.appendLetter(c, norm.p, normCount)
                    hasDigits = true
                case .mark:
                    norm.reserve(normCount + 4, keeping: normCount)
                    let composed = normCount > normStart ? Normalizer.compose(norm.p[normCount - 1], c) : 0
                    if composed != 0 {
                        norm.p[normCount - 1] = composed
                    } else {
                        norm.p[normCount] = c
                        normCount += 1
                    }
                case .ignorable:
                    pos += len
                    continue scan
                default:
                    break scan
                }
                if c >= 0x80 { ascii = false }
                pos += len
                end = pos
            }
            if !ascii {
                // Normalization may have produced ASCII only (Æ -> ae); recheck cheaply.
                ascii = true
                for k in normStart..<normCount where norm.p[k] >= 0x80 {
                    ascii = false
                    break
                }
            }
            // A link: one apostrophe or hyphen right after the word, then a letter or digit.
            var link = CharClass.other
            var linkLength = 0
            if pos == end && pos < n {
                let (c, len) = decodeUTF8(bytes, pos, n)
                let cls = classify(c)
                if (cls == .apostrophe || cls == .hyphen) && pos + len < n {
                    let (d, _) = decodeUTF8(bytes, pos + len, n)
                    let next = classify(d)
                    if next == .letter || next == .digit {
                        link = cls
                        linkLength = len
                    }
                }
            }
            if link == .apostrophe && Segmenter.isElisionHead(norm.p + normStart, normCount - normStart) {
                normCount = normStart
                pos += linkLength
                if !parts.isEmpty { return true }
                continue
            }
            parts.append(Part(start: start, end: end, normStart: normStart, normEnd: normCount,
                              hasDigits: hasDigits, allDigits: allDigits && hasDigits, ascii: ascii))
            if link == .other { return true }
            pos += linkLength
            if parts.count == Segmenter.maxParts {
                overflow = true
                joinable = false
                return true
            }
        }
        return !parts.isEmpty
    }

    /// l d j m n s t c qu jusqu lorsqu puisqu quoiqu (normalized, before an apostrophe).
    static func isElisionHead(_ p: UnsafePointer<UInt32>, _ n: Int) -> Bool {
        switch n {
        case 1:
            switch p[0] {
            case 0x6C, 0x64, 0x6A, 0x6D, 0x6E, 0x73, 0x74, 0x63: return true
            default: return false
            }
        case 2:
            return p[0] == 0x71 && p[1] == 0x75
        case 5, 6:
            // must end in "qu"
            guard p[n - 2] == 0x71 && p[n - 1] == 0x75 else { return false }
            return matches(p, n, "jusqu") || matches(p, n, "lorsqu") || matches(p, n, "puisqu")
                || matches(p, n, "quoiqu")
        default:
            return false
        }
    }

    @inline(__always)
    private static func matches(_ p: UnsafePointer<UInt32>, _ n: Int, _ s: StaticString) -> Bool {
        guard s.utf8CodeUnitCount == n else { return false }
        let u = s.utf8Start
        for k in 0..<n where p[k] != UInt32(u[k]) { return false }
        return true
    }
}
