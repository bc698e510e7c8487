import CHDF5
import CZlib
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The integrity header MarketGym writes in the 512-byte HDF5 user block of every file it saves
/// with ``HDF5File/atomicSave(to:_:)``, and its check at open (docs/checkpoint-format.md).
///
/// libhdf5 1.10 does not survive corrupt metadata: three changed bytes in a checkpoint's object
/// headers made it segfault in `H5O_attr_iterate`, and Fletcher32 covers chunked data only. So a
/// file is checked **before** libhdf5 reads it:
/// - a file with the header: its CRC-32 and length must match the bytes after the user block
///   (one sequential read; ~1 GB/s with zlib's `crc32`);
/// - a file without it (written by h5py, another tool, or MarketGym before the header existed):
///   a child process opens it and walks every object and attribute (``HDF5File/probe(_:timeout:)``);
///   if the child crashes or the walk fails, the file is refused.
///
/// The header is ASCII text padded with NUL bytes, so `head -c 512 FILE` shows it and
/// `scripts/read_checkpoint.py` verifies it with Python's `zlib.crc32`:
///
/// ```
/// marketgym-integrity 1
/// crc32 8f3a09c1
/// bytes 104448
/// ```
///
/// libhdf5 and h5py skip the user block (it is part of the HDF5 format), so files stay readable by
/// any HDF5 reader.
public enum HDF5Integrity {
    /// Size of the user block the header lives in (the HDF5 minimum; must be a power of two >= 512).
    public static let userBlockSize = 512
    /// The header's first line.
    public static let magic = "marketgym-integrity 1"

    /// What ``check(_:)`` found.
    public enum Outcome: Sendable, Equatable {
        /// The header is there and matches the contents.
        case verified
        /// No header: a file MarketGym did not write with atomicSave.
        case noHeader
    }

    /// The header text for a body of `bytes` bytes with checksum `crc`, NUL-padded to the user block.
    static func header(crc: UInt32, bytes: Int) -> [UInt8] {
        let text = "\(magic)\ncrc32 \(String(format: "%08x", crc))\nbytes \(bytes)\n"
        var block = Array(text.utf8)
        block += [UInt8](repeating: 0, count: userBlockSize - block.count)
        return block
    }

    /// zlib's CRC-32 (the ISO-HDLC polynomial, Python's `zlib.crc32`), continued from `crc`.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard var base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return crc }
        var value = UInt(crc)
        var left = bytes.count
        while left > 0 {
            let n = min(left, Int(UInt32.max >> 1))
            value = CZlib.crc32(value, base, UInt32(n))
            base += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Checks the file at `url` without libhdf5.
    /// - Returns: `.verified` or `.noHeader`.
    /// - Throws: ``HDF5Error/damaged(file:reason:)`` when the header is there but the length or the
    ///   checksum does not match (a truncated, extended or overwritten file);
    ///   ``HDF5Error/system(operation:file:code:)`` when the file cannot be read.
    public static func check(_ url: URL) throws -> Outcome {
        let descriptor = Glibc.open(url.path, O_RDONLY)
        if descriptor < 0 { throw HDF5Error.system(operation: "open for the integrity check", file: url.path, code: errno) }
        defer { Glibc.close(descriptor) }
        var block = [UInt8](repeating: 0, count: userBlockSize)
        let got = block.withUnsafeMutableBytes { readFully(descriptor, $0) }
        guard got == userBlockSize, let fields = parse(block) else { return .noHeader }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw HDF5Error.system(operation: "fstat", file: url.path, code: errno) }
        let size = Int(info.st_size) - userBlockSize
        guard size == fields.bytes else {
            let how = size < fields.bytes ? "truncated" : "longer than written"
            throw HDF5Error.damaged(file: url.path, reason: "\(how): its integrity header records \(fields.bytes + userBlockSize) bytes, the file has \(size + userBlockSize)")
        }
        var crc: UInt32 = 0
        // At most 1 MiB at a time; a small file needs no more than its size (zero-filling a fixed
        // 1 MiB buffer was 5% of opening a 64 KB checkpoint).
        var chunk = [UInt8](repeating: 0, count: max(1, min(size, 1 << 20)))
        var left = size
        while left > 0 {
            let n = chunk.withUnsafeMutableBytes { readFully(descriptor, UnsafeMutableRawBufferPointer(rebasing: $0[0..<min(left, $0.count)])) }
            if n <= 0 { throw HDF5Error.damaged(file: url.path, reason: "it ended while reading, \(left) bytes before the recorded length") }
            crc = chunk.withUnsafeBytes { crc32(UnsafeRawBufferPointer(rebasing: $0[0..<n]), continuing: crc) }
            left -= n
        }
        guard crc == fields.crc else {
            throw HDF5Error.damaged(file: url.path, reason: String(format: "CRC-32 of its contents is %08x, its integrity header records %08x (bytes were changed after it was written)", crc, fields.crc))
        }
        return .verified
    }

