internal import CLibArchive
import Foundation

/// Why an archive could not be written.
public struct ArchiveWriterError: Error, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// Writes a zip, tar.gz or tar through libarchive, for tests and the benchmark generator.
/// Names are stored in UTF-8 (flagged so in a zip, in a pax header in a tar).
public struct ArchiveWriter {
    private let handle: WriteHandle

    public init(path: String, kind: ArchiveKind) throws {
        handle = try WriteHandle(path: path, kind: kind)
    }

    public mutating func add(name: String, bytes: [UInt8]) throws {
        try handle.write(name: name, type: EntryType.regular, permissions: 0o644, bytes: bytes)
    }

    /// For hostile fixtures: a symbolic link, a hard link, a directory.
    public mutating func addSymlink(name: String, target: String) throws {
        try handle.write(name: name, type: EntryType.symbolicLink, permissions: 0o777, symlink: target)
    }

    /// Tar only: a zip has no hard links (libarchive would write an empty regular file instead).
    public mutating func addHardlink(name: String, target: String) throws {
        guard handle.kind != .zip else {
            throw ArchiveWriterError(reason: "une archive zip ne peut pas contenir de lien physique")
        }
        try handle.write(name: name, type: EntryType.regular, permissions: 0o644, hardlink: target)
    }

    public mutating func addDirectory(name: String) throws {
        try handle.write(name: name, type: EntryType.directory, permissions: 0o755)
    }

    /// Writes the end of the archive (zip central directory, tar end blocks, gzip trailer).
    public mutating func close() throws {
        try handle.close()
    }
}

@available(*, unavailable)
extension ArchiveWriter: Sendable {}

/// Owns the libarchive write handle; freed in deinit if the writer was never closed.
final class WriteHandle {
    let kind: ArchiveKind
    private var archive: OpaquePointer?

    init(path: String, kind: ArchiveKind) throws {
        self.kind = kind
        guard let archive = archive_write_new() else {
            throw ArchiveWriterError(reason: "libarchive n'a pas pu créer l'écrivain")
        }
        let configured = withUTF8Locale { () -> Int32 in
            switch kind {
            case .zip:
                let format = archive_write_set_format_zip(archive)
                guard format == ARCHIVE_OK else { return format }
                return archive_write_set_format_option(archive, "zip", "hdrcharset", "UTF-8")
            case .tarGzip, .tar:
                // Restricted pax: plain ustar headers, plus a pax header only for what ustar
                // cannot hold (long or non-ASCII names, big sizes).
                let format = archive_write_set_format_pax_restricted(archive)
                guard format == ARCHIVE_OK, kind == .tarGzip else { return format }
                return archive_write_add_filter_gzip(archive)
            }
        }
        let opened = configured == ARCHIVE_OK ? withUTF8Locale { archive_write_open_filename(archive, path) } : configured
        if opened != ARCHIVE_OK {
            let message = Self.message(of: archive)
            archive_write_free(archive)
            throw ArchiveWriterError(reason: "écriture de « \(path) » impossible : \(message)")
        }
        self.archive = archive
    }

    deinit {
        if let archive { withUTF8Locale { _ = archive_write_free(archive) } }
    }

    private static func message(of archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "erreur inconnue de libarchive"
    }

    func write(name: String, type: UInt32, permissions: UInt32, bytes: [UInt8] = [],
               symlink: String? = nil, hardlink: String? = nil) throws {
        guard let archive else { throw ArchiveWriterError(reason: "archive déjà fermée") }
        guard let entry = archive_entry_new() else { throw ArchiveWriterError(reason: "libarchive n'a pas pu créer l'entrée") }
        defer { archive_entry_free(entry) }
        try withUTF8Locale { () throws(ArchiveWriterError) in
            archive_entry_set_pathname_utf8(entry, name)
            archive_entry_set_filetype(entry, type)
            archive_entry_set_perm(entry, permissions)
            archive_entry_set_size(entry, Int64(bytes.count))
            // A fixed date keeps two runs of a generator byte for byte the same.
            archive_entry_set_mtime(entry, 1_700_000_000, 0)
            if let symlink { archive_entry_set_symlink_utf8(entry, symlink) }
            if let hardlink { archive_entry_set_hardlink_utf8(entry, hardlink) }
            guard archive_write_header(archive, entry) == ARCHIVE_OK else {
                throw ArchiveWriterError(reason: "entrée « \(name) » : \(Self.message(of: archive))")
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes {
                    archive_write_data(archive, $0.baseAddress! + offset, $0.count - offset)
                }
                guard written > 0 else {
                    throw ArchiveWriterError(reason: "entrée « \(name) » : \(Self.message(of: archive))")
                }
                offset += written
            }
        }
    }

    func close() throws {
        guard let archive else { return }
        self.archive = nil
        let closed = withUTF8Locale { archive_write_close(archive) }
        let message = Self.message(of: archive)
        withUTF8Locale { _ = archive_write_free(archive) }
        if closed != ARCHIVE_OK { throw ArchiveWriterError(reason: "fin d'archive impossible : \(message)") }
    }
}
