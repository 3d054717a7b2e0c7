/// Element and namespace names, each held once: tree nodes keep an index. A string per node
/// cost a retain when the node was made and a release when it was freed, atomic both.
/// Appended to by one builder at a time, on the parsing thread that reads its trees.
final class XNames {
    // Read for every name a mapper compares: a dynamic exclusivity check per read cost more
    // than the read, and no access overlaps another (one thread, no reentrancy).
    @exclusivity(unchecked) private(set) var names: [String] = []
    /// Each name as `XName` packs it, so that mappers compare a few words per element.
    @exclusivity(unchecked) private(set) var keys: [XName.Key] = []
    private var ids: [String: Int32] = [:]

    var count: Int { names.count }

    /// The index of `name`, added when new.
    func id(_ name: String) -> Int32 {
        if let id = ids[name] { return id }
        let id = append(name)
        ids[name] = id
        return id
    }

    /// Adds `name` without looking for it (its caller keeps its own index).
    func append(_ name: String) -> Int32 {
        names.append(name)
        keys.append(XName.Key(name))
        return Int32(names.count - 1)
    }
}

/// A local name that mappers look for, matched as `caseInsensitiveEquals` matches it. An ASCII
/// name of at most 31 bytes is packed, ASCII-lowercased, into four words with its length: two
/// such names are equal that way exactly when their keys are (same length, same bytes once
/// ASCII case is folded). Other names compare as strings. Make one per name, once (a static).
public struct XName: Sendable {
    struct Key: Equatable, Sendable {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0
        /// Bytes 24-30, and the length in the top byte (0xFF: not packed).
        var d: UInt64 = 0

        var isPacked: Bool { d >> 56 != 0xFF }

        private init() {}

        init(_ name: String) {
            var name = name
            self = name.withUTF8 { bytes in
                var key = Key()
                guard bytes.count <= 31 else { key.d = .max; return key }
                for index in 0 ..< bytes.count {
                    let byte = bytes[index]
                    guard byte < 0x80 else { key.d = .max; return key }
                    let lower = UInt64(byte &- 0x41 < 26 ? byte | 0x20 : byte) << (UInt64(index & 7) * 8)
                    switch index >> 3 {
                    case 0: key.a |= lower
                    case 1: key.b |= lower
                    case 2: key.c |= lower
                    default: key.d |= lower
                    }
                }
                key.d |= UInt64(bytes.count) << 56
                return key
            }
        }
    }

    let name: String
    let key: Key

    public init(_ name: String) {
        self.name = name
        key = Key(name)
    }
}

/// One record's elements, stored flat: nodes, children lists, attributes and text in a few
/// arrays, built in one pass and freed in one go (a tree of objects cost an allocation and a
/// release per element, and an array per parent).
/// Nodes are stored as their end tags come (children before their parent), so the root is the
/// last node and an element's descendants are the nodes just before it.
final class XTree {
    /// Plain integers (names apart): reading one copies no reference.
    struct Node {
        var line: Int
        /// This node's descendants are nodes `firstDescendant ..< self`.
        var firstDescendant: Int32
        var childStart: Int32
        var childCount: Int32
        var attributeStart: Int32
        var attributeCount: Int32
        var textStart: Int32
        var textCount: Int32
    }

    let nodes: [Node]
    let names: XNames
    /// Per node, an index in `names`; -1 for no namespace.
    let nameIDs: [Int32]
    let namespaceIDs: [Int32]
    /// The children of each node (node indices), in document order, node after node.
    let childList: [Int32]
    let attributes: [(name: String, value: String)]
    /// Each node's own text (text and CDATA concatenated, untrimmed), node after node.
    let text: [UInt8]

    init(nodes: [Node], names: XNames, nameIDs: [Int32], namespaceIDs: [Int32], childList: [Int32],
         attributes: [(name: String, value: String)], text: [UInt8]) {
        self.nodes = nodes
        self.names = names
        self.nameIDs = nameIDs
        self.namespaceIDs = namespaceIDs
        self.childList = childList
        self.attributes = attributes
        self.text = text
    }
}

