/// Scales observations by running statistics: `clip((x - mean) / sqrt(variance + epsilon))`, with
/// the statistics optionally updated from every observation it sees (Stable-Baselines3's
/// `VecNormalize` observation part).
///
/// Used by ``NormalizeObservation`` (one environment) and ``VectorNormalize`` (a batch). Freeze it
/// (`isFrozen = true`) for evaluation so the statistics stay those of training.
public struct ObservationNormalizer: Sendable, Equatable {
    /// Settings of the observation scaling.
    public struct Config: Sendable, Equatable, Codable {
        /// Clip bound for normalized values (standard deviations). Default 10: SB3 `VecNormalize(clip_obs=10)`.
        public var clip: Double = 10
        /// Added to the variance under the square root, avoiding division by zero. Default 1e-8: SB3 `VecNormalize(epsilon=1e-8)`.
        public var epsilon: Double = 1e-8
        /// Pseudo-count of the initial statistics (mean 0, variance 1). Default 1e-4: SB3 `RunningMeanStd(epsilon=1e-4)`.
        public var initialCount: Double = 1e-4

        /// The defaults, with optional overrides.
        public init(clip: Double = 10, epsilon: Double = 1e-8, initialCount: Double = 1e-4) {
            self.clip = clip
            self.epsilon = epsilon
            self.initialCount = initialCount
        }
    }

    /// The settings.
    public let config: Config
    /// Names of the normalized elements.
    public let names: [String]
    /// The running statistics.
    public internal(set) var statistics: RunningMeanStd
    /// When true, observations are scaled but the statistics are not updated (evaluation).
    public var isFrozen = false

    /// A normalizer for observations with these element names.
    /// - Precondition: names not empty, `clip > 0`, `epsilon > 0`, `initialCount > 0`.
    public init(names: [String], config: Config = Config()) {
        precondition(!names.isEmpty && config.clip > 0 && config.epsilon > 0 && config.initialCount > 0,
                     "ObservationNormalizer: \(names.count) names, clip \(config.clip), epsilon \(config.epsilon), initialCount \(config.initialCount)")
        self.config = config
        self.names = names
        statistics = RunningMeanStd(size: names.count, epsilon: config.initialCount)
    }

    /// Updates the statistics from `rows` raw observations (unless frozen), then scales them in place.
    /// - Precondition: `observations.count == rows * names.count`.
    public mutating func process(_ observations: UnsafeMutableBufferPointer<Float>, rows: Int = 1) {
        if !isFrozen {
            if rows == 1 {
                statistics.update(UnsafeBufferPointer(observations))
            } else {
                statistics.update(batch: UnsafeBufferPointer(observations), rows: rows)
            }
        }
        normalize(observations, rows: rows)
    }

    /// Scales `rows` observations in place with the current statistics, without updating them.
    /// - Precondition: `observations.count == rows * names.count`.
    public func normalize(_ observations: UnsafeMutableBufferPointer<Float>, rows: Int = 1) {
        let d = names.count
        precondition(observations.count == rows * d, "ObservationNormalizer.normalize: \(observations.count) values for \(rows) rows of \(d)")
        let clip = config.clip, eps = config.epsilon
        statistics.mean.withUnsafeBufferPointer { m in
            statistics.variance.withUnsafeBufferPointer { v in
                for r in 0..<rows {
                    for i in 0..<d {
                        observations[r * d + i] = Self.scale(observations[r * d + i], mean: m[i], std: (v[i] + eps).squareRoot(), clip: clip)
                    }
                }
            }
        }
    }

    /// One element scaled: `clip((x − mean) / std, −clip, clip)` in `Double`, with
    /// `std = sqrt(variance + epsilon)`. The one formula: training and the trading daemon
    /// (`PolicyRuntime`, from the checkpoint's statistics) both call it, so they agree bit for bit.
    @inline(__always)
    public static func scale(_ x: Float, mean: Double, std: Double, clip: Double) -> Float {
        Float(min(max((Double(x) - mean) / std, -clip), clip))
    }

    /// The statistics in the checkpoint format.
    public func exportStatistics() -> NormalizationStatistics {
        NormalizationStatistics(names: names, mean: statistics.mean, variance: statistics.variance,
                                count: statistics.count, clip: config.clip, epsilon: config.epsilon)
    }

    /// Replaces the statistics by saved ones, exactly.
    /// - Throws: `NormalizationError` when the names, sizes, clip or epsilon disagree with this
    ///   normalizer or a value is invalid.
    public mutating func restore(_ saved: NormalizationStatistics) throws(NormalizationError) {
        guard saved.names.count == names.count else {
            throw .sizeMismatch(what: "names", expected: names.count, found: saved.names.count)
        }
        if let i = names.indices.first(where: { names[$0] != saved.names[$0] }) {
            throw .namesMismatch(index: i, expected: names[i], found: saved.names[i])
        }
        guard saved.clip == config.clip else { throw .invalidValue(what: "clip (this normalizer has \(config.clip))", value: saved.clip) }
        guard saved.epsilon == config.epsilon else { throw .invalidValue(what: "epsilon (this normalizer has \(config.epsilon))", value: saved.epsilon) }
        let restored = try RunningMeanStd(mean: saved.mean, variance: saved.variance, count: saved.count)
        guard restored.size == names.count else { throw .sizeMismatch(what: "mean", expected: names.count, found: restored.size) }
        statistics = restored
    }
}
