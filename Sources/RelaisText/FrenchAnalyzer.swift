/// The contract of French analysis, shared by the FTS5 tokenizer (index time) and by
/// RelaisSearch (query time). Implementation: see the other files of this module.
///
/// Offsets are byte offsets into the original UTF-8 text, so that highlights keep accents.
public struct AnalyzedToken: Hashable, Sendable {
    /// The indexed form (folded stem).
    public var term: String
    /// Byte range of the surface word in the original UTF-8.
    public var start: Int
    public var end: Int
    /// True when this token is an alternative form at the same position as the previous one.
    public var colocated: Bool

    public init(term: String, start: Int, end: Int, colocated: Bool) {
        self.term = term
        self.start = start
        self.end = end
        self.colocated = colocated
    }
}

/// French analysis for indexing and querying: normalization, word splitting with byte offsets
/// into the original UTF-8, elision, hyphenated compounds, accent folding, Snowball stemming,
/// stop words.
///
/// ## How accents and stemming combine
/// A word `w` (lower case, composed, ligatures expanded, elision removed) has two forms:
/// - `fold(stem(w))`, the primary form: the stemmer sees the accents it was written for
///   ("activité" -> "activ", like "actif", "actives"), then the stem loses its accents;
/// - `stem(fold(w))`, the accent-free form: what the same word typed without accents stems to
///   ("activite" -> "activit").
///
/// At index time both are emitted, the second colocated with the first when it differs. At
/// query time `queryTerm(w)` is the primary form, which equals `stem(w)` when `w` has no
/// accents; `queryTerms(w)` adds the accent-free form when it differs (OR them). Hence, for
/// any query word `q` and document word `d` with `fold(q) == fold(d)`:
/// - `q` typed without accents: `queryTerm(q) = stem(q) = stem(fold(d))`, indexed for `d`;
/// - `q` with accents: `queryTerms(q)` contains `stem(fold(q)) = stem(fold(d))`, indexed for
///   `d`; and when `q == d` the primary forms agree as well.
/// So a query finds its word however either side placed its accents. Words with digits
/// ("P5", "CE1D", "2024", "1ère") are never stemmed: their one form is `fold(w)`.
public enum FrenchAnalyzer {
    /// The analyzer version. Bump it whenever the terms produced for some input change: the
    /// index stores it and rebuilds when it differs.
    public static let version: Int = 1

    /// Words longer than this (in scalars) are folded, not stemmed.
    static let maxStemLength = 64
    /// Terms are cut to this many scalars (index and query alike).
    static let maxTermLength = 128

    /// A word of a text, for query parsing, typo correction and highlighting.
    public struct Word: Hashable, Sendable {
        /// The original text of the word (after any elided head: "école" in "l'école").
        public var surface: String
        /// Lower case, composed, ligatures expanded; not folded, not stemmed.
        public var normalized: String
        /// Byte range of `surface` in the original UTF-8.
        public var start: Int
        public var end: Int
        /// The word contains a digit ("P5", "CE1D", "2024"): it is not stemmed.
        public var hasDigits: Bool
        /// The word is only digits ("2024").
        public var isNumeric: Bool
        /// The next word is linked to this one by a hyphen or a non-elision apostrophe
        /// ("peut" in "peut-être", "aujourd" in "aujourd'hui"): together they also form a
        /// joined word ("peutetre"), indexed at the position of the first part.
        public var joinedWithNext: Bool

        public init(surface: String, normalized: String, start: Int, end: Int, hasDigits: Bool,
                    isNumeric: Bool, joinedWithNext: Bool) {
            self.surface = surface
            self.normalized = normalized
            self.start = start
            self.end = end
            self.hasDigits = hasDigits
            self.isNumeric = isNumeric
            self.joinedWithNext = joinedWithNext
        }
    }

    // MARK: - Hot path

