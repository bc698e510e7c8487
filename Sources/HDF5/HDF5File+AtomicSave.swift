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
    /// Steps: create `.<name>.tmp-<pid>-<uuid>` in the target's folder (same file system, so the
    /// rename is atomic); run `body` on it; flush and close it (`H5Fflush`, `H5Fclose`); `fsync` it;
    /// `rename` it over the target; `fsync` the folder so the rename itself is durable. If `body`
    /// throws, or any step before the rename fails, the temporary file is removed and the target is
    /// untouched. Temporary files left by a process that crashed mid-save are removed by the next
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
        let temporary = folder.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)")
        let file = try create(at: temporary, mode: .failIfExists)
        let result: R
        do {
            result = try body(file)
            // The file itself and its root group are expected; anything more escaped `body`.
            let open = file.openObjectCount()
            if open > 2 { throw HDF5Error.objectsStillOpen(file: url.path, count: open - 2) }
            try file.flush()
            try file.close()
            try synchronize(temporary, directory: false)
            if rename(temporary.path, url.path) != 0 {
                throw HDF5Error.system(operation: "rename to \(url.lastPathComponent)", file: temporary.path, code: errno)
            }
        } catch {
            try? file.close()
            unlink(temporary.path)
            throw error
        }
        try synchronize(folder, directory: true)
        return result
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
private func openDescriptor(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
