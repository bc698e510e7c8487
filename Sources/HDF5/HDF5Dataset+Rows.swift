import CHDF5

/// Row access: a row is one index of the first dimension with all the others whole (a row of a
/// `[n, 64]` dataset is 64 elements). Values are always row-major.
extension HDF5Dataset {
    /// Reads the rows `range`.
    ///
    /// - Parameters:
    ///   - range: row indices, inside `0..<rowCount`.
    ///   - type: the element type; must match the stored type.
    /// - Returns: `range.count` rows, row-major, and their shape `[range.count] + rowShape`.
    /// - Throws: ``HDF5Error/rowsOutOfRange(file:path:requested:rowCount:)``,
    ///   ``HDF5Error/typeMismatch(file:path:expected:found:)``, HDF5 failures.
    /// - Complexity: one hyperslab read (`H5Dread`).
    public func readRows<T: HDF5Scalar>(_ range: Range<Int>, as type: T.Type = T.self) throws -> (values: [T], shape: [Int]) {
        try HDF5Library.locked {
            try requireType(T.hdf5ElementType, forWriting: false)
            if let layout = try directLayout(for: T.hdf5ElementType) {
                guard range.lowerBound >= 0, range.upperBound <= layout.rowCount else {
                    throw HDF5Error.rowsOutOfRange(file: handle.file, path: handle.path, requested: "\(range)", rowCount: layout.rowCount)
                }
                let runs = range.isEmpty ? [] : [(start: range.lowerBound, count: range.count)]
                if let values = try readDirect(runs, totalRows: range.count, layout: layout, as: T.self) {
                    return (values, [range.count] + layout.rowShape)
                }
            }
            return try withRows(.range(range)) { io, count, shape in
                (try io.readScalars(count: count, as: T.self, context), shape)
            }
        }
    }

    /// Reads the string rows `range`; see ``readRows(_:as:)-(_,T.Type)``.
    /// - Throws: as ``readRows(_:as:)-(_,T.Type)``.
    public func readRows(_ range: Range<Int>, as type: String.Type) throws -> (values: [String], shape: [Int]) {
        try HDF5Library.locked {
            try requireType(.string, forWriting: false)
            let fileType = try context.own(H5Dget_type(try handle.id()), .type, "H5Dget_type")
            return try withRows(.range(range)) { io, count, shape in
                (try io.readStrings(count: count, stored: stored, fileType: fileType.id, context), shape)
            }
        }
    }

    /// Reads the rows at `indices`, in the order given (repeats allowed): the replay-buffer case.
    ///
    /// Rows stored raw (no filters) in a read-only file are read directly from their file offsets
    /// (see `HDF5Dataset+DirectRead.swift`). Otherwise the distinct indices are sorted, merged into
    /// runs and read with one `H5Dread` over a union of hyperslabs, then put back in the requested
    /// order.
    ///
    /// - Parameters:
    ///   - indices: row indices, each inside `0..<rowCount`.
    ///   - type: the element type; must match the stored type.
    /// - Returns: `indices.count` rows, row-major, and their shape `[indices.count] + rowShape`.
    /// - Throws: ``HDF5Error/rowsOutOfRange(file:path:requested:rowCount:)`` naming the first bad
    ///   index, ``HDF5Error/typeMismatch(file:path:expected:found:)``, HDF5 failures.
    /// - Complexity: O(k log k) for k indices plus one read.
    public func readRows<T: HDF5Scalar>(at indices: [Int], as type: T.Type = T.self) throws -> (values: [T], shape: [Int]) {
        try HDF5Library.locked {
            try requireType(T.hdf5ElementType, forWriting: false)
            if let layout = try directLayout(for: T.hdf5ElementType) {
                if let bad = indices.first(where: { $0 < 0 || $0 >= layout.rowCount }) {
                    throw HDF5Error.rowsOutOfRange(file: handle.file, path: handle.path, requested: "index \(bad)", rowCount: layout.rowCount)
                }
                if let values = try readDirect(rowRuns(indices), totalRows: indices.count, layout: layout, as: T.self) {
                    return (values, [indices.count] + layout.rowShape)
                }
            }
            let plan = RowGather(indices)
            let (unique, shape) = try withRows(.rows(plan.sortedUnique, requested: indices)) { io, count, shape in
                (try io.readScalars(count: count, as: T.self, context), shape)
            }
            let rowSize = shape.dropFirst().reduce(1, *)
            return (plan.gather(unique, rowSize: rowSize), [indices.count] + shape.dropFirst())
        }
    }

    /// Reads the string rows at `indices`; see ``readRows(at:as:)-(_,T.Type)``.
    /// - Throws: as ``readRows(at:as:)-(_,T.Type)``.
    public func readRows(at indices: [Int], as type: String.Type) throws -> (values: [String], shape: [Int]) {
        try HDF5Library.locked {
            try requireType(.string, forWriting: false)
            let fileType = try context.own(H5Dget_type(try handle.id()), .type, "H5Dget_type")
            let plan = RowGather(indices)
            let (unique, shape) = try withRows(.rows(plan.sortedUnique, requested: indices)) { io, count, shape in
                (try io.readStrings(count: count, stored: stored, fileType: fileType.id, context), shape)
            }
            let rowSize = shape.dropFirst().reduce(1, *)
            return (plan.gather(unique, rowSize: rowSize), [indices.count] + shape.dropFirst())
        }
    }

