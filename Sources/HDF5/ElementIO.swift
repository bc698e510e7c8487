import CHDF5

/// One read or write target: a dataset with a memory and a file selection, or a whole attribute.
/// Shared by datasets and attributes so that numbers and strings are converted in one place.
enum ElementIO {
    case dataset(id: hid_t, memorySpace: hid_t, fileSpace: hid_t)
    case attribute(id: hid_t)
    /// An empty selection: nothing to move (HDF5 rejects some empty selections, so it is not asked).
    case empty

    func read(_ memoryType: hid_t, _ buffer: UnsafeMutableRawPointer) -> herr_t {
        switch self {
        case let .dataset(id, memorySpace, fileSpace):
            H5Dread(id, memoryType, memorySpace, fileSpace, hid_t(mg_H5P_DEFAULT()), buffer)
        case let .attribute(id):
            H5Aread(id, memoryType, buffer)
        case .empty:
            0
        }
    }

    func write(_ memoryType: hid_t, _ buffer: UnsafeRawPointer) -> herr_t {
        switch self {
        case let .dataset(id, memorySpace, fileSpace):
            H5Dwrite(id, memoryType, memorySpace, fileSpace, hid_t(mg_H5P_DEFAULT()), buffer)
        case let .attribute(id):
            H5Awrite(id, memoryType, buffer)
        case .empty:
            0
        }
    }

    // MARK: Numbers

    /// Reads `count` elements of `T`. The stored type must already have been checked.
    func readScalars<T: HDF5Scalar>(count: Int, as type: T.Type, _ context: HDF5Context) throws -> [T] {
        let memoryType = try T.hdf5ElementType.memoryType(context)
        return try readScalars(count: count, memoryType: memoryType.id, context)
    }

    /// Reads `count` elements of `T` converted by HDF5 from the stored type to `memoryType`.
    func readScalars<T: BitwiseCopyable>(count: Int, memoryType: hid_t, _ context: HDF5Context) throws -> [T] {
        var status: herr_t = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, let base = buffer.baseAddress { status = read(memoryType, UnsafeMutableRawPointer(base)) }
            initialized = count
        }
        if status < 0 { throw context.failure(isDataset ? "H5Dread" : "H5Aread") }
        return values
    }

    /// Writes `values` (already checked against the selection's size).
    func writeScalars<T: HDF5Scalar>(_ values: [T], _ context: HDF5Context) throws {
        let memoryType = try T.hdf5ElementType.memoryType(context)
        try writeScalars(values, memoryType: memoryType.id, context)
    }

    /// Writes `values` from a buffer of HDF5 type `memoryType`.
    func writeScalars<T: BitwiseCopyable>(_ values: [T], memoryType: hid_t, _ context: HDF5Context) throws {
        guard !values.isEmpty else { return }
        let status = values.withUnsafeBytes { bytes -> herr_t in
            guard let base = bytes.baseAddress else { return 0 }
            return write(memoryType, base)
        }
        if status < 0 { throw context.failure(isDataset ? "H5Dwrite" : "H5Awrite") }
    }

    private var isDataset: Bool {
        if case .dataset = self { return true }
        return false
    }

    // MARK: Strings

    /// Writes `strings` as variable-length strings of character set `cset` (UTF-8 unless the
    /// dataset stores ASCII: HDF5 does not convert between the two).
    /// - Throws: ``HDF5Error/invalidString(file:path:reason:)`` for a string with a NUL byte.
    func writeStrings(_ strings: [String], cset: H5T_cset_t = H5T_CSET_UTF8, _ context: HDF5Context) throws {
        guard !strings.isEmpty else { return }
        var bytes: [CChar] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(strings.count)
        for (index, string) in strings.enumerated() {
            if string.utf8.contains(0) {
                throw HDF5Error.invalidString(file: context.file, path: context.path, reason: "string \(index) contains a NUL byte")
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: string.utf8.map { CChar(bitPattern: $0) })
            bytes.append(0)
        }
        let memoryType = try HDF5ElementType.variableLengthString(cset: cset, context)
        let status = bytes.withUnsafeBufferPointer { characters -> herr_t in
            guard let base = characters.baseAddress else { return -1 }
            let pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return pointers.withUnsafeBytes { raw -> herr_t in
                guard let address = raw.baseAddress else { return -1 }
                return write(memoryType.id, address)
            }
        }
        if status < 0 { throw context.failure(isDataset ? "H5Dwrite (strings)" : "H5Awrite (strings)") }
    }

    /// Reads `count` strings stored as `stored` (variable or fixed length, ASCII or UTF-8). Invalid
    /// UTF-8 is repaired with U+FFFD rather than trusted.
    func readStrings(count: Int, stored: StoredType, fileType: hid_t, _ context: HDF5Context) throws -> [String] {
        guard count > 0 else { return [] }
        if stored.isVariableString {
            // Same character set as stored: HDF5 does not convert between ASCII and UTF-8.
            let memoryType = try HDF5ElementType.variableLengthString(cset: stored.cset, context)
            let memorySpace = try Dataspace.create(shape: [count], context)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes { raw -> herr_t in
                guard let base = raw.baseAddress else { return -1 }
                return read(memoryType.id, base)
            }
            if status < 0 { throw context.failure(isDataset ? "H5Dread (strings)" : "H5Aread (strings)") }
            let strings = pointers.map { pointer -> String in
                guard let pointer else { return "" }
                return String(cString: pointer)
            }
            _ = pointers.withUnsafeMutableBytes { raw in
                H5Dvlen_reclaim(memoryType.id, memorySpace.id, hid_t(mg_H5P_DEFAULT()), raw.baseAddress)
            }
            return strings
        }
        let width = stored.size
        let (total, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, total <= Dataspace.maximumReadBytes else {
            throw HDF5Error.invalidData(file: context.file, path: context.path, reason: "\(count) strings of \(width) bytes are too large to read")
        }
        let memoryType = try context.own(H5Tcopy(fileType), .type, "H5Tcopy")
        let bytes: [UInt8] = try readScalars(count: total, memoryType: memoryType.id, context)
        return (0..<count).map { index in
            var slot = bytes[(index * width)..<((index + 1) * width)]
            if let end = slot.firstIndex(of: 0) { slot = slot[..<end] }
            if stored.padding == H5T_STR_SPACEPAD {
                while let last = slot.last, last == 0x20 { slot = slot.dropLast() }
            }
            return String(decoding: slot, as: UTF8.self)
        }
    }
}
