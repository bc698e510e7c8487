import CHDF5
import Foundation

/// An open HDF5 file; also its root group (``HDF5Container``), so groups, datasets and attributes
/// can be created on it directly, as with h5py's `File`.
///
/// ```swift
/// let file = try HDF5File.create(at: url)
/// try file.setAttribute("format", .string("marketgym-replay"))
/// let obs = try file.createDataset("obs", values: observations, shape: [n, 64])
/// ```
///
/// The file closes when ``close()`` is called or when the last reference to it and to every group
/// and dataset opened from it goes away. To write checkpoint-like files, use
/// ``atomicSave(to:_:)``, which never leaves a torn file behind.
///
/// Thread safety: every operation runs under the module's process-wide lock, so a file may be
/// shared between tasks and threads.
public final class HDF5File: HDF5Container {
    /// What ``create(at:mode:)`` does when a file is already there.
    public enum CreateMode: Sendable {
        /// Replace it (`H5F_ACC_TRUNC`).
        case truncate
        /// Throw ``HDF5Error/fileExists(file:)`` (`H5F_ACC_EXCL`).
        case failIfExists
    }

    /// How ``open(_:mode:chunkCacheBytes:)`` opens a file.
    public enum AccessMode: Sendable {
        /// Reads only (`H5F_ACC_RDONLY`).
        case readOnly
        /// Reads and writes (`H5F_ACC_RDWR`).
        case readWrite
    }

    /// Where the file lives on disk.
    public let url: URL
    /// The root group "/".
    public let root: HDF5Group
    let fileHandle: HDF5Handle

    /// The root group's identifier: group operations and attributes on a file apply to "/".
    public var handle: HDF5Handle { root.handle }

    private init(url: URL, fileID: hid_t) throws {
        self.url = url
        let context = HDF5Context(file: url.path, path: "/")
        fileHandle = HDF5Handle(id: fileID, kind: .file, file: url.path, path: "/")
        let rootID = H5Gopen2(fileID, "/", hid_t(mg_H5P_DEFAULT()))
        if rootID < 0 { throw context.failure("H5Gopen2(/)") }
        root = HDF5Group(handle: HDF5Handle(id: rootID, kind: .group, file: url.path, path: "/"))
    }

    /// Creates a new, empty HDF5 file.
    ///
    /// - Parameters:
    ///   - url: the file's location; its folder must exist.
    ///   - mode: replace an existing file (default) or refuse to.
    /// - Returns: the file, open for reading and writing.
    /// - Throws: ``HDF5Error/fileExists(file:)`` with `.failIfExists`; a missing folder or no
    ///   permission as ``HDF5Error/library(operation:file:path:stack:)``.
    public static func create(at url: URL, mode: CreateMode = .truncate) throws -> HDF5File {
        try HDF5Library.locked {
            let context = HDF5Context(file: url.path, path: "/")
            if mode == .failIfExists && FileManager.default.fileExists(atPath: url.path) {
                throw HDF5Error.fileExists(file: url.path)
            }
            let flags = mode == .truncate ? mg_H5F_ACC_TRUNC() : mg_H5F_ACC_EXCL()
            let id = H5Fcreate(url.path, flags, hid_t(mg_H5P_DEFAULT()), hid_t(mg_H5P_DEFAULT()))
            if id < 0 {
                let failure = context.failure("H5Fcreate")
                if mode == .failIfExists && FileManager.default.fileExists(atPath: url.path) {
                    throw HDF5Error.fileExists(file: url.path)
                }
                throw failure
            }
            return try HDF5File(url: url, fileID: id)
        }
    }

