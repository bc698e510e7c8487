import CHDF5

extension HDF5Container {
    /// Creates an empty dataset (filled with zeros or empty strings) of `shape`.
    ///
    /// - Parameters:
    ///   - path: the dataset's name or path; missing intermediate groups are created.
    ///   - elementType: what each element is (see ``HDF5ElementType`` for the numpy dtypes).
    ///   - shape: the initial shape; `[]` is a scalar. The first dimension counts rows, which
    ///     ``HDF5Dataset/append(rows:)`` grows when `options.maxRows` allows.
    ///   - options: chunking, filters and growth; default contiguous and fixed.
    /// - Returns: the new dataset, open.
    /// - Throws: ``HDF5Error/alreadyExists(file:path:)``, ``HDF5Error/invalidOptions(file:path:reason:)``,
    ///   HDF5 failures (a read-only file) as ``HDF5Error/library(operation:file:path:stack:)``.
    public func createDataset(
        _ path: String, elementType: HDF5ElementType, shape: [Int], options: HDF5DatasetOptions = HDF5DatasetOptions()
    ) throws -> HDF5Dataset {
        precondition(shape.allSatisfy { $0 >= 0 }, "createDataset(\(path)): negative dimension in shape \(shape)")
        return try HDF5Library.locked {
            let context = context
            let target = HDF5Context(file: context.file, path: context.child(path))
            let location = try handle.id()
            if try Self.kind(of: path, in: location, context) != nil {
                throw HDF5Error.alreadyExists(file: target.file, path: target.path)
            }
            if let problem = options.problem(shape: shape, elementType: elementType) {
                throw HDF5Error.invalidOptions(file: target.file, path: target.path, reason: problem)
            }
            let rest = shape.dropFirst().map { Optional($0) }
            let maxShape: [Int?]? = switch options.maxRows {
            case .fixed: nil
            case .unlimited: [nil] + rest
            case .atMost(let limit): [limit] + rest
            }
            let space = try Dataspace.create(shape: shape, maxShape: maxShape, target)
            let fileType = try elementType.fileType(target)
            let creation = try target.own(H5Pcreate(mg_H5P_DATASET_CREATE()), .plist, "H5Pcreate(H5P_DATASET_CREATE)")
            // No timestamps: the same content gives the same bytes (reproducible checkpoints).
            try target.check(H5Pset_obj_track_times(creation.id, false), "H5Pset_obj_track_times")
            if options.needsChunks {
                // A variable-length string is stored as a 16-byte heap reference.
                let elementSize = elementType == .string ? 16 : elementType.memorySize
                let chunk = options.chunkShape(shape: shape, elementSize: elementSize).map { hsize_t($0) }
                try target.check(H5Pset_chunk(creation.id, Int32(chunk.count), chunk), "H5Pset_chunk")
                if options.shuffle { try target.check(H5Pset_shuffle(creation.id), "H5Pset_shuffle") }
                if let level = options.gzipLevel {
                    try target.check(H5Pset_deflate(creation.id, UInt32(level)), "H5Pset_deflate")
                }
                if options.fletcher32 { try target.check(H5Pset_fletcher32(creation.id), "H5Pset_fletcher32") }
            }
            let linkOptions = try Self.linkCreationOptions(target)
            let id = H5Dcreate2(location, path, fileType.id, space.id, linkOptions.id, creation.id, hid_t(mg_H5P_DEFAULT()))
            if id < 0 { throw target.failure("H5Dcreate2") }
            return try HDF5Dataset(id: id, target)
        }
    }

    /// Creates a dataset holding `values` laid out row-major in `shape`.
    ///
    /// - Parameters:
    ///   - path: the dataset's name or path.
    ///   - values: the elements, row-major (C order, as numpy); `values.count` must equal the
    ///     product of `shape` (``HDF5Error/shapeMismatch(file:path:expected:found:)`` otherwise,
    ///     thrown before anything is created).
    ///   - shape: the dataset's shape; nil = one dimension of `values.count`.
    ///   - options: chunking, filters and growth.
    /// - Returns: the new dataset, open.
    /// - Throws: as ``createDataset(_:elementType:shape:options:)``.
    @discardableResult
    public func createDataset<T: HDF5Scalar>(
        _ path: String, values: [T], shape: [Int]? = nil, options: HDF5DatasetOptions = HDF5DatasetOptions()
    ) throws -> HDF5Dataset {
        try HDF5Library.locked {
            let shape = shape ?? [values.count]
            if shape.reduce(1, *) != values.count {
                throw HDF5Error.shapeMismatch(file: handle.file, path: context.child(path), expected: shape, found: [values.count])
            }
            let dataset = try createDataset(path, elementType: T.hdf5ElementType, shape: shape, options: options)
            try dataset.write(values)
            return dataset
        }
    }

    /// Creates a dataset of variable-length UTF-8 strings (h5py reads them with `.asstr()` as `str`).
    ///
    /// - Parameters:
    ///   - path: the dataset's name or path.
    ///   - values: the strings, row-major; `values.count` must equal the product of `shape`.
    ///   - shape: the dataset's shape; nil = one dimension of `values.count`.
    ///   - options: chunking, gzip and growth (shuffle and Fletcher32 do not apply to strings).
    /// - Returns: the new dataset, open.
    /// - Throws: as ``createDataset(_:elementType:shape:options:)``; ``HDF5Error/invalidString(file:path:reason:)``.
    @discardableResult
    public func createDataset(
        _ path: String, values: [String], shape: [Int]? = nil, options: HDF5DatasetOptions = HDF5DatasetOptions()
    ) throws -> HDF5Dataset {
        try HDF5Library.locked {
            let shape = shape ?? [values.count]
            if shape.reduce(1, *) != values.count {
                throw HDF5Error.shapeMismatch(file: handle.file, path: context.child(path), expected: shape, found: [values.count])
            }
            let dataset = try createDataset(path, elementType: .string, shape: shape, options: options)
            try dataset.write(values)
            return dataset
        }
    }

    /// Opens the dataset at `path`.
    ///
    /// - Parameter path: a member name or path.
    /// - Returns: the dataset, open.
    /// - Throws: ``HDF5Error/objectNotFound(file:path:expected:)`` when nothing is there,
    ///   ``HDF5Error/wrongObjectKind(file:path:expected:found:)`` when it is not a dataset.
    public func openDataset(_ path: String) throws -> HDF5Dataset {
        try HDF5Library.locked {
            let (location, target) = try existing(path, expected: .dataset)
            let id = H5Dopen2(location, path, hid_t(mg_H5P_DEFAULT()))
            if id < 0 { throw target.failure("H5Dopen2") }
            return try HDF5Dataset(id: id, target)
        }
    }
}
