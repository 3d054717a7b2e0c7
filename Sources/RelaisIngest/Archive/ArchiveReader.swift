internal import CLibArchive
import Foundation

/// Limits applied to every archive a partner sends, before any of its files is imported.
public struct ArchiveLimits: Sendable {
    /// The archive file itself.
    public var compressedBytes = 1 << 30
    /// Sum of all entries once decompressed.
    public var expandedBytes = 4 << 30
    public var entryCount = 200_000
    /// One entry decompressed.
    public var entryBytes = 64 << 20
    /// Decompressed bytes per byte of archive: past it, the archive is a zip bomb.
    public var ratio = 200.0
    /// The ratio is only checked once this many bytes were decompressed: a small archive of
    /// repetitive XML may legitimately compress very well.
    public var ratioThresholdBytes = 8 << 20

    public init() {}
}

/// A regular file of an archive.
public struct ArchiveEntry: Sendable, Equatable {
    /// Position among the regular files handed out (0, 1, 2...), not among all the archive's
    /// entries: directories and Mac resource forks are not counted.
    public var index: Int
    /// The name in Unicode NFC, components separated by "/", without empty or "." components.
    public var name: String
    /// Bytes once decompressed, as actually read (not as the archive declares).
    public var size: Int

    public init(index: Int, name: String, size: Int) {
        self.index = index
        self.name = name
        self.size = size
    }
}

/// Why an archive is refused as a whole.
public struct ArchiveRejection: Error, Sendable, CustomStringConvertible {
    /// The entry's name as stored, made safe to show: control characters escaped, long names cut.
    public var entry: String?
    public var reason: String

    public init(entry: String? = nil, reason: String) {
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        guard let entry else { return reason }
        return "entrée « \(entry) » : \(reason)"
    }
}

public enum ArchiveKind: String, Sendable {
    case zip
    case tarGzip = "tar.gz"
    case tar

    /// From the first bytes (zip local header PK\3\4 or empty-zip PK\5\6; gzip 1f 8b; ustar at 257); nil otherwise.
    /// An empty tar is nothing but its end-of-archive mark: at least 1024 zero bytes.
    public static func detect(_ head: [UInt8]) -> ArchiveKind? {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if head.starts(with: [0x1F, 0x8B]) { return .tarGzip }
        if head.count >= 262, head[257..<262].elementsEqual("ustar".utf8) { return .tar }
        if head.count >= 1024, !head.contains(where: { $0 != 0 }) { return .tar }
        return nil
    }

    /// What a file that is not an archive looks like, for the partner to understand the refusal.
    static func describe(_ head: [UInt8]) -> String {
        let signatures: [([UInt8], String)] = [
            (Array("%PDF".utf8), "un document PDF"),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "une archive 7z"),
            (Array("Rar!".utf8), "une archive RAR"),
            (Array("BZh".utf8), "un fichier compressé bzip2"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "un fichier compressé xz"),
            ([0x28, 0xB5, 0x2F, 0xFD], "un fichier compressé zstd"),
            ([0x50, 0x4B, 0x07, 0x08], "une archive zip en plusieurs volumes"),
            ([0x89, 0x50, 0x4E, 0x47], "une image PNG"),
            ([0xFF, 0xD8, 0xFF], "une image JPEG"),
            ([0xD0, 0xCF, 0x11, 0xE0], "un ancien document Microsoft Office"),
        ]
        if head.isEmpty { return "un fichier vide" }
        for (signature, name) in signatures where head.starts(with: signature) { return name }
        let body = head.starts(with: [0xEF, 0xBB, 0xBF]) ? head.dropFirst(3) : head[...]
        // The head may end in the middle of a UTF-8 sequence of up to 4 bytes.
        let text = (0...3).lazy.compactMap { String(validating: body.dropLast($0), as: UTF8.self) }.first
        let controls = text?.unicodeScalars.contains {
            $0.properties.generalCategory == .control && !"\t\n\r\u{C}".unicodeScalars.contains($0)
        }
        if let string = text, controls == false {
            let start = string.drop { $0.isWhitespace }
            if start.hasPrefix("<") { return "un document XML ou HTML" }
            if start.hasPrefix("{") || start.hasPrefix("[") { return "un document JSON" }
            return "un fichier texte"
        }
        return "des données binaires d'un format inconnu"
    }
}

