// Byte-level scanning for French analysis: UTF-8 decoding, character classes, normalization
// (lower case, composition of common combining accents, ligatures) and accent folding.
// Pure standard library; the Latin paths are table- or switch-driven, only scripts beyond
// Latin-1 ask the standard library's Unicode properties.

/// What a scalar is to the word splitter.
enum CharClass: UInt8 {
    /// A separator (space, punctuation, symbol, emoji, control, invalid UTF-8).
    case other
    /// A letter: starts or continues a word.
    case letter
    /// A digit or other number: starts or continues a word.
    case digit
    /// A combining mark: continues a word, never starts one.
    case mark
    /// ' ’ ‘ ʼ ` ´ ′: splits words; links them (elision, "aujourd'hui") when between two.
    case apostrophe
    /// - ‐ ‑: splits words; links them ("peut-être") when between two.
    case hyphen
    /// Soft hyphen, zero-width joiners, BOM: invisible inside a word, a separator outside.
    case ignorable
}

/// The class of a scalar: a table lookup for ASCII, Latin-1, Latin Extended-A and B and General
/// Punctuation (nearly every scalar of French text), the general classification beyond. Asking
/// the Unicode properties cost every call (even ASCII's) two type-metadata lookups, and kept the
/// function from being inlined into the word splitter's loop; the tables are `classifyGeneral`'s
/// answers (a test compares both over every scalar).
@inline(__always)
func classify(_ c: UInt32) -> CharClass {
    // The tables hold raw values, which are the cases' own representation (declared in order,
    // implicit raw values): `CharClass(rawValue:)` was a call per scalar. Tests check both.
    if c < 0x250 { return unsafeBitCast(ClassTables.latin[Int(c)], to: CharClass.self) }
    if c &- 0x300 < 0x70 { return .mark }
    if c &- 0x2000 < 0x70 { return unsafeBitCast(ClassTables.punctuation[Int(c &- 0x2000)], to: CharClass.self) }
    return classifyGeneral(c)
}

/// The classification itself, by hand up to Latin-1 and for the few scalars the splitter treats
/// apart, by general category beyond: what `classify` answers for every scalar.
@inline(never)
func classifyGeneral(_ c: UInt32) -> CharClass {
    if c < 0x80 {
        if c &- 0x61 < 26 || c &- 0x41 < 26 { return .letter }
        if c &- 0x30 < 10 { return .digit }
        if c == 0x27 || c == 0x60 { return .apostrophe }
        if c == 0x2D { return .hyphen }
        return .other
    }
    if c < 0x100 {
        if c >= 0xC0 { return (c == 0xD7 || c == 0xF7) ? .other : .letter }
        switch c {
        case 0xAA, 0xB5, 0xBA: return .letter
        case 0xB2, 0xB3, 0xB9, 0xBC, 0xBD, 0xBE: return .digit
        case 0xAD: return .ignorable
        case 0xB4: return .apostrophe
        default: return .other
        }
    }
    if c &- 0x300 < 0x70 { return .mark }
    switch c {
    case 0x2019, 0x2018, 0x02BC, 0x2032: return .apostrophe
    case 0x2010, 0x2011: return .hyphen
    case 0x200C, 0x200D, 0x2060, 0xFEFF: return .ignorable
    case 0xFFFD: return .other
    default: break
    }
    guard let s = Unicode.Scalar(c) else { return .other }
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
        return .letter
    case .decimalNumber, .letterNumber, .otherNumber:
        return .digit
    case .nonspacingMark, .spacingMark, .enclosingMark:
        return .mark
    default:
        return .other
    }
}

/// Decodes one scalar at `i` (< n). Invalid or truncated sequences give U+FFFD over one byte,
/// so every byte is consumed and the scanner never stalls.
@inline(__always)
func decodeUTF8(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (UInt32, Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xC2 { return (0xFFFD, 1) }
    if b0 < 0xE0 {
        guard i + 1 < n else { return (0xFFFD, 1) }
        let b1 = UInt32(p[i + 1])
        guard b1 & 0xC0 == 0x80 else { return (0xFFFD, 1) }
        return ((b0 & 0x1F) << 6 | (b1 & 0x3F), 2)
    }
    if b0 < 0xF0 {
        guard i + 2 < n else { return (0xFFFD, 1) }
        let b1 = UInt32(p[i + 1]), b2 = UInt32(p[i + 2])
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return (0xFFFD, 1) }
        if b0 == 0xE0 && b1 < 0xA0 { return (0xFFFD, 1) }  // overlong
        if b0 == 0xED && b1 >= 0xA0 { return (0xFFFD, 1) }  // surrogate
        return ((b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F), 3)
    }
    if b0 < 0xF5 {
        guard i + 3 < n else { return (0xFFFD, 1) }
        let b1 = UInt32(p[i + 1]), b2 = UInt32(p[i + 2]), b3 = UInt32(p[i + 3])
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return (0xFFFD, 1) }
        if b0 == 0xF0 && b1 < 0x90 { return (0xFFFD, 1) }  // overlong
        if b0 == 0xF4 && b1 >= 0x90 { return (0xFFFD, 1) }  // > U+10FFFF
        return ((b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F), 4)
    }
    return (0xFFFD, 1)
}

