import Crypto
import Foundation

/// Stable identifier of a resource, derived from its source and the source's own identifier
/// so that a re-import updates the record instead of duplicating it.
public struct ResourceID: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// `r` followed by 20 base32 characters (100 bits) of SHA-256(source NUL identifier).
    public init(source: String, sourceIdentifier: String) {
        self.rawValue = "r" + Base32.lowercase(ContentHash.digest(source, sourceIdentifier.utf8), characters: 20)
    }

    public var description: String { rawValue }
}

public enum ContentHash {
    /// Hex SHA-256 of `bytes` prefixed by `salt` (the mapper version), so that a new mapper
    /// re-maps records whose bytes did not change.
    public static func hex(_ bytes: some Sequence<UInt8>, salt: String) -> String {
        Hex.encode(digest(salt, bytes))
    }

    /// SHA-256 of `prefix`, a NUL and `bytes` (a content hash, a resource id), hashed in place
    /// when `bytes` are contiguous (a native string's UTF-8, an array): copying them into a
    /// `Data` cost a quarter of a record's hashing.
    static func digest(_ prefix: String, _ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        var prefix = prefix
        prefix.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        let hashed: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if hashed == nil { hasher.update(data: Data(bytes)) }
        return Array(hasher.finalize())
    }
}

enum Base32 {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func lowercase(_ bytes: [UInt8], characters: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(characters)
        var buffer = 0
        var bits = 0
        for byte in bytes where out.count < characters {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 && out.count < characters {
                bits -= 5
                out.append(alphabet[(buffer >> bits) & 31])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
