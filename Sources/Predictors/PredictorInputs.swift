import MarketGym

import Foundation

/// The predictor's inputs and targets, computed once for all bars and assets.
///
/// Inputs at bar t use closes at bars <= t only (past log returns, realized volatility, and
/// cross-sectional ranks of past returns at bar t); targets at bar t are the forward log returns
/// `log(c[t+h] / c[t])`. Layout: `inputs[(t * N + i) * P + p]`, `targets[h][t * N + i]`; `.nan`
/// where undefined (not enough history, or a missing close).
struct PredictorInputs {
    let barCount: Int
    let assetCount: Int
    let inputCount: Int
    let inputs: [Double]
    /// Per horizon: forward log returns (raw, for the IC report).
    let forwardReturns: [[Double]]
    /// Per horizon: the fitting targets (forward returns, demeaned across assets when configured).
    let targets: [[Double]]
    /// True where every input is finite.
    let inputsValid: [Bool]

    init(bars: MarketData, config: WalkForwardConfig) {
        let t = bars.barCount, n = bars.assetCount
        let logPrice = bars.close.map { $0.isFinite && $0 > 0 ? Foundation.log($0) : Double.nan }
        let p = config.inputNames.count
        var x = [Double](repeating: .nan, count: t * n * p)
        func lp(_ b: Int, _ i: Int) -> Double { b >= 0 ? logPrice[b * n + i] : .nan }

        var column = 0
        for lookback in config.lookbacks {
            for b in 0..<t { for i in 0..<n { x[(b * n + i) * p + column] = lp(b, i) - lp(b - lookback, i) } }
            column += 1
        }
        for window in config.volatilityWindows {
            for i in 0..<n {
                for b in window..<max(window, t) {
                    var sum = 0.0, sumSq = 0.0
                    for s in (b - window + 1)...b {
                        let r = lp(s, i) - lp(s - 1, i)
                        sum += r
                        sumSq += r * r
                    }
                    let w = Double(window)
                    let variance = max(0, (sumSq - sum * sum / w) / (w - 1))
                    x[(b * n + i) * p + column] = sum.isFinite ? variance.squareRoot() : .nan
                }
            }
            column += 1
        }
        var past = [Double](repeating: .nan, count: n)
        for lookback in config.rankLookbacks {
            for b in 0..<t {
                for i in 0..<n { past[i] = lp(b, i) - lp(b - lookback, i) }
                let ranks = crossSectionalRanks(past)
                for i in 0..<n { x[(b * n + i) * p + column] = ranks[i] }
            }
            column += 1
        }

        var valid = [Bool](repeating: false, count: t * n)
        for k in 0..<(t * n) {
            var ok = true
            for c in 0..<p where !x[k * p + c].isFinite { ok = false; break }
            valid[k] = ok
        }

        var forward: [[Double]] = []
        var targets: [[Double]] = []
        for h in config.horizons {
            var y = [Double](repeating: .nan, count: t * n)
            for b in 0..<max(0, t - h) { for i in 0..<n { y[b * n + i] = lp(b + h, i) - lp(b, i) } }
            forward.append(y)
            if config.demeanTargets {
                var demeaned = y
                for b in 0..<t {
                    var sum = 0.0, count = 0
                    for i in 0..<n where y[b * n + i].isFinite { sum += y[b * n + i]; count += 1 }
                    if count > 0 { for i in 0..<n { demeaned[b * n + i] -= sum / Double(count) } }
                }
                targets.append(demeaned)
            } else {
                targets.append(y)
            }
        }
        self.barCount = t
        self.assetCount = n
        self.inputCount = p
        self.inputs = x
        self.forwardReturns = forward
        self.targets = targets
        self.inputsValid = valid
    }
}

/// Cross-sectional ranks scaled to [-0.5, 0.5] (average rank for ties); `.nan` stays `.nan`, and
/// everything is `.nan` when fewer than two values are finite.
func crossSectionalRanks(_ values: [Double]) -> [Double] {
    let ranks = averageRanks(values)
    let count = values.reduce(0) { $0 + ($1.isFinite ? 1 : 0) }
    guard count >= 2 else { return [Double](repeating: .nan, count: values.count) }
    return ranks.map { $0.isFinite ? $0 / Double(count - 1) - 0.5 : .nan }
}

/// 0-based average ranks of the finite values (ties share the mean of their ranks); `.nan` elsewhere.
public func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.filter { values[$0].isFinite }.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: .nan, count: values.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
        let rank = Double(start + end) / 2
        for k in start...end { ranks[order[k]] = rank }
        start = end + 1
    }
    return ranks
}