/// Reads a partner's zip, tar.gz or tar through libarchive, refusing the whole archive at the
/// first thing wrong with it. Each call opens the file anew: the value can be shared.
public struct ArchiveReader: Sendable {
    public let path: String
    public let limits: ArchiveLimits

    public init(path: String, limits: ArchiveLimits = ArchiveLimits()) {
        self.path = path
        self.limits = limits
    }

    /// Reads the whole archive once, decompressing every entry and counting its bytes without keeping them,
    /// and refuses it as a whole when anything is wrong: returns the regular-file entries in order.
    public func validate() throws(ArchiveRejection) -> [ArchiveEntry] {
        let cursor = try ArchiveCursor(path: path, limits: limits)
        var entries: [ArchiveEntry] = []
        while let file = try cursor.nextFile() {
            entries.append(try cursor.readData(of: file, keeping: false).entry)
        }
        return entries
    }

    /// Hands each regular-file entry with its bytes, one at a time in memory (call after validate; re-checks limits).
    /// Errors thrown by `body` are rethrown as they are; refusals are `ArchiveRejection`.
    public func forEachFile(_ body: (ArchiveEntry, [UInt8]) throws -> Void) throws {
        let cursor = try ArchiveCursor(path: path, limits: limits)
        while let file = try cursor.nextFile() {
            let (entry, bytes) = try cursor.readData(of: file, keeping: true)
            try body(entry, bytes)
        }
    }
}

/// libarchive converts entry names through the calling thread's locale. A Swift process stays
/// in the "C" locale, where a UTF-8 name comes back null ("Pathname cannot be converted from
/// UTF-8 to current locale"), so every call runs under C.UTF-8 for this thread only.
/// The locale object is created once and never freed: glibc locale objects are immutable and
/// may be used from any thread, hence `nonisolated(unsafe)`.
private nonisolated(unsafe) let utf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)

func withUTF8Locale<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    guard let utf8Locale else { return try body() }
    let previous = uselocale(utf8Locale)
    defer { uselocale(previous) }
    return try body()
}

/// `AE_IF*` in archive_entry.h are casts to a macro type, which Swift does not import.
enum EntryType {
    static let mask: UInt32 = 0o170000
    static let regular: UInt32 = 0o100000
    static let directory: UInt32 = 0o040000
    static let symbolicLink: UInt32 = 0o120000
    static let socket: UInt32 = 0o140000
    static let characterDevice: UInt32 = 0o020000
    static let blockDevice: UInt32 = 0o060000
    static let fifo: UInt32 = 0o010000
}

/// One pass over one archive: owns the libarchive handle and the file descriptor under it,
/// and every count the limits apply to. Not thread-safe; it lives inside one call.
final class ArchiveCursor {
    struct File {
        let index: Int
        let name: String
        let shownName: String
        let declaredSize: Int?
    }

