import RelaisSQLite
import RelaisText

/// `relais_fr`: our French analysis as an FTS5 tokenizer. Documents and queries get the same
/// forms: fold(stem(w)) and, colocated, stem(fold(w)). In a query FTS5 treats colocated
/// tokens as alternatives, so "activité" also finds text typed "activite" (whose stem differs
/// before folding) and the other way round.
final class FrenchTokenizer: FTS5Tokenizer {
    static let name = "relais_fr"

    /// One instance per connection (see `prepareForRelais`), so one thread at a time.
    private let cache = TermCache()

    func tokenize(_ text: UnsafeBufferPointer<UInt8>, reason: FTS5TokenizeReason,
                  emit: (UnsafeBufferPointer<UInt8>, Int, Int, Bool) -> Bool) {
        FrenchAnalyzer.tokenize(text, forQuery: false, cache: cache) { term, start, end, colocated in
            emit(term, start, end, colocated)
        }
    }
}

extension Database {
    /// Every connection that touches the search index needs the tokenizer (and ranks with `relais_bm25`).
    func prepareForRelais() throws {
        try register(tokenizer: FrenchTokenizer(), named: FrenchTokenizer.name)
        try registerWeightedBM25()
    }
}
