import CHDF5

/// An open HDF5 dataset: an n-dimensional array of one element type, read and written whole or by
/// rows (the first dimension).
///
/// ```swift
/// let ds = try file.openDataset("obs")
/// let (values, shape) = try ds.read(as: Float.self)        // shape e.g. [1000, 64]
/// let batch = try ds.readRows(at: [3, 17, 900], as: Float.self)
/// ```
///
/// Reads check the stored element type against the one asked for (no silent conversions) and check
/// the stored shape before allocating. Row operations live in `HDF5Dataset+Rows.swift`.
public final class HDF5Dataset: HDF5Object {
    /// The open identifier (opaque).
    public let handle: HDF5Handle
    /// The stored element type, or nil when it has no Swift mapping (see ``storedType``).
    public let elementType: HDF5ElementType?
    /// The stored type in words ("float32", "string (fixed-length 8 bytes, ASCII)", "compound", ...).
    public let storedType: String
    let stored: StoredType
    /// Direct-read eligibility and chunk addresses (see `HDF5Dataset+DirectRead.swift`).
    let directReads = DirectReadCache()

    /// Takes ownership of `id` (closed on failure too).
    init(id: hid_t, _ context: HDF5Context) throws {
        handle = HDF5Handle(id: id, kind: .dataset, file: context.file, path: context.path)
        let type = try context.own(H5Dget_type(id), .type, "H5Dget_type")
        stored = try StoredType.of(type.id, context)
        elementType = stored.element
        storedType = stored.name
    }

    /// The current shape (`[]` for a scalar).
    /// - Throws: ``HDF5Error/closed(file:path:)`` and HDF5 failures.
    public var shape: [Int] {
        get throws { try HDF5Library.locked { try extent().shape } }
    }

    /// The maximum shape; nil entries are unlimited (h5py's `ds.maxshape`).
    /// - Throws: ``HDF5Error/closed(file:path:)`` and HDF5 failures.
    public var maxShape: [Int?] {
        get throws { try HDF5Library.locked { try extent().maxShape } }
    }

    /// The number of rows (the first dimension; 1 for a scalar).
    /// - Throws: ``HDF5Error/closed(file:path:)`` and HDF5 failures.
    public var rowCount: Int {
        get throws { try shape.first ?? 1 }
    }

    /// The chunk shape, or nil for a contiguous or compact dataset (h5py's `ds.chunks`).
    /// - Throws: HDF5 failures.
    public var chunkShape: [Int]? {
        get throws {
            try HDF5Library.locked {
                let context = context
                let creation = try context.own(H5Dget_create_plist(try handle.id()), .plist, "H5Dget_create_plist")
                guard H5Pget_layout(creation.id) == H5D_CHUNKED else { return nil }
                var dims = [hsize_t](repeating: 0, count: 32)
                let rank = Int(try context.check(H5Pget_chunk(creation.id, 32, &dims), "H5Pget_chunk"))
                return dims.prefix(rank).map { Int(clamping: $0) }
            }
        }
    }

    /// The options the dataset was created with, read back from the file: chunk rows, gzip level,
    /// shuffle, Fletcher32 and the row limit. `maxRows` reads `.fixed` when the maximum equals the
    /// current number of rows, `.atMost(n)` when larger.
    /// - Throws: HDF5 failures.
    public func creationOptions() throws -> HDF5DatasetOptions {
        try HDF5Library.locked {
            let context = context
            var options = HDF5DatasetOptions()
            let extent = try extent()
            if let first = extent.maxShape.first, let rows = extent.shape.first {
                if let limit = first { options.maxRows = limit == rows ? .fixed : .atMost(limit) } else { options.maxRows = .unlimited }
            }
            let creation = try context.own(H5Dget_create_plist(try handle.id()), .plist, "H5Dget_create_plist")
            guard H5Pget_layout(creation.id) == H5D_CHUNKED else { return options }
            var dims = [hsize_t](repeating: 0, count: 32)
            let rank = try context.check(H5Pget_chunk(creation.id, 32, &dims), "H5Pget_chunk")
            if rank > 0 { options.chunkRows = Int(clamping: dims[0]) }
            let filters = try context.check(H5Pget_nfilters(creation.id), "H5Pget_nfilters")
            for index in 0..<UInt32(filters) {
                var flags: UInt32 = 0
                var valueCount = 8
                var values = [UInt32](repeating: 0, count: 8)
                var configuration: UInt32 = 0
                let filter = H5Pget_filter2(creation.id, index, &flags, &valueCount, &values, 0, nil, &configuration)
                switch filter {
                case H5Z_FILTER_DEFLATE: options.gzipLevel = valueCount > 0 ? Int(values[0]) : 0
                case H5Z_FILTER_SHUFFLE: options.shuffle = true
                case H5Z_FILTER_FLETCHER32: options.fletcher32 = true
                case let f where f < 0: throw context.failure("H5Pget_filter2")
                default: break
                }
            }
            return options
        }
    }

