import CheckpointFormat
import Gym
import NeuralNet
import SeededRandom
import TensorCore

/// An on-policy actor-critic agent: PPO, A2C or REINFORCE with a learned baseline (the algorithm
/// comes from `PolicyGradientConfig.algorithm`), on a ``VectorEnvironment`` of `numEnvs` copies
/// stepped in lockstep with same-step autoreset (SB3's `DummyVecEnv`): a `SyncVectorEnvironment`
/// built from a factory (`init(config:seed:totalSteps:makeEnvironment:)`), or any vector env such as
/// `MarketVectorEnv` (`init(config:seed:totalSteps:environments:)`).
///
/// One iteration collects `nSteps × numEnvs` transitions (``RolloutBuffer``), computes GAE-λ
/// advantages, and applies the algorithm's update (`PPO.swift`, `A2C.swift`, `Reinforce.swift`).
/// Schedules (learning rate, clip range) read progress = `step / totalSteps` after the rollout,
/// as SB3 does.
///
/// ```swift
/// var config = PolicyGradientConfig()
/// config.numEnvs = 8; config.nSteps = 32; config.batchSize = 256
/// let agent = try PolicyGradientAgent(config: config, seed: 0, totalSteps: 100_000) { _ in CartPole.v1() }
/// // or over a vector env: PolicyGradientAgent(config: config, seed: 0, totalSteps: n, environments: marketVectorEnv)
/// try agent.train(untilStep: 100_000, shouldStop: { false }, log: { tag, value, step in })
/// let action = agent.act(observation)   // deterministic: argmax / Gaussian mean
/// ```
///
/// Exact resume: `trainingState()` + `policyParameters()` hold everything (networks, optimizer,
/// generator, the vector env's state with its current observations and running episode statistics).
/// Training stops only at rollout boundaries, so no partial rollout needs saving. The vector must be
/// a `StatefulVectorEnvironment` for `trainingState()` to include it; otherwise `restore` refuses.
public final class PolicyGradientAgent<Envs: VectorEnvironment>: TrainableAgent {
    /// Hyperparameters.
    public let config: PolicyGradientConfig
    /// The run's seed: networks and sampling draw from `Xoshiro256(seed:)`; env copy `i` is reset with `seed + i`.
    public let seed: UInt64
    /// The step count schedules are relative to (progress = step / totalSteps).
    public let totalSteps: Int
    /// `ppo`, `a2c` or `reinforce`.
    public var algorithm: String { config.algorithm.rawValue }
    /// Environment steps consumed, summed over copies (a multiple of `numEnvs`).
    public internal(set) var step = 0
    /// Episodes finished, over all copies.
    public internal(set) var episodes = 0
    /// Gradient steps taken.
    public internal(set) var gradientSteps = 0
    /// Rollouts collected and trained on.
    public internal(set) var iterations = 0

    /// The networks.
    public let model: ActorCritic
    let optimizer: any Optimizer
    var rng: Xoshiro256
    /// The training environments (`numEnvs` copies).
    public internal(set) var environments: Envs
    var started = false
    var buffer: RolloutBuffer
    /// Running observation statistics when `normalizeObservations` (SB3 `VecNormalize` defaults).
    var normalizer: ObservationNormalizer?
    /// The vector's observations as the networks see them (normalized copy, or the raw values).
    var networkObservations: [Float]
    let tape = Tape()
    let observationCount: Int

