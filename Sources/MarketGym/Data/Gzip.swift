import CZlib

/// gzip (RFC 1952) compression and decompression of whole buffers, through zlib.
///
/// Foundation has no gunzip on Linux, and shelling out to `gzip` would make loading depend on the
/// environment, so `.csv.gz` files go through zlib directly. This is the only file that imports
/// `CZlib`. Concatenated gzip members (as `cat a.gz b.gz` makes) are decompressed in sequence.
public enum Gzip {
    /// True when `bytes` start with the gzip magic number (0x1f 0x8b).
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a whole gzip buffer.
    /// - Parameter bytes: the compressed bytes (one or more gzip members).
    /// - Returns: the decompressed bytes.
    ///   - limit: the most bytes the output may hold (default `DataLimits.maxDecompressedBytes`), so a
    ///     small file that expands to terabytes (a "zip bomb") is refused instead of exhausting memory.
    /// - Throws: `GzipError` when the data is truncated or corrupt, `.tooLarge` beyond `limit`.
    /// - Complexity: O(output size); the output buffer grows geometrically.
    public static func decompress(_ bytes: [UInt8], limit: Int = DataLimits.maxDecompressedBytes) throws(GzipError) -> [UInt8] {
        if bytes.isEmpty { return [] }
        var output = [UInt8](repeating: 0, count: min(max(4096, bytes.count * 4), max(limit, 1)))
        var produced = 0
        var consumed = 0
        while consumed < bytes.count {
            var stream = z_stream()
            // 15 + 16: a gzip wrapper is required (not a raw zlib stream).
            guard czlib_inflate_init2(&stream, 15 + 16) == Z_OK else { throw .corrupt("inflateInit2 failed") }
            defer { inflateEnd(&stream) }
            var status: Int32 = Z_OK
            let remainingIn = bytes.count - consumed
            try bytes.withUnsafeBufferPointer { (inBuf) throws(GzipError) in
                stream.next_in = inBuf.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                stream.avail_in = UInt32(remainingIn)
                while true {
                    if produced == output.count {
                        guard output.count < limit else { throw .tooLarge(limit: limit) }
                        // One zero-filled block appended at once (memcpy): an element-wise append took
                        // over a minute for a 20 MB file in a debug, sanitized build (the fuzz harness).
                        output.append(contentsOf: [UInt8](repeating: 0, count: min(output.count, limit - output.count)))
                    }
                    let room = min(output.count - produced, Int(UInt32.max))
                    status = output.withUnsafeMutableBufferPointer { outBuf in
                        stream.next_out = outBuf.baseAddress.map { $0 + produced }
                        stream.avail_out = UInt32(room)
                        return inflate(&stream, Z_NO_FLUSH)
                    }
                    produced += room - Int(stream.avail_out)
                    if status == Z_STREAM_END { break }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 { throw .truncated }
                    if status != Z_OK && status != Z_BUF_ERROR {
                        throw .corrupt(stream.msg.map { String(cString: $0) } ?? "inflate status \(status)")
                    }
                }
            }
            consumed += remainingIn - Int(stream.avail_in)
            // Trailing zero padding after the last member is tolerated (some tools pad blocks).
            if consumed < bytes.count, !isCompressed(Array(bytes[consumed..<min(consumed + 2, bytes.count)])) {
                if bytes[consumed...].allSatisfy({ $0 == 0 }) { break }
                throw .corrupt("unexpected bytes after the gzip member at offset \(consumed)")
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses a buffer into a single gzip member.
    ///
    /// Output is deterministic for a given input, level and zlib version (the gzip header carries
    /// no file name and a zero modification time).
    /// - Parameters:
    ///   - bytes: the data to compress.
    ///   - level: zlib level 0-9 (default 6, zlib's own default).
    /// - Returns: the gzip bytes.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        precondition((0...9).contains(level), "Gzip.compress: level \(level) not in 0...9")
        var stream = z_stream()
        let initStatus = czlib_deflate_init2(&stream, level, 15 + 16)
        precondition(initStatus == Z_OK, "Gzip.compress: deflateInit2 returned \(initStatus)")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END, "Gzip.compress: deflate returned \(status) with a bound-sized buffer")
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}

/// A gzip stream that could not be decompressed.
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream ends before its end marker.
    case truncated
    /// zlib rejected the data.
    case corrupt(String)
    /// The decompressed data would exceed the limit (bytes).
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .truncated: return "gzip data is truncated (the file ends before the compressed stream does); re-download or re-compress it."
        case let .tooLarge(limit):
            return "gzip data expands beyond \(limit / 1_048_576) MiB (the limit on decompressed files); if the file is genuine, raise the limit with the environment variable \(DataLimits.decompressedLimitVariable)=<MiB>, or split the file."
        case let .corrupt(reason): return "gzip data is corrupt (\(reason)); check the file with `gzip -t` and re-create it."
        }
    }
}
