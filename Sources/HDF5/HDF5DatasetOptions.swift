/// How a dataset is laid out and filtered on disk: chunking, compression, checksums, growth.
///
/// Chunking cuts the dataset into blocks of `chunkRows` rows (all other dimensions whole); filters
/// and growth need it, so asking for any of them chunks the dataset even when `chunkRows` is nil.
/// Filters run in h5py's order: shuffle, gzip, then Fletcher32 over the compressed bytes.
///
/// ```swift
/// let options = HDF5DatasetOptions(chunkRows: 1_000, gzipLevel: 4, shuffle: true, maxRows: .unlimited)
/// let obs = try file.createDataset("replay/obs", elementType: .float32, shape: [0, 64], options: options)
/// try obs.append(rows: batch)            // batch.count == k * 64
/// ```
public struct HDF5DatasetOptions: Sendable, Equatable {
    /// How far the first dimension (rows) may grow.
    public enum MaxRows: Sendable, Equatable {
        /// Fixed at the creation shape (HDF5's default; no growth).
        case fixed
        /// No limit (`H5S_UNLIMITED`, h5py `maxshape=(None, ...)`); needs chunking.
        case unlimited
        /// At most this many rows; needs chunking.
        case atMost(Int)
    }

    /// Rows per chunk; nil = contiguous unless filters or growth need chunks, then chosen so a
    /// chunk holds about ``defaultChunkBytes`` bytes. Default nil.
    public var chunkRows: Int?
    /// gzip (deflate) level 0-9, nil = no compression. Default nil. (h5py's `compression="gzip"`
    /// uses level 4.)
    public var gzipLevel: Int?
    /// Byte-shuffle filter before compression (helps gzip on floats). Default false, as in h5py.
    public var shuffle: Bool
    /// Fletcher32 checksum per chunk, checked on every read. Default false, as in h5py.
    public var fletcher32: Bool
    /// How far rows may grow with ``HDF5Dataset/append(rows:)``. Default ``MaxRows/fixed``.
    public var maxRows: MaxRows

    /// Target chunk size in bytes when `chunkRows` is nil and chunking is needed: 64 KiB, small
    /// enough for random row access and within libhdf5's default 1 MiB chunk cache.
    public static let defaultChunkBytes = 64 * 1024

    /// Options for a dataset; every argument defaults to HDF5's plain contiguous layout.
    /// - Parameters:
    ///   - chunkRows: rows per chunk (nil = automatic when needed).
    ///   - gzipLevel: deflate level 0-9 (nil = none).
    ///   - shuffle: apply the shuffle filter.
    ///   - fletcher32: add Fletcher32 checksums.
    ///   - maxRows: how far the first dimension may grow.
    public init(
        chunkRows: Int? = nil, gzipLevel: Int? = nil, shuffle: Bool = false, fletcher32: Bool = false,
        maxRows: MaxRows = .fixed
    ) {
        self.chunkRows = chunkRows
        self.gzipLevel = gzipLevel
        self.shuffle = shuffle
        self.fletcher32 = fletcher32
        self.maxRows = maxRows
    }

    /// True when the layout must be chunked.
    var needsChunks: Bool {
        chunkRows != nil || gzipLevel != nil || shuffle || fletcher32 || maxRows != .fixed
    }

    /// The reason these options cannot apply to `shape`, or nil when they can.
    func problem(shape: [Int], elementType: HDF5ElementType) -> String? {
        if needsChunks && shape.isEmpty { return "a scalar (rank 0) dataset cannot be chunked, filtered or grown; give it a shape" }
        if let rows = chunkRows, rows <= 0 { return "chunkRows must be positive, got \(rows)" }
        if let level = gzipLevel, !(0...9).contains(level) { return "gzipLevel must be 0...9, got \(level)" }
        if case .atMost(let limit) = maxRows, let first = shape.first, limit < first {
            return "maxRows .atMost(\(limit)) is below the initial \(first) rows"
        }
        if elementType == .string && (fletcher32 || shuffle) {
            return "shuffle and Fletcher32 apply to fixed-size elements, not variable-length strings"
        }
        return nil
    }

    /// The chunk shape for a dataset of `shape` with elements of `elementSize` bytes.
    func chunkShape(shape: [Int], elementSize: Int) -> [Int] {
        let rest = shape.dropFirst().map { max(1, $0) }
        let rowBytes = rest.reduce(elementSize, *)
        var rows = chunkRows ?? max(1, Self.defaultChunkBytes / max(1, rowBytes))
        // A fixed first dimension cannot be smaller than its chunk (an HDF5 rule).
        if maxRows == .fixed, let first = shape.first { rows = min(rows, max(1, first)) }
        if case .atMost(let limit) = maxRows { rows = min(rows, max(1, limit)) }
        return [rows] + rest
    }
}
