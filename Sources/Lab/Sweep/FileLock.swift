import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), held while this object lives, that names its
/// holder: the file's text is `pid <pid> on <host> since <UTC time>: <purpose>`.
///
/// The kernel frees the lock when the holding process ends, however it ends (a killed sweep leaves
/// no stale lock). On NFS, Linux maps `flock` to POSIX byte-range locks, which the NFS lock
/// manager shares between clients, so the lock also holds across cluster nodes.
public final class FileLock: @unchecked Sendable {
    public let url: URL
    private let fd: Int32

    /// Takes the lock or throws at once (never waits).
    /// - Throws: `SweepError.locked` naming the holder, or `LabError.io` when the file cannot be opened.
    public init(_ url: URL, purpose: String) throws {
        self.url = url
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LabError.io(path: url.path, detail: "cannot open the lock file: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw SweepError.locked(file: url.path, holder: (holder?.isEmpty ?? true) ? "another process" : holder ?? "")
        }
        self.fd = fd
        let stamp = ISO8601DateFormatter().string(from: Date())
        let text = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName) since \(stamp): \(purpose)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
