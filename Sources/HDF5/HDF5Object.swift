import CHDF5

/// Anything in an HDF5 file that has a path and attributes: ``HDF5File`` (its root group),
/// ``HDF5Group`` and ``HDF5Dataset``.
///
/// Attribute methods live in `HDF5Object+Attributes.swift`.
public protocol HDF5Object: Sendable {
    /// The open identifier behind this object (opaque; shared with the module's implementation).
    var handle: HDF5Handle { get }
}

extension HDF5Object {
    /// The object's absolute path inside its file ("/" for the root group).
    public var path: String { handle.path }

    /// The path of the file on disk that holds the object.
    public var filePath: String { handle.file }

    var context: HDF5Context { HDF5Context(handle) }
}

/// Objects that hold named members: ``HDF5File`` (through its root group) and ``HDF5Group``.
///
/// Group operations live in `HDF5Container+Groups.swift`, dataset creation and opening in
/// `HDF5Container+Datasets.swift`. Names may be paths ("replay/obs"); intermediate groups are
/// created as needed, as h5py does.
public protocol HDF5Container: HDF5Object {}

/// One member of a group: its link name and what it points to.
public struct HDF5Member: Sendable, Equatable {
    /// The link name inside the group.
    public var name: String
    /// What the link points to.
    public var kind: HDF5ObjectKind

    /// A member named `name` of kind `kind`.
    public init(name: String, kind: HDF5ObjectKind) {
        self.name = name
        self.kind = kind
    }
}
