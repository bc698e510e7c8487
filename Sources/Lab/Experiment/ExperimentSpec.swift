import Foundation

/// Training budget and checkpointing.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Environment steps to train for (summed over env copies). Default 100,000.
    public var totalSteps: Int = 100_000
    /// Write a checkpoint every this many steps (and at the end, and on Ctrl-C). Default 10,000.
    public var checkpointEvery: Int = 10_000
    /// Keep this many most recent checkpoints (plus `best.h5`). Default 3.
    public var keepLast: Int = 3
    /// Evaluate on the validation split at every checkpoint and keep the best as `best.h5`. Default true.
    public var evaluateAtCheckpoints: Bool = true
    /// Store the replay buffer in checkpoints (needed for an exact resume of off-policy agents). Default true.
    public var saveReplayBuffer: Bool = true

    public init() {}
}

/// Out-of-sample evaluation after training.
public struct EvaluationConfig: Codable, Sendable, Equatable {
    /// Splits to evaluate on (market envs): any of train, valid, test. Default [valid, test].
    public var splits: [String] = ["valid", "test"]
    /// Non-RL baselines run through the same env (market envs): flat, fixedGross, confidence,
    /// combined (the weighted combined-signal book), agreement (the agreement book). Default the first three.
    public var baselines: [String] = ["flat", "fixedGross", "confidence"]
    /// Gross exposure of the fixed-gross and (base of the) confidence baselines. Default 1.
    public var baselineGross: Double = 1
    /// Deterministic evaluation episodes (episodic envs such as CartPole). Default 10 (RL Zoo).
    public var episodes: Int = 10
    /// The metric that picks `best.h5` and that sweeps rank on: a key of the market metrics
    /// (`sharpe`, `annualReturn`, `calmar`, ...) or `meanReturn` for episodic envs. Default `sharpe`.
    public var selectMetric: String = "sharpe"

    public init() {}
}

/// An experiment: environment + agent + budget + evaluation + seed. Decoded from
/// `Experiments/*.yaml`, where `env` and `agent` name presets (`Environments/<name>.yaml`,
/// `Agents/<name>.yaml`) or hold them inline, and `overrides` patch any key path:
///
/// ```yaml
/// name: quickstart
/// env: sp500-neutral
/// agent: dqn-sizing
/// overrides: {env.reward.turnoverPenalty: 0.001}
/// training: {totalSteps: 30000, checkpointEvery: 10000}
/// evaluation: {splits: [valid, test]}
/// seed: 0
/// ```
public struct ExperimentSpec: Sendable, Equatable {
    public var name: String = "experiment"
    public var seed: UInt64 = 0
    /// Seeds of a multi-seed experiment (`seeds: [0, 1, 2, 3, 4]`): `train` runs every seed and
    /// writes one aggregated run (see `SeedGroup`). Empty (the default) trains `seed` alone.
    /// Not part of a run's resolved config: each seed's run is a single-seed run.
    public var seeds: [UInt64] = []
    public var env = EnvironmentSpec()
    public var agent: AgentSpec = .dqn(.init())
    public var training = TrainingConfig()
    public var evaluation = EvaluationConfig()

    public init() {}

    /// The fully resolved spec as a tree: what `config.yaml` in a run folder holds, and what
    /// `--resume` and `evaluate` read back.
    public func tree() throws(SpecError) -> SpecValue {
        .mapping([
            ("name", .string(name)),
            ("seed", .int(Int(seed))),
            ("env", try env.tree()),
            ("agent", try agent.tree()),
            ("training", try SpecDecoder.encode(training)),
            ("evaluation", try SpecDecoder.encode(evaluation)),
        ])
    }

