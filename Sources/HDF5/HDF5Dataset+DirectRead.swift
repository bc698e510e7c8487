import CHDF5
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Direct row reads: for datasets whose rows lie as plain bytes in the file, read them with
/// `pread` at the addresses libhdf5 reports, skipping libhdf5's per-read selection machinery.
///
/// Why: a replay buffer samples a few hundred scattered rows per batch; libhdf5 1.10 spends most of
/// such a read building and mapping the hyperslab union onto chunks, not moving bytes. Rows that
/// are stored raw can be read straight from the file.
///
/// When (all checked once per dataset, else the normal libhdf5 path is used):
/// - the file is open read-only in this process (so nothing can change under the cached addresses;
///   libhdf5 refuses to reopen it read-write while it is open read-only);
/// - no filters (no gzip, shuffle, Fletcher32) and no external storage; contiguous or chunked with
///   whole rows in each chunk (every chunk dimension but the first equals the dataset's);
/// - the stored type is bit-identical to the native one (`H5Tequal`: little-endian here);
/// - no user block (addresses are then file offsets);
/// - every chunk touched is allocated (an unallocated chunk reads as the fill value: libhdf5 path).
/// The descriptor is libhdf5's own (`H5Fget_vfd_handle`, sec2 driver), so a file renamed over the
/// path since opening is not confused with the open one.
final class DirectReadCache: @unchecked Sendable {
    struct Layout {
        /// Rows per chunk, nil for a contiguous dataset.
        var chunkRows: Int?
        var rowCount: Int
        /// The shape of one row (the dataset's shape without its first dimension).
        var rowShape: [Int]
        var rowElements: Int
        var rowBytes: Int
        var contiguousAddress: haddr_t
    }

    enum State {
        case unknown
        case unavailable
        case available(Layout)
    }

    // Guarded by the HDF5 lock.
    var state = State.unknown
    var chunkAddresses: [Int: haddr_t] = [:]
}

extension HDF5Dataset {
    /// The direct-read layout, or nil when this dataset must go through libhdf5. Lock held.
    func directLayout(for element: HDF5ElementType) throws -> DirectReadCache.Layout? {
        switch directReads.state {
        case .unavailable: return nil
        case .available(let layout): return stored.element == element ? layout : nil
        case .unknown: break
        }
        let layout = try probeDirectLayout()
        directReads.state = layout.map { .available($0) } ?? .unavailable
        return stored.element == element ? layout : nil
    }

    private func probeDirectLayout() throws -> DirectReadCache.Layout? {
        let context = context
        guard let element = stored.element, element != .string else { return nil }
        let id = try handle.id()
        let file = try context.own(H5Iget_file_id(id), .file, "H5Iget_file_id")
        var intent: UInt32 = 0
        try context.check(H5Fget_intent(file.id, &intent), "H5Fget_intent")
        guard intent & mg_H5F_ACC_RDWR() == 0 else { return nil }
        let fileCreation = try context.own(H5Fget_create_plist(file.id), .plist, "H5Fget_create_plist")
        var userBlock: hsize_t = 0
        try context.check(H5Pget_userblock(fileCreation.id, &userBlock), "H5Pget_userblock")
        guard userBlock == 0 else { return nil }
        let fileType = try context.own(H5Dget_type(id), .type, "H5Dget_type")
        let memoryType = try element.memoryType(context)
        guard try context.check(H5Tequal(fileType.id, memoryType.id), "H5Tequal") > 0 else { return nil }
        let creation = try context.own(H5Dget_create_plist(id), .plist, "H5Dget_create_plist")
        guard try context.check(H5Pget_nfilters(creation.id), "H5Pget_nfilters") == 0,
              try context.check(H5Pget_external_count(creation.id), "H5Pget_external_count") == 0 else { return nil }
        let shape = try extent().shape
        guard let rowCount = shape.first else { return nil }
        let rowElements = try Dataspace.elementCount(Array(shape.dropFirst()), elementSize: element.memorySize, context)
        var layout = DirectReadCache.Layout(
            chunkRows: nil, rowCount: rowCount, rowShape: Array(shape.dropFirst()), rowElements: rowElements,
            rowBytes: rowElements * element.memorySize, contiguousAddress: 0)
        switch H5Pget_layout(creation.id) {
        case H5D_CONTIGUOUS:
            let address = H5Dget_offset(id)
            guard address != haddr_t.max else { return nil }
            layout.contiguousAddress = address
        case H5D_CHUNKED:
            var dims = [hsize_t](repeating: 0, count: 32)
            let rank = Int(try context.check(H5Pget_chunk(creation.id, 32, &dims), "H5Pget_chunk"))
            guard rank == shape.count, rank >= 1, dims[0] > 0, dims[0] <= hsize_t(Int.max),
                  zip(dims[1..<rank], shape.dropFirst()).allSatisfy({ $0 == hsize_t($1) }) else { return nil }
            layout.chunkRows = Int(dims[0])
        default:
            return nil
        }
        return layout
    }

