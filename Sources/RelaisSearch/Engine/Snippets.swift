import RelaisText

/// FTS5's `snippet(resources_fts, column, char(2), char(3), '…', 24)` restated in Swift over
/// the stored text, so that a page of results does not run the MATCH again for every hit.
///
/// The port follows `fts5SnippetFunction`, `fts5SnippetScore`, `fts5SentenceFinderCb`,
/// `fts5CInstIterNext` and `fts5HighlightCb` of SQLite's `fts5_aux.c`: the same tokens (our
/// tokenizer, colocated forms at the position of the word before them), the same phrase
/// instances (a query clause not restricted to a field, tokenized the way FTS5 tokenizes its
/// string literal: colocated forms are alternatives, `*` makes the last token a prefix), the
/// same best window of 24 tokens (1,000 per distinct phrase, 1 per repeat, +100 or +120 for a
/// window starting a sentence) and the same marked text. `SnippetParityTests` compares both.
struct SnippetMatcher {
    struct Phrase {
        /// Per token of the phrase, the forms any of which matches.
        var tokens: [[String]]
        var prefix: Bool
    }

    let phrases: [Phrase]
    static let tokens = 24

    /// Each token of each phrase is a bit (phrase after phrase); a text position gets the bits of
    /// the tokens its forms match, so a phrase is found by testing bits, without keeping every
    /// form of the text.
    private let firstBit: [Int]
    private let words: Int
    private let exactBits: [String: [UInt64]]
    private let prefixBits: [(form: [UInt8], bit: Int)]

    /// The phrases FTS5 can find in the description and the body: every positive clause not
    /// restricted to the title or the keywords. (Exclusions never occur in a matching row.)
    init(query: ParsedQuery) {
        var phrases: [Phrase] = []
        for group in query.groups {
            for clause in group.alternatives where clause.field == nil {
                let literal: String
                let prefix: Bool
                switch clause.operand {
                case .term(let word, let isPrefix):
                    literal = word
                    prefix = isPrefix
                case .phrase(let words):
                    literal = words.filter { !$0.isEmpty }.joined(separator: " ")
                    prefix = false
                }
                var tokens: [[String]] = []
                for token in FrenchAnalyzer.tokens(Self.literalText(literal)) {
                    if token.colocated, !tokens.isEmpty {
                        tokens[tokens.count - 1].append(token.term)
                    } else {
                        tokens.append([token.term])
                    }
                }
                if !tokens.isEmpty { phrases.append(Phrase(tokens: tokens, prefix: prefix)) }
            }
        }
        self.phrases = phrases
        var firstBit: [Int] = []
        var exact: [String: [UInt64]] = [:]
        var prefix: [(form: [UInt8], bit: Int)] = []
        var bit = 0
        let words = max(1, (phrases.reduce(0) { $0 + $1.tokens.count } + 63) / 64)
        for phrase in phrases {
            firstBit.append(bit)
            for (index, forms) in phrase.tokens.enumerated() {
                for form in forms {
                    if phrase.prefix && index == phrase.tokens.count - 1 {
                        prefix.append((Array(form.utf8), bit))
                    } else {
                        exact[form, default: [UInt64](repeating: 0, count: words)][bit / 64] |= 1 << UInt64(bit % 64)
                    }
                }
                bit += 1
            }
        }
        self.firstBit = firstBit
        self.words = words
        exactBits = exact
        prefixBits = prefix
    }

    /// Adds to `masks[at...]` the bits of the phrase tokens `term` matches.
    private func mark(_ term: UnsafeBufferPointer<UInt8>, into masks: inout [UInt64], at base: Int) {
        if let bits = exactBits[String(decoding: term, as: UTF8.self)] {
            for word in 0..<words { masks[base + word] |= bits[word] }
        }
        for (form, bit) in prefixBits where term.count >= form.count && term.starts(with: form) {
            masks[base + bit / 64] |= 1 << UInt64(bit % 64)
        }
    }

