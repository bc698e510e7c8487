/// Running per-element mean and variance, merged batch by batch with the parallel algorithm of
/// Chan, Golub and LeVeque (the same update as Stable-Baselines3's and Gymnasium's `RunningMeanStd`).
///
/// The statistics start from a prior of `count = epsilon` pseudo-samples with mean 0 and variance 1,
/// as SB3 does (`epsilon = 1e-4`), so the first normalizations are tame and the variance is never 0.
/// All arithmetic is in `Double`, like SB3's float64 statistics.
///
/// Reference: T. Chan, G. Golub, R. LeVeque, "Updating formulae and a pairwise algorithm for
/// computing sample variances", Stanford CS tech report STAN-CS-79-773, 1979.
///
/// - Complexity: `update` is O(count) and allocates nothing.
public struct RunningMeanStd: Sendable, Equatable {
    /// Mean per element.
    public private(set) var mean: [Double]
    /// Population variance per element (divided by the count, like `np.var`).
    public private(set) var variance: [Double]
    /// Number of samples merged so far, including the initial pseudo-count.
    public private(set) var count: Double

    /// Statistics for `size` elements, with SB3's prior (mean 0, variance 1, count `epsilon`).
    /// - Precondition: `size > 0` and `epsilon > 0`.
    public init(size: Int, epsilon: Double = 1e-4) {
        precondition(size > 0 && epsilon > 0, "RunningMeanStd: size \(size) and epsilon \(epsilon) must be positive")
        mean = [Double](repeating: 0, count: size)
        variance = [Double](repeating: 1, count: size)
        count = epsilon
    }

    /// Restores exact statistics (for example from a checkpoint).
    /// - Throws: `NormalizationError` when the sizes disagree or a value is not finite, the
    ///   variance negative or the count not positive.
    public init(mean: [Double], variance: [Double], count: Double) throws(NormalizationError) {
        guard !mean.isEmpty, mean.count == variance.count else {
            throw .sizeMismatch(what: "variance", expected: mean.count, found: variance.count)
        }
        if let i = mean.firstIndex(where: { !$0.isFinite }) { throw .invalidValue(what: "mean[\(i)]", value: mean[i]) }
        if let i = variance.firstIndex(where: { !$0.isFinite || $0 < 0 }) { throw .invalidValue(what: "variance[\(i)]", value: variance[i]) }
        guard count.isFinite, count > 0 else { throw .invalidValue(what: "count", value: count) }
        self.mean = mean
        self.variance = variance
        self.count = count
    }

    /// Number of elements tracked.
    public var size: Int { mean.count }

    /// Merges one sample (a batch of one).
    /// - Precondition: `sample.count == size`.
    public mutating func update(_ sample: UnsafeBufferPointer<Float>) {
        precondition(sample.count == size, "RunningMeanStd.update: sample has \(sample.count) elements, expected \(size)")
        let total = count + 1
        let oldCount = count
        mean.withUnsafeMutableBufferPointer { m in
            variance.withUnsafeMutableBufferPointer { v in
                for i in 0..<m.count {
                    // Batch of one: batch mean = x, batch variance = 0.
                    let delta = Double(sample[i]) - m[i]
                    m[i] += delta / total
                    v[i] = (v[i] * oldCount + delta * delta * oldCount / total) / total
                }
            }
        }
        count = total
    }

    /// Merges a batch of `rows` samples stored row-major in `batch` (`rows * size` values), with the
    /// batch's own mean and population variance, exactly like SB3's `update(arr)`.
    /// - Precondition: `batch.count == rows * size`, `rows > 0`.
    public mutating func update(batch: UnsafeBufferPointer<Float>, rows: Int) {
        precondition(rows > 0 && batch.count == rows * size, "RunningMeanStd.update(batch:): \(batch.count) values for \(rows) rows of \(size)")
        let n = Double(rows)
        let oldCount = count
        let total = count + n
        let d = size
        mean.withUnsafeMutableBufferPointer { m in
            variance.withUnsafeMutableBufferPointer { v in
                for i in 0..<d {
                    var s = 0.0
                    for r in 0..<rows { s += Double(batch[r * d + i]) }
                    let bMean = s / n
                    var ss = 0.0
                    for r in 0..<rows {
                        let e = Double(batch[r * d + i]) - bMean
                        ss += e * e
                    }
                    let bVar = ss / n
                    let delta = bMean - m[i]
                    m[i] += delta * n / total
                    let m2 = v[i] * oldCount + bVar * n + delta * delta * oldCount * n / total
                    v[i] = m2 / total
                }
            }
        }
        count = total
    }

    /// Merges one scalar sample (for single-element statistics such as returns).
    /// - Precondition: `size == 1`.
    public mutating func update(scalar x: Double) {
        precondition(size == 1, "RunningMeanStd.update(scalar:): statistics have \(size) elements, expected 1")
        let total = count + 1
        let delta = x - mean[0]
        mean[0] += delta / total
        variance[0] = (variance[0] * count + delta * delta * count / total) / total
        count = total
    }

    /// Merges a batch of scalar samples with their mean and population variance (SB3 `update` on a 1-D array).
    /// - Precondition: `size == 1`, `batch` not empty.
    public mutating func update(scalars batch: UnsafeBufferPointer<Double>) {
        precondition(size == 1 && !batch.isEmpty, "RunningMeanStd.update(scalars:): size \(size), batch \(batch.count)")
        let n = Double(batch.count)
        var s = 0.0
        for x in batch { s += x }
        let bMean = s / n
        var ss = 0.0
        for x in batch { ss += (x - bMean) * (x - bMean) }
        let bVar = ss / n
        let total = count + n
        let delta = bMean - mean[0]
        mean[0] += delta * n / total
        variance[0] = (variance[0] * count + bVar * n + delta * delta * count * n / total) / total
        count = total
    }
}
