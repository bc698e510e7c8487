/// The one projection every book passes through: dollar-neutral, optionally beta-neutral, capped.
///
/// Given a raw book `w` (fraction of NAV per asset), it returns a book that
/// - is zero on untradable assets,
/// - sums to zero over the tradable ones (dollar-neutral), exactly up to rounding,
/// - has zero beta exposure `Σ β_i w_i` when `betaNeutral`,
/// - satisfies `|w_i| ≤ maxWeight` and `Σ |w_i| ≤ maxGross`.
///
/// Algorithm (docs/market-env.md, "Projection"): the neutral books form a linear subspace
/// S = {w : w_untradable = 0, 1ᵀw = 0, βᵀw = 0}; the caps form a convex box-and-ball set C that
/// contains 0. Orthogonal projection onto S is closed form (subtract the tradable mean, then the
/// component along β's demeaned direction, which is already orthogonal to 1). We alternate
/// "project onto S, then clip into C" a few rounds (von Neumann's alternating projections, which
/// spread the mass the caps cut off), then finish with one exact projection onto S followed by a
/// uniform scaling `s ≤ 1` into C. Scaling keeps every homogeneous linear constraint, so the result
/// is exactly neutral *and* exactly within the caps, whatever the raw book was.
///
/// This type is pure and allocation-free: the market environment and the trading daemon's
/// `PolicyRuntime` call the very same `project` function.
public struct NeutralityProjection: Sendable, Equatable {
    /// Gross cap Σ|w| (fraction of NAV).
    public var maxGross: Double
    /// Per-asset cap |w_i|.
    public var maxWeight: Double
    /// Also remove beta exposure.
    public var betaNeutral: Bool
    /// Alternating rounds before the exact finish.
    public var iterations: Int

    public init(maxGross: Double, maxWeight: Double, betaNeutral: Bool = false, iterations: Int = 20) {
        precondition(maxGross >= 0 && maxWeight >= 0, "NeutralityProjection: caps must be non-negative, got gross \(maxGross), weight \(maxWeight)")
        self.maxGross = maxGross
        self.maxWeight = maxWeight
        self.betaNeutral = betaNeutral
        self.iterations = max(0, iterations)
    }

    /// Builds the projection from the constraints config.
    public init(_ c: ConstraintConfig) {
        self.init(maxGross: c.maxGross, maxWeight: c.maxWeight, betaNeutral: c.betaNeutral, iterations: c.projectionIterations)
    }

    /// Projects `w` in place.
    /// - Parameters:
    ///   - w: the raw book, overwritten with the projected one (N values).
    ///   - tradable: N flags.
    ///   - beta: N trailing betas (read only when `betaNeutral`).
    /// - Complexity: O(N · iterations), no allocation.
    public func project(_ w: UnsafeMutableBufferPointer<Double>, tradable: UnsafeBufferPointer<Bool>, beta: UnsafeBufferPointer<Double>) {
        let n = w.count
        precondition(tradable.count == n && beta.count == n, "NeutralityProjection: \(n) weights, \(tradable.count) flags, \(beta.count) betas")
        var m = 0
        var betaMean = 0.0
        for i in 0..<n {
            if tradable[i] {
                m += 1
                betaMean += beta[i]
                if !w[i].isFinite { w[i] = 0 }
            } else {
                w[i] = 0
            }
        }
        if m < 2 {
            for i in 0..<n { w[i] = 0 }
            return
        }
        betaMean /= Double(m)
        var betaNorm2 = 0.0
        if betaNeutral {
            for i in 0..<n where tradable[i] { let v = beta[i] - betaMean; betaNorm2 += v * v }
        }
        // Betas that are all equal make beta-neutral the same as dollar-neutral.
        let useBeta = betaNeutral && betaNorm2 > 1e-18

        for _ in 0..<iterations {
            subspace(w, tradable: tradable, beta: beta, betaMean: betaMean, betaNorm2: useBeta ? betaNorm2 : 0)
            var gross = 0.0, maxAbs = 0.0
            for i in 0..<n { let a = abs(w[i]); gross += a; maxAbs = max(maxAbs, a) }
            if maxAbs <= maxWeight && gross <= maxGross { return }
            for i in 0..<n { w[i] = min(maxWeight, max(-maxWeight, w[i])) }
            gross = 0
            for i in 0..<n { gross += abs(w[i]) }
            if gross > maxGross { let s = maxGross / gross; for i in 0..<n { w[i] *= s } }
        }
        subspace(w, tradable: tradable, beta: beta, betaMean: betaMean, betaNorm2: useBeta ? betaNorm2 : 0)
        var gross = 0.0, maxAbs = 0.0
        for i in 0..<n { let a = abs(w[i]); gross += a; maxAbs = max(maxAbs, a) }
        var s = 1.0
        if maxAbs > maxWeight { s = min(s, maxWeight / maxAbs) }
        if gross > maxGross { s = min(s, maxGross / gross) }
        if s < 1 { for i in 0..<n { w[i] *= s } }
    }

    /// Array convenience for `project(_:tradable:beta:)`.
    public func project(_ w: inout [Double], tradable: [Bool], beta: [Double]? = nil) {
        let b = beta ?? [Double](repeating: 1, count: w.count)
        w.withUnsafeMutableBufferPointer { wp in
            tradable.withUnsafeBufferPointer { tp in
                b.withUnsafeBufferPointer { bp in project(wp, tradable: tp, beta: bp) }
            }
        }
    }

    /// Orthogonal projection onto {1ᵀw = 0, (β - β̄)ᵀw = 0} over the tradable coordinates.
    @inline(__always)
    private func subspace(_ w: UnsafeMutableBufferPointer<Double>, tradable: UnsafeBufferPointer<Bool>, beta: UnsafeBufferPointer<Double>, betaMean: Double, betaNorm2: Double) {
        let n = w.count
        var sum = 0.0, m = 0
        for i in 0..<n where tradable[i] { sum += w[i]; m += 1 }
        let mean = sum / Double(m)
        for i in 0..<n where tradable[i] { w[i] -= mean }
        if betaNorm2 > 0 {
            var dot = 0.0
            for i in 0..<n where tradable[i] { dot += w[i] * (beta[i] - betaMean) }
            let c = dot / betaNorm2
            for i in 0..<n where tradable[i] { w[i] -= c * (beta[i] - betaMean) }
            // A second pass of the mean removes the rounding the beta step leaves in Σw.
            sum = 0
            for i in 0..<n where tradable[i] { sum += w[i] }
            let mean2 = sum / Double(m)
            for i in 0..<n where tradable[i] { w[i] -= mean2 }
        }
    }
}