    private let archive: OpaquePointer
    private let descriptor: Int32
    private let limits: ArchiveLimits
    private let kind: ArchiveKind
    private let fileBytes: Int
    private var headers = 0
    private var files = 0
    private var expanded = 0
    /// Normalized name of every file handed out, with the name it was stored under.
    private var seen: [String: String] = [:]
    private var lastName: String?
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    init(path: String, limits: ArchiveLimits) throws(ArchiveRejection) {
        self.limits = limits
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ArchiveRejection(reason: "archive illisible : \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw ArchiveRejection(reason: "archive illisible : ce n'est pas un fichier ordinaire")
        }
        let fileBytes = Int(status.st_size)
        if fileBytes > limits.compressedBytes {
            close(descriptor)
            throw ArchiveRejection(reason: "archive trop volumineuse : \(fileBytes) octets (maximum \(limits.compressedBytes))")
        }
        var head = [UInt8](repeating: 0, count: 1024)
        let headCount = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        head = Array(head.prefix(max(headCount, 0)))
        guard let kind = ArchiveKind.detect(head) else {
            close(descriptor)
            throw ArchiveRejection(
                reason: "ce fichier n'est pas une archive zip, tar.gz ou tar : il ressemble à \(ArchiveKind.describe(head))")
        }
        guard let archive = archive_read_new() else {
            close(descriptor)
            throw ArchiveRejection(reason: "libarchive n'a pas pu créer le lecteur")
        }
        // Only the formats partners are asked for: every other reader is attack surface.
        // The zip reader is the seekable one, which reads the central directory: the streaming
        // one reads local headers in order and takes a zip cut between two entries for a
        // shorter, valid archive.
        archive_read_support_filter_gzip(archive)
        if head == Self.emptyZip {
            // The seekable reader looks for the end record 22 bytes before the end and gives up
            // when that is offset 0; with nothing else in the file, there is nothing to cut.
            archive_read_support_format_zip_streamable(archive)
        } else {
            archive_read_support_format_zip_seekable(archive)
        }
        archive_read_support_format_tar(archive)
        let opened = withUTF8Locale { archive_read_open_fd(archive, descriptor, 64 << 10) }
        if opened != ARCHIVE_OK {
            let message = Self.message(of: archive)
            archive_read_free(archive)
            close(descriptor)
            throw ArchiveRejection(reason: Self.openFailure(kind: kind, message: message))
        }
        // Last, so that deinit (which runs once every property is set) only meets an open handle.
        self.descriptor = descriptor
        self.fileBytes = fileBytes
        self.kind = kind
        self.archive = archive
    }

    deinit {
        withUTF8Locale { _ = archive_read_free(archive) }
        close(descriptor)
    }

