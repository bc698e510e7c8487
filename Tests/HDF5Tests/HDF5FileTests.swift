import Foundation
import HDF5
import Testing

@Suite("HDF5File: create, open, errors")
struct HDF5FileTests {
    @Test func createTruncateReplacesAndFailIfExistsRefuses() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("a.h5")
            do {
                let file = try HDF5File.create(at: url)
                try file.createDataset("x", values: [Int32(1), 2, 3])
            }
            // Truncate: the old dataset is gone.
            do {
                let file = try HDF5File.create(at: url, mode: .truncate)
                #expect(try file.memberNames() == [])
            }
            let error = hdf5Error { try HDF5File.create(at: url, mode: .failIfExists) }
            #expect(error == .fileExists(file: url.path))
            #expect(error?.description.contains("already exists") == true)
        }
    }

    @Test func openReadOnlyRejectsWritesAndReadWriteAccepts() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("rw.h5")
            do { try HDF5File.create(at: url).createDataset("x", values: [1.5, 2.5]) }
            do {
                let file = try HDF5File.open(url)
                #expect(try file.openDataset("x").read(as: Double.self).values == [1.5, 2.5])
                let error = hdf5Error { try file.createGroup("g") }
                guard case .library(let operation, let path, _, let stack) = error else {
                    Issue.record("expected a library error, got \(String(describing: error))")
                    return
                }
                #expect(operation == "H5Gcreate2")
                #expect(path == url.path)
                // The text comes from libhdf5's own error stack, walked with H5Ewalk2.
                #expect(stack.contains("H5Gcreate2"))
                #expect(stack.contains("no write intent") || stack.contains("read-only"))
            }
            do {
                let file = try HDF5File.open(url, mode: .readWrite)
                try file.openDataset("x").write([3.0, 4.0])
                _ = try file.createGroup("g")
            }
            let file = try HDF5File.open(url)
            #expect(try file.openDataset("x").read(as: Double.self).values == [3.0, 4.0])
            #expect(try file.kind(of: "g") == .group)
        }
    }

    @Test func missingFileIsFileNotFound() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("missing.h5")
            #expect(hdf5Error { try HDF5File.open(url) } == .fileNotFound(file: url.path))
        }
    }

    @Test func nonHDF5FileIsNotHDF5WithTheBytesFound() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("prices.csv")
            try Data("date,close\n2020-01-02,1\n".utf8).write(to: url)
            let error = hdf5Error { try HDF5File.open(url) }
            guard case .notHDF5(let file, let found) = error else {
                Issue.record("expected notHDF5, got \(String(describing: error))")
                return
            }
            #expect(file == url.path)
            #expect(found.contains("64 61 74 65"))  // "date"
            let empty = folder.appendingPathComponent("empty.h5")
            try Data().write(to: empty)
            #expect(hdf5Error { try HDF5File.open(empty) } == .notHDF5(file: empty.path, found: "an empty file"))
            #expect(hdf5Error { try HDF5File.open(folder) } == .notHDF5(file: folder.path, found: "a directory"))
        }
    }

    @Test func truncatedFileIsCorruptFileWithTheLibraryStack() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("t.h5")
            do { try HDF5File.create(at: url).createDataset("x", values: sampleFloats(50_000)) }
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
            let error = hdf5Error { try HDF5File.open(url) }
            guard case .corruptFile(let file, let stack) = error else {
                Issue.record("expected corruptFile, got \(String(describing: error))")
                return
            }
            #expect(file == url.path)
            #expect(stack.contains("truncated file"))
            #expect(error?.description.contains("Restore it") == true)
        }
    }

    @Test func openingReadWriteWhileOpenReadOnlyIsALibraryErrorNotCorruption() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("twice.h5")
            do { try HDF5File.create(at: url).setAttribute("x", .int(1)) }
            let reader = try HDF5File.open(url)
            let error = hdf5Error { try HDF5File.open(url, mode: .readWrite) }
            guard case .library(let operation, _, _, let stack) = error else {
                Issue.record("expected a library error, got \(String(describing: error))")
                return
            }
            #expect(operation == "H5Fopen")
            #expect(stack.contains("already open"))
            #expect(try reader.intAttribute("x") == 1)
        }
    }

    @Test func closedFileThrowsClosedAndClosingTwiceIsFine() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("c.h5")
            let file = try HDF5File.create(at: url)
            try file.close()
            try file.close()
            #expect(hdf5Error { try file.memberNames() } == .closed(file: url.path, path: "/"))
            #expect(file.openObjectCount() == 0)
        }
    }

    @Test func objectsKeepTheFileOpenAfterItsValueIsGone() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("weak.h5")
            let dataset: HDF5Dataset
            do {
                let file = try HDF5File.create(at: url)
                dataset = try file.createDataset("x", values: [Int64(7), 8, 9])
            }
            #expect(try dataset.read(as: Int64.self).values == [7, 8, 9])
            #expect(dataset.filePath == url.path)
            #expect(dataset.path == "/x")
        }
    }

    @Test func libraryVersionIsTheDebianOne() {
        #expect(HDF5Library.version.hasPrefix("1.10."))
    }
}
