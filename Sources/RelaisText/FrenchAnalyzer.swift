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