    /// Opens an existing HDF5 file.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - mode: read-only (default) or read-write.
    ///   - chunkCacheBytes: size of each dataset's chunk cache (libhdf5's default is 1 MiB); 0 turns
    ///     the cache off, which suits random reads of rows from uncompressed chunks. nil keeps the
    ///     default.
    /// - Returns: the open file.
    /// - Throws: ``HDF5Error/fileNotFound(file:)``, ``HDF5Error/notHDF5(file:found:)`` for another
    ///   kind of file, ``HDF5Error/corruptFile(file:stack:)`` for a truncated or damaged one.
    public static func open(_ url: URL, mode: AccessMode = .readOnly, chunkCacheBytes: Int? = nil) throws -> HDF5File {
        try HDF5Library.locked {
            let context = HDF5Context(file: url.path, path: "/")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw HDF5Error.fileNotFound(file: url.path)
            }
            if isDirectory.boolValue { throw HDF5Error.notHDF5(file: url.path, found: "a directory") }
            try verifyBeforeOpening(url, mode: mode)
            let access = try context.own(H5Pcreate(mg_H5P_FILE_ACCESS()), .plist, "H5Pcreate(H5P_FILE_ACCESS)")
            if let bytes = chunkCacheBytes {
                precondition(bytes >= 0, "HDF5File.open: chunkCacheBytes must be >= 0, got \(bytes)")
                // 0 metadata elements (ignored since 1.8), 12421 slots (a prime, as the HDF5 docs advise).
                try context.check(H5Pset_cache(access.id, 0, 12421, bytes, 0.75), "H5Pset_cache")
            }
            let flags = mode == .readOnly ? mg_H5F_ACC_RDONLY() : mg_H5F_ACC_RDWR()
            let id = H5Fopen(url.path, flags, access.id)
            if id < 0 {
                let stack = HDF5ErrorStack.text()
                throw diagnoseOpenFailure(url, stack: stack)
            }
            return try HDF5File(url: url, fileID: id)
        }
    }

    /// Creates an empty HDF5 file in memory (libhdf5's core driver, no backing store), with a user
    /// block of `userBlock` bytes (0 or a power of two >= 512). Nothing touches the disk until the
    /// caller writes ``image()`` somewhere: a full disk then fails in our own `write`, never inside
    /// libhdf5 (whose flush and close after a failed write segfaulted in 1.10.8).
    /// - Parameter url: the name the file goes by in error messages (the eventual target).
    /// - Throws: ``HDF5Error/library(operation:file:path:stack:)``.
    static func createInMemory(named url: URL, userBlock: Int) throws -> HDF5File {
        try HDF5Library.locked {
            let context = HDF5Context(file: url.path, path: "/")
            let access = try context.own(H5Pcreate(mg_H5P_FILE_ACCESS()), .plist, "H5Pcreate(H5P_FILE_ACCESS)")
            // 1 MiB growth steps; backing_store 0: never written to disk by libhdf5.
            try context.check(H5Pset_fapl_core(access.id, 1 << 20, false), "H5Pset_fapl_core")
            let creation = try context.own(H5Pcreate(mg_H5P_FILE_CREATE()), .plist, "H5Pcreate(H5P_FILE_CREATE)")
            if userBlock > 0 { try context.check(H5Pset_userblock(creation.id, hsize_t(userBlock)), "H5Pset_userblock") }
            let id = H5Fcreate(url.path, mg_H5F_ACC_TRUNC(), creation.id, access.id)
            if id < 0 { throw context.failure("H5Fcreate(core)") }
            return try HDF5File(url: url, fileID: id)
        }
    }

    /// The file's bytes as they would be on disk, user block included (`H5Fget_file_image`).
    /// - Throws: ``HDF5Error/library(operation:file:path:stack:)``.
    func image() throws -> [UInt8] {
        try HDF5Library.locked {
            let context = HDF5Context(fileHandle)
            let id = try fileHandle.id()
            let size = H5Fget_file_image(id, nil, 0)
            if size < 0 { throw context.failure("H5Fget_file_image(size)") }
            var bytes = [UInt8](repeating: 0, count: size)
            let copied = bytes.withUnsafeMutableBytes { H5Fget_file_image(id, $0.baseAddress, $0.count) }
            if copied != size { throw context.failure("H5Fget_file_image") }
            return bytes
        }
    }

    /// The check made before libhdf5 reads a file: the integrity header when there is one,
    /// otherwise a probe in a child process. A read-write open of a file with a header removes the
    /// header first (the contents are about to change, so the checksum would no longer hold).
    static func verifyBeforeOpening(_ url: URL, mode: AccessMode) throws {
        switch try HDF5Integrity.check(url) {
        case .verified:
            if mode == .readWrite { try HDF5Integrity.removeHeader(url) }
        case .noHeader:
            try probe(url, timeout: probeTimeoutMilliseconds)
        }
    }

    /// The environment variable that sets how long the probe of a file without integrity header
    /// may take, in seconds (default 60; a positive number up to 3600).
    public static let probeTimeoutVariable = "MARKETGYM_HDF5_PROBE_SECONDS"

    /// The probe's time limit in milliseconds: `MARKETGYM_HDF5_PROBE_SECONDS` when it is a positive
    /// number of seconds up to 3600, else 60 s. The fuzz harness sets 1 s, so that a file on which
    /// libhdf5 loops is refused in a second by each loader instead of a minute.
    static var probeTimeoutMilliseconds: Int32 {
        if let text = ProcessInfo.processInfo.environment[probeTimeoutVariable], let seconds = Double(text),
           seconds > 0, seconds <= 3600 {
            return Int32(max(1, (seconds * 1000).rounded()))
        }
        return 60_000
    }

    /// Opens and walks `url` in a child process (see ``HDF5Integrity``).
    /// - Parameter timeout: how long the child may take, in milliseconds (default 60 s: a walk of
    ///   the metadata of a multi-GB market-data file takes well under a second).
    /// - Throws: ``HDF5Error/damaged(file:reason:)`` when the child crashed, failed the walk or
    ///   timed out. A file libhdf5 cannot open at all passes: the open then fails cleanly and
    ///   ``open(_:mode:chunkCacheBytes:)`` says why.
    static func probe(_ url: URL, timeout: Int32 = 60_000) throws {
        let seconds = String(format: "%g", Double(timeout) / 1000)
        let code = url.path.withCString { mg_probe_file($0, timeout) }
        switch code {
        case 0, 1: return
        case 2: throw HDF5Error.damaged(file: url.path, reason: "libhdf5 opened it but failed walking its objects and attributes (checked in a separate process, as the file has no MarketGym integrity header)")
        case -2: throw HDF5Error.damaged(file: url.path, reason: "reading its objects did not finish in \(seconds) s (checked in a separate process, as the file has no MarketGym integrity header; \(probeTimeoutVariable) sets the time allowed)")
        case -1: throw HDF5Error.system(operation: "pipe, fork or wait for the integrity probe", file: url.path, code: errno)
        default: throw HDF5Error.damaged(file: url.path, reason: "libhdf5 crashed (signal \(code - 128)) reading its metadata (checked in a separate process, as the file has no MarketGym integrity header)")
        }
    }

    /// Writes all buffered data of this file to the operating system (`H5Fflush`, global scope).
    /// - Throws: ``HDF5Error/library(operation:file:path:stack:)``.
    public func flush() throws {
        try HDF5Library.locked {
            _ = try HDF5Context(fileHandle).check(H5Fflush(try fileHandle.id(), H5F_SCOPE_GLOBAL), "H5Fflush")
        }
    }

    /// Closes the file now. Groups and datasets still referenced keep the file open until they go
    /// away too (HDF5's weak close); later calls on this ``HDF5File`` throw ``HDF5Error/closed(file:path:)``.
    /// Calling it twice does nothing.
    /// - Throws: ``HDF5Error/library(operation:file:path:stack:)`` when buffered data cannot be written.
    public func close() throws {
        try HDF5Library.locked {
            try root.handle.close()
            try fileHandle.close()
        }
    }

    /// The number of objects open in this file, the file itself and its root group included
    /// (`H5Fget_obj_count(file, H5F_OBJ_ALL)`); 0 once closed.
    public func openObjectCount() -> Int {
        HDF5Library.locked {
            guard let id = try? fileHandle.id() else { return 0 }
            return max(0, Int(H5Fget_obj_count(id, mg_H5F_OBJ_ALL())))
        }
    }

    /// The file's size in bytes as HDF5 sees it (`H5Fget_filesize`).
    /// - Throws: ``HDF5Error/library(operation:file:path:stack:)``.
    public func size() throws -> Int {
        try HDF5Library.locked {
            var size: hsize_t = 0
            try HDF5Context(fileHandle).check(H5Fget_filesize(try fileHandle.id(), &size), "H5Fget_filesize")
            return Int(clamping: size)
        }
    }

    /// The HDF5 signature, found at byte 0 or at 512, 1024, 2048, ... (after a user block).
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Tells a non-HDF5 file from a damaged HDF5 file after `H5Fopen` failed.
    static func diagnoseOpenFailure(_ url: URL, stack: String) -> HDF5Error {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            return .library(operation: "H5Fopen", file: url.path, path: "/", stack: stack)
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()).map { Int($0) } ?? 0
        var offset = 0
        while offset + signature.count <= size {
            if (try? handle.seek(toOffset: UInt64(offset))) != nil,
               let bytes = try? handle.read(upToCount: signature.count), Array(bytes) == signature {
                // HDF5 inside, but damaged, or a failure of another kind (already open read-only, ...).
                let damage = ["truncated", "superblock", "signature", "unable to load", "bad ", "checksum"]
                let lowered = stack.lowercased()
                return damage.contains(where: lowered.contains)
                    ? .corruptFile(file: url.path, stack: stack)
                    : .library(operation: "H5Fopen", file: url.path, path: "/", stack: stack)
            }
            offset = offset == 0 ? 512 : offset * 2
        }
        try? handle.seek(toOffset: 0)
        let head = (try? handle.read(upToCount: 8)).map { Array($0) } ?? []
        let found = head.isEmpty
            ? "an empty file"
            : "\(size) bytes starting with " + head.map { String(format: "%02x", $0) }.joined(separator: " ")
        return .notHDF5(file: url.path, found: found)
    }
}
