import Foundation

/// Turns a fuzz input into a stream of choices (like LLVM's FuzzedDataProvider): integers and
/// strings are taken from the front; when the input runs out every choice is 0 or empty, so any
/// input is a valid program for the harness.
public struct FuzzInput {
    public private(set) var bytes: ArraySlice<UInt8>

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = ArraySlice(UnsafeBufferPointer(start: data, count: size))
    }

    public init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    public var isEmpty: Bool { bytes.isEmpty }

    /// One byte (0 when the input is used up).
    public mutating func byte() -> UInt8 {
        guard let b = bytes.first else { return 0 }
        bytes = bytes.dropFirst()
        return b
    }

    /// An integer in `range` from up to two bytes.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let raw = Int(byte()) << 8 | Int(byte())
        return range.lowerBound + raw % (range.upperBound - range.lowerBound + 1)
    }

    /// A choice among `options`.
    public mutating func pick<T>(_ options: [T]) -> T { options[int(in: 0...(options.count - 1))] }

    /// A Double drawn from the input: special values (0, -0, ±inf, NaN, Float's range edge,
    /// subnormals, huge) or a raw bit pattern.
    public mutating func double() -> Double {
        let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 1e39, -1e39, 3.4028235e38, 1e-320, 1e308,
                                  9e18, Double(Int.max), 0.5, 1e-9]
        let k = Int(byte())
        if k < specials.count * 8 { return specials[k % specials.count] }
        var bits: UInt64 = 0
        for _ in 0..<8 { bits = bits << 8 | UInt64(byte()) }
        return Double(bitPattern: bits)
    }

    /// A length-prefixed string of up to `limit` bytes (lossy UTF-8).
    public mutating func string(limit: Int = 32) -> String {
        let n = min(int(in: 0...limit), bytes.count)
        let s = String(decoding: bytes.prefix(n), as: UTF8.self)
        bytes = bytes.dropFirst(n)
        return s
    }

    /// Everything left.
    public mutating func rest() -> [UInt8] {
        defer { bytes = [] }
        return Array(bytes)
    }
}

/// A scratch file per harness process, in `FUZZ_TMPDIR` (default /dev/shm, a RAM file system, so
/// the per-input writes and fsyncs cost microseconds).
public enum FuzzScratch {
    public static let folder: URL = {
        let base = ProcessInfo.processInfo.environment["FUZZ_TMPDIR"]
            ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
        let url = URL(fileURLWithPath: base).appendingPathComponent("marketgym-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// `name` inside the scratch folder, with `bytes` written to it.
    public static func write(_ bytes: [UInt8], name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url
    }

    /// `name` inside the scratch folder (not created).
    public static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The folder holding the committed corpora (Fuzz/Corpora), found from this source file.
    public static func corpora(file: String = #filePath) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpora")
    }
}

/// File signatures the in-memory harnesses route elsewhere.
public enum FuzzSignature {
    /// The HDF5 signature at byte 0 or after a 512-byte user block (MarketGym's integrity header).
    public static func isHDF5(_ bytes: [UInt8]) -> Bool {
        let magic: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        return bytes.starts(with: magic) || (bytes.count >= 520 && Array(bytes[512..<520]) == magic)
    }
}
