import CHDF5

/// An open HDF5 group: a folder of named groups and datasets, with attributes.
///
/// Obtain one from ``HDF5Container/createGroup(_:)`` or ``HDF5Container/openGroup(_:)``. The group's
/// identifier is closed when the last reference goes away; the file stays open while any of its
/// groups or datasets is referenced (HDF5's "weak" close), so a group outliving its
/// ``HDF5File`` value is safe.
public final class HDF5Group: HDF5Container {
    /// The open identifier (opaque).
    public let handle: HDF5Handle

    init(handle: HDF5Handle) {
        self.handle = handle
    }
}
