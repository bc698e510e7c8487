import Foundation
import Agents
import Gym
import HDF5
import Lab
import MarketGym
import SeededRandom

/// Save and load times of a full replay buffer (default 1M transitions of 64 floats), uncompressed
/// and gzip-1 with shuffle, both with Fletcher32.
func replayIO() throws {
    let n = Int(option("--transitions", "1000000")) ?? 1_000_000
    let d = Int(option("--obs", "64")) ?? 64
    var c = ReplayBufferConfig()
    c.capacity = n
    var buf = try ReplayBuffer(config: c, observationSize: d, actionWidth: 1)
    var rng = Xoshiro256(seed: 1)
    var o = [Float](repeating: 0, count: d), next = o
    for t in 0..<n {
        for k in 0..<d { o[k] = next[k]; next[k] = rng.normalFloat() }
        buf.add(observation: o, action: [Int32(t % 11)], reward: rng.normal(), nextObservation: next, terminated: t % 1000 == 0, truncated: false)
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dqnbench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var layouts = [("uncompressed", ReplayStorageOptions()), ("gzip1+shuffle", ReplayStorageOptions(gzipLevel: 1))]
    if flag("--uncompressed-only") { layouts.removeLast() }
    for (name, options) in layouts {
        var saves: [Double] = [], loads: [Double] = [], saveCPU: [Double] = [], loadCPU: [Double] = []
        var bytes = 0
        for rep in 0..<3 {
            let url = dir.appendingPathComponent("\(name)-\(rep).h5")
            let t0 = now(), c0 = cpuSeconds()
            try HDF5File.atomicSave(to: url) { file in try buf.write(to: file, options: options) }
            saves.append(now() - t0)
            saveCPU.append(cpuSeconds() - c0)
            bytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            let t1 = now(), c1 = cpuSeconds()
            let file = try HDF5File.open(url)
            let loaded = try ReplayBuffer.read(from: file)
            try file.close()
            loads.append(now() - t1)
            loadCPU.append(cpuSeconds() - c1)
            precondition(loaded.count == n && loaded.observations == buf.observations, "replay-io: loaded buffer differs")
            try FileManager.default.removeItem(at: url)
        }
        let median = { (v: [Double]) in v.sorted()[v.count / 2] }
        print(String(format: "replay-io %@: %d transitions x %d floats, file %.0f MB, save %.2f s (CPU %.2f s; median of 3, fsync included), load %.2f s (CPU %.2f s)",
                     name, n, d, Double(bytes) / 1e6, median(saves), median(saveCPU), median(loads), median(loadCPU)))
    }
}