/// Writes the UTF-8 of `n` scalars at `src` to `out` (room for 4 bytes a scalar); returns the
/// byte count.
@inline(__always)
func encodeUTF8(_ src: UnsafePointer<UInt32>, _ n: Int, _ out: UnsafeMutablePointer<UInt8>) -> Int {
    var o = 0
    for k in 0..<n {
        let c = src[k]
        if c < 0x80 {
            out[o] = UInt8(truncatingIfNeeded: c)
            o += 1
        } else if c < 0x800 {
            out[o] = UInt8(truncatingIfNeeded: 0xC0 | (c >> 6))
            out[o + 1] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
            o += 2
        } else if c < 0x10000 {
            out[o] = UInt8(truncatingIfNeeded: 0xE0 | (c >> 12))
            out[o + 1] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F))
            out[o + 2] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
            o += 3
        } else {
            out[o] = UInt8(truncatingIfNeeded: 0xF0 | (c >> 18))
            out[o + 1] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 12) & 0x3F))
            out[o + 2] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F))
            out[o + 3] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
            o += 4
        }
    }
    return o
}

/// A growable scratch array of trivial values, freed explicitly.
struct Scratch<T> {
    var p: UnsafeMutablePointer<T>
    var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        self.p = .allocate(capacity: self.capacity)
    }

    /// Makes room for `n` values, keeping the first `keep`.
    @inline(__always)
    mutating func reserve(_ n: Int, keeping keep: Int = 0) {
        if n > capacity { grow(n, keep) }
    }

    mutating func grow(_ n: Int, _ keep: Int) {
        var c = capacity
        while c < n { c *= 2 }
        let q = UnsafeMutablePointer<T>.allocate(capacity: c)
        if keep > 0 { q.initialize(from: p, count: keep) }
        p.deallocate()
        p = q
        capacity = c
    }

    func free() { p.deallocate() }
}

enum Normalizer {
    /// Appends the normalized form of one letter or digit scalar (lower case, ligatures
    /// expanded, compatibility superscripts and ordinals flattened) to `out` at `n`
    /// (room for 4 more scalars is guaranteed by the caller); returns the new count.
    @inline(__always)
    static func appendLetter(_ c: UInt32, _ out: UnsafeMutablePointer<UInt32>, _ n: Int) -> Int {
        if c < 0x80 {
            out[n] = (c &- 0x41 < 26) ? c | 0x20 : c
            return n + 1
        }
        if c < 0x100 {
            var x = c
            if x &- 0xC0 < 0x1F && x != 0xD7 { x |= 0x20 }
            switch x {
            case 0xE6: out[n] = 0x61; out[n + 1] = 0x65; return n + 2  // æ -> ae
            case 0xDF: out[n] = 0x73; out[n + 1] = 0x73; return n + 2  // ß -> ss
            case 0xAA: out[n] = 0x61; return n + 1  // ª
            case 0xBA: out[n] = 0x6F; return n + 1  // º
            case 0xB2: out[n] = 0x32; return n + 1  // ²
            case 0xB3: out[n] = 0x33; return n + 1  // ³
            case 0xB9: out[n] = 0x31; return n + 1  // ¹
            case 0xB5: out[n] = 0x3BC; return n + 1  // micro sign -> μ
            default: out[n] = x; return n + 1
            }
        }
        return appendRare(c, out, n)
    }