    /// A zip's end record alone: no entry, no comment.
    private static let emptyZip: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)

    private static func openFailure(kind: ArchiveKind, message: String) -> String {
        let unrecognized = message.contains("Unrecognized archive format")
        switch kind {
        case .zip where unrecognized:
            return "archive zip tronquée ou corrompue : son répertoire central est introuvable (\(message))"
        case .tarGzip where unrecognized:
            return "ce fichier gzip ne contient pas d'archive tar (\(message))"
        default:
            return "archive \(kind.rawValue) corrompue ou tronquée : \(message)"
        }
    }

    private static func message(of archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "erreur inconnue de libarchive"
    }

    private func libarchiveMessage() -> String { Self.message(of: archive) }

    /// Moves to the next regular file to hand out, its data not read yet; nil at the end.
    /// Entries skipped on the way (directories, Mac resource forks) are checked all the same.
    func nextFile() throws(ArchiveRejection) -> File? {
        while true {
            var entry: OpaquePointer?
            let status = withUTF8Locale { archive_read_next_header(archive, &entry) }
            if status == ARCHIVE_EOF {
                try checkEnd()
                return nil
            }
            headers += 1
            guard status == ARCHIVE_OK, let entry else {
                // A warning still comes with the entry, whose name helps to find the problem;
                // otherwise the last entry read says where the archive breaks.
                let name = status == ARCHIVE_WARN ? entry.flatMap { archive_entry_pathname($0) }.map { String(cString: $0) } : nil
                let place = name == nil ? lastName.map { " après l'entrée « \($0) »" } ?? "" : ""
                throw ArchiveRejection(entry: name.map(Self.shown),
                                       reason: "archive corrompue ou tronquée\(place) : \(libarchiveMessage())")
            }
            if headers > limits.entryCount {
                throw ArchiveRejection(entry: rawName(entry).map(Self.shown),
                                       reason: "archive de plus de \(limits.entryCount) entrées")
            }
            if let file = try check(entry) { return file }
        }
    }

    /// The name as stored, decoded: UTF-8, or for a zip entry that is not valid UTF-8, code
    /// page 437, which the zip specification prescribes when the UTF-8 flag is off.
    private func rawName(_ entry: OpaquePointer) -> String? {
        guard let pointer = archive_entry_pathname(entry) else { return nil }
        let bytes = Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        if let name = String(validating: bytes, as: UTF8.self) { return name }
        return kind == .zip ? CodePage437.decode(bytes) : nil
    }

    private func check(_ entry: OpaquePointer) throws(ArchiveRejection) -> File? {
        guard let raw = rawName(entry) else {
            let bytes = archive_entry_pathname(entry).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) }
            throw ArchiveRejection(entry: bytes.map(Self.shown), reason: "nom illisible : son encodage n'est pas UTF-8")
        }
        let shown = Self.shown(raw)
        lastName = shown
        func refuse(_ reason: String) -> ArchiveRejection { ArchiveRejection(entry: shown, reason: reason) }

        let name: String
        switch EntryName.normalize(raw) {
        case .success(let normalized): name = normalized
        case .failure(let problem): throw refuse(problem.reason)
        }
        if archive_entry_is_encrypted(entry) != 0 {
            throw refuse("entrée chiffrée : les archives protégées par un mot de passe ne sont pas acceptées")
        }
        // In a tar, a hard link is a regular file whose data is another entry's.
        if let target = archive_entry_hardlink(entry) {
            throw refuse("lien physique refusé (vers « \(Self.shown(String(cString: target))) »)")
        }
        let skipped: Bool
        switch archive_entry_filetype(entry) & EntryType.mask {
        case EntryType.regular:
            skipped = EntryName.isMacMetadata(name)
        case EntryType.directory:
            skipped = true
        case EntryType.symbolicLink:
            let target = archive_entry_symlink(entry).map { Self.shown(String(cString: $0)) } ?? ""
            throw refuse("lien symbolique refusé (vers « \(target) »)")
        case EntryType.characterDevice, EntryType.blockDevice:
            throw refuse("fichier de périphérique refusé")
        case EntryType.fifo:
            throw refuse("tube nommé (FIFO) refusé")
        case EntryType.socket:
            throw refuse("socket refusé")
        case let other:
            throw refuse("type d'entrée inconnu refusé (mode \(String(other, radix: 8)))")
        }
        if name.isEmpty && !skipped { throw refuse("nom vide") }
        let declared = archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : nil
        if let declared, declared > limits.entryBytes {
            throw refuse("taille annoncée de \(declared) octets (maximum \(limits.entryBytes) par fichier)")
        }
        if skipped {
            // Not handed out, but whatever data they carry is decompressed all the same (a
            // tar.gz must go through it to reach the next entry), so it is counted.
            _ = try readData(of: File(index: -1, name: name, shownName: shown, declaredSize: declared), keeping: false)
            return nil
        }
        if let first = seen[name] {
            throw refuse("nom en double : même fichier que l'entrée « \(first) » (une fois les séparateurs et l'Unicode normalisés)")
        }
        seen[name] = shown
        defer { files += 1 }
        return File(index: files, name: name, shownName: shown, declaredSize: declared)
    }

    /// Reads the current entry's data in chunks, stopping at the first limit passed: the
    /// declared size is never trusted (a zip can lie) and never allocated up front.
    func readData(of file: File, keeping: Bool) throws(ArchiveRejection) -> (entry: ArchiveEntry, bytes: [UInt8]) {
        func refuse(_ reason: String) -> ArchiveRejection { ArchiveRejection(entry: file.shownName, reason: reason) }
        var kept: [UInt8] = []
        if keeping { kept.reserveCapacity(min(file.declaredSize ?? 0, 1 << 20)) }
        var count = 0
        while true {
            let read = withUTF8Locale {
                buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            }
            if read == 0 { break }
            if read < 0 { throw refuse("archive corrompue ou tronquée : \(libarchiveMessage())") }
            count += read
            expanded += read
            if count > limits.entryBytes {
                let claim = file.declaredSize.map { " alors que l'archive en annonce \($0)" } ?? ""
                throw refuse("plus de \(limits.entryBytes) octets une fois décompressée\(claim) (maximum par fichier)")
            }
            if expanded > limits.expandedBytes {
                throw refuse("l'archive dépasse \(limits.expandedBytes) octets une fois décompressée (maximum pour une archive)")
            }
            if expanded > limits.ratioThresholdBytes, Double(expanded) > limits.ratio * Double(fileBytes) {
                throw refuse("taux de compression suspect (bombe zip ?) : déjà \(expanded) octets décompressés "
                             + "pour une archive de \(fileBytes) octets, plus de \(Int(limits.ratio)) fois sa taille")
            }
            if keeping { kept.append(contentsOf: buffer[0..<read]) }
        }
        return (ArchiveEntry(index: file.index, name: file.name, size: count), kept)
    }

    /// A tar has no index: cut right after an entry, libarchive reads it as a shorter archive.
    /// The end-of-archive mark (two zeroed 512-byte blocks) tells. A tar.gz has the gzip trailer
    /// for that, a zip its central directory.
    private func checkEnd() throws(ArchiveRejection) {
        guard kind == .tar else { return }
        var tail = [UInt8](repeating: 1, count: 1024)
        let read = fileBytes >= 1024 ? tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 1024, off_t(fileBytes - 1024)) } : -1
        if read != 1024 || tail.contains(where: { $0 != 0 }) {
            throw ArchiveRejection(reason: "archive tar tronquée : la marque de fin d'archive est absente")
        }
    }

    /// A name fit for a message: control characters escaped, long names cut.
    static func shown(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result.count > 120 ? String(result.prefix(120)) + "…" : result
    }
}