    /// Overwrites whole rows starting at row `start`.
    ///
    /// - Parameters:
    ///   - values: k rows, row-major (`values.count` a multiple of the row size).
    ///   - start: the first row to overwrite; `start + k` must not pass `rowCount` (use
    ///     ``append(rows:)`` to grow).
    /// - Throws: ``HDF5Error/shapeMismatch(file:path:expected:found:)`` when `values` is not whole
    ///   rows, ``HDF5Error/rowsOutOfRange(file:path:requested:rowCount:)``, type mismatch, HDF5 failures.
    public func writeRows<T: HDF5Scalar>(_ values: [T], at start: Int) throws {
        try HDF5Library.locked {
            try requireType(T.hdf5ElementType, forWriting: true)
            let rows = try wholeRows(values.count)
            try withRows(.range(start..<(start + rows))) { io, _, _ in try io.writeScalars(values, context) }
        }
    }

    /// Overwrites whole string rows starting at row `start`; see ``writeRows(_:at:)-(_,_)``.
    /// - Throws: as ``writeRows(_:at:)-(_,_)``; ``HDF5Error/invalidString(file:path:reason:)``.
    public func writeRows(_ values: [String], at start: Int) throws {
        try HDF5Library.locked {
            try requireType(.string, forWriting: true)
            let rows = try wholeRows(values.count)
            try withRows(.range(start..<(start + rows))) { io, _, _ in try io.writeStrings(values, cset: stored.cset, context) }
        }
    }

    /// Appends rows, growing the first dimension (the dataset must have been created with
    /// `maxRows: .unlimited` or `.atMost(n)`).
    ///
    /// - Parameter values: k rows, row-major (`values.count` a multiple of the row size).
    /// - Returns: the new number of rows.
    /// - Throws: ``HDF5Error/notExtendable(file:path:requestedRows:maxRows:)``,
    ///   ``HDF5Error/shapeMismatch(file:path:expected:found:)``, type mismatch, HDF5 failures.
    @discardableResult
    public func append<T: HDF5Scalar>(rows values: [T]) throws -> Int {
        try HDF5Library.locked {
            try requireType(T.hdf5ElementType, forWriting: true)
            let (start, added) = try grow(by: values.count)
            if added > 0 { try withRows(.range(start..<(start + added))) { io, _, _ in try io.writeScalars(values, context) } }
            return start + added
        }
    }

    /// Appends string rows; see ``append(rows:)-(_)``.
    /// - Returns: the new number of rows.
    /// - Throws: as ``append(rows:)-(_)``; ``HDF5Error/invalidString(file:path:reason:)``.
    @discardableResult
    public func append(rows values: [String]) throws -> Int {
        try HDF5Library.locked {
            try requireType(.string, forWriting: true)
            let (start, added) = try grow(by: values.count)
            if added > 0 {
                try withRows(.range(start..<(start + added))) { io, _, _ in try io.writeStrings(values, cset: stored.cset, context) }
            }
            return start + added
        }
    }

    /// Sets the number of rows (growing fills with zeros or empty strings; shrinking drops rows).
    ///
    /// - Parameter rows: the new number of rows, within the dataset's maximum.
    /// - Throws: ``HDF5Error/notExtendable(file:path:requestedRows:maxRows:)``, HDF5 failures (a
    ///   contiguous dataset cannot change shape).
    public func resize(rows: Int) throws {
        precondition(rows >= 0, "HDF5Dataset.resize(rows:): negative row count \(rows)")
        try HDF5Library.locked {
            let context = context
            let (shape, maxShape) = try extent()
            guard let first = maxShape.first else {
                throw HDF5Error.typeMismatch(file: context.file, path: context.path, expected: "a dataset of rank >= 1 (rows)", found: "a scalar dataset")
            }
            if let limit = first, rows > limit {
                throw HDF5Error.notExtendable(file: context.file, path: context.path, requestedRows: rows, maxRows: limit)
            }
            let dims = ([rows] + shape.dropFirst()).map { hsize_t($0) }
            try context.check(H5Dset_extent(try handle.id(), dims), "H5Dset_extent")
        }
    }

    // MARK: Internals (call with the lock held)

    enum RowSelection {
        case range(Range<Int>)
        /// Sorted distinct rows; `requested` is the caller's list, for error messages.
        case rows([Int], requested: [Int])
    }

