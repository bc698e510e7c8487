/// The `sizing` book's signal: one or several prediction features combined per bar, and the book
/// that ranks assets by it. The one implementation of the prediction book, used by the env (its
/// cached unit books), the vector env (the same cache), the baselines and `PolicyRuntime` (through
/// `ActionScheme.rawBook(_:window:into:)`), so env and daemon agree bit for bit.
///
/// At bar t, over the book's assets A_t (tradable, every prediction feature present; the rule of
/// the single-feature book), with x_{s,i} source s's value for asset i and w_s its weight:
///
/// - One source (one non-zero weight): c_i = w_s · x_{s,i}. No standardization: the book below
///   demeans and L1-normalizes, so it is invariant to any positive affine map of one source, and
///   skipping the map keeps today's single-feature book bit for bit.
/// - Several sources: each is standardized cross-sectionally, z_{s,i} = (x_{s,i} − m_s) / σ_s with
///   m_s and σ_s the mean and population standard deviation of x_s over A_t (z = 0 when σ_s = 0).
///   Only bar t's values enter, so the standardization cannot look ahead (and the daemon, which
///   receives one bar of predictions, computes the same numbers).
///   - `weighted`: c_i = Σ_s w_s z_{s,i}.
///   - `agreement`: with u_{s,i} = w_s z_{s,i}, asset i enters only when every u_{s,i} > 0 or every
///     u_{s,i} < 0; then c_i = (Σ_s u_{s,i}) · κ_i, κ_i = min_s |u_{s,i}| / max_s |u_{s,i}| ∈ (0, 1]
///     (the sources' consistency: 1 when they are equally strong). Assets where they disagree (or
///     a source sits exactly at its mean) leave A_t: no position.
///
/// The book over A_t (at least 2 assets, else flat): b_i = (c_i − c̄) / Σ_j |c_j − c̄| × gross, so
/// positions are ranked by combined strength and Σ|b| = gross. Its strength
/// S_t = Σ_j |c_j − c̄| / |A_t| (the mean absolute deviation of the combined signal) feeds the
/// adaptive rebalance threshold (`MarketEngine.holds`).
public struct SignalCombination: Sendable, Equatable {
    /// How the sources combine.
    public let mode: SignalCombineMode
    /// Feature index and weight of each source with a non-zero weight, in config order.
    public let features: [Int]
    public let weights: [Double]

    /// Resolves `action.signals` (or, when empty, `action.signalFeature` at weight 1; empty: the
    /// first feature) against the prediction feature names.
    /// - Throws: `MarketEnvError.unknownFeature` naming `action.signals[i].feature`;
    ///   `.invalidConfig` for both `signals` and `signalFeature` set, a non-finite weight, no
    ///   non-zero weight, or `agreement` with fewer than two sources.
    public init(_ action: ActionConfig, featureNames: [String]) throws(MarketEnvError) {
        var sources = action.signals
        if sources.isEmpty {
            sources = [SignalWeight(feature: action.signalFeature.isEmpty ? (featureNames.first ?? "") : action.signalFeature, weight: 1)]
        } else if !action.signalFeature.isEmpty {
            throw .invalidConfig(path: "action.signalFeature", found: "'\(action.signalFeature)' together with action.signals",
                                 expected: "one of them: signalFeature is the one-source case of signals. Fix: move it into signals or remove it")
        }
        var indices: [Int] = [], ws: [Double] = []
        for (i, s) in sources.enumerated() {
            let path = action.signals.isEmpty ? "action.signalFeature" : "action.signals[\(i)].feature"
            let k = try PanelKernels.featureIndex(s.feature, in: featureNames, path: path)
            guard s.weight.isFinite else {
                throw .invalidConfig(path: "action.signals[\(i)].weight", found: "\(s.weight)", expected: "a finite weight")
            }
            if s.weight != 0 { indices.append(k); ws.append(s.weight) }
        }
        guard !indices.isEmpty else {
            throw .invalidConfig(path: "action.signals", found: "every weight 0", expected: "at least one non-zero weight")
        }
        if action.combine == .agreement && indices.count < 2 {
            throw .invalidConfig(path: "action.combine", found: "agreement with \(indices.count) source of non-zero weight",
                                 expected: "at least two sources in action.signals (agreement compares them). Fix: add a source or use combine: weighted")
        }
        mode = action.combine
        features = indices
        weights = ws
    }