extension XTree {
    @inline(__always)
    func name(_ node: Int) -> String { names.names[Int(nameIDs[node])] }

    /// `name(node).caseInsensitiveEquals(wanted.name)`, on the packed keys when both are packed.
    @inline(__always)
    func node(_ node: Int, isNamed wanted: XName) -> Bool {
        let key = names.keys[Int(nameIDs[node])]
        if key == wanted.key && key.isPacked { return true }
        if key.isPacked && wanted.key.isPacked { return false }
        return name(node).caseInsensitiveEquals(wanted.name)
    }
}

/// Builds an `XTree` from start and end tags, as a parser meets them.
struct XTreeBuilder {
    let names: XNames
    /// Growable buffers, copied into the tree's arrays once at `finish`: a Swift array appended
    /// to in a struct checks its uniqueness at each append, five appends per element.
    private let storage: Storage
    fileprivate struct OpenElement {
        var line: Int
        var attributeStart: Int32
        var attributeCount: Int32
        var pendingStart: Int
        var firstDescendant: Int32
        var nameID: Int32
        var namespaceID: Int32
    }

    /// A builder's buffers; a scanner keeps one for all its records (`init(names:reusing:)`),
    /// which spares fourteen allocations and frees per record.
    final class Storage {
        fileprivate let nodes: HandleArray<XTree.Node>
        fileprivate let nameIDs: HandleArray<Int32>
        fileprivate let namespaceIDs: HandleArray<Int32>
        fileprivate let childList: HandleArray<Int32>
        fileprivate let text: HandleArray<UInt8>
        /// Finished children of the open elements, in document order.
        fileprivate let pending = HandleArray<Int32>(capacity: 64)
        fileprivate let open = HandleArray<OpenElement>(capacity: 16)
        @exclusivity(unchecked) fileprivate var attributes: [(name: String, value: String)] = []

        init(_ hint: (nodes: Int, attributes: Int, text: Int) = (0, 0, 0)) {
            nodes = HandleArray(capacity: hint.nodes)
            nameIDs = HandleArray(capacity: hint.nodes)
            namespaceIDs = HandleArray(capacity: hint.nodes)
            childList = HandleArray(capacity: hint.nodes)
            text = HandleArray(capacity: hint.text)
            attributes.reserveCapacity(hint.attributes)
        }

        /// Emptied for the next tree (trees made keep copies; `attributes` is copied on write).
        fileprivate func removeAll() {
            nodes.removeAll()
            nameIDs.removeAll()
            namespaceIDs.removeAll()
            childList.removeAll()
            text.removeAll()
            pending.removeAll()
            open.removeAll()
            attributes.removeAll(keepingCapacity: true)
        }

        deinit {
            nodes.free()
            nameIDs.free()
            namespaceIDs.free()
            childList.free()
            text.free()
            pending.free()
            open.free()
        }
    }

    /// Sized like the previous record's tree, so that its buffers do not grow element by element.
    init(names: XNames = XNames(), reserving hint: (nodes: Int, attributes: Int, text: Int) = (0, 0, 0)) {
        self.names = names
        storage = Storage(hint)
    }

    /// A builder on `storage`'s buffers, emptied: the builder it served before must be finished
    /// or dropped.
    init(names: XNames, reusing storage: Storage) {
        self.names = names
        storage.removeAll()
        self.storage = storage
    }

    mutating func open(name: String, namespace: String?, line: Int) {
        open(nameID: names.id(name), namespaceID: namespace.map(names.id) ?? -1, line: line)
    }

    /// An element named by indices in `names` (-1: no namespace).
    mutating func open(nameID: Int32, namespaceID: Int32, line: Int) {
        storage.open.append(OpenElement(line: line, attributeStart: Int32(storage.attributes.count), attributeCount: 0,
                                        pendingStart: storage.pending.count, firstDescendant: Int32(storage.nodes.count),
                                        nameID: nameID, namespaceID: namespaceID))
    }

