import CHDF5

/// Ownership of one open HDF5 identifier (a file, group or dataset), closed exactly once: by
/// ``HDF5File/close()`` or, at the latest, when the last Swift reference goes away (`deinit`).
///
/// Opaque to users: it is what ``HDF5Object`` conformers share so that attributes and group
/// operations work the same on files, groups and datasets. All access to the identifier happens
/// under the module's lock, which is what makes the `@unchecked Sendable` sound.
public final class HDF5Handle: @unchecked Sendable {
    enum Kind {
        case file, group, dataset

        func close(_ id: hid_t) -> herr_t {
            switch self {
            case .file: H5Fclose(id)
            case .group: H5Gclose(id)
            case .dataset: H5Dclose(id)
            }
        }
    }

    /// The identifier, or -1 once closed. Guarded by the HDF5 lock.
    private var rawID: hid_t
    let kind: Kind
    /// The file's path on disk, for error messages.
    let file: String
    /// The object's path inside the file ("/" for the root group).
    let path: String

    init(id: hid_t, kind: Kind, file: String, path: String) {
        self.rawID = id
        self.kind = kind
        self.file = file
        self.path = path
    }

    /// The open identifier. Call with the HDF5 lock held.
    /// - Throws: ``HDF5Error/closed(file:path:)`` after ``close()``.
    func id() throws -> hid_t {
        guard rawID >= 0 else { throw HDF5Error.closed(file: file, path: path) }
        return rawID
    }

    /// Closes the identifier now; later calls do nothing. Call with the HDF5 lock held.
    /// - Throws: ``HDF5Error/library(operation:file:path:stack:)`` when HDF5 reports a failure (for a
    ///   file: data it could not write out).
    func close() throws {
        guard rawID >= 0 else { return }
        let id = rawID
        rawID = -1
        if kind.close(id) < 0 {
            throw HDF5Error.library(operation: "close", file: file, path: path, stack: HDF5ErrorStack.text())
        }
    }

    deinit {
        HDF5Library.locked {
            if rawID >= 0 { _ = kind.close(rawID) }
        }
    }
}

/// A temporary identifier (dataspace, datatype, property list, attribute) owned by one scope and
/// closed when the scope ends, also when an error is thrown. Only ever lives inside a locked region.
struct OwnedID: ~Copyable {
    enum Kind {
        case space, type, plist, attribute, object
        /// A file identifier from `H5Iget_file_id` (a new reference, released with `H5Fclose`).
        case file
        /// A predefined identifier (`H5T_NATIVE_FLOAT`, ...) that must not be closed.
        case borrowed
    }

    let id: hid_t
    let kind: Kind

    init(_ id: hid_t, _ kind: Kind) {
        self.id = id
        self.kind = kind
    }

    deinit {
        switch kind {
        case .space: _ = H5Sclose(id)
        case .type: _ = H5Tclose(id)
        case .plist: _ = H5Pclose(id)
        case .attribute: _ = H5Aclose(id)
        case .object: _ = H5Oclose(id)
        case .file: _ = H5Fclose(id)
        case .borrowed: break
        }
    }
}

/// Where an operation happens, for error messages; every checked C call takes one.
struct HDF5Context: Sendable {
    var file: String
    var path: String

    init(_ handle: HDF5Handle) {
        file = handle.file
        path = handle.path
    }

    init(file: String, path: String) {
        self.file = file
        self.path = path
    }

    /// The error for a failed C call, with the current error stack.
    func failure(_ operation: String) -> HDF5Error {
        .library(operation: operation, file: file, path: path, stack: HDF5ErrorStack.text())
    }

    /// Throws when an `herr_t`/`htri_t`/`int` result is negative; returns it otherwise.
    @discardableResult
    func check<I: BinaryInteger>(_ result: I, _ operation: String) throws -> I {
        if result < 0 { throw failure(operation) }
        return result
    }

    /// Wraps a new identifier in an ``OwnedID``, throwing when it is negative.
    func own(_ id: hid_t, _ kind: OwnedID.Kind, _ operation: String) throws -> OwnedID {
        if id < 0 { throw failure(operation) }
        return OwnedID(id, kind)
    }

    /// Child path of this object for a (relative or absolute) name.
    func child(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return path == "/" ? "/" + name : path + "/" + name
    }
}