    /// Writes the book over one bar's row at `gross` into `w` and returns the signal's strength S_t.
    /// - Parameters:
    ///   - n: assets; `f[i * k + q]`: asset i's feature q (missing → 0, as `MarketPanel` stores it).
    ///   - tr, ok: tradable and all-features-present flags per asset.
    /// - Complexity: O(N · S); no heap allocation.
    @inline(__always)
    func book(count n: Int, row f: UnsafePointer<Float>, stride k: Int, tradable tr: UnsafePointer<Bool>,
              present ok: UnsafePointer<Bool>, gross: Double, into w: UnsafeMutableBufferPointer<Double>) -> Double {
        // The combined signal, NaN marking assets outside the book.
        if features.count == 1 {
            let q = features[0], ws = weights[0]
            for i in 0..<n { w[i] = tr[i] && ok[i] ? Double(f[i * k + q]) * ws : .nan }
        } else {
            combine(count: n, row: f, stride: k, tradable: tr, present: ok, into: w)
        }
        var sum = 0.0, m = 0
        for i in 0..<n where !w[i].isNaN { sum += w[i]; m += 1 }
        guard m >= 2 else { for i in 0..<n { w[i] = 0 }; return 0 }
        let mean = sum / Double(m)
        var l1 = 0.0
        for i in 0..<n {
            if w[i].isNaN { w[i] = 0 } else { w[i] -= mean; l1 += abs(w[i]) }
        }
        // Unit book first, then the gross: the env caches the unit book per bar, and
        // this order makes the cached and the direct results bit-identical.
        let scale = l1 > 1e-12 ? 1 / l1 : 0
        for i in 0..<n { w[i] = (w[i] * scale) * gross }
        return l1 / Double(m)
    }

    /// Several sources: standardize each over the book's assets, then combine per `mode` into `w`
    /// (NaN outside the book).
    @inline(__always)
    private func combine(count n: Int, row f: UnsafePointer<Float>, stride k: Int, tradable tr: UnsafePointer<Bool>,
                         present ok: UnsafePointer<Bool>, into w: UnsafeMutableBufferPointer<Double>) {
        let sources = features.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * sources) { stats in
            // stats[2s] = m_s, stats[2s + 1] = 1 / σ_s (0 when σ_s = 0).
            var count = 0
            for i in 0..<n where tr[i] && ok[i] { count += 1 }
            for (s, q) in features.enumerated() {
                var sum = 0.0
                for i in 0..<n where tr[i] && ok[i] { sum += Double(f[i * k + q]) }
                let mean = count > 0 ? sum / Double(count) : 0
                var ss = 0.0
                for i in 0..<n where tr[i] && ok[i] { let d = Double(f[i * k + q]) - mean; ss += d * d }
                let sd = count > 0 ? (ss / Double(count)).squareRoot() : 0
                stats[2 * s] = mean
                stats[2 * s + 1] = sd > 0 ? 1 / sd : 0
            }
            for i in 0..<n {
                guard tr[i] && ok[i] else { w[i] = .nan; continue }
                var c = 0.0, lo = Double.infinity, hi = 0.0, positive = 0, negative = 0
                for (s, q) in features.enumerated() {
                    let u = weights[s] * ((Double(f[i * k + q]) - stats[2 * s]) * stats[2 * s + 1])
                    c += u
                    lo = min(lo, abs(u)); hi = max(hi, abs(u))
                    if u > 0 { positive += 1 } else if u < 0 { negative += 1 }
                }
                switch mode {
                case .weighted: w[i] = c
                case .agreement: w[i] = positive == sources || negative == sources ? c * (lo / hi) : .nan
                }
            }
        }
    }
}