    /// An attribute of the element opened last.
    mutating func attribute(_ name: String, _ value: String) {
        storage.attributes.append((name, value))
        precondition(storage.open.count > 0)
        (storage.open.base + storage.open.count - 1).pointee.attributeCount += 1
    }

    /// Closes the element opened last, with its own text (nil or empty for none).
    mutating func close(text ownText: UnsafeBufferPointer<UInt8>?) {
        let storage = storage
        let element = storage.open.removeLast()
        let childStart = Int32(storage.childList.count)
        let childCount = storage.pending.count - element.pendingStart
        if childCount > 0 {
            storage.childList.append(storage.pending.base + element.pendingStart, childCount)
            storage.pending.truncate(to: element.pendingStart)
        }
        let textStart = Int32(storage.text.count)
        if let ownText, let base = ownText.baseAddress { storage.text.append(base, ownText.count) }
        storage.pending.append(Int32(storage.nodes.count))
        storage.nameIDs.append(element.nameID)
        storage.namespaceIDs.append(element.namespaceID)
        storage.nodes.append(XTree.Node(line: element.line, firstDescendant: element.firstDescendant, childStart: childStart,
                                        childCount: Int32(childCount), attributeStart: element.attributeStart,
                                        attributeCount: element.attributeCount, textStart: textStart,
                                        textCount: Int32(storage.text.count) - textStart))
    }

    mutating func close(text ownText: String) {
        var ownText = ownText
        ownText.withUTF8 { close(text: $0) }
    }

    /// The root: the last element closed (all must be closed).
    mutating func finish() -> XElement {
        func array<T>(_ buffer: HandleArray<T>) -> [T] { Array(UnsafeBufferPointer(start: buffer.base, count: buffer.count)) }
        let tree = XTree(nodes: array(storage.nodes), names: names, nameIDs: array(storage.nameIDs),
                         namespaceIDs: array(storage.namespaceIDs), childList: array(storage.childList),
                         attributes: storage.attributes, text: array(storage.text))
        return XElement(tree: tree, index: Int32(storage.nodes.count - 1))
    }
}

/// One element of a record's XML subtree: an immutable copy made once per record so that
/// mappers work on Swift values and never see a libxml2 pointer. Names are local names: real
/// feeds put children in the wrong namespace, so mappers match on local names.
public struct XElement {
    let tree: XTree
    let index: Int32

    init(tree: XTree, index: Int32) {
        self.tree = tree
        self.index = index
    }

    /// A tree of its own, with copies of `children`'s subtrees (tests and placeholders).
    public init(name: String, namespace: String? = nil, attributes: [String: String] = [:],
                children: [XElement] = [], ownText: String = "", line: Int = 0) {
        self.init(name: name, namespace: namespace, attributeList: attributes.map { ($0.key, $0.value) },
                  children: children, ownText: ownText, line: line)
    }

    public init(name: String, namespace: String? = nil, attributeList: [(name: String, value: String)],
                children: [XElement], ownText: String, line: Int) {
        var builder = XTreeBuilder()
        builder.open(name: name, namespace: namespace, line: line)
        for (attributeName, value) in attributeList { builder.attribute(attributeName, value) }
        for child in children { child.copy(into: &builder) }
        builder.close(text: ownText)
        self = builder.finish()
    }

    private func copy(into builder: inout XTreeBuilder) {
        builder.open(name: name, namespace: namespace, line: line)
        for (attributeName, value) in attributeList { builder.attribute(attributeName, value) }
        forEachChild { $0.copy(into: &builder) }
        builder.close(text: ownText)
    }

    @inline(__always) private var node: XTree.Node { tree.nodes[Int(index)] }

    public var name: String { tree.name(Int(index)) }
    public var namespace: String? {
        let id = tree.namespaceIDs[Int(index)]
        return id < 0 ? nil : tree.names.names[Int(id)]
    }
    public var line: Int { node.line }

    /// Attributes by local name, in document order.
    public var attributeList: [(name: String, value: String)] {
        let node = node
        return Array(tree.attributes[Int(node.attributeStart) ..< Int(node.attributeStart + node.attributeCount)])
    }