    static func appendRare(_ c: UInt32, _ out: UnsafeMutablePointer<UInt32>, _ n: Int) -> Int {
        switch c {
        case 0x152, 0x153: out[n] = 0x6F; out[n + 1] = 0x65; return n + 2  // œ -> oe
        case 0x1E9E: out[n] = 0x73; out[n + 1] = 0x73; return n + 2  // ẞ -> ss
        case 0x132, 0x133: out[n] = 0x69; out[n + 1] = 0x6A; return n + 2  // ĳ -> ij
        case 0x178: out[n] = 0xFF; return n + 1  // Ÿ -> ÿ
        case 0xFB00: out[n] = 0x66; out[n + 1] = 0x66; return n + 2  // ﬀ
        case 0xFB01: out[n] = 0x66; out[n + 1] = 0x69; return n + 2  // ﬁ
        case 0xFB02: out[n] = 0x66; out[n + 1] = 0x6C; return n + 2  // ﬂ
        case 0xFB03: out[n] = 0x66; out[n + 1] = 0x66; out[n + 2] = 0x69; return n + 3  // ﬃ
        case 0xFB04: out[n] = 0x66; out[n + 1] = 0x66; out[n + 2] = 0x6C; return n + 3  // ﬄ
        case 0xFB05, 0xFB06: out[n] = 0x73; out[n + 1] = 0x74; return n + 2  // ﬅ ﬆ
        // Superscript letters of French ordinals and abbreviations: 1ʳᵉ, 2ᵉ, Mˡˡᵉ, Mᵍʳ, nᵒ.
        case 0x1D49: out[n] = 0x65; return n + 1  // ᵉ
        case 0x02B3: out[n] = 0x72; return n + 1  // ʳ
        case 0x02E2: out[n] = 0x73; return n + 1  // ˢ
        case 0x1D48: out[n] = 0x64; return n + 1  // ᵈ
        case 0x1D4D: out[n] = 0x67; return n + 1  // ᵍ
        case 0x1D50: out[n] = 0x6D; return n + 1  // ᵐ
        case 0x02E1: out[n] = 0x6C; return n + 1  // ˡ
        case 0x207F: out[n] = 0x6E; return n + 1  // ⁿ
        case 0x1D52: out[n] = 0x6F; return n + 1  // ᵒ
        case 0x1D43: out[n] = 0x61; return n + 1  // ᵃ
        case 0x2070: out[n] = 0x30; return n + 1  // ⁰
        case 0x2074...0x2079: out[n] = c - 0x2074 + 0x34; return n + 1  // ⁴..⁹
        default: break
        }
        guard let s = Unicode.Scalar(c) else { return n }
        let props = s.properties
        if props.changesWhenLowercased {
            var k = n
            for u in props.lowercaseMapping.unicodeScalars {
                if k - n >= 3 { break }  // never more than the caller's room
                out[k] = u.value
                k += 1
            }
            return k
        }
        out[n] = c
        return n + 1
    }

    /// Composes a lower-case ASCII letter with a combining mark (é from e + U+0301, ç from
    /// c + U+0327...), or returns 0.
    @inline(__always)
    static func compose(_ base: UInt32, _ mark: UInt32) -> UInt32 {
        guard base &- 0x61 < 26, mark &- 0x300 < 0x70 else { return 0 }
        let key = UInt16(truncatingIfNeeded: (mark - 0x300) << 7 | base)
        let keys = FoldTables.composeKeys
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        if lo < keys.count && keys[lo] == key { return UInt32(FoldTables.composeValues[lo]) }
        return 0
    }

    /// The accent-free form of one normalized scalar: its ASCII base letter for precomposed
    /// Latin letters, 0 for a combining mark (dropped), the scalar itself otherwise.
    @inline(__always)
    static func foldScalar(_ c: UInt32) -> UInt32 {
        if c < 0xC0 { return c }
        if c < 0x250 {
            let t = FoldTables.latin[Int(c - 0xC0)]
            return t == 0 ? c : UInt32(t)
        }
        if c &- 0x300 < 0x70 { return 0 }
        if c &- 0x1E00 < 0x100 {
            let t = FoldTables.latinExtended[Int(c - 0x1E00)]
            return t == 0 ? c : UInt32(t)
        }
        if c &- 0x1AB0 < 0x50 || c &- 0x1DC0 < 0x40 || c &- 0x20D0 < 0x30 || c &- 0xFE20 < 0x10 {
            return 0  // other combining-mark blocks
        }
        return c
    }

    /// Folds `n` normalized scalars from `src` into `dst` (may be the same buffer); returns the
    /// new count. `changed` tells whether anything was folded.
    @inline(__always)
    static func fold(_ src: UnsafePointer<UInt32>, _ n: Int, _ dst: UnsafeMutablePointer<UInt32>,
                     changed: inout Bool) -> Int {
        var k = 0
        for i in 0..<n {
            let c = src[i]
            if c < 0xC0 {
                dst[k] = c
                k += 1
                continue
            }
            let f = foldScalar(c)
            if f != c { changed = true }
            if f != 0 {
                dst[k] = f
                k += 1
            }
        }
        return k
    }
}