    /// Tokenizes UTF-8 text. `emit(term, start, end, colocated)` receives each term's UTF-8
    /// (valid only during the call), the byte range of its surface word in `utf8`, and whether
    /// it is an alternative at the same position as the previous term; it returns false to stop.
    ///
    /// Index side (`forQuery == false`): per word, `fold(stem(w))` then, when different,
    /// `stem(fold(w))` colocated; for a hyphenated or apostrophe compound, after the first
    /// part's terms, the joined word's terms, colocated, over the whole compound's range.
    /// Query side: per word, only `queryTerm(w)`; no colocated terms, no joined forms.
    ///
    /// `cache`, when given, remembers the terms of the words it has seen (same terms, computed
    /// once per distinct word).
    public static func tokenize(
        _ utf8: UnsafeBufferPointer<UInt8>,
        forQuery: Bool,
        cache: TermCache? = nil,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ colocated: Bool) -> Bool
    ) {
        var seg = Segmenter(utf8)
        var tb = TermBuilder()
        tb.cache = cache
        defer {
            seg.free()
            tb.free()
        }
        while seg.nextChain() {
            let k = seg.parts.count
            for i in 0..<k {
                let part = seg.parts[i]
                let n = part.normEnd - part.normStart
                if !tb.emitForms(seg.norm.p + part.normStart, n, hasDigits: part.hasDigits, ascii: part.ascii,
                                 start: part.start, end: part.end, colocated: false, all: !forQuery, emit)
                {
                    return
                }
                if i == 0 && k >= 2 && !forQuery && seg.joinable {
                    var hasDigits = false
                    var ascii = true
                    for q in seg.parts {
                        hasDigits = hasDigits || q.hasDigits
                        ascii = ascii && q.ascii
                    }
                    if !tb.emitForms(seg.norm.p, seg.parts[k - 1].normEnd, hasDigits: hasDigits, ascii: ascii,
                                     start: part.start, end: seg.parts[k - 1].end, colocated: true, all: true, emit)
                    {
                        return
                    }
                }
            }
        }
    }

    // MARK: - Conveniences

    /// The tokens of `text` (see `tokenize`), with offsets into `text.utf8`.
    public static func tokens(_ text: String, forQuery: Bool = false) -> [AnalyzedToken] {
        var result: [AnalyzedToken] = []
        var text = text
        text.withUTF8 { buf in
            tokenize(buf, forQuery: forQuery) { term, start, end, colocated in
                result.append(AnalyzedToken(term: String(decoding: term, as: UTF8.self),
                                            start: start, end: end, colocated: colocated))
                return true
            }
        }
        return result
    }

    /// The words of `text` after elision, in order, with byte offsets into `text.utf8`.
    /// Parts of compounds are separate words, marked `joinedWithNext`.
    public static func words(_ text: String) -> [Word] {
        var result: [Word] = []
        forEachWord(text) { _, word in result.append(word()) }
        return result
    }

    /// The words of `text` as `words(text)` gives them, each as its surface UTF-8 (valid only
    /// during the call) and a function that builds the `Word` on demand: for callers that key
    /// a cache by surface and seldom need the strings (a word's normalized form and digits
    /// depend only on its surface bytes).
    public static func forEachWord(
        _ text: String, _ body: (_ surface: UnsafeBufferPointer<UInt8>, _ word: () -> Word) -> Void
    ) {
        var text = text
        text.withUTF8 { buf in
            var seg = Segmenter(buf)
            defer { seg.free() }
            while seg.nextChain() {
                let k = seg.parts.count
                for i in 0..<k {
                    let part = seg.parts[i]
                    let surface = UnsafeBufferPointer(start: seg.bytes + part.start, count: part.end - part.start)
                    body(surface) {
                        Word(surface: String(decoding: surface, as: UTF8.self),
                             normalized: string(seg.norm.p + part.normStart, part.normEnd - part.normStart),
                             start: part.start, end: part.end, hasDigits: part.hasDigits,
                             isNumeric: part.allDigits, joinedWithNext: i < k - 1)
                    }
                }
            }
        }
    }

    /// The single term a query word becomes: `fold(stem(w))` if `w` has accents, else
    /// `stem(w)`; `fold(w)` if it has digits. An elided head is dropped ("l'école" -> "ecol")
    /// and the parts of a compound are joined ("e-mail" -> "email"). Empty for a word with no
    /// letter or digit.
    public static func queryTerm(_ word: String) -> String {
        forms(word).first ?? ""
    }

    /// The terms that find `word` however accents were placed: `queryTerm(word)` and, when
    /// `word` has accents and it differs, `stem(fold(word))`. A query builder ORs them.
    /// (These are also exactly the terms indexed for the word.)
    public static func queryTerms(_ word: String) -> [String] {
        forms(word)
    }

    /// Lower case + diacritics stripped + ligatures expanded ("Œuvre Élève" -> "oeuvre eleve").
    /// Characters that are not letters, digits or marks are kept; apostrophes become '.
    public static func fold(_ s: String) -> String {
        mapScalars(s, folding: true)
    }

    /// Lower case, common combining accents composed, ligatures expanded, apostrophes as ';
    /// accents kept ("L’Œuvre" -> "l'oeuvre").
    public static func normalize(_ s: String) -> String {
        mapScalars(s, folding: false)
    }

    /// Whether `s` is a French stop word (Snowball's list; compared folded, so "meme" and
    /// "même" both are). For the query side only: the index keeps every word.
    public static func isStopword(_ s: String) -> Bool {
        FrenchStopwords.folded.contains(fold(s))
    }

    /// Whether every content word of `query` is found in `document` the way the search does it:
    /// each query word matches when one of its `queryTerms` is among the document's index
    /// terms; a query compound ("peut-être") matches by its parts or by its joined form; stop
    /// words are ignored unless the query has nothing else. For tests and diagnostics.
    public static func matches(query: String, document: String) -> Bool {
        let docTerms = Set(tokens(document).map(\.term))
        let queryWords = words(query)
        if queryWords.isEmpty { return false }
        let allStop = queryWords.allSatisfy { isStopword($0.normalized) }
        var groups: [[Word]] = [[]]
        for w in queryWords {
            groups[groups.count - 1].append(w)
            if !w.joinedWithNext { groups.append([]) }
        }
        for group in groups where !group.isEmpty {
            let content = allStop ? group : group.filter { !isStopword($0.normalized) }
            if content.isEmpty { continue }
            let partsMatch = content.allSatisfy { w in queryTerms(w.normalized).contains(where: docTerms.contains) }
            var joinedMatch = false
            if group.count >= 2 {
                let joined = group.map(\.normalized).joined()
                joinedMatch = queryTerms(joined).contains(where: docTerms.contains)
            }
            if !partsMatch && !joinedMatch { return false }
        }
        return true
    }

    // MARK: - Internals

    /// All terms of one word: every chain of `text` concatenated, elisions removed.
    static func forms(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { buf -> [String] in
            var seg = Segmenter(buf)
            var all = Scratch<UInt32>(capacity: 64)
            var n = 0
            var hasDigits = false
            var ascii = true
            while seg.nextChain() {
                for part in seg.parts {
                    let m = part.normEnd - part.normStart
                    all.reserve(n + m, keeping: n)
                    (all.p + n).update(from: seg.norm.p + part.normStart, count: m)
                    n += m
                    hasDigits = hasDigits || part.hasDigits
                    ascii = ascii && part.ascii
                }
            }
            var result: [String] = []
            var tb = TermBuilder()
            _ = tb.emitForms(all.p, n, hasDigits: hasDigits, ascii: ascii, start: 0, end: 0, colocated: false,
                             all: true) { term, _, _, _ in
                result.append(String(decoding: term, as: UTF8.self))
                return true
            }
            tb.free()
            all.free()
            seg.free()
            return result
        }
    }

    /// The scalars encoded as UTF-8 in one go: appending them to a `UnicodeScalarView` one by
    /// one was a tenth of the ranking's boosts, which analyze 50 titles per search.
    static func string(_ p: UnsafePointer<UInt32>, _ n: Int) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, n * 4)) { out in
            var count = 0
            for k in 0..<n {
                let v = Unicode.Scalar(p[k])?.value ?? 0xFFFD
                if v < 0x80 {
                    out[count] = UInt8(v)
                    count += 1
                } else if v < 0x800 {
                    out[count] = UInt8(0xC0 | v >> 6)
                    out[count + 1] = UInt8(0x80 | v & 0x3F)
                    count += 2
                } else if v < 0x10000 {
                    out[count] = UInt8(0xE0 | v >> 12)
                    out[count + 1] = UInt8(0x80 | v >> 6 & 0x3F)
                    out[count + 2] = UInt8(0x80 | v & 0x3F)
                    count += 3
                } else {
                    out[count] = UInt8(0xF0 | v >> 18)
                    out[count + 1] = UInt8(0x80 | v >> 12 & 0x3F)
                    out[count + 2] = UInt8(0x80 | v >> 6 & 0x3F)
                    out[count + 3] = UInt8(0x80 | v & 0x3F)
                    count += 4
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<count]), as: UTF8.self)
        }
    }

    static func mapScalars(_ s: String, folding: Bool) -> String {
        var out = String.UnicodeScalarView()
        var buf: [UInt32] = [0, 0, 0, 0]
        var last: UInt32 = 0  // previous letter, for composition when not folding
        for u in s.unicodeScalars {
            let c = u.value
            switch classify(c) {
            case .letter, .digit:
                let m = buf.withUnsafeMutableBufferPointer { Normalizer.appendLetter(c, $0.baseAddress!, 0) }
                for k in 0..<m {
                    var x = buf[k]
                    if folding { x = Normalizer.foldScalar(x) }
                    if x != 0, let sc = Unicode.Scalar(x) { out.append(sc) }
                    last = x
                }
            case .mark:
                if folding && Normalizer.foldScalar(c) == 0 { continue }
                let composed = folding ? 0 : Normalizer.compose(last, c)
                if composed != 0, let sc = Unicode.Scalar(composed) {
                    out.removeLast()
                    out.append(sc)
                    last = composed
                } else {
                    out.append(u)
                    last = 0
                }
            case .apostrophe:
                out.append("'")
                last = 0
            case .ignorable:
                continue
            default:
                out.append(u)
                last = 0
            }
        }
        return String(out)
    }
}

