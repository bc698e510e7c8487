import Foundation

/// Mean, standard deviation and a Student-t confidence interval of one metric across seeds.
///
/// The interval is mean ± t_{(1+level)/2, n−1} · std / √n (std with n − 1), the textbook interval
/// for a mean of n independent runs. Fewer than two seeds give no std and no interval (`lower` and
/// `upper` are nil), and the report says so instead of drawing one.
public struct SeedInterval: Sendable, Equatable, Codable {
    public var count: Int
    public var mean: Double
    public var std: Double?
    public var lower: Double?
    public var upper: Double?
    public var min: Double
    public var max: Double
    public var level: Double

    /// - Precondition: at least one value.
    public init(_ values: [Double], level: Double = 0.95) {
        precondition(!values.isEmpty, "SeedInterval: no values")
        let n = values.count
        count = n
        mean = values.reduce(0, +) / Double(n)
        min = values.min() ?? mean
        max = values.max() ?? mean
        self.level = level
        if n >= 2 {
            let m = mean
            let sd = (values.reduce(0.0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
            std = sd
            let h = Distributions.studentTQuantile((1 + level) / 2, df: Double(n - 1)) * sd / Double(n).squareRoot()
            lower = mean - h
            upper = mean + h
        }
    }

    /// Why there is no interval, when there is none.
    public var missingReason: String? { count < 2 ? "one seed: no interval (run at least two seeds, e.g. --seeds 0-4)" : nil }
}
