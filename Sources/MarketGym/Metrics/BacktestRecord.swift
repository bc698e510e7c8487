/// The per-step series of one backtest (an evaluation episode through `MarketEnv`).
public struct BacktestRecord: Sendable, Equatable {
    /// Timestamp of the first decision bar (the start of the NAV path), UTC seconds.
    public var startTimestamp: Int64 = 0
    /// Per step: timestamp of the bar the return was realized at.
    public var timestamps: [Int64] = []
    /// Per step: net return (after costs), gross return, total cost, turnover, gross and net exposure.
    public var netReturns: [Double] = []
    public var grossReturns: [Double] = []
    public var costs: [Double] = []
    public var turnover: [Double] = []
    public var gross: [Double] = []
    public var net: [Double] = []
    /// Per step: the funding part of `costs` (fraction of NAV; negative when the book received funding).
    public var funding: [Double] = []
    /// Per step: benchmark return over the same bar, or empty without a benchmark.
    public var benchmarkReturns: [Double] = []

    /// An empty record.
    public init() {}

    /// Appends one step's info.
    public mutating func append(_ info: MarketStepInfo, hasBenchmark: Bool) {
        timestamps.append(info.timestamp)
        netReturns.append(info.netReturn)
        grossReturns.append(info.grossReturn)
        costs.append(info.cost)
        funding.append(info.funding)
        turnover.append(info.turnover)
        gross.append(info.gross)
        net.append(info.net)
        if hasBenchmark { benchmarkReturns.append(info.benchmarkReturn) }
    }

    /// Number of steps.
    public var count: Int { netReturns.count }
}

/// Running a policy through a `MarketEnv` in evaluation mode.
public enum Backtest {
    /// Walks `split` from its first bar with `policy` and records every step.
    /// - Parameters:
    ///   - env: the environment (reset here in evaluation mode; its current episode is discarded).
    ///   - split: `train`, `valid`, `test` or `all`.
    ///   - policy: maps the environment (at its current bar) and the observation to an action.
    ///   - onStep: sees the environment and the step's info after every step (weights, reward terms).
    /// - Throws: `EnvironmentError` for an invalid split or action.
    public static func run(
        env: inout MarketEnv, split: String, policy: (MarketEnv, [Float]) -> Action,
        onStep: (MarketEnv, MarketStepInfo) -> Void = { _, _ in }
    ) throws(EnvironmentError) -> BacktestRecord {
        var (obs, info) = try env.reset(seed: nil, options: ResetOptions(values: ["evaluation": 1], strings: ["split": split]))
        var record = BacktestRecord()
        record.startTimestamp = info.timestamp
        let hasBenchmark = env.panel.benchmarkReturns != nil
        while true {
            let result = try env.step(policy(env, obs))
            record.append(result.info, hasBenchmark: hasBenchmark)
            onStep(env, result.info)
            obs = result.observation
            info = result.info
            if result.isDone { break }
        }
        return record
    }
}
