import HDF5

/// How a replay buffer is laid out on disk.
public struct ReplayStorageOptions: Sendable, Equatable {
    /// Transitions per chunk. Default 4,096: about 1 MiB per chunk at 64 observation floats, within
    /// reach of libhdf5's chunk cache and large enough for fast sequential writes.
    public var chunkRows: Int = 4_096
    /// gzip level 0-9, nil = uncompressed. Default nil: checkpoints are written often and replay
    /// floats compress poorly (~10-20%); set 1-4 for archives.
    public var gzipLevel: Int? = nil
    /// Byte shuffle before gzip (helps float compression). Default true (used only with gzip).
    public var shuffle: Bool = true
    /// Fletcher32 checksum per chunk, verified on every read. Default true: a damaged checkpoint
    /// must fail loudly rather than replay corrupted transitions.
    public var fletcher32: Bool = true

    /// The defaults, with optional overrides.
    public init(chunkRows: Int = 4_096, gzipLevel: Int? = nil, shuffle: Bool = true, fletcher32: Bool = true) {
        self.chunkRows = chunkRows
        self.gzipLevel = gzipLevel
        self.shuffle = shuffle
        self.fletcher32 = fletcher32
    }
}

extension ReplayBuffer {
    /// The layout's name, stored in the group's `format` attribute.
    public static let formatName = "marketgym-replay"
    /// The layout version this code reads and writes.
    public static let formatVersion = 1

