import CheckpointFormat
import Foundation
import Gym
import MarketGym
import PolicyRuntime
import SeededRandom
import Testing
import TestSupport

/// The runtime's forward pass and deterministic action for every network kind, against an
/// independent numpy implementation that reads the same checkpoint with h5py.
@Suite struct NetworkReferenceTests {
    static let script = """
    import sys, h5py, numpy as np
    path, obs_path = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r") as f:
        g = f["policy"]
        a = {k: g.attrs[k] for k in g.attrs}
        p = {n: np.asarray(g["parameters"][n], dtype=np.float32) for n in g["parameters"].attrs["order"]}
        norm = None
        if "normalization" in g:
            n = g["normalization"]
            norm = (np.asarray(n["mean"]), np.asarray(n["variance"]), float(n.attrs["epsilon"]), float(n.attrs["clip"]))
    x = np.loadtxt(obs_path, delimiter=",", dtype=np.float32, ndmin=2)
    if norm is not None:
        x = np.clip((x.astype(np.float64) - norm[0]) / np.sqrt(norm[1] + norm[2]), -norm[3], norm[3]).astype(np.float32)
    f = (lambda h: np.maximum(h, 0)) if a["activation"] == "relu" else np.tanh
    kind = a["network"]
    hidden = list(a["hidden"])
    shape = list(a["actionShape"])
    q = kind in ("qValues", "branchingQValues")
    h = x
    for k in range(len(hidden)):
        name = f"q.trunk.layers.{2*k}" if q else f"actor.layers.{2*k}"
        h = f(h @ p[name + ".weight"].T + p[name + ".bias"])
    rows = []
    if q:
        heads = [h @ p[f"q.head.{d}.weight"].T + p[f"q.head.{d}.bias"] for d in range(len(shape))]
        if int(a["dueling"]):
            v = h @ p["q.head.value.weight"].T + p["q.head.value.bias"]
            heads = [v + (A - A.mean(axis=1, keepdims=True)) for A in heads]
        out = np.stack([np.argmax(H, axis=1) for H in heads], axis=1)
    else:
        last = f"actor.layers.{2*len(hidden)}"
        o = h @ p[last + ".weight"].T + p[last + ".bias"]
        if kind == "gaussian":
            lo, hi = np.asarray(a["actionLow"]), np.asarray(a["actionHigh"])
            if a["continuousBound"] == "squash":
                out = np.clip(lo + (np.tanh(o) + 1) * 0.5 * (hi - lo), lo, hi)
            else:
                out = np.clip(o, lo, hi)
        else:
            cols, start = [], 0
            for n in shape:
                cols.append(np.argmax(o[:, start:start + n], axis=1)); start += n
            out = np.stack(cols, axis=1)
    for r in out:
        print(" ".join(repr(float(v)) for v in r))
    """

    @Test(arguments: [
        (ActionSchemeKind.sizing, PolicySpec.NetworkKind.qValues, false, "relu", "clip", false),
        (.perAsset, .branchingQValues, true, "tanh", "clip", true),
        (.sizing, .categorical, false, "tanh", "clip", true),
        (.perAsset, .factorizedCategorical, false, "relu", "clip", false),
        (.weights, .gaussian, false, "tanh", "clip", false),
        (.weights, .gaussian, false, "relu", "squash", true),
    ])
    func actionsMatchNumpy(scheme: ActionSchemeKind, network: PolicySpec.NetworkKind, dueling: Bool, activation: String,
                           bound: String, normalized: Bool) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = try PolicyFixtures.smallEnv(scheme: scheme)
        var spec = try PolicyFixtures.spec(env: env, network: network, hidden: [24, 12], activation: activation, dueling: dueling, bound: bound)
        var rng = Xoshiro256(seed: 11)
        let d = spec.observationSize
        if normalized {
            spec.normalization = PolicySpec.Normalization(mean: (0..<d).map { _ in rng.uniformDouble() - 0.5 },
                                                          variance: (0..<d).map { _ in 0.05 + rng.uniformDouble() },
                                                          count: 1000, epsilon: 1e-8, clip: 2)
        }
        let url = dir.appendingPathComponent("p.h5")
        // Larger output weights make the Gaussian mean reach the bounds, so clipping is exercised too.
        var params = PolicyFixtures.parameters(for: spec, seed: 21)
        if network == .gaussian { params = params.map { $0.name.hasPrefix("actor.layers.4") ? NamedTensor(name: $0.name, shape: $0.shape, values: $0.values.map { $0 * 8 }) : $0 } }
        try Checkpoint(algorithm: "ppo", step: 5, episodes: 1, configYAML: "{}", policy: spec, policyParameters: params).write(to: url)
        let policy = try Policy.load(contentsOf: url)
        let observations = (0..<64).map { _ in (0..<d).map { _ in 3 * (rng.uniformFloat() - 0.5) } }
        let csv = dir.appendingPathComponent("obs.csv")
        try observations.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let out = try runPython(script: Self.script, arguments: [url.path, csv.path])
        #expect(out.status == 0, "\(out.stderr)")
        let reference = out.stdout.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        #expect(reference.count == observations.count)
        var clipped = 0
        for (obs, ref) in zip(observations, reference) {
            let action = try policy.act(observation: obs)
            switch action {
            case .discrete(let a):
                #expect([Double(a)] == ref)
            case .multiDiscrete(let a):
                #expect(a.map(Double.init) == ref)
            case .continuous(let a):
                #expect(a.count == ref.count)
                for (x, y) in zip(a, ref) {
                    #expect(abs(Double(x) - y) <= 1e-5, "runtime \(a), numpy \(ref)")
                    if abs(x) == 1 { clipped += 1 }
                }
            }
        }
        if network == .gaussian && bound == "clip" { #expect(clipped > 0) }
    }
}