    /// Builds the agent over a vector env of `config.numEnvs` copies (not yet reset: the first
    /// `train` resets copy `i` with seed `seed + i`).
    /// - Parameters:
    ///   - config: hyperparameters (validated).
    ///   - seed: the run's seed.
    ///   - totalSteps: the training budget schedules refer to.
    ///   - environments: the training envs, `environmentCount == config.numEnvs`.
    /// - Throws: `AgentError.invalidConfig` for out-of-range values or a copy count other than
    ///   `numEnvs`; `AgentError.unsupportedEnvironment` when the env has an empty observation.
    public init(config: PolicyGradientConfig, seed: UInt64, totalSteps: Int, environments: Envs) throws {
        try Self.validate(config, totalSteps: totalSteps)
        guard environments.environmentCount == config.numEnvs else {
            throw AgentError.invalidConfig(path: "numEnvs", found: "\(config.numEnvs)", expected: "the vector env's \(environments.environmentCount) copies")
        }
        self.config = config
        self.seed = seed
        self.totalSteps = totalSteps
        let d = environments.observationSpace.count
        guard d > 0 else { throw AgentError.unsupportedEnvironment("the observation has no elements") }
        self.environments = environments
        observationCount = d
        let first = environments
        let head = PolicyHead(actionSpace: first.actionSpace, bound: config.continuousBound)
        var layout: PerAssetLayout?
        if config.actorArchitecture == .perAsset {
            guard case .gaussian(let n, _, _, _) = head else {
                throw AgentError.unsupportedEnvironment("actorArchitecture perAsset needs a Box action (one dimension per asset), found \(first.actionSpace)")
            }
            do {
                layout = try PerAssetLayout(observationNames: first.observationNames, assetCount: n)
            } catch {
                throw AgentError.unsupportedEnvironment("actorArchitecture perAsset: \(error)")
            }
        }
        var generator = Xoshiro256(seed: seed)
        var initGenerator = generator.split()
        model = ActorCritic(observationCount: d, head: head,
                            network: config.network, orthogonalInit: config.orthogonalInit,
                            logStdInit: config.logStdInit, perAsset: layout, rng: &initGenerator)
        rng = generator
        let lr = config.learningRate.value(progress: 0)
        if config.useRMSprop {
            // SB3 A2C: torch RMSprop with alpha 0.99, eps `rms_prop_eps`, no weight decay.
            optimizer = RMSprop(model.allParameters, learningRate: lr, alpha: 0.99, epsilon: config.optimizerEpsilon)
        } else {
            optimizer = Adam(model.allParameters, learningRate: lr, epsilon: config.optimizerEpsilon)
        }
        networkObservations = [Float](repeating: 0, count: config.numEnvs * d)
        normalizer = config.normalizeObservations ? ObservationNormalizer(names: first.observationNames) : nil
        buffer = RolloutBuffer(nSteps: config.nSteps, numEnvs: config.numEnvs, observationCount: d,
                               actionCount: model.head.storedActionCount)
    }

    static func validate(_ c: PolicyGradientConfig, totalSteps: Int) throws {
        func check(_ ok: Bool, _ path: String, _ found: Any, _ expected: String) throws {
            if !ok { throw AgentError.invalidConfig(path: path, found: "\(found)", expected: expected) }
        }
        try check(totalSteps > 0, "totalSteps", totalSteps, "> 0")
        try check(c.nSteps > 0, "nSteps", c.nSteps, "> 0")
        try check(c.numEnvs > 0, "numEnvs", c.numEnvs, "> 0")
        try check(c.batchSize > 0, "batchSize", c.batchSize, "> 0")
        try check(c.nEpochs > 0, "nEpochs", c.nEpochs, "> 0")
        try check(c.gamma >= 0 && c.gamma <= 1, "gamma", c.gamma, "in [0, 1]")
        try check(c.gaeLambda >= 0 && c.gaeLambda <= 1, "gaeLambda", c.gaeLambda, "in [0, 1]")
        try check(c.maxGradNorm > 0, "maxGradNorm", c.maxGradNorm, "> 0")
        try check(c.learningRate.initial > 0 && c.learningRate.final >= 0, "learningRate", c.learningRate, "initial > 0, final >= 0")
        try check(c.clipRange.initial > 0 && c.clipRange.final >= 0, "clipRange", c.clipRange, "initial > 0, final >= 0")
        if let v = c.clipRangeVf { try check(v > 0, "clipRangeVf", v, "> 0 or absent") }
        if let k = c.targetKL { try check(k > 0, "targetKL", k, "> 0 or absent") }
        try check(c.optimizerEpsilon > 0, "optimizerEpsilon", c.optimizerEpsilon, "> 0")
        try check(!c.network.hidden.isEmpty && c.network.hidden.allSatisfy { $0 > 0 }, "network.hidden", c.network.hidden, "positive widths")
    }

