import CHDF5

/// Helpers for dataspaces: creating them from Swift shapes and reading shapes back with our own
/// checks (a damaged file must produce an error, not a huge allocation or an overflow trap).
enum Dataspace {
    /// Largest number of bytes one read may allocate (a sanity bound against damaged files).
    static let maximumReadBytes = 1 << 40

    /// A new simple dataspace of `shape` (scalar when `shape` is empty), with optional `maxShape`
    /// (nil entries are unlimited).
    static func create(shape: [Int], maxShape: [Int?]? = nil, _ context: HDF5Context) throws -> OwnedID {
        if shape.isEmpty {
            return try context.own(H5Screate(H5S_SCALAR), .space, "H5Screate(H5S_SCALAR)")
        }
        let dims = shape.map { hsize_t($0) }
        if let maxShape {
            let maxDims = maxShape.map { $0.map { hsize_t($0) } ?? mg_H5S_UNLIMITED() }
            return try context.own(H5Screate_simple(Int32(dims.count), dims, maxDims), .space, "H5Screate_simple")
        }
        return try context.own(H5Screate_simple(Int32(dims.count), dims, nil), .space, "H5Screate_simple")
    }

    /// The current and maximum shape of `space` (maximum nil = unlimited). A null dataspace reads as
    /// shape [0].
    static func shape(of space: hid_t, _ context: HDF5Context) throws -> (shape: [Int], maxShape: [Int?]) {
        let spaceClass = H5Sget_simple_extent_type(space)
        switch spaceClass {
        case H5S_SCALAR: return ([], [])
        case H5S_NULL: return ([0], [0])
        case H5S_SIMPLE: break
        default: throw context.failure("H5Sget_simple_extent_type")
        }
        let rank = Int(try context.check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims"))
        guard rank <= 32 else {
            throw HDF5Error.invalidData(file: context.file, path: context.path, reason: "rank \(rank) exceeds HDF5's limit of 32")
        }
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        try context.check(H5Sget_simple_extent_dims(space, &dims, &maxDims), "H5Sget_simple_extent_dims")
        var shape: [Int] = []
        for d in dims {
            guard d <= hsize_t(Int.max) else {
                throw HDF5Error.invalidData(file: context.file, path: context.path, reason: "dimension \(d) is not a valid size")
            }
            shape.append(Int(d))
        }
        let maxShape: [Int?] = maxDims.map { $0 == mg_H5S_UNLIMITED() || $0 > hsize_t(Int.max) ? nil : Int($0) }
        return (shape, maxShape)
    }

    /// The number of elements of `shape`, checking it (times `elementSize`) fits a read.
    static func elementCount(_ shape: [Int], elementSize: Int, _ context: HDF5Context) throws -> Int {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw HDF5Error.invalidData(file: context.file, path: context.path, reason: "shape \(shape) overflows the element count")
            }
            count = product
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: max(1, elementSize))
        guard !overflow, bytes <= maximumReadBytes else {
            throw HDF5Error.invalidData(file: context.file, path: context.path, reason: "shape \(shape) needs more than \(maximumReadBytes) bytes")
        }
        return count
    }
}
