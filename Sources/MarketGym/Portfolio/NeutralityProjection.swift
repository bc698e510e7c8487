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

    /// A projection with the given caps.
    /// - Precondition: both caps ≥ 0.
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
        var m = 0, sum = 0.0, betaMean = 0.0
        for i in 0..<n {
            if tradable[i] {
                var x = w[i]
                if !x.isFinite { x = 0; w[i] = 0 }
                sum += x
                m += 1
            } else {
                w[i] = 0
            }
        }
        if m < 2 {
            for i in 0..<n { w[i] = 0 }
            return
        }
        var betaNorm2 = 0.0
        if betaNeutral {
            // Betas are read only when needed: they are another cache line per step.
            for i in 0..<n where tradable[i] { betaMean += beta[i] }
            betaMean /= Double(m)
            for i in 0..<n where tradable[i] { let v = beta[i] - betaMean; betaNorm2 += v * v }
            // Betas that are all equal make beta-neutral the same as dollar-neutral.
            if betaNorm2 <= 1e-18 { betaNorm2 = 0 }
        }
        var knownSum: Double? = sum
        var round = 0
        while true {
            let (gross, maxAbs) = subspace(w, tradable: tradable, beta: beta, betaMean: betaMean, betaNorm2: betaNorm2, count: m, sum: knownSum)
            knownSum = nil
            if maxAbs <= maxWeight && gross <= maxGross { return }
            if round == iterations {
                // Exact finish: a uniform scaling keeps every homogeneous constraint.
                let s = min(maxAbs > maxWeight ? maxWeight / maxAbs : 1, gross > maxGross ? maxGross / gross : 1)
                for i in 0..<n { w[i] *= s }
                return
            }
            round += 1
            var g = 0.0
            for i in 0..<n { let x = min(maxWeight, max(-maxWeight, w[i])); w[i] = x; g += abs(x) }
            if g > maxGross { let s = maxGross / g; for i in 0..<n { w[i] *= s } }
        }
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

    /// Orthogonal projection onto {1ᵀw = 0, (β - β̄)ᵀw = 0} over the tradable coordinates (untradable
    /// ones are zero on entry and stay zero); returns the resulting gross and largest |w_i|.
    @inline(__always)
    private func subspace(_ w: UnsafeMutableBufferPointer<Double>, tradable: UnsafeBufferPointer<Bool>, beta: UnsafeBufferPointer<Double>,
                          betaMean: Double, betaNorm2: Double, count m: Int, sum knownSum: Double?) -> (gross: Double, maxAbs: Double) {
        let n = w.count
        var sum = 0.0
        if let knownSum { sum = knownSum } else { for i in 0..<n { sum += w[i] } }
        var mean = sum / Double(m)
        if betaNorm2 > 0 {
            var dot = 0.0
            for i in 0..<n where tradable[i] { w[i] -= mean; dot += w[i] * (beta[i] - betaMean) }
            let c = dot / betaNorm2
            sum = 0
            for i in 0..<n where tradable[i] { w[i] -= c * (beta[i] - betaMean); sum += w[i] }
            // A second removal of the mean clears the rounding the beta step leaves in Σw.
            mean = sum / Double(m)
        }
        var gross = 0.0, maxAbs = 0.0
        for i in 0..<n {
            let x = w[i] - (tradable[i] ? mean : 0)
            w[i] = x
            let a = abs(x)
            gross += a
            maxAbs = a > maxAbs ? a : maxAbs
        }
        return (gross, maxAbs)
    }
}
