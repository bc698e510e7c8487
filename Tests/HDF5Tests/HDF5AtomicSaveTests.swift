import Foundation
import HDF5
import Testing

@Suite("HDF5File.atomicSave")
struct HDF5AtomicSaveTests {
    struct WriterFailed: Error {}

    private func temporaries(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
    }

    @Test func saveCreatesThenReplacesAndLeavesNoTemporaries() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("ckpt.h5")
            let answer = try HDF5File.atomicSave(to: url) { file in
                try file.createDataset("w", values: [Float(1), 2, 3])
                try file.setAttribute("version", .int(1))
                return 42
            }
            #expect(answer == 42)
            try HDF5File.atomicSave(to: url) { file in
                // The target is still the old file while the new one is written.
                #expect(try HDF5File.open(url).intAttribute("version") == 1)
                try file.createDataset("w", values: [Float(4), 5, 6])
                try file.setAttribute("version", .int(2))
            }
            let file = try HDF5File.open(url)
            #expect(try file.intAttribute("version") == 2)
            #expect(try file.openDataset("w").read(as: Float.self).values == [4, 5, 6])
            #expect(try temporaries(in: folder) == [])
        }
    }

    @Test func failingWriterLeavesTheOldFileIntactAndNoTemporaries() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("ckpt.h5")
            try HDF5File.atomicSave(to: url) { file in
                try file.createDataset("w", values: sampleFloats(1000))
                try file.setAttribute("version", .int(1))
            }
            let before = try Data(contentsOf: url)
            #expect(throws: WriterFailed.self) {
                try HDF5File.atomicSave(to: url) { file in
                    try file.createDataset("w", values: sampleFloats(5000, offset: 1))
                    try file.setAttribute("version", .int(2))
                    throw WriterFailed()
                }
            }
            // An HDF5 failure inside the writer (writing to a missing dataset) behaves the same.
            let error = hdf5Error {
                try HDF5File.atomicSave(to: url) { file in
                    try file.openDataset("not-there").write([Float(0)])
                }
            }
            guard case .objectNotFound(let file, "/not-there", .dataset) = error else {
                Issue.record("expected objectNotFound, got \(String(describing: error))")
                return
            }
            #expect(file == url.path)  // built in memory: errors name the target
            #expect(try Data(contentsOf: url) == before)
            #expect(try HDF5File.open(url).intAttribute("version") == 1)
            #expect(try temporaries(in: folder) == [])
        }
    }

    @Test func escapedObjectsAbortTheSave() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("ckpt.h5")
            var escaped: HDF5Dataset?
            let error = hdf5Error {
                try HDF5File.atomicSave(to: url) { file in
                    escaped = try file.createDataset("w", values: [Int32(1)])
                }
            }
            #expect(error == .objectsStillOpen(file: url.path, count: 1))
            #expect(escaped != nil)
            escaped = nil
            #expect(!FileManager.default.fileExists(atPath: url.path))
            let leftovers = try temporaries(in: folder)
            #expect(leftovers == [])
        }
    }

    @Test func temporariesOfDeadProcessesAreRemoved() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("ckpt.h5")
            // A pid above Linux's maximum (4194304) cannot be alive.
            let stale = folder.appendingPathComponent(".ckpt.h5.tmp-99999999-DEAD")
            try Data("partial".utf8).write(to: stale)
            try HDF5File.atomicSave(to: url) { file in try file.setAttribute("ok", .int(1)) }
            #expect(try temporaries(in: folder) == [])
            #expect(try HDF5File.open(url).intAttribute("ok") == 1)
        }
    }

    @Test func theTargetChangesOnlyByRename() throws {
        // The target is never written in place: a failed save keeps its inode, a successful one
        // swaps in a new inode (the renamed temporary). Together with fsync before the rename this
        // is what makes a crash leave the old or the new file, never a torn one.
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("ckpt.h5")
            try HDF5File.atomicSave(to: url) { file in try file.setAttribute("v", .int(1)) }
            let inode = try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64
            _ = try? HDF5File.atomicSave(to: url) { _ in throw WriterFailed() }
            #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64 == inode)
            try HDF5File.atomicSave(to: url) { file in try file.setAttribute("v", .int(2)) }
            #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64 != inode)
        }
    }
}