    // MARK: Whole dataset

    /// Reads the whole dataset.
    ///
    /// - Parameter type: the element type to read; must match the stored type exactly
    ///   (`Float` for float32, `Double` for float64, ...; see ``HDF5ElementType``).
    /// - Returns: the elements in row-major order and the shape.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)``,
    ///   ``HDF5Error/invalidData(file:path:reason:)`` for an impossible stored shape, HDF5 failures
    ///   (a Fletcher32 checksum mismatch, a damaged chunk).
    public func read<T: HDF5Scalar>(as type: T.Type = T.self) throws -> (values: [T], shape: [Int]) {
        try HDF5Library.locked {
            let context = context
            try requireType(T.hdf5ElementType, forWriting: false)
            let shape = try extent().shape
            let count = try Dataspace.elementCount(shape, elementSize: MemoryLayout<T>.stride, context)
            let all = mg_H5S_ALL()
            let values = try ElementIO.dataset(id: try handle.id(), memorySpace: all, fileSpace: all)
                .readScalars(count: count, as: T.self, context)
            return (values, shape)
        }
    }

    /// Reads the whole dataset straight into the front of `destination`, with no intermediate array
    /// (for large datasets loaded into preallocated storage, such as a replay buffer).
    ///
    /// - Parameters:
    ///   - destination: receives the elements in row-major order; must hold at least the stored
    ///     element count (elements past it are left untouched).
    ///   - shape: when given, must equal the stored shape (checked before anything is read).
    /// - Returns: the stored shape.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)``,
    ///   ``HDF5Error/shapeMismatch(file:path:expected:found:)`` for another shape or a destination
    ///   too small, HDF5 failures (a Fletcher32 checksum mismatch, a damaged chunk).
    @discardableResult
    public func read<T: HDF5Scalar>(into destination: UnsafeMutableBufferPointer<T>, shape: [Int]? = nil) throws -> [Int] {
        try HDF5Library.locked {
            let context = context
            try requireType(T.hdf5ElementType, forWriting: false)
            let stored = try extent().shape
            if let shape, shape != stored {
                throw HDF5Error.shapeMismatch(file: context.file, path: context.path, expected: shape, found: stored)
            }
            let count = try Dataspace.elementCount(stored, elementSize: MemoryLayout<T>.stride, context)
            if count > destination.count {
                throw HDF5Error.shapeMismatch(file: context.file, path: context.path, expected: [destination.count], found: stored)
            }
            guard count > 0, let base = destination.baseAddress else { return stored }
            let memoryType = try T.hdf5ElementType.memoryType(context)
            let all = mg_H5S_ALL()
            let status = ElementIO.dataset(id: try handle.id(), memorySpace: all, fileSpace: all).read(memoryType.id, UnsafeMutableRawPointer(base))
            if status < 0 { throw context.failure("H5Dread") }
            return stored
        }
    }

