import Foundation
import RelaisCore

/// Collects the warnings of one record while its mapper normalizes values.
struct RecordBuilder {
    let context: MappingContext
    let recordIndex: Int
    let line: Int?
    var warnings: [ImportWarning] = []

    init(context: MappingContext, recordIndex: Int, line: Int?) {
        self.context = context
        self.recordIndex = recordIndex
        self.line = line
    }

    /// Maps a vocabulary value; an unmapped value is kept (term nil) and reported.
    mutating func term(_ raw: String, _ facet: Facet, scheme: String? = nil) -> TermValue? {
        let value = Normalize.text(raw)
        guard !value.isEmpty else { return nil }
        let mapped = context.vocabularies.map(value, in: facet, scheme: scheme)
        if mapped.term == nil {
            warnings.append(ImportWarning(
                kind: .unmappedValue, field: facet.rawValue, value: value,
                message: "valeur « \(value) » absente du vocabulaire \(facet.rawValue)"
                    + (scheme.map { " (source : \($0))" } ?? "") + " : conservée telle quelle"))
        }
        return mapped
    }

    mutating func licence(statement: String?, url: String? = nil) -> Licence? {
        let licence = context.vocabularies.licence(statement: statement.map(Normalize.text), url: url)
        if let licence, licence.term == nil {
            let raw = [licence.statement, licence.url].compactMap { $0 }.joined(separator: " ")
            warnings.append(ImportWarning(kind: .unmappedValue, field: Facet.licence.rawValue, value: raw,
                                          message: "licence non reconnue « \(raw) » : conservée telle quelle"))
        }
        return licence
    }

    mutating func date(_ raw: String?, field: String) -> String? {
        guard let raw, !raw.isBlankAfterTrimming else { return nil }
        if let date = Normalize.date(raw) { return date }
        warnings.append(ImportWarning(kind: .invalidValue, field: field, value: raw,
                                      message: "date illisible « \(raw) » : ignorée"))
        return nil
    }

    mutating func duration(_ raw: String?, field: String) -> Double? {
        guard let raw, !raw.isBlankAfterTrimming else { return nil }
        if let seconds = Normalize.duration(raw) { return seconds }
        warnings.append(ImportWarning(kind: .invalidValue, field: field, value: raw,
                                      message: "durée illisible « \(raw) » : ignorée"))
        return nil
    }

    mutating func warn(_ kind: ImportWarning.Kind, field: String, value: String, _ message: String) {
        warnings.append(ImportWarning(kind: kind, field: field, value: value, message: message))
    }

    func reject(_ reason: String, identifier: String? = nil) -> RecordRejection {
        RecordRejection(recordIndex: recordIndex, line: line, identifier: identifier, reason: reason)
    }

    /// Checks what every record needs and wraps it up.
    func finish(_ resource: Resource, original: [UInt8]) -> Result<ParsedRecord, RecordRejection> {
        if resource.titles.isEmpty {
            return .failure(reject("notice sans titre", identifier: resource.sourceIdentifier))
        }
        return .success(ParsedRecord(resource: resource, originalUTF8: original, recordIndex: recordIndex,
                                     line: line, warnings: warnings))
    }
}

extension Array where Element: Hashable {
    /// Removes repeats, keeping the first occurrence's position.
    func uniqued() -> [Element] {
        if count < 2 { return self }
        // Most lists hold a handful of values: comparing them costs less than hashing them
        // into a set (same result: `==` agrees with hashing).
        if count <= 16 {
            var kept: [Element] = []
            kept.reserveCapacity(count)
            for element in self where !kept.contains(element) { kept.append(element) }
            return kept
        }
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

/// Reduces HTML found in text fields (EBUCore descriptions in CDATA) to plain text.
enum HTMLText {
    static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        // Block ends become paragraph breaks (a blank line), line breaks stay inside the paragraph.
        var text = html.replacingOccurrences(of: #"(?i)</p>|</li>|</h[1-6]>|</div>|</tr>"#, with: "\n\n",
                                             options: .regularExpression)
        text = text.replacingOccurrences(of: #"(?i)<br\s*/?>"#, with: "\n", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
        let entities = ["&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'",
                        "&apos;": "'", "&eacute;": "é", "&egrave;": "è", "&agrave;": "à", "&ccedil;": "ç",
                        "&ecirc;": "ê", "&ocirc;": "ô", "&rsquo;": "’", "&laquo;": "«", "&raquo;": "»"]
        for (entity, value) in entities { text = text.replacingOccurrences(of: entity, with: value) }
        text = text.replacingOccurrences(of: #"&#(\d+);"#, with: "", options: .regularExpression)
        return Normalize.paragraphs(text)
    }
}

extension String {
    /// Foundation's `contains(needle)` for an ASCII needle, on bytes when this string is ASCII
    /// too (no combining mark can then change a match); other strings go through Foundation.
    func containsASCII(_ needle: StaticString) -> Bool {
        let found: Bool? = utf8.withContiguousStorageIfAvailable { bytes in
            let count = needle.utf8CodeUnitCount
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard bytes.count >= count else { return false }
            if count == 0 { return true }
            let first = needle.utf8Start.pointee
            var start = 0
            while start <= bytes.count - count {
                if bytes[start] == first && memcmp(bytes.baseAddress! + start, needle.utf8Start, count) == 0 { return true }
                start += 1
            }
            return false
        } ?? nil
        if let found { return found }
        return contains(needle.description)
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines).isEmpty`, without Foundation's copy when
    /// an ASCII character other than whitespace comes first (dates, durations, vCards: nearly always).
    /// Any other non-ASCII scalar first leaves the answer to Foundation, whose set it is.
    var isBlankAfterTrimming: Bool {
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x09 ... 0x0D, 0x20: continue
            case 0 ..< 0x80: return false
            default: return trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }
        }
        // Empty, or only tabs, line breaks and spaces: all of them trimmed.
        return true
    }
}
