import CHDF5

/// Attributes: small named values attached to a file (its root group), a group or a dataset, as
/// h5py's `obj.attrs`.
extension HDF5Object {
    /// Sets attribute `name`, replacing any previous value (of any type).
    ///
    /// - Parameters:
    ///   - name: the attribute's name.
    ///   - value: the value; see ``HDF5AttributeValue`` for how each case is stored.
    /// - Throws: ``HDF5Error/invalidString(file:path:reason:)``, HDF5 failures (a read-only file).
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        try HDF5Library.locked {
            let location = try handle.id()
            let context = attributeContext(name)
            if try context.check(H5Aexists(location, name), "H5Aexists") > 0 {
                try context.check(H5Adelete(location, name), "H5Adelete")
            }
            let (type, shape) = value.layout
            let space = try Dataspace.create(shape: shape, context)
            let fileType = try type.fileType(context)
            let default_ = hid_t(mg_H5P_DEFAULT())
            let attribute = try context.own(H5Acreate2(location, name, fileType.id, space.id, default_, default_), .attribute, "H5Acreate2")
            let io = ElementIO.attribute(id: attribute.id)
            switch value {
            case .int(let v): try io.writeScalars([v], context)
            case .double(let v): try io.writeScalars([v], context)
            case .float(let v): try io.writeScalars([v], context)
            case .string(let v): try io.writeStrings([v], context)
            case .ints(let v): try io.writeScalars(v, context)
            case .doubles(let v): try io.writeScalars(v, context)
            case .floats(let v): try io.writeScalars(v, context)
            case .strings(let v): try io.writeStrings(v, context)
            }
        }
    }

    /// Reads attribute `name`.
    ///
    /// - Parameter name: the attribute's name.
    /// - Returns: its value; see ``HDF5AttributeValue`` for how stored types map to cases.
    /// - Throws: ``HDF5Error/attributeNotFound(file:path:name:)``,
    ///   ``HDF5Error/unsupportedType(file:path:found:)`` (compound, uint64, rank > 1, ...), HDF5 failures.
    public func attribute(_ name: String) throws -> HDF5AttributeValue {
        try HDF5Library.locked {
            let location = try handle.id()
            let context = attributeContext(name)
            guard try context.check(H5Aexists(location, name), "H5Aexists") > 0 else {
                throw HDF5Error.attributeNotFound(file: handle.file, path: handle.path, name: name)
            }
            let attribute = try context.own(H5Aopen(location, name, hid_t(mg_H5P_DEFAULT())), .attribute, "H5Aopen")
            let fileType = try context.own(H5Aget_type(attribute.id), .type, "H5Aget_type")
            let stored = try StoredType.of(fileType.id, context)
            let space = try context.own(H5Aget_space(attribute.id), .space, "H5Aget_space")
            let shape = try Dataspace.shape(of: space.id, context).shape
            guard shape.count <= 1 else {
                throw HDF5Error.unsupportedType(file: context.file, path: context.path, found: "\(stored.name) array of shape \(shape) (only scalars and 1-D arrays)")
            }
            let isScalar = shape.isEmpty
            let count = try Dataspace.elementCount(shape, elementSize: max(stored.size, 16), context)
            let io = ElementIO.attribute(id: attribute.id)
            switch stored.numberClass {
            case H5T_INTEGER where stored.isSigned || stored.size < 8:
                let values: [Int64] = try io.readScalars(count: count, as: Int64.self, context)
                return isScalar ? .int(values.first ?? 0) : .ints(values)
            case H5T_FLOAT where stored.size <= 4:
                let values: [Float] = try io.readScalars(count: count, as: Float.self, context)
                return isScalar ? .float(values.first ?? 0) : .floats(values)
            case H5T_FLOAT:
                let values: [Double] = try io.readScalars(count: count, as: Double.self, context)
                return isScalar ? .double(values.first ?? 0) : .doubles(values)
            case H5T_STRING:
                let values = try io.readStrings(count: count, stored: stored, fileType: fileType.id, context)
                return isScalar ? .string(values.first ?? "") : .strings(values)
            default:
                throw HDF5Error.unsupportedType(file: context.file, path: context.path, found: stored.name)
            }
        }
    }

    /// True when attribute `name` exists.
    /// - Throws: HDF5 failures.
    public func hasAttribute(_ name: String) throws -> Bool {
        try HDF5Library.locked {
            try attributeContext(name).check(H5Aexists(try handle.id(), name), "H5Aexists") > 0
        }
    }

    /// Removes attribute `name`.
    /// - Throws: ``HDF5Error/attributeNotFound(file:path:name:)``, HDF5 failures.
    public func removeAttribute(_ name: String) throws {
        try HDF5Library.locked {
            let location = try handle.id()
            let context = attributeContext(name)
            guard try context.check(H5Aexists(location, name), "H5Aexists") > 0 else {
                throw HDF5Error.attributeNotFound(file: handle.file, path: handle.path, name: name)
            }
            try context.check(H5Adelete(location, name), "H5Adelete")
        }
    }

    /// The names of all attributes, in name order.
    /// - Throws: HDF5 failures.
    public func attributeNames() throws -> [String] {
        try HDF5Library.locked {
            let location = try handle.id()
            let collector = AttributeNameCollector()
            var index: hsize_t = 0
            let status = withExtendedLifetime(collector) {
                H5Aiterate2(location, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, data in
                    guard let name, let data else { return -1 }
                    Unmanaged<AttributeNameCollector>.fromOpaque(data).takeUnretainedValue().names.append(String(cString: name))
                    return 0
                }, Unmanaged.passUnretained(collector).toOpaque())
            }
            if status < 0 { throw context.failure("H5Aiterate2") }
            return collector.names
        }
    }

    // MARK: Typed accessors

    /// Reads string attribute `name`.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` when it is not a string
    ///   scalar; as ``attribute(_:)``.
    public func stringAttribute(_ name: String) throws -> String {
        let value = try attribute(name)
        guard case .string(let v) = value else { throw mismatch(name, expected: "string scalar", found: value) }
        return v
    }

    /// Reads integer attribute `name`.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` when it is not an integer
    ///   scalar (or does not fit `Int`); as ``attribute(_:)``.
    public func intAttribute(_ name: String) throws -> Int {
        let value = try attribute(name)
        guard case .int(let v) = value, let int = Int(exactly: v) else { throw mismatch(name, expected: "int64 scalar", found: value) }
        return int
    }

    /// Reads number attribute `name` as a `Double` (float32 widens exactly).
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` when it is not a
    ///   floating-point scalar; as ``attribute(_:)``.
    public func doubleAttribute(_ name: String) throws -> Double {
        let value = try attribute(name)
        switch value {
        case .double(let v): return v
        case .float(let v): return Double(v)
        default: throw mismatch(name, expected: "float64 scalar", found: value)
        }
    }

    /// Reads string-array attribute `name`.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` when it is not an array of
    ///   strings; as ``attribute(_:)``.
    public func stringsAttribute(_ name: String) throws -> [String] {
        let value = try attribute(name)
        guard case .strings(let v) = value else { throw mismatch(name, expected: "string array", found: value) }
        return v
    }

    /// Reads integer-array attribute `name`.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` when it is not an array of
    ///   integers; as ``attribute(_:)``.
    public func intsAttribute(_ name: String) throws -> [Int64] {
        let value = try attribute(name)
        guard case .ints(let v) = value else { throw mismatch(name, expected: "int64 array", found: value) }
        return v
    }

    /// Reads number-array attribute `name` as `Double`s (float32 widens exactly).
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` when it is not an array of
    ///   floating-point numbers; as ``attribute(_:)``.
    public func doublesAttribute(_ name: String) throws -> [Double] {
        let value = try attribute(name)
        switch value {
        case .doubles(let v): return v
        case .floats(let v): return v.map(Double.init)
        default: throw mismatch(name, expected: "float64 array", found: value)
        }
    }

    private func mismatch(_ name: String, expected: String, found: HDF5AttributeValue) -> HDF5Error {
        .typeMismatch(file: handle.file, path: "\(handle.path) attribute '\(name)'", expected: expected, found: found.kindName)
    }

    private func attributeContext(_ name: String) -> HDF5Context {
        HDF5Context(file: handle.file, path: "\(handle.path) attribute '\(name)'")
    }
}

/// Collects attribute names from `H5Aiterate2`'s C callback.
private final class AttributeNameCollector {
    var names: [String] = []
}
