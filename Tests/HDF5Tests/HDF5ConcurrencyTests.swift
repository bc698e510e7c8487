import Foundation
import HDF5
import Testing

@Suite("HDF5 from many tasks at once")
struct HDF5ConcurrencyTests {
    @Test func concurrentTasksShareOneFileAndWriteTheirOwn() async throws {
        let folder = try makeTestFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sharedURL = folder.appendingPathComponent("shared.h5")
        let rows = 500, width = 8
        let all = sampleFloats(rows * width)
        do {
            let file = try HDF5File.create(at: sharedURL)
            try file.createDataset("x", values: all, shape: [rows, width], options: HDF5DatasetOptions(chunkRows: 50))
            _ = try file.createDataset("log", elementType: .int64, shape: [0], options: HDF5DatasetOptions(maxRows: .unlimited))
        }
        let shared = try HDF5File.open(sharedURL, mode: .readWrite)
        let dataset = try shared.openDataset("x")  // one object used by all tasks (Sendable)
        let log = try shared.openDataset("log")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<40 {
                        let start = (task * 37 + step * 11) % (rows - 10)
                        let got = try dataset.readRows(start..<(start + 10), as: Float.self)
                        #expect(got.values == Array(all[(start * width)..<((start + 10) * width)]))
                        let picks = [start + 9, start, start + 3]
                        let scattered = try dataset.readRows(at: picks, as: Float.self).values
                        #expect(scattered == picks.flatMap { all[($0 * width)..<(($0 + 1) * width)] })
                        try log.append(rows: [Int64(task * 1000 + step)])
                    }
                    // Each task also writes and reads its own file.
                    let own = folder.appendingPathComponent("task\(task).h5")
                    try HDF5File.atomicSave(to: own) { file in
                        try file.createDataset("v", values: [Int64](repeating: Int64(task), count: 100))
                        try file.setAttribute("task", .int(Int64(task)))
                    }
                    let file = try HDF5File.open(own)
                    #expect(try file.intAttribute("task") == task)
                    #expect(try file.openDataset("v").read(as: Int64.self).values == [Int64](repeating: Int64(task), count: 100))
                }
            }
            try await group.waitForAll()
        }
        let logged = try log.read(as: Int64.self).values
        #expect(logged.count == 8 * 40)
        var expected = Set<Int64>()
        for task in 0..<8 {
            for step in 0..<40 { expected.insert(Int64(task * 1000 + step)) }
        }
        #expect(Set(logged) == expected)
    }

    private func makeTestFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hdf5-concurrency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
