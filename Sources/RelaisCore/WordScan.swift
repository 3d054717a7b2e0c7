/// Looks for bytes eight at a time: a lane of a word is flagged (its top bit set) where a byte
/// equals the one looked for. The lowest flagged lane is always right (a borrow can only flag
/// lanes above a true match), and it is the one wanted: the first such byte.
public enum WordScan {
    @inlinable @inline(__always)
    public static func lanes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        // A literal, not a stored static: inlined in other modules, that would be a call to its
        // lazy initializer's check at every word.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let zeroed = word ^ (ones &* UInt64(byte))
        return (zeroed &- ones) & ~zeroed & (ones << 7)
    }

    /// The index of the first byte in `start ..< end` that `flags` flags, or `end`. The bytes
    /// looked for must not be zero.
    @inlinable @inline(__always)
    public static func firstByte(in bytes: UnsafePointer<UInt8>, from start: Int, to end: Int,
                          _ flags: (UInt64) -> UInt64) -> Int {
        var index = start
        while index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self))
            let flagged = flags(word)
            if flagged != 0 { return index + flagged.trailingZeroBitCount >> 3 }
            index += 8
        }
        // The last bytes (most texts are shorter than a word) in one word too, the lanes past
        // the end left at zero: no byte looked for is zero, and a borrow only flags lanes above
        // a match.
        if index == end { return end }
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) {
            $0.baseAddress!.copyMemory(from: bytes + index, byteCount: end - index)
        }
        let flagged = flags(UInt64(littleEndian: word))
        return flagged == 0 ? end : index + flagged.trailingZeroBitCount >> 3
    }
}
