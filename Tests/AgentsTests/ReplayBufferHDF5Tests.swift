import Foundation
import Testing
import HDF5
import SeededRandom
import TestSupport
@testable import Agents

@Suite struct ReplayBufferHDF5Tests {
    private func filled(prioritized: Bool, capacity: Int, adds: Int) throws -> ReplayBuffer {
        var c = ReplayBufferConfig()
        c.capacity = capacity
        c.prioritized = prioritized
        c.nStep = 2
        var buf = try ReplayBuffer(config: c, observationSize: 5, actionWidth: 2)
        var rng = Xoshiro256(seed: 7)
        for t in 0..<adds {
            let o = (0..<5).map { _ in rng.normalFloat() }, n = (0..<5).map { _ in rng.normalFloat() }
            buf.add(observation: o, action: [Int32(t % 3), Int32(t % 5)], reward: rng.normal(), nextObservation: n,
                    terminated: t % 13 == 0, truncated: t % 17 == 0, steps: 1 + t % 2)
        }
        if prioritized {
            buf.updatePriorities(indices: Array(0..<min(adds, capacity)), tdErrors: (0..<min(adds, capacity)).map { _ in rng.uniformFloat() * 3 })
        }
        return buf
    }

    /// A saved-then-loaded buffer samples the same batches for the same generator state.
    @Test(arguments: [false, true]) func roundTripSamplesTheSameBatches(prioritized: Bool) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (capacity, adds) in [(300, 1_000), (300, 120)] {
            let buf = try filled(prioritized: prioritized, capacity: capacity, adds: adds)
            let url = dir.appendingPathComponent("r\(capacity)-\(adds).h5")
            let f = try HDF5File.create(at: url)
            try buf.write(to: f, options: ReplayStorageOptions(chunkRows: 64, gzipLevel: 4))
            try f.close()
            let g = try HDF5File.open(url)
            let loaded = try ReplayBuffer.read(from: g)
            try g.close()
            #expect(loaded.count == buf.count && loaded.position == buf.position && loaded.observations == buf.observations)
            #expect(loaded.tree == buf.tree && loaded.maxPriority == buf.maxPriority)
            var b1 = ReplayBatch(batchSize: 64, observationSize: 5, actionWidth: 2), b2 = b1
            var r1 = Xoshiro256(seed: 3), r2 = Xoshiro256(seed: 3)
            for _ in 0..<5 {
                buf.sample(into: &b1, using: &r1, beta: 0.5)
                loaded.sample(into: &b2, using: &r2, beta: 0.5)
                #expect(b1.indices == b2.indices && b1.observations == b2.observations && b1.nextObservations == b2.nextObservations)
                #expect(b1.actions == b2.actions && b1.rewards == b2.rewards && b1.weights == b2.weights && b1.steps == b2.steps)
                #expect(b1.terminated == b2.terminated && b1.truncated == b2.truncated)
            }
        }
    }

    /// h5py reads the documented layout (docs/replay-format.md): shapes, dtypes, filters, attributes.
    @Test func h5pyReadsTheLayout() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let buf = try filled(prioritized: true, capacity: 200, adds: 150)
        let url = dir.appendingPathComponent("replay.h5")
        let f = try HDF5File.create(at: url)
        try buf.write(to: f)
        try f.close()
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], 'r') as f:
            g = f['replay']
            a = g.attrs
            assert a['format'] == 'marketgym-replay' and int(a['formatVersion']) == 1, dict(a)
            n = int(a['size']); d = int(a['observationSize'])
            assert n == 150 and int(a['capacity']) == 200 and int(a['position']) == 150 and d == 5
            assert g['observations'].shape == (n, d) and g['observations'].dtype == np.float32
            assert g['actions'].shape == (n, 2) and g['actions'].dtype == np.int32
            assert g['terminated'].dtype == np.uint8 and g['steps'].dtype == np.int32
            assert g['priorities'].dtype == np.float64 and g['observations'].fletcher32
            print(float(g['rewards'][7]), int(g['actions'][7, 1]), float(g['observations'][7, 3]))
        """
        let out = try runPython(script: script, arguments: [url.path])
        #expect(out.status == 0, "\(out.stderr)")
        let parts = out.stdout.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(parts == [Double(buf.rewards[7]), Double(buf.actions[15]), Double(buf.observations[38])])
    }

    @Test func mismatchedFilesThrowNamedErrors() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("empty.h5")
        let f = try HDF5File.create(at: url)
        try f.close()
        let g = try HDF5File.open(url)
        defer { try? g.close() }
        do {
            _ = try ReplayBuffer.read(from: g)
            Issue.record("expected an error")
        } catch let e as ReplayBufferError {
            #expect("\(e)".contains("empty.h5") && "\(e)".contains("/replay"))
        }
    }
}