    /// Selects `selection` in the file, makes a matching memory space, and runs `body` with the
    /// transfer, the element count and the selection's shape.
    func withRows<R>(_ selection: RowSelection, _ body: (ElementIO, Int, [Int]) throws -> R) throws -> R {
        let context = context
        let id = try handle.id()
        let fileSpace = try context.own(H5Dget_space(id), .space, "H5Dget_space")
        let shape = try Dataspace.shape(of: fileSpace.id, context).shape
        guard let rowCount = shape.first else {
            throw HDF5Error.typeMismatch(file: context.file, path: context.path, expected: "a dataset of rank >= 1 (rows)", found: "a scalar dataset")
        }
        let rowShape = Array(shape.dropFirst())
        var start = [hsize_t](repeating: 0, count: shape.count)
        var count = shape.map { hsize_t($0) }
        let selected: Int
        switch selection {
        case .range(let range):
            guard range.lowerBound >= 0, range.upperBound <= rowCount else {
                throw HDF5Error.rowsOutOfRange(file: context.file, path: context.path, requested: "\(range)", rowCount: rowCount)
            }
            selected = range.count
            start[0] = hsize_t(range.lowerBound)
            count[0] = hsize_t(range.count)
            if selected > 0 {
                try context.check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil), "H5Sselect_hyperslab")
            }
        case .rows(let rows, let requested):
            if let bad = requested.first(where: { $0 < 0 || $0 >= rowCount }) {
                throw HDF5Error.rowsOutOfRange(file: context.file, path: context.path, requested: "index \(bad)", rowCount: rowCount)
            }
            selected = rows.count
            var operation = H5S_SELECT_SET
            var index = 0
            while index < rows.count {
                // Merge consecutive rows into one block: fewer hyperslabs, cheaper union.
                var end = index + 1
                while end < rows.count && rows[end] == rows[end - 1] + 1 { end += 1 }
                start[0] = hsize_t(rows[index])
                count[0] = hsize_t(end - index)
                try context.check(H5Sselect_hyperslab(fileSpace.id, operation, start, nil, count, nil), "H5Sselect_hyperslab")
                operation = H5S_SELECT_OR
                index = end
            }
        }
        let selectionShape = [selected] + rowShape
        let elements = try Dataspace.elementCount(selectionShape, elementSize: 1, context)
        if elements == 0 {
            return try body(.empty, 0, selectionShape)
        }
        let memorySpace = try Dataspace.create(shape: selectionShape, context)
        return try body(.dataset(id: id, memorySpace: memorySpace.id, fileSpace: fileSpace.id), elements, selectionShape)
    }

    /// The number of whole rows in `valueCount` elements.
    func wholeRows(_ valueCount: Int) throws -> Int {
        let context = context
        let shape = try extent().shape
        guard !shape.isEmpty else {
            throw HDF5Error.typeMismatch(file: context.file, path: context.path, expected: "a dataset of rank >= 1 (rows)", found: "a scalar dataset")
        }
        let rowShape = Array(shape.dropFirst())
        let rowSize = try Dataspace.elementCount(rowShape, elementSize: 1, context)
        if rowSize == 0 { return 0 }
        guard valueCount % rowSize == 0 else {
            throw HDF5Error.shapeMismatch(file: context.file, path: context.path, expected: [valueCount / rowSize + 1] + rowShape, found: [valueCount])
        }
        return valueCount / rowSize
    }

    /// Extends the first dimension to hold `valueCount` more elements; returns the first new row
    /// and the number of rows added.
    func grow(by valueCount: Int) throws -> (start: Int, added: Int) {
        let context = context
        let added = try wholeRows(valueCount)
        let (shape, maxShape) = try extent()
        let start = shape[0]
        guard added > 0 else { return (start, 0) }
        let rows = start + added
        if let limit = maxShape[0], rows > limit {
            throw HDF5Error.notExtendable(file: context.file, path: context.path, requestedRows: rows, maxRows: limit)
        }
        let dims = ([rows] + shape.dropFirst()).map { hsize_t($0) }
        try context.check(H5Dset_extent(try handle.id(), dims), "H5Dset_extent")
        return (start, added)
    }
}

/// Sorted distinct rows of a request, and how to put them back in the requested order.
struct RowGather {
    let sortedUnique: [Int]
    /// For each requested row, its position in `sortedUnique`; nil when the request was already
    /// sorted and distinct (no reordering needed).
    let positions: [Int]?

    init(_ indices: [Int]) {
        var sortedAndDistinct = true
        for i in indices.indices.dropFirst() where indices[i] <= indices[i - 1] {
            sortedAndDistinct = false
            break
        }
        if sortedAndDistinct {
            sortedUnique = indices
            positions = nil
            return
        }
        var unique = indices.sorted()
        var write = 0
        for read in unique.indices where read == 0 || unique[read] != unique[write - 1] {
            unique[write] = unique[read]
            write += 1
        }
        unique.removeLast(unique.count - write)
        sortedUnique = unique
        var lookup: [Int: Int] = [:]
        lookup.reserveCapacity(unique.count)
        for (position, row) in unique.enumerated() { lookup[row] = position }
        positions = indices.map { lookup[$0] ?? 0 }
    }

    /// Rows of `unique` (row-major, `rowSize` elements each) in the requested order.
    func gather<E>(_ unique: [E], rowSize: Int) -> [E] {
        guard let positions else { return unique }
        var result: [E] = []
        result.reserveCapacity(positions.count * rowSize)
        for position in positions {
            result.append(contentsOf: unique[(position * rowSize)..<((position + 1) * rowSize)])
        }
        return result
    }
}
