import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HDF5File {
    /// Writes a file atomically: the target ends up either untouched or fully replaced by the new
    /// file, never torn, whatever moment a crash or power loss strikes. The one way MarketGym writes
    /// checkpoint-like files.
    ///
    /// Steps: build the file in memory (libhdf5's core driver) and run `body` on it; take its
    /// image and stamp the integrity header into its 512-byte user block (``HDF5Integrity``: CRC-32
    /// and length, checked by every later ``open(_:mode:chunkCacheBytes:)``); write the image to
    /// `.<name>.tmp-<pid>-<uuid>` in the target's folder (same file system, so the rename is
    /// atomic) and `fsync` it; `rename` it over the target; `fsync` the folder so the rename itself
    /// is durable. If `body` throws, or any step before the rename fails (a full disk included),
    /// the temporary file is removed and the target is untouched. Memory: the whole file is held
    /// twice while it is written (libhdf5's copy and the image). Temporary files left by a process that crashed mid-save are removed by the next
    /// save to the same target.
    ///
    /// ```swift
    /// try HDF5File.atomicSave(to: checkpointURL) { file in
    ///     try file.createDataset("weights", values: weights, shape: [rows, cols])
    ///     try file.setAttribute("complete", .int(1))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - url: the target file; its folder must exist.
    ///   - body: writes the new file's contents. Groups and datasets opened inside must not escape it.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws; ``HDF5Error/objectsStillOpen(file:count:)`` when objects escaped
    ///   `body`; ``HDF5Error/system(operation:file:code:)`` when fsync or rename fails. After a
    ///   failed folder fsync (the last step) the new file is in place but its durability is not
    ///   guaranteed.
    public static func atomicSave<R>(to url: URL, _ body: (HDF5File) throws -> R) throws -> R {
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).tmp-"
        removeStaleTemporaries(in: folder, prefix: prefix)
        // Built in memory: libhdf5 never writes to the disk, so a full disk or a failing device
        // surfaces in our own write below (libhdf5 1.10.8 segfaulted closing a file whose flush
        // had failed with ENOSPC).
        let file = try createInMemory(named: url, userBlock: 0)
        let result: R
        var image: [UInt8]
        do {
            result = try body(file)
            // The file itself and its root group are expected; anything more escaped `body`.
            let open = file.openObjectCount()
            if open > 2 { throw HDF5Error.objectsStillOpen(file: url.path, count: open - 2) }
            try file.flush()
            // The header block goes in front of the image: libhdf5 finds the superblock at byte 512
            // and takes that as the base of all addresses (the HDF5 user block rule).
            image = [UInt8](repeating: 0, count: HDF5Integrity.userBlockSize) + (try file.image())
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        HDF5Integrity.stamp(&image)
        let temporary = folder.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)")
        do {
            try writeNew(temporary, image)
            if rename(temporary.path, url.path) != 0 {
                throw HDF5Error.system(operation: "rename to \(url.lastPathComponent)", file: temporary.path, code: errno)
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
        try synchronize(folder, directory: true)
        return result
    }

    /// Creates `url` (which must not exist), writes `bytes` and fsyncs it.
    private static func writeNew(_ url: URL, _ bytes: [UInt8]) throws {
        let descriptor = openDescriptor(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if descriptor < 0 { throw HDF5Error.system(operation: "create", file: url.path, code: errno) }
        defer { closeDescriptor(descriptor) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { write(descriptor, $0 + written, buffer.count - written) } ?? 0
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw HDF5Error.system(operation: "write (\(written) of \(bytes.count) bytes written)", file: url.path, code: n < 0 ? errno : ENOSPC) }
            written += n
        }
        if fsync(descriptor) != 0 { throw HDF5Error.system(operation: "fsync", file: url.path, code: errno) }
    }

    /// `fsync` of a file or folder by path.
    private static func synchronize(_ url: URL, directory: Bool) throws {
        let descriptor = openDescriptor(url.path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY)
        if descriptor < 0 { throw HDF5Error.system(operation: "open for fsync", file: url.path, code: errno) }
        defer { closeDescriptor(descriptor) }
        if fsync(descriptor) != 0 { throw HDF5Error.system(operation: "fsync", file: url.path, code: errno) }
    }

    /// Removes `<prefix><pid>-...` files whose process no longer exists (a crash mid-save). Files of
    /// live processes are left alone: they may be saving right now.
    private static func removeStaleTemporaries(in folder: URL, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }
}

// Free functions: inside `HDF5File`, `open` and `close` name its own methods.
private func openDescriptor(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
