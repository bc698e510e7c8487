import Foundation

/// Everything that can go wrong reading or writing HDF5, as a typed error that names the file, the
/// object path inside it, what was expected, what was found, and what to do.
///
/// Failures inside libhdf5 arrive as ``library(operation:file:path:stack:)`` with the library's own
/// error stack (walked with `H5Ewalk2`); the common cases (a missing file, a file that is not HDF5, a
/// truncated file, a missing object, a wrong element type or shape) are recognised first and get
/// their own case.
public enum HDF5Error: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// Creating with ``HDF5File/CreateMode/failIfExists`` found a file already there.
    case fileExists(file: String)
    /// The file exists but is not HDF5 (no HDF5 signature at any of the places the format allows).
    case notHDF5(file: String, found: String)
    /// The file starts like HDF5 but the library cannot open it (truncated, overwritten, damaged).
    case corruptFile(file: String, stack: String)
    /// The file fails the check made before libhdf5 reads it (``HDF5Integrity``): its integrity
    /// header does not match its contents, or a probe process crashed or failed reading it.
    case damaged(file: String, reason: String)
    /// No object at `path`.
    case objectNotFound(file: String, path: String, expected: HDF5ObjectKind)
    /// An object exists at `path` but is of another kind (a group where a dataset was expected, ...).
    case wrongObjectKind(file: String, path: String, expected: HDF5ObjectKind, found: HDF5ObjectKind)
    /// Creating an object or link at `path` found one already there.
    case alreadyExists(file: String, path: String)
    /// The stored element type is not the one asked for.
    case typeMismatch(file: String, path: String, expected: String, found: String)
    /// The stored shape is not the one the data has.
    case shapeMismatch(file: String, path: String, expected: [Int], found: [Int])
    /// A row range or row index lies outside the dataset.
    case rowsOutOfRange(file: String, path: String, requested: String, rowCount: Int)
    /// Appending would grow the dataset past its maximum number of rows.
    case notExtendable(file: String, path: String, requestedRows: Int, maxRows: Int)
    /// Dataset options that cannot apply (filters on a scalar, a zero chunk, a gzip level of 12, ...).
    case invalidOptions(file: String, path: String, reason: String)
    /// The object has no attribute `name`.
    case attributeNotFound(file: String, path: String, name: String)
    /// The stored type has no mapping in this module (compound, enum, float16, uint64 attribute, ...).
    case unsupportedType(file: String, path: String, found: String)
    /// Data read from the file fails our own checks (an impossible size, an overflowing shape, ...).
    case invalidData(file: String, path: String, reason: String)
    /// A string that HDF5 cannot store (an embedded NUL byte).
    case invalidString(file: String, path: String, reason: String)
    /// The object or its file was closed.
    case closed(file: String, path: String)
    /// ``HDF5File/atomicSave(to:_:)`` found objects of the new file still referenced after its closure.
    case objectsStillOpen(file: String, count: Int)
    /// A system call of the atomic save failed (open, fsync, rename); `code` is `errno`.
    case system(operation: String, file: String, code: Int32)
    /// Any other libhdf5 failure, with the library's error stack.
    case library(operation: String, file: String, path: String, stack: String)

    /// What went wrong, where (file and object path), what was expected and found, and the fix.
    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "HDF5: no file at \(file). Expected an existing HDF5 file; check the path, or create it with HDF5File.create."
        case let .fileExists(file):
            return "HDF5: \(file) already exists and the file was created with .failIfExists. Remove it, pick another name, or create with .truncate."
        case let .notHDF5(file, found):
            return "HDF5: \(file) is not an HDF5 file: expected the signature \\x89HDF\\r\\n\\x1a\\n at byte 0 (or 512, 1024, ...), found \(found). Check that the path points to an HDF5 file (.h5)."
        case let .corruptFile(file, stack):
            return "HDF5: \(file) starts like HDF5 but cannot be opened; it is probably truncated or damaged (an interrupted copy or write). Restore it from a good copy. HDF5 error stack:\n\(stack)"
        case let .damaged(file, reason):
            return "HDF5: \(file) is damaged and was not opened: \(reason). Nothing was read from it. Restore it from a good copy (an older checkpoint of the run, the original data file), or write it again."
        case let .objectNotFound(file, path, expected):
            return "HDF5: \(file) has no \(expected) at \(path). Check the name (list the parent group's members), or create it first."
        case let .wrongObjectKind(file, path, expected, found):
            return "HDF5: \(file): expected a \(expected) at \(path), found a \(found). Open it as a \(found), or use another path."
        case let .alreadyExists(file, path):
            return "HDF5: \(file) already has an object at \(path). Open it instead, remove it first, or choose another name."
        case let .typeMismatch(file, path, expected, found):
            return "HDF5: \(file) \(path): expected element type \(expected), found \(found). Read it with the matching Swift type (see docs/hdf5.md), or rewrite the data as \(expected)."
        case let .shapeMismatch(file, path, expected, found):
            return "HDF5: \(file) \(path): expected shape \(expected), found \(found). Write data of the stored shape, or recreate the dataset with the new shape."
        case let .rowsOutOfRange(file, path, requested, rowCount):
            return "HDF5: \(file) \(path): rows \(requested) requested, the dataset has \(rowCount) rows (valid indices 0..<\(rowCount)). Ask for rows inside the dataset, or append first."
        case let .notExtendable(file, path, requestedRows, maxRows):
            return "HDF5: \(file) \(path): cannot grow to \(requestedRows) rows, the dataset's maximum is \(maxRows). Create it with HDF5DatasetOptions(maxRows: .unlimited)."
        case let .invalidOptions(file, path, reason):
            return "HDF5: \(file) \(path): invalid dataset options: \(reason)."
        case let .attributeNotFound(file, path, name):
            return "HDF5: \(file) \(path) has no attribute '\(name)'. Check the name (attributeNames() lists them), or write it first."
        case let .unsupportedType(file, path, found):
            return "HDF5: \(file) \(path): stored type \(found) has no Swift mapping in this module (supported: float32, float64, int32, int64, uint8, UTF-8/ASCII strings; see docs/hdf5.md). Convert it with h5py to a supported type."
        case let .invalidData(file, path, reason):
            return "HDF5: \(file) \(path): the file's contents fail a consistency check: \(reason). The file is probably damaged; restore it from a good copy."
        case let .invalidString(file, path, reason):
            return "HDF5: \(file) \(path): cannot store string: \(reason). Remove NUL characters or store the bytes as UInt8."
        case let .closed(file, path):
            return "HDF5: \(file) \(path) was already closed. Reopen the file and the object."
        case let .objectsStillOpen(file, count):
            return "HDF5: atomic save of \(file): \(count) object(s) of the new file are still referenced after the writer returned, so it cannot be closed and committed; the target is untouched. Do not let groups or datasets escape the atomicSave closure."
        case let .system(operation, file, code):
            return "HDF5: atomic save: \(operation) failed for \(file): \(String(cString: strerror(code))) (errno \(code)). Check free space and permissions of the folder."
        case let .library(operation, file, path, stack):
            return "HDF5: \(operation) failed for \(file) \(path). HDF5 error stack:\n\(stack)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// The kinds of object an HDF5 path can name.
public enum HDF5ObjectKind: String, Sendable, Equatable, CustomStringConvertible {
    /// A group (a folder of links).
    case group
    /// A dataset (an n-dimensional array).
    case dataset
    /// A committed (named) datatype.
    case datatype
    /// Anything else (external or dangling link, unknown object).
    case other

    /// The kind's name ("group", "dataset", ...).
    public var description: String { rawValue }
}
