import CHDF5
import Foundation

/// Process-wide state of the HDF5 module: the one lock every libhdf5 call runs under, and the
/// library's open-object count.
///
/// Debian's libhdf5 1.10.8 is the serial build. Its thread-safe configuration wraps each API call in a
/// global lock, but a sequence of calls (create a dataspace, select, read, close) is not atomic, and
/// error stacks and the automatic error printer are per thread. So every public operation of this
/// module holds one process-wide recursive lock for its whole sequence of C calls; identifiers are
/// closed under the same lock (from `deinit`, on whatever thread drops the last reference). The lock
/// is recursive because a `deinit` may run while an operation already holds it.
public enum HDF5Library {
    /// The process-wide lock. `NSRecursiveLock` is `Sendable`; recursion is needed (see above).
    private static let lock = NSRecursiveLock()

    /// Runs `body` holding the HDF5 lock, with libhdf5 initialized and its automatic error printing
    /// switched off on this thread (the setting is per thread in thread-safe builds; errors are
    /// collected with `H5Ewalk2` and thrown instead of printed).
    @inline(__always)
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        // H5open is idempotent and cheap after the first call; H5Eset_auto2 must run once per thread.
        _ = H5open()
        _ = H5Eset_auto2(mg_H5E_DEFAULT(), nil, nil)
        return try body()
    }

    /// Runs `body` while holding the HDF5 lock, so that no other thread can open, close, read or write
    /// any HDF5 object until it returns. HDF5 calls made inside `body` (on this thread) work as usual;
    /// the lock is recursive.
    ///
    /// Use it to make a sequence of operations atomic with respect to other threads, or to measure the
    /// open-object count without interference.
    /// - Parameter body: the work to run exclusively.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    public static func withExclusiveAccess<R>(_ body: () throws -> R) rethrows -> R {
        try locked(body)
    }

    /// The number of HDF5 objects (files, groups, datasets, datatypes, attributes) open in this process,
    /// across all files: `H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL)`. Zero when nothing is open.
    public static func openObjectCount() -> Int {
        locked {
            let all = mg_H5F_OBJ_ALL()
            return max(0, Int(H5Fget_obj_count(hid_t(all), all)))
        }
    }

    /// The libhdf5 version this module is linked against, e.g. "1.10.8".
    public static var version: String {
        locked {
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            _ = H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }
}
