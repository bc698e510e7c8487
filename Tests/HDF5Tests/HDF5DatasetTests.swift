import Foundation
import HDF5
import Testing

@Suite("HDF5Dataset: whole reads and writes, types, shapes")
struct HDF5DatasetTests {
    @Test func everyElementTypeRoundTripsAtSeveralRanks() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("types.h5")
            do {
                let file = try HDF5File.create(at: url)
                try file.createDataset("f", values: sampleFloats(24), shape: [2, 3, 4])
                try file.createDataset("d", values: (0..<6).map { Double($0) / 3 }, shape: [3, 2])
                try file.createDataset("i32", values: [Int32.min, -1, 0, Int32.max])
                try file.createDataset("i64", values: [Int64.min, 42, Int64.max], shape: [3, 1])
                try file.createDataset("u8", values: (0..<16).map { UInt8($0 * 16) }, shape: [2, 2, 2, 2])
                try file.createDataset("s", values: ["a", "", "héllo", "日本語"], shape: [2, 2])
                try file.createDataset("scalar", values: [3.25], shape: [])
                try file.createDataset("empty", values: [Float](), shape: [0, 5])
            }
            let file = try HDF5File.open(url)
            let f = try file.openDataset("f").read(as: Float.self)
            #expect(f.values == sampleFloats(24) && f.shape == [2, 3, 4])
            let d = try file.openDataset("d").read(as: Double.self)
            #expect(d.values == (0..<6).map { Double($0) / 3 } && d.shape == [3, 2])
            #expect(try file.openDataset("i32").read(as: Int32.self).values == [Int32.min, -1, 0, Int32.max])
            #expect(try file.openDataset("i64").read(as: Int64.self).shape == [3, 1])
            #expect(try file.openDataset("i64").read(as: Int64.self).values == [Int64.min, 42, Int64.max])
            #expect(try file.openDataset("u8").read(as: UInt8.self).values == (0..<16).map { UInt8($0 * 16) })
            let s = try file.openDataset("s").read(as: String.self)
            #expect(s.values == ["a", "", "héllo", "日本語"] && s.shape == [2, 2])
            let scalar = try file.openDataset("scalar")
            #expect(try scalar.shape == [] && scalar.read(as: Double.self).values == [3.25])
            #expect(try file.openDataset("empty").read(as: Float.self).shape == [0, 5])
            #expect(try file.openDataset("f").elementType == .float32)
            #expect(try file.openDataset("s").elementType == .string)
        }
    }

    @Test func wrongElementTypeIsTypeMismatchNamingBoth() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("t.h5")
            let file = try HDF5File.create(at: url)
            let ds = try file.createDataset("x", values: [1.0, 2.0])
            #expect(hdf5Error { try ds.read(as: Float.self) } == .typeMismatch(file: url.path, path: "/x", expected: "float32", found: "float64"))
            #expect(hdf5Error { try ds.read(as: String.self) } == .typeMismatch(file: url.path, path: "/x", expected: "string (variable-length UTF-8)", found: "float64"))
            #expect(hdf5Error { try ds.write([Int32(1), 2]) } == .typeMismatch(file: url.path, path: "/x", expected: "int32", found: "float64"))
            #expect(hdf5Error { try ds.readRows(0..<1, as: Int64.self) } == .typeMismatch(file: url.path, path: "/x", expected: "int64", found: "float64"))
        }
    }

    @Test func wrongShapeIsShapeMismatch() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("s.h5")
            let file = try HDF5File.create(at: url)
            let ds = try file.createDataset("x", values: sampleFloats(6), shape: [2, 3])
            #expect(hdf5Error { try ds.write(sampleFloats(6), shape: [3, 2]) } == .shapeMismatch(file: url.path, path: "/x", expected: [2, 3], found: [3, 2]))
            #expect(hdf5Error { try ds.write(sampleFloats(5)) } == .shapeMismatch(file: url.path, path: "/x", expected: [2, 3], found: [5]))
            #expect(hdf5Error { try ds.append(rows: sampleFloats(4)) } == .shapeMismatch(file: url.path, path: "/x", expected: [2, 3], found: [4]))
            // The dataset is untouched by the failed writes.
            #expect(try ds.read(as: Float.self).values == sampleFloats(6))
            // A count that does not fit the shape is refused before anything is created.
            #expect(hdf5Error { try file.createDataset("y", values: sampleFloats(5), shape: [2, 3]) } == .shapeMismatch(file: url.path, path: "/y", expected: [2, 3], found: [5]))
            #expect(try !file.contains("y"))
        }
    }

    @Test func buffersReadAndWriteWithoutIntermediateArrays() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("b.h5")
            let file = try HDF5File.create(at: url)
            let ds = try file.createDataset("x", elementType: .float32, shape: [2, 3], options: HDF5DatasetOptions(chunkRows: 1, fletcher32: true))
            let values = sampleFloats(8)
            // The first six of eight values fill the dataset; a wrong count or shape is refused.
            try values.withUnsafeBufferPointer { try ds.write(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<6]), shape: [2, 3]) }
            #expect(hdf5Error { try values.withUnsafeBufferPointer { try ds.write(contentsOf: $0) } } == .shapeMismatch(file: url.path, path: "/x", expected: [2, 3], found: [8]))
            #expect(try ds.read(as: Float.self).values == Array(values[0..<6]))
            // Reads fill the front of a larger destination and leave the rest alone.
            var big = [Float](repeating: -1, count: 8)
            let shape = try big.withUnsafeMutableBufferPointer { try ds.read(into: $0, shape: [2, 3]) }
            #expect(shape == [2, 3] && Array(big[0..<6]) == Array(values[0..<6]) && big[6] == -1 && big[7] == -1)
            var small = [Float](repeating: 0, count: 5)
            #expect(hdf5Error { try small.withUnsafeMutableBufferPointer { try ds.read(into: $0) } } == .shapeMismatch(file: url.path, path: "/x", expected: [5], found: [2, 3]))
            #expect(hdf5Error { try big.withUnsafeMutableBufferPointer { try ds.read(into: $0, shape: [3, 2]) } } == .shapeMismatch(file: url.path, path: "/x", expected: [3, 2], found: [2, 3]))
            var ints = [Int32](repeating: 0, count: 6)
            #expect(hdf5Error { try ints.withUnsafeMutableBufferPointer { try ds.read(into: $0) } } == .typeMismatch(file: url.path, path: "/x", expected: "int32", found: "float32"))
        }
    }

    @Test func invalidOptionsAreRejectedBeforeCreating() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("o.h5")
            let file = try HDF5File.create(at: url)
            let cases: [(HDF5DatasetOptions, [Int])] = [
                (HDF5DatasetOptions(gzipLevel: 10), [4]),
                (HDF5DatasetOptions(chunkRows: 0), [4]),
                (HDF5DatasetOptions(shuffle: true), []),
                (HDF5DatasetOptions(maxRows: .atMost(2)), [4]),
            ]
            for (options, shape) in cases {
                let error = hdf5Error { try file.createDataset("x", elementType: .float32, shape: shape, options: options) }
                guard case .invalidOptions = error else {
                    Issue.record("expected invalidOptions for \(options), got \(String(describing: error))")
                    continue
                }
            }
            #expect(try !file.contains("x"))
        }
    }

    @Test func creationOptionsReadBack() throws {
        try withTemporaryFolder { folder in
            let file = try HDF5File.create(at: folder.appendingPathComponent("c.h5"))
            let options = HDF5DatasetOptions(chunkRows: 10, gzipLevel: 6, shuffle: true, fletcher32: true, maxRows: .unlimited)
            let ds = try file.createDataset("x", elementType: .float32, shape: [0, 8], options: options)
            #expect(try ds.creationOptions() == options)
            #expect(try ds.chunkShape == [10, 8])
            #expect(try ds.maxShape == [nil, 8])
            let plain = try file.createDataset("y", values: [Int32(1), 2])
            #expect(try plain.creationOptions() == HDF5DatasetOptions())
            #expect(try plain.chunkShape == nil)
            // Automatic chunks: about 64 KiB.
            let auto = try file.createDataset("z", elementType: .float64, shape: [0, 16], options: HDF5DatasetOptions(maxRows: .unlimited))
            #expect(try auto.chunkShape == [512, 16])
        }
    }

    @Test func stringsWithNulAreRejected() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("n.h5")
            let file = try HDF5File.create(at: url)
            let error = hdf5Error { try file.createDataset("s", values: ["ok", "bad\u{0}byte"]) }
            guard case .invalidString = error else {
                Issue.record("expected invalidString, got \(String(describing: error))")
                return
            }
        }
    }
}
