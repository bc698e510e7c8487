/// Errors building a market environment from data and a config.
public enum MarketEnvError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `config.universe` names an asset the data does not have.
    case unknownAsset(String, available: [String])
    /// The prediction features do not line up with the bars.
    case featuresMismatch(String)
    /// A feature name in the config is not among the prediction features.
    case unknownFeature(path: String, name: String, available: [String])
    /// The benchmark series does not have one value per bar.
    case benchmarkLength(expected: Int, found: Int)
    /// A config value is out of range.
    case invalidConfig(path: String, found: String, expected: String)
    /// A split could not be resolved.
    case split(SplitError)
    /// The environment refused a reset or an action while running a backtest.
    case environment(EnvironmentError)
    /// A funding-rate file the panel cannot use.
    case funding(FundingRatesError)

    /// The problem, where, and the fix.
    public var description: String {
        switch self {
        case let .unknownAsset(name, available):
            return "universe: asset '\(name)' is not in the data (columns: \(available.joined(separator: ", "))). Fix the name or drop it from the universe."
        case let .featuresMismatch(why):
            return "prediction features do not match the bars: \(why). Align the features to the same bars and assets (the as-of join does this)."
        case let .unknownFeature(path, name, available):
            return "\(path): feature '\(name)' is not among the prediction features (\(available.joined(separator: ", "))). Use one of those names, or empty for the default."
        case let .benchmarkLength(expected, found):
            return "benchmark has \(found) values, expected one per bar (\(expected)). Align the benchmark to the bars' timestamps."
        case let .invalidConfig(path, found, expected):
            return "config '\(path)' is \(found); expected \(expected)."
        case let .split(e):
            return e.description
        case let .environment(e):
            return e.description
        case let .funding(e):
            return e.description
        }
    }
}