    /// The element's own text (text and CDATA children concatenated, untrimmed).
    public var ownText: String {
        let node = node
        guard node.textCount > 0 else { return "" }
        return tree.text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(node.textStart) ..< Int(node.textStart + node.textCount)]),
                   as: UTF8.self)
        }
    }

    public var children: [XElement] {
        let node = node
        var found: [XElement] = []
        found.reserveCapacity(Int(node.childCount))
        for position in Int(node.childStart) ..< Int(node.childStart + node.childCount) {
            found.append(XElement(tree: tree, index: tree.childList[position]))
        }
        return found
    }

    /// Whether the element has no child element (`children.isEmpty` without building the array).
    public var isLeaf: Bool { node.childCount == 0 }

    @inline(__always)
    func forEachChild(_ body: (XElement) throws -> Void) rethrows {
        let node = node
        for position in Int(node.childStart) ..< Int(node.childStart + node.childCount) {
            try body(XElement(tree: tree, index: tree.childList[position]))
        }
    }

    /// Trimmed own text, nil when empty.
    public var text: String? {
        let node = node
        guard node.textCount > 0 else { return nil }
        let trimmed = tree.text.withUnsafeBufferPointer {
            Normalize.text(utf8: UnsafeBufferPointer(rebasing: $0[Int(node.textStart) ..< Int(node.textStart + node.textCount)]))
        }
        return trimmed.isEmpty ? nil : trimmed
    }

    /// All descendant text, in document order, whitespace-collapsed.
    public var allText: String {
        var parts: [String] = []
        func walk(_ element: XElement) {
            let own = element.ownText
            if !own.isEmpty { parts.append(own) }
            element.forEachChild(walk)
        }
        walk(self)
        return Normalize.text(parts.joined(separator: " "))
    }

    public func child(_ name: String) -> XElement? { child(XName(name)) }

    public func children(_ name: String) -> [XElement] { children(XName(name)) }

    /// Whether this element's local name is `name`, ignoring ASCII case.
    public func isNamed(_ name: XName) -> Bool { tree.node(Int(index), isNamed: name) }

    public func child(_ name: XName) -> XElement? {
        let node = node
        for position in Int(node.childStart) ..< Int(node.childStart + node.childCount) {
            let index = tree.childList[position]
            if tree.node(Int(index), isNamed: name) { return XElement(tree: tree, index: index) }
        }
        return nil
    }

    public func children(_ name: XName) -> [XElement] {
        let node = node
        var found: [XElement] = []
        for position in Int(node.childStart) ..< Int(node.childStart + node.childCount) {
            let index = tree.childList[position]
            if tree.node(Int(index), isNamed: name) { found.append(XElement(tree: tree, index: index)) }
        }
        return found
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

    public func all(_ path: XName...) -> [XElement] {
        var current = [self]
        for name in path { current = current.flatMap { $0.children(name) } }
        return current
    }

    /// Descendants with this local name, in document order.
    public func descendants(_ name: String) -> [XElement] {
        var found: [XElement] = []
        func walk(_ element: XElement) {
            element.forEachChild { child in
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

    /// Whether some descendant has this local name, stopping at the first one.
    public func hasDescendant(_ name: String) -> Bool { hasDescendant(XName(name)) }

    public func hasDescendant(_ name: XName) -> Bool {
        // The descendants are the nodes just before this one: a scan, no walk.
        let node = node
        for position in Int(node.firstDescendant) ..< Int(index) where tree.node(position, isNamed: name) {
            return true
        }
        return false
    }

    /// An attribute by local name (`xml:lang` is found as `lang`); the last one of that name, as
    /// in `attributes`.
    public func attribute(_ name: String) -> String? {
        let node = node
        var position = Int(node.attributeStart + node.attributeCount)
        while position > Int(node.attributeStart) {
            position -= 1
            if tree.attributes[position].name == name { return tree.attributes[position].value }
        }
        return nil
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