    /// Reads the whole dataset of strings (variable- or fixed-length, UTF-8 or ASCII).
    ///
    /// - Parameter type: `String.self`.
    /// - Returns: the strings in row-major order and the shape.
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)`` and HDF5 failures.
    public func read(as type: String.Type) throws -> (values: [String], shape: [Int]) {
        try HDF5Library.locked {
            let context = context
            try requireType(.string, forWriting: false)
            let shape = try extent().shape
            let count = try Dataspace.elementCount(shape, elementSize: max(stored.size, 16), context)
            let fileType = try context.own(H5Dget_type(try handle.id()), .type, "H5Dget_type")
            let all = mg_H5S_ALL()
            let values = try ElementIO.dataset(id: try handle.id(), memorySpace: all, fileSpace: all)
                .readStrings(count: count, stored: stored, fileType: fileType.id, context)
            return (values, shape)
        }
    }

    /// Overwrites the whole dataset.
    ///
    /// - Parameters:
    ///   - values: the elements, row-major; their count must equal the stored element count.
    ///   - shape: when given, must equal the stored shape (a check that the layout is the expected one).
    /// - Throws: ``HDF5Error/typeMismatch(file:path:expected:found:)``,
    ///   ``HDF5Error/shapeMismatch(file:path:expected:found:)``, HDF5 failures (a read-only file).
    public func write<T: HDF5Scalar>(_ values: [T], shape: [Int]? = nil) throws {
        try HDF5Library.locked {
            try requireType(T.hdf5ElementType, forWriting: true)
            try requireShape(valueCount: values.count, shape: shape)
            let all = mg_H5S_ALL()
            try ElementIO.dataset(id: try handle.id(), memorySpace: all, fileSpace: all).writeScalars(values, context)
        }
    }

    /// Overwrites the whole dataset from a buffer, with no intermediate array.
    ///
    /// - Parameters:
    ///   - source: the elements, row-major; their count must equal the stored element count.
    ///   - shape: when given, must equal the stored shape.
    /// - Throws: as ``write(_:shape:)``.
    public func write<T: HDF5Scalar>(contentsOf source: UnsafeBufferPointer<T>, shape: [Int]? = nil) throws {
        try HDF5Library.locked {
            try requireType(T.hdf5ElementType, forWriting: true)
            try requireShape(valueCount: source.count, shape: shape)
            guard let base = source.baseAddress, source.count > 0 else { return }
            let memoryType = try T.hdf5ElementType.memoryType(context)
            let all = mg_H5S_ALL()
            let status = ElementIO.dataset(id: try handle.id(), memorySpace: all, fileSpace: all).write(memoryType.id, UnsafeRawPointer(base))
            if status < 0 { throw context.failure("H5Dwrite") }
        }
    }

    /// Overwrites the whole dataset of strings (stored as variable-length UTF-8).
    ///
    /// - Parameters:
    ///   - values: the strings, row-major; their count must equal the stored element count.
    ///   - shape: when given, must equal the stored shape.
    /// - Throws: as ``write(_:shape:)``; ``HDF5Error/invalidString(file:path:reason:)`` for a NUL byte.
    public func write(_ values: [String], shape: [Int]? = nil) throws {
        try HDF5Library.locked {
            try requireType(.string, forWriting: true)
            try requireShape(valueCount: values.count, shape: shape)
            let all = mg_H5S_ALL()
            try ElementIO.dataset(id: try handle.id(), memorySpace: all, fileSpace: all).writeStrings(values, cset: stored.cset, context)
        }
    }

    // MARK: Internals (call with the lock held)

    /// The current and maximum shape.
    func extent() throws -> (shape: [Int], maxShape: [Int?]) {
        let context = context
        let space = try context.own(H5Dget_space(try handle.id()), .space, "H5Dget_space")
        return try Dataspace.shape(of: space.id, context)
    }

    /// Throws unless the stored type is `expected` (for string writes: variable-length, since HDF5
    /// cannot convert to fixed-length strings).
    func requireType(_ expected: HDF5ElementType, forWriting: Bool) throws {
        guard stored.element == expected else {
            throw HDF5Error.typeMismatch(file: handle.file, path: handle.path, expected: expected.description, found: stored.name)
        }
        if forWriting && expected == .string && !stored.isVariableString {
            throw HDF5Error.typeMismatch(file: handle.file, path: handle.path, expected: expected.description, found: stored.name)
        }
    }

    /// Throws unless `valueCount` elements (and `shape`, when given) fit the stored shape exactly.
    func requireShape(valueCount: Int, shape: [Int]?) throws {
        let context = context
        let stored = try extent().shape
        if let shape, shape != stored {
            throw HDF5Error.shapeMismatch(file: context.file, path: context.path, expected: stored, found: shape)
        }
        let count = try Dataspace.elementCount(stored, elementSize: 1, context)
        if valueCount != count {
            throw HDF5Error.shapeMismatch(file: context.file, path: context.path, expected: stored, found: [valueCount])
        }
    }
}