/// Scratch buffers and the computation of a word's forms.
struct TermBuilder {
    var a = Scratch<UInt32>(capacity: 64)
    var b = Scratch<UInt32>(capacity: 64)
    var bytes = Scratch<UInt8>(capacity: 256)
    var cache: TermCache?

    func free() {
        a.free()
        b.free()
        bytes.free()
    }

    /// Computes the forms of the `n` normalized scalars at `src` into `a` (primary) and `b`
    /// (accent-free alternative): returns (count of a, count of b or -1 when b is a).
    @inline(__always)
    mutating func forms(_ src: UnsafePointer<UInt32>, _ n0: Int, hasDigits: Bool, ascii: Bool) -> (Int, Int) {
        let n = Swift.min(n0, FrenchAnalyzer.maxTermLength)
        a.reserve(FrenchStemmer.stemCapacity(n))
        a.p.update(from: src, count: n)
        if hasDigits || n > FrenchAnalyzer.maxStemLength {
            if ascii { return (n, -1) }
            var changed = false
            return (Normalizer.fold(a.p, n, a.p, changed: &changed), -1)
        }
        var ma = FrenchStemmer.stem(a.p, count: n)
        if ascii { return (ma, -1) }
        var changedStem = false
        ma = Normalizer.fold(a.p, ma, a.p, changed: &changedStem)
        b.reserve(FrenchStemmer.stemCapacity(n))
        var changed = false
        var mb = Normalizer.fold(src, n, b.p, changed: &changed)
        if !changed { return (ma, -1) }
        mb = FrenchStemmer.stem(b.p, count: mb)
        if mb == ma {
            var same = true
            for k in 0..<ma where a.p[k] != b.p[k] {
                same = false
                break
            }
            if same { return (ma, -1) }
        }
        return (ma, mb)
    }

