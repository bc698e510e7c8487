import Foundation
import HDF5
import Testing

@Suite("HDF5Dataset: rows, hyperslabs, append")
struct HDF5DatasetRowsTests {
    @Test func readAndWriteRowRanges() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("r.h5")
            let file = try HDF5File.create(at: url)
            let all = sampleFloats(40 * 3)
            let ds = try file.createDataset("x", values: all, shape: [40, 3], options: HDF5DatasetOptions(chunkRows: 7))
            let middle = try ds.readRows(5..<12, as: Float.self)
            #expect(middle.shape == [7, 3])
            #expect(middle.values == Array(all[15..<36]))
            #expect(try ds.readRows(40..<40, as: Float.self).values.isEmpty)

            try ds.writeRows([Float](repeating: -1, count: 6), at: 38)
            var expected = all
            for i in 114..<120 { expected[i] = -1 }
            #expect(try ds.read(as: Float.self).values == expected)

            #expect(hdf5Error { try ds.readRows(35..<41, as: Float.self) } == .rowsOutOfRange(file: url.path, path: "/x", requested: "35..<41", rowCount: 40))
            #expect(hdf5Error { try ds.writeRows([Float](repeating: 0, count: 6), at: 39) } == .rowsOutOfRange(file: url.path, path: "/x", requested: "39..<41", rowCount: 40))
        }
    }

    @Test func scatteredRowsComeBackInRequestedOrderWithRepeats() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("g.h5")
            let file = try HDF5File.create(at: url)
            let rows = 1000, width = 4
            let all = sampleFloats(rows * width)
            let ds = try file.createDataset("x", values: all, shape: [rows, width], options: HDF5DatasetOptions(chunkRows: 64))
            for indices in [[999, 0, 5, 5, 6, 7, 500, 1], [3, 4, 5, 100], [42], []] {
                let got = try ds.readRows(at: indices, as: Float.self)
                #expect(got.shape == [indices.count, width])
                #expect(got.values == indices.flatMap { all[($0 * width)..<(($0 + 1) * width)] })
            }
            #expect(hdf5Error { try ds.readRows(at: [1, 1000], as: Float.self) } == .rowsOutOfRange(file: url.path, path: "/x", requested: "index 1000", rowCount: 1000))
            #expect(hdf5Error { try ds.readRows(at: [-1], as: Float.self) } == .rowsOutOfRange(file: url.path, path: "/x", requested: "index -1", rowCount: 1000))

            let names = try file.createDataset("names", values: (0..<10).map { "row \($0)" }, shape: [5, 2])
            #expect(try names.readRows(at: [4, 0], as: String.self).values == ["row 8", "row 9", "row 0", "row 1"])
            #expect(try names.readRows(1..<2, as: String.self).values == ["row 2", "row 3"])
        }
    }

    @Test func appendGrowsUnlimitedDatasetsAndRespectsLimits() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("a.h5")
            do {
                let file = try HDF5File.create(at: url)
                let ds = try file.createDataset("obs", elementType: .float32, shape: [0, 3],
                                                options: HDF5DatasetOptions(chunkRows: 4, gzipLevel: 1, shuffle: true, maxRows: .unlimited))
                var expected: [Float] = []
                for batch in 0..<5 {
                    let rows = sampleFloats(3 * (batch + 1), offset: Float(batch))
                    expected += rows
                    #expect(try ds.append(rows: rows) == expected.count / 3)
                }
                #expect(try ds.shape == [15, 3])
                #expect(try ds.read(as: Float.self).values == expected)

                let capped = try file.createDataset("capped", elementType: .int64, shape: [0], options: HDF5DatasetOptions(maxRows: .atMost(3)))
                try capped.append(rows: [Int64(1), 2])
                #expect(hdf5Error { try capped.append(rows: [Int64(3), 4]) } == .notExtendable(file: url.path, path: "/capped", requestedRows: 4, maxRows: 3))
                #expect(try capped.read(as: Int64.self).values == [1, 2])

                let fixed = try file.createDataset("fixed", values: [Int32(1)])
                #expect(hdf5Error { try fixed.append(rows: [Int32(2)]) } == .notExtendable(file: url.path, path: "/fixed", requestedRows: 2, maxRows: 1))

                let log = try file.createDataset("log", elementType: .string, shape: [0], options: HDF5DatasetOptions(maxRows: .unlimited))
                try log.append(rows: ["start"])
                try log.append(rows: ["step 1", "step 2"])
                #expect(try log.read(as: String.self).values == ["start", "step 1", "step 2"])

                try ds.resize(rows: 20)
                #expect(try ds.readRows(15..<20, as: Float.self).values == [Float](repeating: 0, count: 15))
                try ds.resize(rows: 15)
            }
            let file = try HDF5File.open(url)
            #expect(try file.openDataset("obs").rowCount == 15)
        }
    }
}
