import Foundation

/// A small XML 1.0 writer. Element and attribute names are `StaticString`s written by this
/// module's code, never user text; every value goes through `escape`, so no user text can
/// become markup. Characters XML 1.0 forbids (C0 controls except tab, newline and carriage
/// return; U+FFFE, U+FFFF) are dropped.
///
/// Output is indented: an element holds either text or child elements, never both, which is
/// all LOM and Dublin Core need.
public struct XMLWriter: Sendable {
    public private(set) var output = ""
    private var stack: [StaticString] = []
    /// Whether the open element has children (its end tag then goes on its own line).
    private var hasChildren: [Bool] = []
    private let indentUnit = "  "

    public init(declaration: Bool) {
        if declaration { output += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" }
    }

    /// Opens an element whose content will be child elements.
    public mutating func open(_ name: StaticString, _ attributes: [(StaticString, String)] = []) {
        startTag(name, attributes)
        output += ">"
        stack.append(name)
        hasChildren.append(false)
    }

    /// Closes the innermost open element.
    public mutating func close() {
        guard let name = stack.popLast(), let children = hasChildren.popLast() else {
            preconditionFailure("XMLWriter.close() without an open element")
        }
        if children {
            output += "\n"
            indent(stack.count)
        }
        output += "</\(name)>"
        if stack.isEmpty { output += "\n" }
    }

    /// Opens an element, runs `body` for its children, closes it.
    public mutating func element(_ name: StaticString, _ attributes: [(StaticString, String)] = [],
                          _ body: (inout XMLWriter) -> Void) {
        open(name, attributes)
        body(&self)
        close()
    }

    /// An element holding text (escaped); written even when the text is empty.
    public mutating func text(_ name: StaticString, _ value: String, _ attributes: [(StaticString, String)] = []) {
        startTag(name, attributes)
        let escaped = Self.escape(value, inAttribute: false)
        if escaped.isEmpty {
            output += "/>"
        } else {
            output += ">" + escaped + "</\(name)>"
        }
        if stack.isEmpty { output += "\n" }
    }

    /// Writes a document made by one of this module's exporters (LOM, oai_dc) as a child of
    /// the open element, its XML declaration left out: the OAI-PMH envelope holds records so.
    public mutating func embed(exportedDocument document: String) {
        var fragment = Substring(document)
        if fragment.hasPrefix("<?xml"), let end = fragment.range(of: "?>") {
            fragment = fragment[end.upperBound...]
        }
        if let last = hasChildren.indices.last { hasChildren[last] = true }
        output += "\n"
        indent(stack.count)
        output += fragment.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private mutating func startTag(_ name: StaticString, _ attributes: [(StaticString, String)]) {
        if !stack.isEmpty {
            hasChildren[hasChildren.count - 1] = true
            output += "\n"
            indent(stack.count)
        }
        output += "<\(name)"
        for (attribute, value) in attributes {
            output += " \(attribute)=\"" + Self.escape(value, inAttribute: true) + "\""
        }
    }

    private mutating func indent(_ depth: Int) {
        for _ in 0..<depth { output += indentUnit }
    }

    /// The finished document; every element must be closed.
    var document: String {
        precondition(stack.isEmpty, "XMLWriter: unclosed element <\(stack.last!)>")
        return output
    }

    /// Escapes text for element content or a double-quoted attribute value, dropping the
    /// characters XML 1.0 does not allow. In attributes, tab, newline and carriage return are
    /// written as character references so that attribute normalization keeps them; in content,
    /// a carriage return is, so that line-end normalization keeps it.
    public static func escape(_ value: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#xD;"
            case "\t" where inAttribute: out += "&#x9;"
            case "\n" where inAttribute: out += "&#xA;"
            default:
                if isAllowed(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    /// (Swift scalars are never surrogates.)
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// The text with the characters XML 1.0 does not allow removed (for checks before writing).
    static func clean(_ value: String) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: value.unicodeScalars.filter(isAllowed))
        return out
    }
}