/// The rules an entry name must follow, whatever the archive format.
enum EntryName {
    struct Problem: Error, Equatable { let reason: String }

    static let maxBytes = 1024

    /// The name others will see (NFC, "/" separators, no empty or "." component), or why it is
    /// refused. Backslashes count as separators: Windows tools write them, and "..\x" must not pass.
    /// An empty result is a name for the archive's root, fine for a directory only.
    static func normalize(_ raw: String) -> Result<String, Problem> {
        if raw.isEmpty { return .failure(Problem(reason: "nom vide")) }
        if raw.utf8.count > maxBytes {
            return .failure(Problem(reason: "nom de \(raw.utf8.count) octets (maximum \(maxBytes))"))
        }
        // NUL included; libarchive cuts names at the first NUL, so this guards names built elsewhere.
        if let control = raw.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            let code = String(control.value, radix: 16, uppercase: true)
            return .failure(Problem(reason: "nom contenant un caractère de contrôle (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))"))
        }
        let scalars = Array(raw.unicodeScalars.prefix(2))
        let startsWithDrive = scalars.count == 2 && scalars[1] == ":" && scalars[0].isASCII
            && scalars[0].properties.isAlphabetic
        if raw.hasPrefix("/") || raw.hasPrefix("\\") || startsWithDrive {
            return .failure(Problem(reason: "chemin absolu refusé"))
        }
        let components = raw.split(omittingEmptySubsequences: true) { $0 == "/" || $0 == "\\" }
        if components.contains("..") {
            return .failure(Problem(reason: "composant « .. » refusé : il sortirait du dossier de l'archive"))
        }
        let kept = components.filter { $0 != "." }.joined(separator: "/")
        return .success(kept.precomposedStringWithCanonicalMapping)
    }

    /// What Mac archivers add beside the files: resource forks and Finder settings.
    static func isMacMetadata(_ normalized: String) -> Bool {
        let components = normalized.split(separator: "/")
        guard let last = components.last else { return false }
        return components.first == "__MACOSX" || last.hasPrefix("._") || last == ".DS_Store"
    }
}

/// The IBM PC code page the zip specification (APPNOTE, appendix D) prescribes for names
/// without the UTF-8 flag; Windows' own zip tool still writes them so.
enum CodePage437 {
    private static let upperHalf = Array((
        "ÇüéâäàåçêëèïîìÄÅ" + "ÉæÆôöòûùÿÖÜ¢£¥₧ƒ" + "áíóúñÑªº¿⌐¬½¼¡«»" + "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"
            + "└┴┬├─┼╞╟╚╔╩╦╠═╬╧" + "╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" + "αßΓπΣσµτΦΘΩδ∞φε∩" + "≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{A0}"
    ).unicodeScalars)

    static func decode(_ bytes: [UInt8]) -> String {
        var result = String.UnicodeScalarView()
        for byte in bytes {
            result.append(byte < 0x80 ? Unicode.Scalar(byte) : upperHalf[Int(byte) - 0x80])
        }
        return String(result)
    }
}