    // MARK: TrainableAgent

    /// Collects rollouts and updates until `step >= untilStep` (rounded up to a whole rollout of
    /// `nSteps × numEnvs` steps) or `shouldStop()` returns true (polled before each rollout).
    /// The first call resets env copy `i` with seed `seed + i`.
    /// - Throws: whatever an env copy's `reset` or `step` throws.
    public func train(untilStep: Int, shouldStop: () -> Bool, log: (String, Double, Int) -> Void) throws {
        if !started { try resetEnvironments() }
        while step < untilStep && !shouldStop() {
            try collectRollout(log: log)
            let progress = Double(step) / Double(totalSteps)
            let lr = config.learningRate.value(progress: progress)
            optimizer.learningRate = lr
            let stats: UpdateStatistics
            switch config.algorithm {
            case .ppo: stats = updatePPO(progress: progress)
            case .a2c: stats = updateA2C()
            case .reinforce: stats = updateReinforce()
            }
            iterations += 1
            log("train/learning_rate", lr, step)
            stats.log(step: step, into: log)
        }
    }

    /// The deterministic action (argmax per categorical, or the Gaussian mean clipped or squashed).
    /// - Precondition: `observation.count` is the env's observation size.
    public func act(_ observation: [Float]) -> Action {
        precondition(observation.count == observationCount, "act: observation has \(observation.count) elements, expected \(observationCount)")
        let stored = model.deterministic(normalized(observation, rows: 1))
        return stored.withUnsafeBufferPointer { model.head.environmentAction($0) }
    }

    /// The actor's architecture for the policy spec (`categorical`, `factorizedCategorical`, `gaussian` or `perAssetGaussian`).
    public var policyNetwork: (kind: PolicySpec.NetworkKind, hidden: [Int], activation: String, dueling: Bool) {
        (model.perAsset == nil ? model.head.networkKind : .perAssetGaussian, config.network.hidden, config.network.activation.rawValue, false)
    }

    /// The running statistics the networks' inputs are normalized with (`normalizeObservations`), or nil.
    public var observationNormalization: PolicySpec.Normalization? {
        guard let normalizer else { return nil }
        let s = normalizer.statistics
        return PolicySpec.Normalization(mean: s.mean, variance: s.variance, count: s.count,
                                        epsilon: normalizer.config.epsilon, clip: normalizer.config.clip)
    }

    /// `rows` raw observations scaled with the current statistics (no update), or unchanged.
    func normalized(_ raw: [Float], rows: Int) -> [Float] {
        guard let normalizer else { return raw }
        var x = raw
        x.withUnsafeMutableBufferPointer { normalizer.normalize($0, rows: rows) }
        return x
    }

    // MARK: Rollouts

    func resetEnvironments() throws {
        try environments.reset(seed: seed)
        started = true
    }

