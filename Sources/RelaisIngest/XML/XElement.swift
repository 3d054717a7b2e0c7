/// A small, immutable copy of one record's XML subtree, made once per record so that mappers
/// work on Swift values and never see a libxml2 pointer. Names are local names: real feeds put
/// children in the wrong namespace, so mappers match on local names.
public final class XElement: Sendable {
    public let name: String
    public let namespace: String?
    /// Attributes by local name, in document order. An array: most elements have none or one,
    /// and a dictionary cost an allocation and hashing for each.
    public let attributeList: [(name: String, value: String)]
    public let children: [XElement]
    /// The element's own text (text and CDATA children concatenated, untrimmed).
    public let ownText: String
    public let line: Int

    // A class, not a struct: mappers walk and filter children constantly, and copying a tree
    // of structs (arrays, dictionaries, strings) costs a retain and release per field.
    public convenience init(name: String, namespace: String? = nil, attributes: [String: String] = [:],
                            children: [XElement] = [], ownText: String = "", line: Int = 0) {
        self.init(name: name, namespace: namespace, attributeList: attributes.map { ($0.key, $0.value) },
                  children: children, ownText: ownText, line: line)
    }

    public init(name: String, namespace: String? = nil, attributeList: [(name: String, value: String)],
                children: [XElement], ownText: String, line: Int) {
        self.name = name
        self.namespace = namespace
        self.attributeList = attributeList
        self.children = children
        self.ownText = ownText
        self.line = line
    }

    /// Trimmed own text, nil when empty.
    public var text: String? {
        let trimmed = Normalize.text(ownText)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// All descendant text, in document order, whitespace-collapsed.
    public var allText: String {
        var parts: [String] = []
        func walk(_ element: XElement) {
            if !element.ownText.isEmpty { parts.append(element.ownText) }
            element.children.forEach(walk)
        }
        walk(self)
        return Normalize.text(parts.joined(separator: " "))
    }

    public func child(_ name: String) -> XElement? {
        children.first { $0.name.caseInsensitiveEquals(name) }
    }

    public func children(_ name: String) -> [XElement] {
        children.filter { $0.name.caseInsensitiveEquals(name) }
    }

    /// The first element reached by following local names: `element["general", "title"]`.
    public subscript(path: String...) -> XElement? {
        var current: XElement? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// Every element reached by following local names, fanning out at each step.
    public func all(_ path: String...) -> [XElement] {
        var current = [self]
        for name in path { current = current.flatMap { $0.children(name) } }
        return current
    }

    public func descendants(_ name: String) -> [XElement] {
        var found: [XElement] = []
        func walk(_ element: XElement) {
            for child in element.children {
                if child.name.caseInsensitiveEquals(name) { found.append(child) }
                walk(child)
            }
        }
        walk(self)
        return found
    }

    /// Attributes by local name; of two with the same local name (`xml:lang` and `lang`), the last.
    public var attributes: [String: String] {
        Dictionary(attributeList.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Whether some descendant has this local name: `descendants(name).isEmpty == false` without
    /// building the array, stopping at the first one.
    public func hasDescendant(_ name: String) -> Bool {
        // It walks a whole record for every record (the IMS check): the tree holds its elements
        // for the whole walk, so each visit needs no retain and release of the child.
        children.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                unowned(unsafe) let child = buffer[index]
                if child.name.caseInsensitiveEquals(name) || child.hasDescendant(name) { return true }
            }
            return false
        }
    }

    /// An attribute by local name (`xml:lang` is found as `lang`); the last one of that name, as
    /// in `attributes`.
    public func attribute(_ name: String) -> String? {
        attributeList.last { $0.name == name }?.value
    }
}

import RelaisCore

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Native strings are contiguous: compare their bytes in place (iterating two UTF8Views
        // in step cost more than the comparison itself; this runs for every child looked up).
        // 1: equal, 0: different, -1: non-ASCII difference or not contiguous (the slow path decides).
        let compared = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b -> Int8 in
                for index in 0 ..< a.count where a[index] != b[index] {
                    let x = a[index], y = b[index]
                    if x >= 0x80 || y >= 0x80 { return -1 }
                    let foldedX = x &- 0x41 < 26 ? x | 0x20 : x
                    let foldedY = y &- 0x41 < 26 ? y | 0x20 : y
                    if foldedX != foldedY { return 0 }
                }
                return 1
            } ?? -1
        } ?? -1
        if compared >= 0 { return compared == 1 }
        return slowCaseInsensitiveEquals(other)
    }

    private func slowCaseInsensitiveEquals(_ other: String) -> Bool {
        // Element names are ASCII in practice: compare bytes with ASCII case folding, no allocation.
        for (a, b) in zip(utf8, other.utf8) where a != b {
            if a >= 0x80 || b >= 0x80 { return lowercased() == other.lowercased() }
            let foldedA = (0x41...0x5A).contains(a) ? a | 0x20 : a
            let foldedB = (0x41...0x5A).contains(b) ? b | 0x20 : b
            if foldedA != foldedB { return false }
        }
        return true
    }
}
