import MarketGym

/// Ridge regression on standardized inputs, fitted in closed form from running sums.
///
/// The expanding training window only ever grows, so the sufficient statistics (counts, sums, and
/// the cross-product matrix) are accumulated once per sample and a refit costs O(P³). The fit
/// standardizes inputs with the training window's own mean and standard deviation (never data from
/// after the window), centres the target, and solves `(R + λI) b = r` by Cholesky, where R is the
/// inputs' correlation matrix and r their correlation-scaled covariance with the target
/// (Hoerl & Kennard 1970; Hastie, Tibshirani & Friedman, ESL §3.4.1).
struct RidgeAccumulator {
    let inputCount: Int
    private(set) var count = 0
    private var sumX: [Double]
    private var sumXX: [Double]
    private var sumY = 0.0
    private var sumYY = 0.0
    private var sumXY: [Double]

    init(inputCount: Int) {
        self.inputCount = inputCount
        sumX = Array(repeating: 0, count: inputCount)
        sumXX = Array(repeating: 0, count: inputCount * inputCount)
        sumXY = Array(repeating: 0, count: inputCount)
    }

    /// Adds one sample (`x` has `inputCount` values starting at `offset`).
    mutating func add(_ x: UnsafeBufferPointer<Double>, offset: Int, y: Double) {
        let p = inputCount
        count += 1
        sumY += y
        sumYY += y * y
        for a in 0..<p {
            let xa = x[offset + a]
            sumX[a] += xa
            sumXY[a] += xa * y
            for b in a..<p { sumXX[a * p + b] += xa * x[offset + b] }
        }
    }

    /// Mean and standard deviation (population) of each input and of the target over the samples so
    /// far; a constant input gets standard deviation 1. Used to standardize the MLP's inputs and target.
    func moments() -> (mean: [Double], sd: [Double], meanY: Double, sdY: Double) {
        let n = Double(max(count, 1))
        let mean = sumX.map { $0 / n }
        let sd = (0..<inputCount).map { a -> Double in
            let meanSquare = sumXX[a * inputCount + a] / n
            let variance = meanSquare - mean[a] * mean[a]
            return variance > 1e-12 * meanSquare && variance > 0 ? variance.squareRoot() : 1
        }
        let meanY = sumY / n
        let varianceY = sumYY / n - meanY * meanY
        return (mean, sd, meanY, varianceY > 0 ? varianceY.squareRoot() : 1)
    }

    /// The ridge fit on everything added so far, nil with fewer than `inputCount + 2` samples.
    func fit(penalty: Double) -> RidgeModel? {
        let p = inputCount
        guard count >= p + 2 else { return nil }
        let n = Double(count)
        let mean = sumX.map { $0 / n }
        let meanY = sumY / n
        var sd = [Double](repeating: 1, count: p)
        var constant = [Bool](repeating: false, count: p)
        for a in 0..<p {
            let meanSquare = sumXX[a * p + a] / n
            let variance = meanSquare - mean[a] * mean[a]
            // Relative test: for a constant input the difference above is pure rounding (~1e-16 of meanSquare).
            if variance > 1e-12 * meanSquare && variance > 0 { sd[a] = variance.squareRoot() } else { constant[a] = true }
        }
        var matrix = [Double](repeating: 0, count: p * p)
        var rhs = [Double](repeating: 0, count: p)
        for a in 0..<p {
            for b in a..<p where !constant[a] && !constant[b] {
                let cov = sumXX[a * p + b] / n - mean[a] * mean[b]
                matrix[a * p + b] = cov / (sd[a] * sd[b])
                matrix[b * p + a] = matrix[a * p + b]
            }
            // A constant input carries no information: an identity row and a zero right-hand side give it weight exactly 0.
            matrix[a * p + a] = constant[a] ? 1 : matrix[a * p + a] + penalty
            rhs[a] = constant[a] ? 0 : (sumXY[a] / n - mean[a] * meanY) / sd[a]
        }
        guard let b = choleskySolve(matrix, rhs, size: p) else { return nil }
        let slopes = (0..<p).map { b[$0] / sd[$0] }
        var intercept = meanY
        for a in 0..<p { intercept -= slopes[a] * mean[a] }
        return RidgeModel(intercept: intercept, slopes: slopes, trainingSamples: count)
    }
}

/// A fitted linear model: `intercept + slopes · x`.
struct RidgeModel: Sendable, Equatable {
    let intercept: Double
    let slopes: [Double]
    let trainingSamples: Int

    func predict(_ x: UnsafeBufferPointer<Double>, offset: Int) -> Double {
        var y = intercept
        for a in slopes.indices { y += slopes[a] * x[offset + a] }
        return y
    }
}

/// Solves `A x = b` for symmetric positive definite A (row-major, size x size) by Cholesky
/// factorization `A = L Lᵀ`; nil when A is not positive definite.
func choleskySolve(_ a: [Double], _ b: [Double], size p: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: p * p)
    for i in 0..<p {
        for j in 0...i {
            var sum = a[i * p + j]
            for k in 0..<j { sum -= l[i * p + k] * l[j * p + k] }
            if i == j {
                guard sum > 0 else { return nil }
                l[i * p + i] = sum.squareRoot()
            } else {
                l[i * p + j] = sum / l[j * p + j]
            }
        }
    }
    var z = [Double](repeating: 0, count: p)
    for i in 0..<p {
        var sum = b[i]
        for k in 0..<i { sum -= l[i * p + k] * z[k] }
        z[i] = sum / l[i * p + i]
    }
    var x = [Double](repeating: 0, count: p)
    for i in stride(from: p - 1, through: 0, by: -1) {
        var sum = z[i]
        for k in (i + 1)..<p { sum -= l[k * p + i] * x[k] }
        x[i] = sum / l[i * p + i]
    }
    return x
}
