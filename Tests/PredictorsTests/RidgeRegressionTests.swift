import Foundation
import SeededRandom
import Testing
@testable import Predictors
import TestSupport

@Suite("Ridge regression")
struct RidgeRegressionTests {
    /// Random correlated inputs and a noisy linear target.
    func sample(n: Int, p: Int, seed: UInt64) -> (x: [Double], y: [Double]) {
        var rng = Xoshiro256(seed: seed)
        var x = [Double](repeating: 0, count: n * p), y = [Double](repeating: 0, count: n)
        for r in 0..<n {
            let common = rng.normal()
            for a in 0..<p { x[r * p + a] = Double(a + 1) * rng.normal() + 0.5 * common + Double(a) }
            var signal = 0.3
            for a in 0..<p { signal += Double(a - 1) * 0.2 * x[r * p + a] }
            y[r] = signal + rng.normal()
        }
        return (x, y)
    }

    func fit(_ x: [Double], _ y: [Double], p: Int, penalty: Double) -> RidgeModel? {
        var acc = RidgeAccumulator(inputCount: p)
        x.withUnsafeBufferPointer { buf in
            for r in y.indices { acc.add(buf, offset: r * p, y: y[r]) }
        }
        return acc.fit(penalty: penalty)
    }

    @Test("matches numpy least squares (OLS at penalty 0, augmented-data ridge at penalty > 0)")
    func againstNumpy() throws {
        let n = 300, p = 5
        let (x, y) = sample(n: n, p: p, seed: 11)
        let script = """
        import sys, json, numpy as np
        d = json.loads(open(sys.argv[1]).read())
        n, p = d["n"], d["p"]
        X = np.array(d["x"]).reshape(n, p); y = np.array(d["y"])
        out = []
        for lam in d["penalties"]:
            mu = X.mean(0); sd = X.std(0); Xs = (X - mu) / sd; yc = y - y.mean()
            # ridge as ordinary least squares on augmented data: [Xs; sqrt(n lam) I] b = [yc; 0]
            A = np.vstack([Xs, np.sqrt(n * lam) * np.eye(p)]); t = np.concatenate([yc, np.zeros(p)])
            b = np.linalg.lstsq(A, t, rcond=None)[0]
            slopes = b / sd; intercept = y.mean() - slopes @ mu
            if lam == 0:
                full = np.linalg.lstsq(np.hstack([np.ones((n, 1)), X]), y, rcond=None)[0]
                assert np.allclose(full[1:], slopes) and np.isclose(full[0], intercept)
            out.append([float(intercept)] + [float(s) for s in slopes])
        print(json.dumps(out))
        """
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("ridge.json")
        let penalties = [0.0, 0.1, 2.0]
        let payload: [String: Any] = ["n": n, "p": p, "x": x, "y": y, "penalties": penalties]
        try JSONSerialization.data(withJSONObject: payload).write(to: file)
        let result = try runPython(script: script, arguments: [file.path])
        #expect(result.status == 0, "\(result.stderr)")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Double]])
        for (k, penalty) in penalties.enumerated() {
            let model = try #require(fit(x, y, p: p, penalty: penalty))
            let ours = [model.intercept] + model.slopes
            #expect(firstMismatch(ours, reference[k], relative: 1e-8, absolute: 1e-10) == nil, "penalty \(penalty): \(ours) vs \(reference[k])")
        }
    }

    @Test("a constant input gets zero weight; too few samples give no model")
    func degenerate() throws {
        var (x, y) = sample(n: 50, p: 3, seed: 5)
        for r in 0..<50 { x[r * 3 + 1] = 7 }
        let model = try #require(fit(x, y, p: 3, penalty: 0.01))
        #expect(model.slopes[1] == 0)
        #expect(fit(Array(x.prefix(12)), Array(y.prefix(4)), p: 3, penalty: 0.1) == nil)
    }

    @Test("Cholesky solves a known system and rejects an indefinite one")
    func cholesky() throws {
        let a: [Double] = [4, 2, 0, 2, 5, 3, 0, 3, 6]
        let solution = try #require(choleskySolve(a, [2, 3, 4], size: 3))
        for i in 0..<3 {
            let row = (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * solution[$1] }
            #expect(isClose(row, [2.0, 3, 4][i], relative: 1e-12))
        }
        #expect(choleskySolve([1, 2, 2, 1], [1, 1], size: 2) == nil)
    }
}
