import Foundation
import Testing
import TestSupport
import HDF5
@testable import CheckpointFormat

@Suite struct CheckpointTests {
    static func sample(training: Bool = true) -> Checkpoint {
        let spec = PolicySpec(
            algorithm: "dqn", environment: "market", assets: ["AAPL", "MSFT"],
            observationNames: ["AAPL.logret[t]", "MSFT.logret[t]", "portfolio.gross"],
            actionKind: .discrete, actionShape: [3], actionScheme: "sizing", actionLevels: [0, 0.5, 1],
            network: .qValues, hidden: [4], activation: "relu", dueling: false,
            normalization: .init(mean: [0, 1, 2], variance: [1, 2, 3], count: 10, epsilon: 1e-8, clip: 10),
            trainDataStart: "1990-01-02", trainDataEnd: "2014-12-31", environmentConfig: "costs:\n  feeBps: 1\n",
            provenance: ["seed": "0", "bars": "Experiments/data/sp500-20-daily.csv.gz"])
        let params = [
            NamedTensor(name: "q.layers.0.weight", shape: [4, 3], values: (0..<12).map { Float($0) / 7 }),
            NamedTensor(name: "q.layers.0.bias", shape: [4], values: [0.5, -0.5, 0.25, 0]),
        ]
        var state: TrainingState?
        if training {
            var s = TrainingState()
            s.networks["target"] = params
            s.optimizer = [NamedTensor(name: "adam.m.q.layers.0.bias", shape: [4], values: [1, 2, 3, 4])]
            s.rng = ["agent": [1, 2, 3, UInt64.max], "env.0": [5, 6, 7, 8]]
            s.counters = ["updates": 42, "episodes": 7]
            s.scalars = ["epsilon": 0.05]
            s.texts = ["env.0": "{\"cursor\": 12}"]
            s.arrays = ["returns": [1.5, 2.5], "empty": []]
            s.integerArrays = ["env.0.cursor": [Int64.max, -3]]
            state = s
        }
        return Checkpoint(algorithm: "dqn", step: 1000, episodes: 7, configYAML: "name: test\n", policy: spec, policyParameters: params, training: state)
    }