    /// What FTS5 reads inside the literal `ParsedQuery.fts5Literal` makes: control characters
    /// become spaces.
    private static func literalText(_ word: String) -> String {
        guard word.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return word }
        var view = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            view.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        return String(view)
    }

    /// The snippet of one column's text, marked with U+0002 / U+0003 around matches and `…`
    /// where the text was cut: what `snippet()` returns for it.
    func marked(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in marked(bytes) }
    }

    private func marked(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Positions: one per token that is not colocated; the phrase tokens its forms match
        // (`words` masks per position) and its byte range.
        var masks: [UInt64] = []
        var starts: [Int] = []
        var ends: [Int] = []
        var sentenceStarts: [Int] = []
        let words = self.words
        FrenchAnalyzer.tokenize(bytes, forQuery: false) { term, start, end, colocated in
            if colocated, !starts.isEmpty {
                mark(term, into: &masks, at: masks.count - words)
                return true
            }
            let position = starts.count
            if position == 0 {
                sentenceStarts.append(0)
            } else {
                // fts5SentenceFinderCb: whitespace, then '.' or ':' before the token.
                var index = start - 1
                var last: UInt8 = 0
                while index >= 0 {
                    last = bytes[index]
                    if last != 0x20 && last != 0x09 && last != 0x0A && last != 0x0D { break }
                    index -= 1
                }
                if index != start - 1 && (last == UInt8(ascii: ".") || last == UInt8(ascii: ":")) {
                    sentenceStarts.append(position)
                }
            }
            masks.append(contentsOf: repeatElement(0, count: words))
            mark(term, into: &masks, at: masks.count - words)
            starts.append(start)
            ends.append(end)
            return true
        }
        let size = starts.count

        // Phrase instances in position order (phrase order at one position), like xInst.
        var instances: [(phrase: Int, offset: Int)] = []
        if !phrases.isEmpty {
            for offset in 0..<size {
                for index in phrases.indices where matches(index, at: offset, masks, size: size) {
                    instances.append((index, offset))
                }
            }
        }
        let nToken = Self.tokens

        func score(from start: Int) -> (score: Int, adjusted: Int) {
            var seen = [Bool](repeating: false, count: phrases.count)
            var total = 0
            var first = -1
            var last = 0
            let end = start + nToken
            for instance in instances where instance.offset >= start && instance.offset < end {
                total += seen[instance.phrase] ? 1 : 1000
                seen[instance.phrase] = true
                if first < 0 { first = instance.offset }
                last = instance.offset + phrases[instance.phrase].tokens.count
            }
            var adjusted = first - (nToken - (last - first)) / 2
            if adjusted + nToken > size { adjusted = size - nToken }
            if adjusted < 0 { adjusted = 0 }
            return (total, adjusted)
        }

        var bestScore = 0
        var bestStart = 0
        for instance in instances where instance.offset <= size {
            let (total, adjusted) = score(from: instance.offset)
            if total > bestScore {
                bestScore = total
                bestStart = adjusted
            }
            if !sentenceStarts.isEmpty && size > nToken {
                var index = 0
                while index < sentenceStarts.count - 1, sentenceStarts[index + 1] <= instance.offset { index += 1 }
                if sentenceStarts[index] < instance.offset {
                    var (sentenceScore, _) = score(from: sentenceStarts[index])
                    sentenceScore += sentenceStarts[index] == 0 ? 120 : 100
                    if sentenceScore > bestScore {
                        bestScore = sentenceScore
                        bestStart = sentenceStarts[index]
                    }
                }
            }
        }

        // fts5HighlightCb over the window, instances coalesced (fts5CInstIterNext).
        var out: [UInt8] = []
        out.reserveCapacity(min(bytes.count, 512))
        let ellipsis: [UInt8] = Array("…".utf8)
        func append(_ from: Int, _ to: Int) {
            if to > from { out.append(contentsOf: bytes[from..<to]) }
        }
        var next = 0
        var iterStart = -1
        var iterEnd = -1
        func advance() {
            iterStart = -1
            iterEnd = -1
            while next < instances.count {
                let (phrase, offset) = instances[next]
                let end = offset - 1 + phrases[phrase].tokens.count
                if iterStart < 0 {
                    iterStart = offset
                    iterEnd = end
                } else if offset <= iterEnd {
                    if end > iterEnd { iterEnd = end }
                } else {
                    break
                }
                next += 1
            }
        }
        advance()
        let rangeStart = bestStart
        let rangeEnd = bestStart + nToken - 1
        if bestStart > 0 { out += ellipsis }
        while iterStart >= 0 && iterStart < bestStart { advance() }
        var offset = 0
        for position in 0..<size {
            if position < rangeStart || position > rangeEnd { continue }
            let start = starts[position]
            let end = ends[position]
            if rangeStart != 0 && position == rangeStart { offset = start }
            if position == iterStart {
                append(offset, start)
                out.append(2)
                offset = start
            }
            if position == iterEnd {
                if iterStart < rangeStart { out.append(2) }
                append(offset, end)
                out.append(3)
                offset = end
                advance()
            }
            if position == rangeEnd {
                append(offset, end)
                offset = end
                if position >= iterStart && position < iterEnd { out.append(3) }
            }
        }
        if rangeEnd >= size - 1 {
            append(offset, bytes.count)
        } else {
            out += ellipsis
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func matches(_ phrase: Int, at offset: Int, _ masks: [UInt64], size: Int) -> Bool {
        let count = phrases[phrase].tokens.count
        guard offset + count <= size else { return false }
        for index in 0..<count {
            let bit = firstBit[phrase] + index
            if masks[(offset + index) * words + bit / 64] & (1 << UInt64(bit % 64)) == 0 { return false }
        }
        return true
    }
}
