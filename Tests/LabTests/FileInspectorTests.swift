import Foundation
import CheckpointFormat
import HDF5
@testable import Lab
import Testing
import TestSupport

/// Issue 13, misleading message: `inspect` called a checkpoint with a changed `format` attribute a
/// replay buffer (checkpoints carry one in /replay).
@Suite struct FileInspectorTests {
    @Test func aCheckpointWithAChangedFormatIsNamedAsSuch() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ckpt.h5")
        try HDF5File.atomicSave(to: url) { file in
            try file.setAttribute("format", .string("marketgym-checkpoinX"))
            try file.createGroup("config").setAttribute("yaml", .string("seed: 0\n"))
            try file.createGroup("policy").setAttribute("kind", .string("qValues"))
            try file.createGroup("replay").setAttribute("size", .int(0))
        }
        let text = try FileInspector.describe(url)
        #expect(text.contains("looks like a MarketGym checkpoint"))
        #expect(text.contains("format attribute 'marketgym-checkpoinX' instead of 'marketgym-checkpoint'"))
        #expect(!text.hasPrefix("replay buffer"))
    }

    @Test func aPlainReplayFileIsStillCalledAReplayBuffer() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("replay.h5")
        try HDF5File.atomicSave(to: url) { file in try file.createGroup("replay").setAttribute("size", .int(0)) }
        #expect(try FileInspector.describe(url).hasPrefix("replay buffer (in /replay)"))
    }
}
