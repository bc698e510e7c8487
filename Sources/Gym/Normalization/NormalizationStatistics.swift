/// Saved normalization statistics: what a checkpoint stores so that training can resume and a
/// deployed policy sees inputs scaled exactly as during training.
///
/// The format is a set of named `Double` arrays plus the names of the normalized elements
/// (observation names, or `["return"]` for reward scaling):
///
/// | array | elements | meaning |
/// |---|---|---|
/// | `mean` | n | running mean per element |
/// | `variance` | n | running population variance per element |
/// | `count` | 1 | samples merged, including the initial pseudo-count |
/// | `clip` | 1 | results are clipped to `[-clip, clip]` (`.infinity` for none) |
/// | `epsilon` | 1 | added to the variance under the square root |
///
/// Round-tripping through ``namedArrays`` and ``init(names:namedArrays:)`` is exact (the `Double`
/// bits are preserved), so a restored normalizer produces bit-identical outputs.
public struct NormalizationStatistics: Sendable, Equatable, Codable {
    /// Names of the normalized elements, in order.
    public var names: [String]
    /// Running mean per element.
    public var mean: [Double]
    /// Running population variance per element.
    public var variance: [Double]
    /// Samples merged, including the initial pseudo-count.
    public var count: Double
    /// Clip bound applied after scaling.
    public var clip: Double
    /// Added to the variance under the square root.
    public var epsilon: Double

    /// The array names of the storage format, in order.
    public static let arrayNames = ["mean", "variance", "count", "clip", "epsilon"]

    /// Statistics from their parts (no validation; ``ObservationNormalizer/restore(_:)`` validates).
    public init(names: [String], mean: [Double], variance: [Double], count: Double, clip: Double, epsilon: Double) {
        self.names = names
        self.mean = mean
        self.variance = variance
        self.count = count
        self.clip = clip
        self.epsilon = epsilon
    }

    /// The statistics as named arrays (scalars as one-element arrays), ready for a checkpoint.
    public var namedArrays: [String: [Double]] {
        ["mean": mean, "variance": variance, "count": [count], "clip": [clip], "epsilon": [epsilon]]
    }

    /// Rebuilds statistics from named arrays written by ``namedArrays``.
    /// - Throws: `NormalizationError.missingArray` when an array is absent,
    ///   `.sizeMismatch` when a size disagrees with `names`.
    public init(names: [String], namedArrays arrays: [String: [Double]]) throws(NormalizationError) {
        func array(_ name: String, count n: Int) throws(NormalizationError) -> [Double] {
            guard let a = arrays[name] else { throw .missingArray(name) }
            guard a.count == n else { throw .sizeMismatch(what: name, expected: n, found: a.count) }
            return a
        }
        self.names = names
        mean = try array("mean", count: names.count)
        variance = try array("variance", count: names.count)
        count = try array("count", count: 1)[0]
        clip = try array("clip", count: 1)[0]
        epsilon = try array("epsilon", count: 1)[0]
    }
}
