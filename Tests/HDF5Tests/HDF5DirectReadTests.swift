import Foundation
@testable import HDF5
import Testing

/// Rows of unfiltered datasets in read-only files are read straight from their file offsets; these
/// tests compare that path with libhdf5's own whole-dataset read (`H5Dread` of everything) on every
/// layout and chunk index kind.
@Suite("HDF5Dataset: direct row reads agree with libhdf5")
struct HDF5DirectReadTests {
    static let picks = [0, 999, 5, 5, 6, 7, 1234, 2047, 2048, 1, 1500, 1501, 1502]

    private func compare<T: HDF5Scalar & Equatable>(_ url: URL, _ path: String, as type: T.Type, picks: [Int] = picks, ranges: [Range<Int>], direct expectDirect: Bool) throws {
        let direct = try HDF5File.open(url).openDataset(path)
        _ = try direct.readRows(0..<1, as: T.self)
        let tookDirectPath = HDF5Library.locked { () -> Bool in
            if case .available = direct.directReads.state { return true }
            return false
        }
        #expect(tookDirectPath == expectDirect, "\(path): direct path \(tookDirectPath), expected \(expectDirect)")
        let (all, shape) = try direct.read(as: T.self)
        let rowSize = shape.dropFirst().reduce(1, *)
        func rows(_ indices: some Sequence<Int>) -> [T] { indices.flatMap { all[($0 * rowSize)..<(($0 + 1) * rowSize)] } }
        let a = try direct.readRows(at: picks, as: T.self)
        #expect(a.values == rows(picks) && a.shape == [picks.count] + shape.dropFirst(), "\(path) scattered")
        for range in ranges {
            let a = try direct.readRows(range, as: T.self)
            #expect(a.values == rows(range) && a.shape == [range.count] + shape.dropFirst(), "\(path) \(range)")
        }
        let rows = try direct.rowCount
        #expect(hdf5Error { try direct.readRows(at: [rows], as: T.self) } == .rowsOutOfRange(file: url.path, path: path, requested: "index \(rows)", rowCount: rows))
    }

    @Test func swiftWrittenLayouts() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("d.h5")
            do {
                let file = try HDF5File.create(at: url)
                let chunked = try file.createDataset("chunked", elementType: .float32, shape: [0, 5], options: HDF5DatasetOptions(chunkRows: 100, maxRows: .unlimited))
                for b in 0..<21 { try chunked.append(rows: sampleFloats(100 * 5, offset: Float(b))) }
                try chunked.append(rows: sampleFloats(3 * 5))  // partial last chunk: 2103 rows
                try file.createDataset("contiguous", values: (0..<(2100 * 2 * 3)).map { Int64($0) * 3 - 7 }, shape: [2100, 2, 3])
                try file.createDataset("fixedChunks", values: (0..<2100).map { Double($0) / 7 }, shape: [2100], options: HDF5DatasetOptions(chunkRows: 64))
                try file.createDataset("gzip", values: sampleFloats(2100 * 2), shape: [2100, 2], options: HDF5DatasetOptions(chunkRows: 50, gzipLevel: 1))
                // Rows 2100..<2400 are never written: their chunks are unallocated (fill value 0).
                let sparse = try file.createDataset("sparse", values: [UInt8](repeating: 9, count: 2100 * 4), shape: [2100, 4], options: HDF5DatasetOptions(chunkRows: 100, maxRows: .unlimited))
                try sparse.resize(rows: 2400)
            }
            let ranges = [0..<10, 95..<205, 2000..<2100, 7..<7]
            try compare(url, "/chunked", as: Float.self, ranges: ranges + [2090..<2103], direct: true)
            try compare(url, "/contiguous", as: Int64.self, ranges: ranges, direct: true)
            try compare(url, "/fixedChunks", as: Double.self, ranges: ranges, direct: true)
            try compare(url, "/gzip", as: Float.self, ranges: ranges, direct: false)
            try compare(url, "/sparse", as: UInt8.self, picks: [2399, 0, 2100, 2099], ranges: ranges + [2050..<2150], direct: true)
            let sparse = try HDF5File.open(url).openDataset("sparse")
            #expect(try sparse.readRows(at: [2099, 2100], as: UInt8.self).values == [9, 9, 9, 9, 0, 0, 0, 0])
            let chunked = try HDF5File.open(url).openDataset("chunked")
            #expect(try chunked.readRows(at: [100], as: Float.self).values == Array(sampleFloats(500, offset: 1)[0..<5]))
        }
    }

    @Test func h5pyWrittenChunkIndexKinds() throws {
        try withTemporaryFolder { folder in
            // libver "latest" uses the newer chunk indices (extensible array, fixed array, single chunk).
            for libver in ["earliest", "latest"] {
                let url = folder.appendingPathComponent("\(libver).h5")
                try python("""
                import sys, h5py, numpy as np
                with h5py.File(sys.argv[1], "w", libver=sys.argv[2]) as f:
                    a = np.arange(2100 * 3, dtype=np.float32).reshape(2100, 3) / 8
                    f.create_dataset("unlimited", data=a, chunks=(128, 3), maxshape=(None, 3))
                    f.create_dataset("fixed", data=a, chunks=(128, 3))
                    f.create_dataset("single", data=a, chunks=(2100, 3))
                    f.create_dataset("big_endian", data=a.astype(">f4"), chunks=(128, 3))
                """, [url.path, libver])
                for path in ["/unlimited", "/fixed", "/single", "/big_endian"] {
                    try compare(url, path, as: Float.self, ranges: [0..<10, 120..<300, 2099..<2100], direct: path != "/big_endian")
                }
                let values = try HDF5File.open(url).openDataset("big_endian").readRows(at: [2099, 1], as: Float.self).values
                #expect(values == [6297, 6298, 6299, 3, 4, 5].map { Float($0) / 8 })
            }
        }
    }

    @Test func aFileReplacedOnDiskIsStillReadFromTheOpenOne() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("ckpt.h5")
            try HDF5File.atomicSave(to: url) { file in
                _ = try file.createDataset("x", values: [Float](repeating: 1, count: 400), shape: [100, 4], options: HDF5DatasetOptions(chunkRows: 10))
            }
            let old = try HDF5File.open(url).openDataset("x")
            #expect(try old.readRows(at: [3], as: Float.self).values == [1, 1, 1, 1])
            try HDF5File.atomicSave(to: url) { file in
                _ = try file.createDataset("x", values: [Float](repeating: 2, count: 400), shape: [100, 4], options: HDF5DatasetOptions(chunkRows: 10))
            }
            #expect(try old.readRows(at: [50, 99], as: Float.self).values == [Float](repeating: 1, count: 8))
            #expect(try HDF5File.open(url).openDataset("x").readRows(at: [50], as: Float.self).values == [2, 2, 2, 2])
        }
    }
}
