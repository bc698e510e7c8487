import Testing
import MarketGym
import SeededRandom
import TestSupport

@Suite struct NeutralityProjectionTests {
    @Test func holdsConstraintsOnRandomBooks() {
        var rng = Xoshiro256(seed: 4)
        for trial in 0..<500 {
            let n = 2 + rng.uniformInt(below: 30)
            let beta = (0..<n).map { _ in 0.3 + 1.5 * rng.uniformDouble() }
            let tradable = (0..<n).map { _ in rng.uniformDouble() > 0.15 }
            let p = NeutralityProjection(maxGross: 0.5 + 2 * rng.uniformDouble(), maxWeight: 0.05 + 0.3 * rng.uniformDouble(),
                                         betaNeutral: trial % 2 == 0, iterations: rng.uniformInt(below: 30))
            var w = (0..<n).map { _ in rng.normal() * (rng.uniformDouble() < 0.5 ? 0.1 : 3) }
            p.project(&w, tradable: tradable, beta: beta)
            #expect(abs(w.reduce(0, +)) <= 1e-12, "Σw \(w.reduce(0, +))")
            #expect(w.reduce(0) { $0 + abs($1) } <= p.maxGross * (1 + 1e-12))
            #expect(w.allSatisfy { abs($0) <= p.maxWeight * (1 + 1e-12) })
            for i in 0..<n where !tradable[i] { #expect(w[i] == 0) }
            if p.betaNeutral {
                let b = zip(w, beta).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(b) <= 1e-12, "beta exposure \(b)")
            }
        }
    }

    /// Without binding caps the projection is the least-squares projection onto the constraints'
    /// null space; compared with numpy's pseudo-inverse.
    @Test func matchesLeastSquaresProjection() throws {
        var rng = Xoshiro256(seed: 9)
        let n = 8
        let beta = (0..<n).map { _ in 0.5 + rng.uniformDouble() }
        let tradable = [true, true, false, true, true, true, false, true]
        var w = (0..<n).map { _ in 0.05 * rng.normal() }
        let raw = w
        NeutralityProjection(maxGross: 100, maxWeight: 100, betaNeutral: true).project(&w, tradable: tradable, beta: beta)
        let script = """
        import sys, numpy as np
        raw = np.array([float(x) for x in sys.argv[1].split(',')])
        beta = np.array([float(x) for x in sys.argv[2].split(',')])
        tr = np.array([x == '1' for x in sys.argv[3].split(',')])
        n = len(raw)
        rows = [np.where(tr, 1.0, 0.0), np.where(tr, beta, 0.0)] + [np.eye(n)[i] for i in range(n) if not tr[i]]
        A = np.array(rows)
        P = np.eye(n) - np.linalg.pinv(A) @ A
        print(','.join(repr(float(v)) for v in P @ raw))
        """
        let r = try runPython(script: script, arguments: [raw.map { String($0) }.joined(separator: ","), beta.map { String($0) }.joined(separator: ","), tradable.map { $0 ? "1" : "0" }.joined(separator: ",")])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Double($0) }
        try #require(ref.count == n)
        #expect(firstMismatch(w, ref, relative: 1e-9, absolute: 1e-13) == nil, "\(w) vs \(ref)")
    }

    @Test func capsShrinkWithoutBreakingNeutrality() {
        // One huge score: the per-asset cap binds, and the rest is redistributed, not all scaled away.
        var w = [10.0, -1, -1, -1, -1, -1, 0.5, 0.5]
        NeutralityProjection(maxGross: 2, maxWeight: 0.25).project(&w, tradable: [Bool](repeating: true, count: 8))
        #expect(abs(w.reduce(0, +)) <= 1e-12)
        #expect(isClose(w[0], 0.25, relative: 1e-9))
        #expect(w.reduce(0) { $0 + abs($1) } > 0.45)
    }
}
