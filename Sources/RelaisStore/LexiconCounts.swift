import Foundation
import RelaisCore
import RelaisText

/// The lexicon counts of the resources written since the last flush: each distinct word of a
/// resource's titles and keywords counts once, under its folded form, spelled as first met.
///
/// The same few thousand words recur from record to record, so a word is analyzed once per
/// distinct surface (exact bytes: canonically equivalent spellings are different words here)
/// and then found by a byte hash. Folded forms are grouped as the `[String: ...]` dictionaries
/// this replaces grouped them, by `String` equality (canonical equivalence): the group, not the
/// string, is what a resource counts once and what a flush writes once, keyed by the folded
/// form and word of the first resource that had the group since the last flush.
struct LexiconCounts {
    /// Bounds the memory of a long import of varied text: past it the caches restart (at a
    /// flush, when nothing pending refers to them).
    let capacity: Int

    // Surfaces -> entry, open addressing over the surface bytes.
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var surfaceStarts: [Int] = []
    private var surfaceCounts: [Int] = []
    private var surfaceBytes: [UInt8] = []
    /// The entry's group, -1 when the lexicon skips the word (digits, one letter).
    private var entryGroups: [Int32] = []
    private var entryFolded: [String] = []
    private var entryWords: [String] = []

    // Groups of folded forms.
    private var groupIDs: [String: Int32] = [:]
    /// The resource that last counted the group.
    private var groupSerials: [Int] = []
    /// 1 + the group's index in `pending`, 0 when not pending.
    private var groupPending: [Int] = []
    private var serial = 0

    /// What the next flush writes.
    private(set) var pending: [(folded: String, word: String, documents: Int, group: Int32)] = []

    init(capacity: Int = 50_000) {
        self.capacity = max(capacity, 1)
        slots = Array(repeating: 0, count: Self.slotCount(self.capacity))
    }

    private static func slotCount(_ capacity: Int) -> Int {
        var count = 16
        while count < 2 * capacity { count *= 2 }
        return count
    }

    /// Words cached now (for tests).
    var entryCount: Int { entryGroups.count }

    /// Counts the distinct words of the resource's titles and keywords once each.
    mutating func add(_ resource: Resource) {
        serial += 1
        for text in resource.titles {
            add(text.text)
        }
        for text in resource.keywords {
            add(text.text)
        }
    }

    private mutating func add(_ text: String) {
        FrenchAnalyzer.forEachWord(text) { surface, word in
            let entry = entry(surface, word)
            let group = Int(entryGroups[entry])
            guard group >= 0, groupSerials[group] != serial else { return }
            groupSerials[group] = serial
            let index = groupPending[group]
            if index == 0 {
                pending.append((entryFolded[entry], entryWords[entry], 1, Int32(group)))
                groupPending[group] = pending.count
            } else {
                pending[index - 1].documents += 1
            }
        }
    }

    /// Hands the pending counts to `body`, then forgets them.
    mutating func drain(_ body: (_ folded: String, _ word: String, _ documents: Int) throws -> Void) rethrows {
        defer { discard() }
        for item in pending {
            try body(item.folded, item.word, item.documents)
        }
    }

    /// Forgets the pending counts (the transaction that gathered them did not commit).
    mutating func discard() {
        for item in pending {
            groupPending[Int(item.group)] = 0
        }
        pending.removeAll(keepingCapacity: true)
        if groupIDs.count >= capacity {
            // Entries refer to groups: both go.
            clearSurfaces()
            groupIDs.removeAll(keepingCapacity: true)
            groupSerials.removeAll(keepingCapacity: true)
            groupPending.removeAll(keepingCapacity: true)
        }
    }

    private mutating func clearSurfaces() {
        for k in slots.indices { slots[k] = 0 }
        hashes.removeAll(keepingCapacity: true)
        surfaceStarts.removeAll(keepingCapacity: true)
        surfaceCounts.removeAll(keepingCapacity: true)
        surfaceBytes.removeAll(keepingCapacity: true)
        entryGroups.removeAll(keepingCapacity: true)
        entryFolded.removeAll(keepingCapacity: true)
        entryWords.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return h ^ (h >> 29)
    }

    /// The entry of a surface, analyzed on first sight.
    private mutating func entry(_ surface: UnsafeBufferPointer<UInt8>, _ word: () -> FrenchAnalyzer.Word) -> Int {
        let h = Self.hash(surface)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { break }
            let e = slot - 1
            if hashes[e] == h && surfaceCounts[e] == surface.count {
                let start = surfaceStarts[e]
                let same = surfaceBytes.withUnsafeBufferPointer { stored in
                    surface.count == 0
                        || memcmp(stored.baseAddress! + start, surface.baseAddress!, surface.count) == 0
                }
                if same { return e }
            }
            i = (i + 1) & mask
        }
        if entryGroups.count >= capacity {
            // Many distinct surfaces since the last flush: the surface cache restarts (the
            // groups stay, pending counts refer to them).
            clearSurfaces()
            i = Int(truncatingIfNeeded: h) & mask
        }
        let e = entryGroups.count
        let (group, folded, spelled) = Self.analyze(word(), &groupIDs)
        if groupSerials.count < groupIDs.count {
            groupSerials.append(0)
            groupPending.append(0)
        }
        slots[i] = Int32(e + 1)
        hashes.append(h)
        surfaceStarts.append(surfaceBytes.count)
        surfaceCounts.append(surface.count)
        surfaceBytes.append(contentsOf: surface)
        entryGroups.append(group)
        entryFolded.append(folded)
        entryWords.append(spelled)
        return e
    }

    /// Words of two or more letters without digits, folded, as written in lower case unless
    /// acronyms (CEB, TDAH): "œuvre", not "oeuvre". Group -1 for the others.
    private static func analyze(_ word: FrenchAnalyzer.Word, _ groupIDs: inout [String: Int32])
        -> (Int32, String, String)
    {
        guard word.normalized.count >= 2 && !word.hasDigits else { return (-1, "", "") }
        let folded = FrenchAnalyzer.fold(word.normalized)
        let isAcronym = word.surface.count >= 2 && word.surface == word.surface.uppercased()
            && word.surface != word.surface.lowercased()
        let group: Int32
        if let known = groupIDs[folded] {
            group = known
        } else {
            group = Int32(groupIDs.count)
            groupIDs[folded] = group
        }
        return (group, folded, isAcronym ? word.surface : word.surface.lowercased())
    }
}