    /// Fills the rollout buffer with `nSteps` steps of every copy, then computes GAE.
    func collectRollout(log: (String, Double, Int) -> Void) throws {
        let m = config.numEnvs, d = observationCount, a = model.head.storedActionCount
        let gamma = Float(config.gamma)
        buffer.clear()
        var sampledActions = [Float](repeating: 0, count: m * a)
        var sampledLogProbs = [Float](repeating: 0, count: m), sampledValues = [Float](repeating: 0, count: m)
        var actions: [Action] = []
        actions.reserveCapacity(m)
        for _ in 0..<config.nSteps {
            let row0 = buffer.nextRow
            // Every observation is merged into the statistics once, when it is acted on (SB3
            // VecNormalize updates on each observation the envs return).
            networkObservations.withUnsafeMutableBufferPointer { dst in
                environments.observations.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) }
                normalizer?.process(dst, rows: m)
            }
            let obsTensor = Tensor(shape: [m, d], scalars: networkObservations)
            buffer.observations.withUnsafeMutableBufferPointer { dst in
                networkObservations.withUnsafeBufferPointer { src in
                    _ = UnsafeMutableBufferPointer(rebasing: dst[(row0 * d)..<((row0 + m) * d)]).update(fromContentsOf: src)
                }
            }
            sampledActions.withUnsafeMutableBufferPointer { acts in
                sampledLogProbs.withUnsafeMutableBufferPointer { lps in
                    sampledValues.withUnsafeMutableBufferPointer { vals in
                        model.sample(obsTensor, rng: &rng, actions: acts, logProbs: lps, values: vals)
                    }
                }
            }
            for j in 0..<(m * a) { buffer.actions[row0 * a + j] = sampledActions[j] }
            for e in 0..<m {
                buffer.logProbs[row0 + e] = sampledLogProbs[e]
                buffer.values[row0 + e] = sampledValues[e]
            }
            actions.removeAll(keepingCapacity: true)
            sampledActions.withUnsafeBufferPointer { acts in
                for e in 0..<m { actions.append(model.head.environmentAction(UnsafeBufferPointer(rebasing: acts[(e * a)..<((e + 1) * a)]))) }
            }
            // Same-step autoreset: an ended copy's row already holds its next episode's first
            // observation; the one it ended on is in `finalObservations`.
            try environments.step(actions)
            let rewards = environments.rewards, ended = environments.ended
            for e in 0..<m {
                var reward = rewards[e]
                if ended[e] {
                    if environments.truncated[e] && !environments.terminated[e] {
                        // SB3: bootstrap a time-limit cut from V(final observation) through the reward.
                        let final = Array(environments.finalObservations[(e * d)..<((e + 1) * d)])
                        let v = model.values(Tensor(shape: [1, d], scalars: normalized(final, rows: 1))).scalars[0]
                        reward += Double(gamma * v)
                    }
                    episodes += 1
                    log("train/episode_return", environments.episodeReturns[e], step + e + 1)
                    log("train/episode_length", Double(environments.episodeLengths[e]), step + e + 1)
                }
                buffer.rewards[row0 + e] = Float(reward)
                buffer.ended[row0 + e] = ended[e] ? 1 : 0
            }
            buffer.advance()
            step += m
        }
        let lastValues = model.values(Tensor(shape: [m, d], scalars: normalized(environments.observations, rows: m))).scalars
        buffer.computeReturnsAndAdvantages(lastValues: lastValues, gamma: gamma, lambda: Float(config.gaeLambda))
    }
}

/// Averages of one update's diagnostics, logged under SB3's names.
struct UpdateStatistics {
    var values: [(String, Double)] = []

    mutating func add(_ tag: String, _ value: Double) { values.append((tag, value)) }

    func log(step: Int, into log: (String, Double, Int) -> Void) {
        for (tag, v) in values { log(tag, v, step) }
    }
}

extension PolicyGradientAgent {
    /// Builds the agent over a `SyncVectorEnvironment` of copies made by `makeEnvironment(i)`,
    /// `i` in `0..<numEnvs`.
    /// - Throws: as `init(config:seed:totalSteps:environments:)`; `AgentError.unsupportedEnvironment`
    ///   when the copies' spaces differ; whatever `makeEnvironment` throws.
    public convenience init<Env: Environment>(config: PolicyGradientConfig, seed: UInt64, totalSteps: Int,
                                              makeEnvironment: (Int) throws -> Env) throws where Envs == SyncVectorEnvironment<Env> {
        try Self.validate(config, totalSteps: totalSteps)
        var envs: [Env] = []
        for i in 0..<config.numEnvs { envs.append(try makeEnvironment(i)) }
        guard let first = envs.first else { throw AgentError.invalidConfig(path: "numEnvs", found: "0", expected: "> 0") }
        for (i, e) in envs.enumerated() where e.observationSpace != first.observationSpace || e.actionSpace != first.actionSpace {
            throw AgentError.unsupportedEnvironment("env copy \(i) has different spaces than copy 0")
        }
        try self.init(config: config, seed: seed, totalSteps: totalSteps, environments: SyncVectorEnvironment(envs))
    }
}