    /// Reads `runs` (start row, row count; output order) directly. Returns nil when a chunk is
    /// unallocated (the caller falls back to libhdf5). Rows must already be range-checked. Lock held.
    func readDirect<T: HDF5Scalar>(_ runs: [(start: Int, count: Int)], totalRows: Int, layout: DirectReadCache.Layout, as type: T.Type) throws -> [T]? {
        let context = context
        let id = try handle.id()
        let file = try context.own(H5Iget_file_id(id), .file, "H5Iget_file_id")
        var driverHandle: UnsafeMutableRawPointer?
        try context.check(H5Fget_vfd_handle(file.id, hid_t(mg_H5P_DEFAULT()), &driverHandle), "H5Fget_vfd_handle")
        guard let driverHandle else { return nil }
        let descriptor = driverHandle.load(as: Int32.self)
        let count = totalRows * layout.rowElements
        var unallocated = false
        var failure: HDF5Error?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = count
            guard let base = buffer.baseAddress else { return }
            var destination = UnsafeMutableRawPointer(base)
            for run in runs {
                var row = run.start
                let end = run.start + run.count
                while row < end {
                    // One pread per run piece inside one chunk.
                    let address: haddr_t
                    let piece: Int
                    if let chunkRows = layout.chunkRows {
                        let chunk = row / chunkRows
                        guard let chunkAddress = chunkAddress(chunk, chunkRows: chunkRows, rank: layout.rowShape.count + 1, id: id, context: context, failure: &failure) else {
                            if failure == nil { unallocated = true }
                            return
                        }
                        address = chunkAddress + haddr_t((row - chunk * chunkRows) * layout.rowBytes)
                        piece = min(end, (chunk + 1) * chunkRows) - row
                    } else {
                        address = layout.contiguousAddress + haddr_t(row * layout.rowBytes)
                        piece = end - row
                    }
                    if let error = readFully(descriptor, destination, piece * layout.rowBytes, at: address, context) {
                        failure = error
                        return
                    }
                    destination += piece * layout.rowBytes
                    row += piece
                }
            }
        }
        if let failure { throw failure }
        return unallocated ? nil : values
    }

    private func chunkAddress(_ chunk: Int, chunkRows: Int, rank: Int, id: hid_t, context: HDF5Context, failure: inout HDF5Error?) -> haddr_t? {
        if let known = directReads.chunkAddresses[chunk] { return known == haddr_t.max ? nil : known }
        var offset = [hsize_t](repeating: 0, count: rank)
        offset[0] = hsize_t(chunk * chunkRows)
        var filterMask: UInt32 = 0
        var address: haddr_t = 0
        var size: hsize_t = 0
        if H5Dget_chunk_info_by_coord(id, offset, &filterMask, &address, &size) < 0 {
            failure = context.failure("H5Dget_chunk_info_by_coord")
            return nil
        }
        directReads.chunkAddresses[chunk] = address
        return address == haddr_t.max ? nil : address
    }

    /// `pread` of exactly `byteCount` bytes, retrying short reads and EINTR.
    private func readFully(_ descriptor: Int32, _ destination: UnsafeMutableRawPointer, _ byteCount: Int, at address: haddr_t, _ context: HDF5Context) -> HDF5Error? {
        var done = 0
        while done < byteCount {
            let result = pread(descriptor, destination + done, byteCount - done, off_t(address) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                return .system(operation: "pread", file: context.file, code: errno)
            }
            if result == 0 {
                return .invalidData(file: context.file, path: context.path, reason: "rows at byte \(address) lie past the end of the file (truncated?)")
            }
            done += result
        }
        return nil
    }
}

/// Runs of consecutive rows (start, count) in the order given.
func rowRuns(_ indices: [Int]) -> [(start: Int, count: Int)] {
    var runs: [(start: Int, count: Int)] = []
    runs.reserveCapacity(indices.count)
    for index in indices {
        if let last = runs.last, last.start + last.count == index {
            runs[runs.count - 1].count += 1
        } else {
            runs.append((index, 1))
        }
    }
    return runs
}