    @Test func roundTripsExactly() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("ckpt.h5")
        let c = Self.sample()
        try c.write(to: url)
        #expect(try Checkpoint.read(from: url) == c)
        var policyOnly = c
        policyOnly.training = nil
        #expect(try Checkpoint.readPolicy(from: url) == policyOnly)
    }

    @Test func h5pyReadsTheLayout() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("ckpt.h5")
        try Self.sample().write(to: url)
        let script = """
        import sys, h5py, numpy as np
        f = h5py.File(sys.argv[1], 'r')
        assert f.attrs['format'] == 'marketgym-checkpoint' and f.attrs['complete'] == 1
        p = f['policy']
        assert list(p.attrs['assets']) == ['AAPL', 'MSFT'], p.attrs['assets']
        assert isinstance(p.attrs['actionScheme'], str)
        w = p['parameters']['q.layers.0.weight'][...]
        assert w.dtype == np.float32 and w.shape == (4, 3)
        assert abs(w[1, 2] - 5 / 7) < 1e-6
        assert list(f['training/rng/agent'][...].view(np.uint64)) == [1, 2, 3, 2**64 - 1]
        print('ok')
        """
        let r = try runPython(script: script, arguments: [url.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ok"))
    }

    @Test func refusesOtherFormatsVersionsAndIncompleteFiles() throws {
        let dir = try makeTemporaryDirectory()
        let other = dir.appendingPathComponent("other.h5")
        try HDF5File.atomicSave(to: other) { f in try f.setAttribute("format", .string("something-else")) }
        #expect(throws: CheckpointError.notACheckpoint(file: other.path, found: "something-else")) { try Checkpoint.readPolicy(from: other) }

        let future = dir.appendingPathComponent("future.h5")
        try Self.sample().write(to: future)
        do {
            let f = try HDF5File.open(future, mode: .readWrite)
            try f.setAttribute("formatVersion", .int(99))
            try f.close()
        }
        #expect(throws: CheckpointError.versionMismatch(file: future.path, found: 99, supported: 1)) { try Checkpoint.readPolicy(from: future) }

        let torn = dir.appendingPathComponent("torn.h5")
        try Self.sample().write(to: torn)
        do {
            let f = try HDF5File.open(torn, mode: .readWrite)
            try f.removeAttribute("complete")
            try f.close()
        }
        #expect(throws: CheckpointError.incomplete(file: torn.path)) { try Checkpoint.read(from: torn) }

        let missing = dir.appendingPathComponent("nope.h5")
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: missing) }
    }

    /// FuzzHDF5 (session 9): a name listed twice in a checkpoint's parallel name/value attributes
    /// trapped in `Dictionary(uniqueKeysWithValues:)`, killing `inspect`, `evaluate` and `act`.
    @Test func aNameListedTwiceIsAMalformedFileNotATrap() throws {
        let dir = try makeTemporaryDirectory()
        let provenance = dir.appendingPathComponent("provenance.h5")
        try Self.sample().write(to: provenance)
        do {
            let f = try HDF5File.open(provenance, mode: .readWrite)
            let policy = try f.openGroup("policy")
            try policy.setAttribute("provenanceKeys", .strings(["seed", "seed"]))
            try policy.setAttribute("provenanceValues", .strings(["0", "1"]))
            try f.close()
        }
        let detail = "the name 'seed' is listed twice (each name once)"
        #expect(throws: CheckpointError.malformed(file: provenance.path, path: "/policy@provenanceKeys", detail: detail)) {
            try Checkpoint.readPolicy(from: provenance)
        }
        #expect(throws: CheckpointError.malformed(file: provenance.path, path: "/policy@provenanceKeys", detail: detail)) {
            try Checkpoint.read(from: provenance)
        }

        let counters = dir.appendingPathComponent("counters.h5")
        try Self.sample().write(to: counters)
        do {
            let f = try HDF5File.open(counters, mode: .readWrite)
            try f.openGroup("training").setAttribute("counterNames", .strings(["updates", "updates"]))
            try f.close()
        }
        #expect(throws: CheckpointError.malformed(file: counters.path, path: "/training@counterNames",
                                                  detail: "the name 'updates' is listed twice (each name once)")) {
            try Checkpoint.read(from: counters)
        }
        // The policy part does not read the training state: it still loads.
        #expect(try Checkpoint.readPolicy(from: counters).policy == Self.sample().policy)
    }

    /// A parameter order naming a path (which opens a dataset elsewhere in the file) or nothing
    /// trapped in `NamedTensor`'s precondition; it is a malformed file.
    @Test func aParameterNameThatIsAPathIsAMalformedFileNotATrap() throws {
        let dir = try makeTemporaryDirectory()
        for (group, names, attribute) in [
            ("policy/parameters", ["/policy/parameters/q.layers.0.bias"], "/policy/parameters@order"),
            ("policy/parameters", [""], "/policy/parameters@order"),
            ("training/networks/target", ["q.layers.0.bias", "/policy/parameters/q.layers.0.bias"], "/training/networks/target@order"),
            ("training/optimizer", ["/training/optimizer/adam.m.q.layers.0.bias"], "/training/optimizer@order"),
        ] {
            let url = dir.appendingPathComponent("order-\(UUID().uuidString).h5")
            try Self.sample().write(to: url)
            do {
                let f = try HDF5File.open(url, mode: .readWrite)
                try f.openGroup(group).setAttribute("order", .strings(names))
                try f.close()
            }
            let name = names.last ?? ""
            #expect(throws: CheckpointError.malformed(file: url.path, path: attribute,
                                                      detail: "'\(name)' is no tensor name (names are non-empty, without '/')")) {
                try Checkpoint.read(from: url)
            }
        }
    }

    @Test func failedWriteKeepsThePreviousCheckpoint() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("ckpt.h5")
        let c = Self.sample()
        try c.write(to: url)
        struct Boom: Error {}
        #expect(throws: CheckpointError.self) {
            var changed = c
            changed.step = 2000
            try changed.write(to: url) { _ in throw Boom() }
        }
        #expect(try Checkpoint.read(from: url).step == 1000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["ckpt.h5"])
    }
}