    /// Writes the buffer into group `path` (default `replay`) of an open file: struct-of-arrays
    /// datasets of the `count` stored rows in slot order, ring position and settings as attributes
    /// (docs/replay-format.md). h5py reads every dataset as a numpy array.
    /// - Throws: HDF5 errors (an existing group, a read-only file, a full disk).
    public func write(to container: some HDF5Container, path: String = "replay", options: ReplayStorageOptions = ReplayStorageOptions()) throws {
        let g = try container.createGroup(path)
        try g.setAttribute("format", .string(ReplayBuffer.formatName))
        try g.setAttribute("formatVersion", .int(Int64(ReplayBuffer.formatVersion)))
        try g.setAttribute("capacity", .int(Int64(capacity)))
        try g.setAttribute("size", .int(Int64(count)))
        try g.setAttribute("position", .int(Int64(position)))
        try g.setAttribute("observationSize", .int(Int64(observationSize)))
        try g.setAttribute("actionWidth", .int(Int64(actionWidth)))
        try g.setAttribute("nStep", .int(Int64(config.nStep)))
        try g.setAttribute("prioritized", .int(config.prioritized ? 1 : 0))
        try g.setAttribute("alpha", .double(config.alpha))
        try g.setAttribute("betaInitial", .double(config.betaInitial))
        try g.setAttribute("betaFinal", .double(config.betaFinal))
        try g.setAttribute("priorityEpsilon", .double(config.priorityEpsilon))
        try g.setAttribute("maxPriority", .double(maxPriority))
        let n = count
        let opts = HDF5DatasetOptions(chunkRows: max(1, min(options.chunkRows, max(n, 1))), gzipLevel: options.gzipLevel,
                                      shuffle: options.gzipLevel != nil && options.shuffle, fletcher32: options.fletcher32)
        // The stored rows are written straight from the buffer's arrays (no copy of the prefix).
        func put<T: HDF5Scalar>(_ name: String, _ values: [T], width: Int?) throws {
            let shape = width.map { [n, $0] } ?? [n]
            if n == 0 {
                try g.createDataset(name, values: [T](), shape: shape)
                return
            }
            let dataset = try g.createDataset(name, elementType: T.hdf5ElementType, shape: shape, options: opts)
            try values.withUnsafeBufferPointer { try dataset.write(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(n * (width ?? 1))]), shape: shape) }
        }
        try put("observations", observations, width: observationSize)
        try put("nextObservations", nextObservations, width: observationSize)
        try put("actions", actions, width: actionWidth)
        try put("rewards", rewards, width: nil)
        try put("terminated", terminated, width: nil)
        try put("truncated", truncated, width: nil)
        try put("steps", steps, width: nil)
        if let tree { try put("priorities", tree.priorities, width: nil) }
    }

    /// The widest observation or action row a stored buffer may declare (2^24 numbers).
    static let maxStoredWidth = 1 << 24
    /// The most bytes a stored buffer may declare (2^44, 16 TiB: past any machine; the memory
    /// check against `MemAvailable` then refuses with numbers).
    static let maxStoredBytes = 1 << 44

    /// Reads a buffer written by ``write(to:path:options:)``: same capacity, contents, ring position
    /// and priorities, so it samples the same batches for the same generator state.
    /// - Throws: `ReplayBufferError.malformed` (naming the file and path) for a missing or
    ///   mis-shaped part or another format version; `ReplayBufferError.insufficientMemory`;
    ///   HDF5 errors (a failed Fletcher32 check).
    public static func read(from container: HDF5File, path: String = "replay",
                            availableMemory: Int? = ReplayBuffer.availableMemoryBytes()) throws -> ReplayBuffer {
        let file = container.url.path
        func bad(_ where_: String, _ detail: String) -> ReplayBufferError { .malformed(file: file, path: "/\(path)\(where_)", detail: detail) }
        guard try container.contains(path) else { throw bad("", "no replay buffer group (the checkpoint was written without one)") }
        let g = try container.openGroup(path)
        let format = (try? g.stringAttribute("format")) ?? "none"
        guard format == formatName else { throw bad("@format", "expected '\(formatName)', found '\(format)'") }
        let version = (try? g.intAttribute("formatVersion")) ?? -1
        guard version == formatVersion else { throw bad("@formatVersion", "version \(version); this MarketGym reads \(formatVersion)") }
        var config = ReplayBufferConfig()
        config.capacity = try g.intAttribute("capacity")
        config.nStep = try g.intAttribute("nStep")
        config.prioritized = try g.intAttribute("prioritized") != 0
        config.alpha = try g.doubleAttribute("alpha")
        config.betaInitial = try g.doubleAttribute("betaInitial")
        config.betaFinal = try g.doubleAttribute("betaFinal")
        config.priorityEpsilon = try g.doubleAttribute("priorityEpsilon")
        let d = try g.intAttribute("observationSize"), w = try g.intAttribute("actionWidth")
        let n = try g.intAttribute("size"), position = try g.intAttribute("position")
        guard d > 0, w > 0, n >= 0, n <= config.capacity, position >= 0, position < config.capacity,
              n == config.capacity || position == n else {
            throw bad("", "inconsistent sizes: capacity \(config.capacity), size \(n), position \(position), observation \(d), action width \(w)")
        }
        // The sizes come from the file: check them before they size any allocation (a damaged or
        // hostile file must not overflow the byte count or ask for more than the arrays could hold).
        let rowsFit = d <= Self.maxStoredWidth && w <= Self.maxStoredWidth
        // With both widths <= 2^24 the per-transition byte count cannot overflow.
        let total = config.capacity.multipliedReportingOverflow(by: rowsFit ? 8 * d + 4 * w + 14 : 1)
        guard rowsFit, !total.overflow, total.partialValue <= Self.maxStoredBytes else {
            throw bad("", "sizes beyond what a replay buffer can hold: capacity \(config.capacity) x observation \(d) x action width \(w) (at most \(Self.maxStoredWidth) per row and \(Self.maxStoredBytes >> 40) TiB in all)")
        }
        var buffer = try ReplayBuffer(config: config, observationSize: d, actionWidth: w, availableMemory: availableMemory)
        // Each dataset is read straight into the preallocated arrays (no temporary copy); the shape
        // is checked before anything is read.
        func load<T: HDF5Scalar>(_ name: String, width: Int?, into dst: inout [T]) throws {
            let dataset = try g.openDataset(name)
            let expected = width.map { [n, $0] } ?? [n]
            let shape = try dataset.shape
            guard shape == expected else { throw bad("/\(name)", "shape \(shape), expected \(expected)") }
            try dst.withUnsafeMutableBufferPointer { _ = try dataset.read(into: $0, shape: expected) }
        }
        try load("observations", width: d, into: &buffer.observations)
        try load("nextObservations", width: d, into: &buffer.nextObservations)
        try load("actions", width: w, into: &buffer.actions)
        try load("rewards", width: nil, into: &buffer.rewards)
        try load("terminated", width: nil, into: &buffer.terminated)
        try load("truncated", width: nil, into: &buffer.truncated)
        try load("steps", width: nil, into: &buffer.steps)
        if config.prioritized {
            var p = [Double](repeating: 0, count: n)
            try load("priorities", width: nil, into: &p)
            guard p.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw bad("/priorities", "negative or non-finite priority") }
            buffer.tree?.setAll(p)
        }
        buffer.count = n
        buffer.position = position
        buffer.maxPriority = try g.doubleAttribute("maxPriority")
        guard buffer.maxPriority.isFinite, buffer.maxPriority >= 0 else { throw bad("@maxPriority", "\(buffer.maxPriority), expected a finite value >= 0") }
        return buffer
    }
}
