import CHDF5

extension HDF5Container {
    /// Creates a group at `path` (relative to this group, or absolute), with intermediate groups.
    ///
    /// - Parameter path: the new group's name or path, e.g. `"replay"` or `"runs/7/metrics"`.
    /// - Returns: the new group, open.
    /// - Throws: ``HDF5Error/alreadyExists(file:path:)`` when something is already at `path`; any
    ///   HDF5 failure (a read-only file) as ``HDF5Error/library(operation:file:path:stack:)``.
    public func createGroup(_ path: String) throws -> HDF5Group {
        try HDF5Library.locked {
            let context = context
            let target = HDF5Context(file: context.file, path: context.child(path))
            let location = try handle.id()
            if try Self.kind(of: path, in: location, context) != nil {
                throw HDF5Error.alreadyExists(file: target.file, path: target.path)
            }
            let linkOptions = try Self.linkCreationOptions(target)
            let groupOptions = try target.own(H5Pcreate(mg_H5P_GROUP_CREATE()), .plist, "H5Pcreate(H5P_GROUP_CREATE)")
            // No timestamps: the same content gives the same bytes (reproducible checkpoints).
            try target.check(H5Pset_obj_track_times(groupOptions.id, false), "H5Pset_obj_track_times")
            let id = H5Gcreate2(location, path, linkOptions.id, groupOptions.id, hid_t(mg_H5P_DEFAULT()))
            if id < 0 { throw target.failure("H5Gcreate2") }
            return HDF5Group(handle: HDF5Handle(id: id, kind: .group, file: target.file, path: target.path))
        }
    }

    /// Opens the group at `path`.
    ///
    /// - Parameter path: a member name or path.
    /// - Returns: the group, open.
    /// - Throws: ``HDF5Error/objectNotFound(file:path:expected:)`` when nothing is there,
    ///   ``HDF5Error/wrongObjectKind(file:path:expected:found:)`` when it is not a group.
    public func openGroup(_ path: String) throws -> HDF5Group {
        try HDF5Library.locked {
            let (location, target) = try existing(path, expected: .group)
            let id = H5Gopen2(location, path, hid_t(mg_H5P_DEFAULT()))
            if id < 0 { throw target.failure("H5Gopen2") }
            return HDF5Group(handle: HDF5Handle(id: id, kind: .group, file: target.file, path: target.path))
        }
    }

    /// Opens the group at `path`, creating it (and intermediate groups) when missing.
    /// - Parameter path: a member name or path.
    /// - Returns: the group, open.
    /// - Throws: ``HDF5Error/wrongObjectKind(file:path:expected:found:)`` when a dataset is there.
    public func openOrCreateGroup(_ path: String) throws -> HDF5Group {
        try HDF5Library.locked {
            try contains(path) ? openGroup(path) : createGroup(path)
        }
    }

    /// True when a group, dataset or other object exists at `path` (every link along the way must
    /// exist and resolve).
    /// - Parameter path: a member name or path.
    /// - Throws: HDF5 failures only; a missing path returns false.
    public func contains(_ path: String) throws -> Bool {
        try kind(of: path) != nil
    }

    /// The kind of object at `path`, or nil when there is none.
    /// - Parameter path: a member name or path.
    /// - Throws: HDF5 failures only.
    public func kind(of path: String) throws -> HDF5ObjectKind? {
        try HDF5Library.locked {
            try Self.kind(of: path, in: try handle.id(), context)
        }
    }

    /// The names of this group's members, in HDF5's name order (byte order, as h5py's `keys()`).
    /// - Throws: HDF5 failures.
    public func memberNames() throws -> [String] {
        try HDF5Library.locked {
            try Self.linkNames(in: try handle.id(), context)
        }
    }

    /// This group's members with their kinds, in name order.
    /// - Throws: HDF5 failures.
    public func members() throws -> [HDF5Member] {
        try HDF5Library.locked {
            let location = try handle.id()
            return try Self.linkNames(in: location, context).map { name in
                HDF5Member(name: name, kind: try Self.kind(of: name, in: location, context) ?? .other)
            }
        }
    }

