internal import CCMark
import Foundation
import RelaisCore

/// The CommonMark body of a fact sheet, read with libcmark: its sections (each heading with
/// the plain text under it) and its safe HTML rendering.
struct SheetBody {
    var sections: [Section]
    /// Rendered without `CMARK_OPT_UNSAFE`: raw HTML becomes `<!-- raw HTML omitted -->`, and
    /// `javascript:`, `vbscript:`, `file:` and (non-image) `data:` link targets are emptied.
    var html: String

    struct Failure: Error {}

    /// Parses `bytes` (valid UTF-8). The cmark tree and the rendered string are freed here.
    static func read(_ bytes: ArraySlice<UInt8>) throws(Failure) -> SheetBody {
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return "".withCString { cmark_parse_document($0, 0, options) }
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parse_document($0, buffer.count, options)
            }
        }
        guard let root = parsed else { throw Failure() }
        defer { cmark_node_free(root) }

        guard let rendered = cmark_render_html(root, CMARK_OPT_DEFAULT) else { throw Failure() }
        let html = String(cString: rendered)
        free(rendered)

        guard let sections = extractSections(root) else { throw Failure() }
        return SheetBody(sections: sections, html: html)
    }

    /// Walks the tree with cmark's iterator (no recursion: nesting depth is the input's choice).
    /// Each heading, at any level and at any depth, opens a section that runs to the next
    /// heading; text before the first heading goes to a section of level 0 with an empty
    /// heading. Text is plain: paragraphs, list items and code blocks one per line; raw HTML
    /// is left out.
    private static func extractSections(_ root: OpaquePointer) -> [Section]? {
        guard let iterator = cmark_iter_new(root) else { return nil }
        defer { cmark_iter_free(iterator) }

        var sections: [Section] = []
        var level = 0
        var heading = ""
        var blocks: [String] = []
        var inline = ""
        var inHeading = false

        func closeSection() {
            let text = blocks.joined(separator: "\n")
            if level > 0 || !text.isEmpty {
                sections.append(Section(level: level, heading: heading, text: text))
            }
            blocks = []
        }
        func closeBlock() {
            let text = Normalize.text(inline)
            if !text.isEmpty { blocks.append(text) }
            inline = ""
        }

        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let entering = event == CMARK_EVENT_ENTER
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HEADING:
                if entering {
                    closeBlock()
                    closeSection()
                    level = Int(cmark_node_get_heading_level(node))
                    inHeading = true
                } else {
                    heading = Normalize.text(inline)
                    inline = ""
                    inHeading = false
                }
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(node) {
                    inline += String(cString: literal)
                }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                inline += " "
            case CMARK_NODE_PARAGRAPH:
                if !entering, !inHeading { closeBlock() }
            case CMARK_NODE_CODE_BLOCK:
                closeBlock()
                if let literal = cmark_node_get_literal(node) {
                    var code = String(cString: literal)
                    while code.last?.isNewline == true { code.removeLast() }
                    if !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { blocks.append(code) }
                }
            default:
                break
            }
        }
        closeBlock()
        closeSection()
        return sections
    }
}