    /// Decodes a resolved tree (presets already inlined, overrides applied).
    public static func decode(_ tree: SpecValue, file: String) throws(SpecError) -> ExperimentSpec {
        try SpecDecoder.requireMapping(tree, file: file, path: "(top level)")
        let allowed = ["name", "seed", "seeds", "env", "agent", "training", "evaluation"]
        for key in tree.keys where !allowed.contains(key) {
            throw .unknownKey(file: file, path: key, suggestion: SpecDecoder.closest(key, in: allowed), allowed: allowed)
        }
        var spec = ExperimentSpec()
        if let n = tree["name"] {
            guard case .string(let s) = n, !s.isEmpty, !s.contains("/") else {
                throw .badValue(file: file, path: "name", found: SpecValue.scalarText(n), expected: "a non-empty name without '/'")
            }
            spec.name = s
        }
        if let s = tree["seed"] {
            guard case .int(let v) = s, v >= 0 else { throw .badValue(file: file, path: "seed", found: SpecValue.scalarText(s), expected: "a non-negative integer") }
            spec.seed = UInt64(v)
        }
        if let list = tree["seeds"] { spec.seeds = try SeedList.decode(list, file: file) }
        spec.env = try EnvironmentSpec.decode(tree["env"] ?? .mapping([]), file: file, path: "env")
        spec.agent = try AgentSpec.decode(tree["agent"] ?? .mapping([]), file: file, path: "agent")
        spec.training = try SpecDecoder.decode(TrainingConfig.self, from: tree["training"] ?? .mapping([]), defaults: TrainingConfig(), file: file, path: "training")
        spec.evaluation = try SpecDecoder.decode(EvaluationConfig.self, from: tree["evaluation"] ?? .mapping([]), defaults: EvaluationConfig(), file: file, path: "evaluation")
        try spec.validate(file: file)
        return spec
    }

    func validate(file: String) throws(SpecError) {
        func positive(_ v: Int, _ path: String) throws(SpecError) {
            if v <= 0 { throw .badValue(file: file, path: path, found: "\(v)", expected: "a positive integer") }
        }
        try positive(training.totalSteps, "training.totalSteps")
        try positive(training.checkpointEvery, "training.checkpointEvery")
        try positive(training.keepLast, "training.keepLast")
        try positive(evaluation.episodes, "evaluation.episodes")
        for s in evaluation.splits where !["train", "valid", "test"].contains(s) {
            throw .badValue(file: file, path: "evaluation.splits", found: s, expected: "train, valid or test")
        }
        for b in evaluation.baselines where !MarketEvaluator.baselineNames.contains(b) {
            throw .badValue(file: file, path: "evaluation.baselines", found: b, expected: MarketEvaluator.baselineNames.joined(separator: ", "))
        }
        let g = evaluation.baselineGross, cap = env.market.constraints.maxGross
        guard g.isFinite, g >= 0, g <= cap else {
            throw .badValue(file: file, path: "evaluation.baselineGross", found: SpecValue.formatDouble(g),
                            expected: "a finite gross exposure in [0, \(SpecValue.formatDouble(cap))] (0 to env.constraints.maxGross; default 1)")
        }
        try validateValidationSplit(file: file)
    }

    /// A walk-forward fold with `walkForwardValidYears: 0` (the crypto data's 2018 fold, which has no
    /// full year before it) has no validation bars: nothing can pick `best.h5` on them or report
    /// them. Refused at load, before any data is read or a run folder exists, naming the fix (the
    /// trainer would otherwise fail at its first checkpoint, after training had started).
    func validateValidationSplit(file: String) throws(SpecError) {
        let splits = env.market.splits
        guard env.kind != .cartpole, splits.walkForwardTestYear != 0, splits.walkForwardValidYears == 0 else { return }
        let fix = "Fix: --set training.evaluateAtCheckpoints=false --set \"evaluation.splits=[train, test]\" (the last checkpoint is kept; baselines are chosen on train), or walkForwardValidYears >= 1"
        if training.evaluateAtCheckpoints {
            throw .badValue(file: file, path: "training.evaluateAtCheckpoints", found: "true with env.splits.walkForwardValidYears 0 (no validation bars in the \(splits.walkForwardTestYear) fold)",
                            expected: "false: checkpoints are chosen on validation bars. \(fix)")
        }
        if evaluation.splits.contains("valid") {
            throw .badValue(file: file, path: "evaluation.splits", found: "[\(evaluation.splits.joined(separator: ", "))] with env.splits.walkForwardValidYears 0 (no validation bars in the \(splits.walkForwardTestYear) fold)",
                            expected: "splits without valid. \(fix)")
        }
    }
}