    /// Removes the link at `path` (the space is reused by later writes, not returned to the disk).
    /// - Parameter path: a member name or path.
    /// - Throws: ``HDF5Error/objectNotFound(file:path:expected:)`` when nothing is there.
    public func remove(_ path: String) throws {
        try HDF5Library.locked {
            let context = context
            let location = try handle.id()
            guard try Self.kind(of: path, in: location, context) != nil else {
                throw HDF5Error.objectNotFound(file: context.file, path: context.child(path), expected: .other)
            }
            try HDF5Context(file: context.file, path: context.child(path))
                .check(H5Ldelete(location, path, hid_t(mg_H5P_DEFAULT())), "H5Ldelete")
        }
    }

    // MARK: Internals (call with the lock held)

    /// Link-creation options that create missing intermediate groups.
    static func linkCreationOptions(_ context: HDF5Context) throws -> OwnedID {
        let options = try context.own(H5Pcreate(mg_H5P_LINK_CREATE()), .plist, "H5Pcreate(H5P_LINK_CREATE)")
        try context.check(H5Pset_create_intermediate_group(options.id, 1), "H5Pset_create_intermediate_group")
        try context.check(H5Pset_char_encoding(options.id, H5T_CSET_UTF8), "H5Pset_char_encoding")
        return options
    }

    /// This container's identifier and the context of `path`, after checking that an object of
    /// kind `expected` is there (call with the library lock held).
    /// - Throws: ``HDF5Error/objectNotFound(file:path:expected:)``, ``HDF5Error/wrongObjectKind(file:path:expected:found:)``.
    func existing(_ path: String, expected: HDF5ObjectKind) throws -> (location: hid_t, target: HDF5Context) {
        let context = context
        let target = HDF5Context(file: context.file, path: context.child(path))
        let location = try handle.id()
        guard let kind = try Self.kind(of: path, in: location, context) else {
            throw HDF5Error.objectNotFound(file: target.file, path: target.path, expected: expected)
        }
        guard kind == expected else {
            throw HDF5Error.wrongObjectKind(file: target.file, path: target.path, expected: expected, found: kind)
        }
        return (location, target)
    }

    /// The kind of the object at `path` from `location`, or nil when any link on the way is missing
    /// or dangling.
    /// Read from the object's header (`H5Oget_info_by_name`), without opening the object.
    static func kind(of path: String, in location: hid_t, _ context: HDF5Context) throws -> HDF5ObjectKind? {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        var prefix = path.hasPrefix("/") ? "/" : ""
        for (index, component) in components.enumerated() {
            if index > 0 { prefix += "/" }
            prefix += component
            if component == "." { continue }
            let exists = H5Lexists(location, prefix, hid_t(mg_H5P_DEFAULT()))
            if exists < 0 { throw context.failure("H5Lexists(\(prefix))") }
            if exists == 0 { return nil }
        }
        let target = components.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : path
        let resolves = H5Oexists_by_name(location, target, hid_t(mg_H5P_DEFAULT()))
        if resolves < 0 { throw context.failure("H5Oexists_by_name(\(target))") }
        if resolves == 0 { return nil }
        switch mg_object_kind(location, target) {
        case 0: return .group
        case 1: return .dataset
        case 2: return .datatype
        case 3: return .other
        default: throw context.failure("H5Oget_info_by_name(\(target))")
        }
    }

    /// The link names in the group `location`, in name order.
    static func linkNames(in location: hid_t, _ context: HDF5Context) throws -> [String] {
        let collector = NameCollector()
        var index: hsize_t = 0
        let status = withExtendedLifetime(collector) {
            H5Literate(location, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, data in
                guard let name, let data else { return -1 }
                Unmanaged<NameCollector>.fromOpaque(data).takeUnretainedValue().names.append(String(cString: name))
                return 0
            }, Unmanaged.passUnretained(collector).toOpaque())
        }
        if status < 0 { throw context.failure("H5Literate") }
        return collector.names
    }
}

/// Collects link names from `H5Literate`'s C callback.
private final class NameCollector {
    var names: [String] = []
}