    /// Whether `head` (a file's first bytes, at least 520 to see past a user block) starts an HDF5
    /// file: the signature at byte 0, or MarketGym's integrity header with the signature at 512.
    public static func startsHDF5(_ head: [UInt8]) -> Bool {
        if head.count >= 8 && Array(head[0..<8]) == HDF5File.signature { return true }
        let magicBytes = Array((magic + "\n").utf8)
        return head.count >= userBlockSize + 8 && Array(head[0..<magicBytes.count]) == magicBytes
            && Array(head[userBlockSize..<(userBlockSize + 8)]) == HDF5File.signature
    }

    /// Overwrites the header with zeros (before a read-write open changes the contents).
    static func removeHeader(_ url: URL) throws {
        let descriptor = Glibc.open(url.path, O_WRONLY)
        if descriptor < 0 { throw HDF5Error.system(operation: "open to remove the integrity header", file: url.path, code: errno) }
        defer { Glibc.close(descriptor) }
        let zeros = [UInt8](repeating: 0, count: userBlockSize)
        let written = zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        if written != userBlockSize { throw HDF5Error.system(operation: "remove the integrity header", file: url.path, code: errno) }
    }

    /// Stamps the header into the user block of `image` (a whole file's bytes).
    static func stamp(_ image: inout [UInt8]) {
        let bytes = image.count - userBlockSize
        let crc = image.withUnsafeBytes { crc32(UnsafeRawBufferPointer(rebasing: $0[userBlockSize...])) }
        image.replaceSubrange(0..<userBlockSize, with: header(crc: crc, bytes: bytes))
    }

    /// Writes a fresh header over the user block of a file that has one (all zeros after a
    /// read-write open removed the header, or a header): for tools that change a file in place on
    /// purpose, through libhdf5, and then vouch for the result (the fuzz harnesses do).
    /// - Throws: ``HDF5Error/invalidData(file:path:reason:)`` when the file has no 512-byte user
    ///   block (its superblock is not at byte 512); ``HDF5Error/system(operation:file:code:)``.
    public static func restamp(_ url: URL) throws {
        var bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw HDF5Error.system(operation: "read for restamp", file: url.path, code: EIO)
        }
        guard bytes.count > userBlockSize + 8, Array(bytes[userBlockSize..<(userBlockSize + 8)]) == HDF5File.signature else {
            throw HDF5Error.invalidData(file: url.path, path: "/", reason: "no 512-byte user block to hold the integrity header (the HDF5 signature is not at byte 512)")
        }
        stamp(&bytes)
        let descriptor = Glibc.open(url.path, O_WRONLY)
        if descriptor < 0 { throw HDF5Error.system(operation: "open for restamp", file: url.path, code: errno) }
        defer { Glibc.close(descriptor) }
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, userBlockSize, 0) }
        if written != userBlockSize { throw HDF5Error.system(operation: "restamp", file: url.path, code: errno) }
    }

    /// The header's fields, or nil when the block does not start with the magic line.
    static func parse(_ block: [UInt8]) -> (crc: UInt32, bytes: Int)? {
        let end = block.firstIndex(of: 0) ?? block.count
        guard let text = String(bytes: block[0..<end], encoding: .utf8), text.hasPrefix(magic + "\n") else { return nil }
        var crc: UInt32?
        var bytes: Int?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            if parts[0] == "crc32" { crc = UInt32(parts[1], radix: 16) }
            if parts[0] == "bytes" { bytes = Int(parts[1]) }
        }
        // A damaged header (magic intact, fields not) is a damaged file: report it as a mismatch.
        return (crc ?? 0xFFFF_FFFF, bytes ?? -1)
    }

    /// Reads until `buffer` is full or the file ends; returns the bytes read (-1 on error).
    static func readFully(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let n = read(descriptor, base + total, buffer.count - total)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return -1 }
            if n == 0 { break }
            total += n
        }
        return total
    }
}
