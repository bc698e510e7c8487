import Foundation
import HDF5
import Testing
import TestSupport
@testable import Agents

/// Issue 13, fuzzing the HDF5 loaders: sizes read from a replay file are checked before they size
/// an allocation (a hostile capacity or width must give an error naming the file, not a trap).
@Suite struct ReplayHDF5SizeCheckTests {
    func file(capacity: Int64, observationSize: Int64, maxPriority: Double = 1) throws -> URL {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("replay.h5")
        try HDF5File.atomicSave(to: url) { file in
            let g = try file.createGroup("replay")
            try g.setAttribute("format", .string(ReplayBuffer.formatName))
            try g.setAttribute("formatVersion", .int(Int64(ReplayBuffer.formatVersion)))
            for (name, value) in [("capacity", capacity), ("nStep", 1), ("prioritized", 0), ("observationSize", observationSize),
                                  ("actionWidth", 1), ("size", 0), ("position", 0)] {
                try g.setAttribute(name, .int(value))
            }
            for name in ["alpha", "betaInitial", "betaFinal"] { try g.setAttribute(name, .double(0.5)) }
            try g.setAttribute("priorityEpsilon", .double(1e-6))
            try g.setAttribute("maxPriority", .double(maxPriority))
        }
        return url
    }

    @Test(arguments: [(Int64(1) << 62, Int64(4)), (Int64(10), Int64.max), (Int64(1) << 40, Int64(1) << 20)])
    func hugeSizesAreRefusedByName(capacity: Int64, observationSize: Int64) throws {
        let url = try file(capacity: capacity, observationSize: observationSize)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let h5 = try HDF5File.open(url)
        do {
            _ = try ReplayBuffer.read(from: h5, availableMemory: 1 << 30)
            Issue.record("accepted capacity \(capacity) x \(observationSize)")
        } catch let error as ReplayBufferError {
            #expect("\(error)".contains(url.path))
            #expect("\(error)".contains("beyond what a replay buffer can hold"))
        }
    }

    @Test func aNonFiniteMaxPriorityIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("replay.h5")
        var config = ReplayBufferConfig()
        config.capacity = 8
        var buffer = try ReplayBuffer(config: config, observationSize: 2, actionWidth: 1, availableMemory: nil)
        buffer.maxPriority = .nan
        try HDF5File.atomicSave(to: url) { file in try buffer.write(to: file) }
        do {
            _ = try ReplayBuffer.read(from: try HDF5File.open(url), availableMemory: 1 << 30)
            Issue.record("accepted maxPriority NaN")
        } catch {
            #expect("\(error)".contains("@maxPriority"))
        }
    }
}
