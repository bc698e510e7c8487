import Foundation

/// One policy's out-of-sample walk through a split of a market environment: the series the report
/// draws and the metrics the summary lists.
public struct MarketEvaluation: Sendable {
    /// `agent`, `flat`, `fixedGross`, `confidence`.
    public var policy: String
    public var split: String
    public var record: BacktestRecord
    public var metrics: BacktestMetrics
    /// Weights after each step (rows: steps, columns: assets); empty for baselines.
    public var weights: [[Double]] = []
    /// Reward terms summed over the walk (log return, turnover, drawdown, ...); empty for baselines.
    public var rewardTerms: [(name: String, total: Double)] = []

    /// The headline metrics by name (summary.json, sweeps, tables).
    public var metricValues: [String: Double] { metrics.values }
}

extension BacktestMetrics {
    /// The headline metrics by stable name (summary.json keys; sweeps select on these).
    public var values: [String: Double] {
        var v: [String: Double] = [
            "sharpe": sharpe, "sortino": sortino, "annualReturn": annualizedReturn, "annualVolatility": annualizedVolatility,
            "totalReturn": totalReturn, "maxDrawdown": maxDrawdown, "maxDrawdownDays": maxDrawdownDurationDays,
            "calmar": calmar, "annualTurnover": annualTurnover, "annualCostDrag": annualCostDrag,
            "averageGross": averageGross, "averageNet": averageNet, "hitRate": hitRate, "years": years, "steps": Double(steps),
        ]
        if let b = benchmarkBeta { v["beta"] = b }
        if let c = benchmarkCorrelation { v["correlation"] = c }
        return v
    }

    /// Display order and labels of the headline metrics.
    public static let displayOrder: [(key: String, label: String, percent: Bool)] = [
        ("annualReturn", "ann. return", true), ("annualVolatility", "ann. vol", true), ("sharpe", "Sharpe", false),
        ("sortino", "Sortino", false), ("maxDrawdown", "max DD", true), ("maxDrawdownDays", "DD days", false),
        ("calmar", "Calmar", false), ("annualTurnover", "turnover/yr", false), ("annualCostDrag", "cost drag/yr", true),
        ("averageGross", "avg gross", false), ("averageNet", "avg net", false), ("beta", "beta", false),
        ("correlation", "corr", false), ("hitRate", "hit rate", true),
    ]
}

/// Runs agents and baselines through a market environment in evaluation mode.
public enum MarketEvaluator {
    /// Walks `split` from its first bar with `act`, recording weights and reward terms too.
    /// - Throws: `LabError` for an invalid split or an action the env rejects.
    public static func evaluate(setup: MarketSetup, split: String, policyName: String = "agent", act: ([Float]) -> Action) throws(LabError) -> MarketEvaluation {
        var config = setup.config
        config.episode.evaluation = true
        config.episode.maxDrawdown = 1  // a backtest walks the whole split
        var env = try setup.makeEnvironment(seed: 0, config: config)
        var weights: [[Double]] = []
        var terms = RewardTerms()
        let record: BacktestRecord
        do {
            record = try Backtest.run(env: &env, split: split, policy: { _, obs in act(obs) }) { env, info in
                weights.append(env.weights)
                terms.logReturn += info.reward.logReturn
                terms.turnover += info.reward.turnover
                terms.drawdown += info.reward.drawdown
                terms.variance += info.reward.variance
                terms.differentialSharpe += info.reward.differentialSharpe
                terms.exposure += info.reward.exposure
            }
        } catch {
            throw .badRun(path: "evaluation on \(split)", detail: error.description)
        }
        return MarketEvaluation(
            policy: policyName, split: split, record: record, metrics: BacktestMetrics(record), weights: weights,
            rewardTerms: [("logReturn", terms.logReturn), ("turnover", terms.turnover), ("drawdown", terms.drawdown),
                          ("variance", terms.variance), ("differentialSharpe", terms.differentialSharpe), ("exposure", terms.exposure)])
    }

    /// The baselines a spec may name (`evaluation.baselines`), in display order.
    public static let baselineNames = ["flat", "fixedGross", "confidence", "combined", "agreement"]

    /// The baseline a spec names (`flat`, `fixedGross`, `confidence`, `combined`, `agreement`), or nil.
    public static func baseline(named name: String, gross: Double) -> Baseline? {
        switch name {
        case "flat": return .flat
        case "fixedGross": return .fixedGross(gross)
        case "confidence": return .confidenceProportional(baseGross: gross)
        case "combined": return .combined(.weighted, gross: gross)
        case "agreement": return .combined(.agreement, gross: gross)
        default: return nil
        }
    }

    /// Backtests a named baseline (`baselineNames`) on `split`.
    public static func baseline(_ name: String, gross: Double, setup: MarketSetup, split: String) throws(LabError) -> MarketEvaluation {
        guard let b = baseline(named: name, gross: gross) else {
            throw .badRun(path: "evaluation.baselines", detail: "unknown baseline '\(name)'; use one of \(baselineNames.joined(separator: ", "))")
        }
        do {
            let record = try b.backtest(panel: setup.panel, config: setup.config, split: split)
            return MarketEvaluation(policy: name, split: split, record: record, metrics: BacktestMetrics(record))
        } catch {
            throw .badRun(path: "baseline \(name) on \(split)", detail: error.description)
        }
    }
}

/// Deterministic evaluation of an episodic environment (CartPole): mean and spread of returns.
public struct EpisodicEvaluation: Sendable, Equatable {
    public var returns: [Double]
    public var lengths: [Int]
    public var meanReturn: Double { returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count) }
    public var stdReturn: Double {
        guard returns.count > 1 else { return 0 }
        let m = meanReturn
        return (returns.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(returns.count)).squareRoot()
    }
    public var values: [String: Double] {
        ["meanReturn": meanReturn, "stdReturn": stdReturn, "episodes": Double(returns.count),
         "meanLength": lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)]
    }

    /// Runs `episodes` episodes with seeds `seed, seed+1, ...` and the deterministic policy.
    public static func run<E: Environment>(_ env: inout E, episodes: Int, seed: UInt64, act: ([Float]) -> Action) throws(LabError) -> EpisodicEvaluation {
        var out = EpisodicEvaluation(returns: [], lengths: [])
        do {
            for k in 0..<episodes {
                var (obs, _) = try env.reset(seed: seed &+ UInt64(k), options: .none)
                var total = 0.0, length = 0
                while true {
                    let r = try env.step(act(obs))
                    total += r.reward
                    length += 1
                    obs = r.observation
                    if r.isDone { break }
                }
                out.returns.append(total)
                out.lengths.append(length)
            }
        } catch {
            throw .badRun(path: "evaluation", detail: error.description)
        }
        return out
    }
}