    @inline(__always)
    mutating func emitForms(
        _ src: UnsafePointer<UInt32>, _ n: Int, hasDigits: Bool, ascii: Bool, start: Int, end: Int,
        colocated: Bool, all: Bool,
        _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Bool) -> Bool
    ) -> Bool {
        if let cache {
            return emitCachedForms(cache, src, n, hasDigits: hasDigits, ascii: ascii, start: start, end: end,
                                   colocated: colocated, all: all, emit)
        }
        let (ma, mb) = forms(src, n, hasDigits: hasDigits, ascii: ascii)
        if ma > 0 {
            bytes.reserve(4 * ma)
            let len = encodeUTF8(a.p, ma, bytes.p)
            if !emit(UnsafeBufferPointer(start: bytes.p, count: len), start, end, colocated) { return false }
        }
        if all && mb > 0 {
            bytes.reserve(4 * mb)
            let len = encodeUTF8(b.p, mb, bytes.p)
            if !emit(UnsafeBufferPointer(start: bytes.p, count: len), start, end, colocated || ma > 0) {
                return false
            }
        }
        return true
    }

    /// `emitForms` through the cache: the same terms with the same flags. Both forms are
    /// cached (the query side emits only the first), keyed by what `forms` reads.
    mutating func emitCachedForms(
        _ cache: TermCache, _ src: UnsafePointer<UInt32>, _ n0: Int, hasDigits: Bool, ascii: Bool, start: Int,
        end: Int, colocated: Bool, all: Bool,
        _ emit: (UnsafeBufferPointer<UInt8>, Int, Int, Bool) -> Bool
    ) -> Bool {
        let n = Swift.min(n0, FrenchAnalyzer.maxTermLength)
        let (hash, hit) = cache.lookup(src, n, hasDigits: hasDigits, ascii: ascii)
        let primary: UnsafeBufferPointer<UInt8>
        let alternative: UnsafeBufferPointer<UInt8>
        if let hit {
            (primary, alternative) = hit
        } else {
            let (ma, mb) = forms(src, n, hasDigits: hasDigits, ascii: ascii)
            let ca = Swift.max(ma, 0)
            let cb = Swift.max(mb, 0)
            bytes.reserve(4 * (ca + cb))
            let la = encodeUTF8(a.p, ca, bytes.p)
            let lb = encodeUTF8(b.p, cb, bytes.p + la)
            primary = UnsafeBufferPointer(start: bytes.p, count: la)
            alternative = UnsafeBufferPointer(start: bytes.p + la, count: lb)
            cache.insert(src, n, hash: hash, primary: primary, alternative: alternative)
        }
        if primary.count > 0 && !emit(primary, start, end, colocated) { return false }
        if all && alternative.count > 0
            && !emit(alternative, start, end, colocated || primary.count > 0)
        {
            return false
        }
        return true
    }
}
