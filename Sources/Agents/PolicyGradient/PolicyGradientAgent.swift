import CheckpointFormat
import Gym
import NeuralNet
import SeededRandom
import TensorCore

/// An on-policy actor-critic agent: PPO, A2C or REINFORCE with a learned baseline (the algorithm
/// comes from `PolicyGradientConfig.algorithm`), on `numEnvs` copies of an environment stepped in
/// lockstep with same-step autoreset (SB3's `DummyVecEnv`).
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
/// try agent.train(untilStep: 100_000, shouldStop: { false }, log: { tag, value, step in })
/// let action = agent.act(observation)   // deterministic: argmax / Gaussian mean
/// ```
///
/// Exact resume: `trainingState()` + `policyParameters()` hold everything (networks, optimizer,
/// generator, every env copy's state, current observations, running episode statistics). Training
/// stops only at rollout boundaries, so no partial rollout needs saving. Env copies must conform to
/// `StatefulEnvironment` for `trainingState()` to include them; otherwise `restore` refuses.
public final class PolicyGradientAgent<Env: Environment>: TrainableAgent {
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
    var environments: [Env]
    /// `numEnvs × observationCount` current observations.
    var observations: [Float]
    var runningReturns: [Double]
    var runningLengths: [Int]
    var started = false
    var buffer: RolloutBuffer
    /// Running observation statistics when `normalizeObservations` (SB3 `VecNormalize` defaults).
    var normalizer: ObservationNormalizer?
    /// `observations` as the networks see them (normalized copy, or the raw values).
    var networkObservations: [Float]
    let tape = Tape()
    let observationCount: Int

    /// Builds the agent and its env copies.
    /// - Parameters:
    ///   - config: hyperparameters (validated).
    ///   - seed: the run's seed.
    ///   - totalSteps: the training budget schedules refer to.
    ///   - makeEnvironment: builds copy `i` (`0..<numEnvs`).
    /// - Throws: `AgentError.invalidConfig` for out-of-range values; `AgentError.unsupportedEnvironment`
    ///   when the env has an empty observation; whatever `makeEnvironment` throws.
    public init(config: PolicyGradientConfig, seed: UInt64, totalSteps: Int, makeEnvironment: (Int) throws -> Env) throws {
        try Self.validate(config, totalSteps: totalSteps)
        self.config = config
        self.seed = seed
        self.totalSteps = totalSteps
        var envs: [Env] = []
        for i in 0..<config.numEnvs { envs.append(try makeEnvironment(i)) }
        guard let first = envs.first else { throw AgentError.invalidConfig(path: "numEnvs", found: "0", expected: "> 0") }
        let d = first.observationSpace.count
        guard d > 0 else { throw AgentError.unsupportedEnvironment("the observation has no elements") }
        for (i, e) in envs.enumerated() where e.observationSpace != first.observationSpace || e.actionSpace != first.actionSpace {
            throw AgentError.unsupportedEnvironment("env copy \(i) has different spaces than copy 0")
        }
        environments = envs
        observationCount = d
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
        observations = [Float](repeating: 0, count: config.numEnvs * d)
        networkObservations = observations
        normalizer = config.normalizeObservations ? ObservationNormalizer(names: first.observationNames) : nil
        runningReturns = [Double](repeating: 0, count: config.numEnvs)
        runningLengths = [Int](repeating: 0, count: config.numEnvs)
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
        let d = observationCount
        try observations.withUnsafeMutableBufferPointer { obs in
            for i in 0..<environments.count {
                let row = UnsafeMutableBufferPointer(rebasing: obs[(i * d)..<((i + 1) * d)])
                _ = try environments[i].reset(seed: seed &+ UInt64(i), options: .none, into: row)
            }
        }
        for i in 0..<environments.count {
            runningReturns[i] = 0
            runningLengths[i] = 0
        }
        started = true
    }

    /// Fills the rollout buffer with `nSteps` steps of every copy, then computes GAE.
    func collectRollout(log: (String, Double, Int) -> Void) throws {
        let m = config.numEnvs, d = observationCount, a = model.head.storedActionCount
        let gamma = Float(config.gamma)
        buffer.clear()
        var finalObservation = [Float](repeating: 0, count: d)
        var sampledActions = [Float](repeating: 0, count: m * a)
        var sampledLogProbs = [Float](repeating: 0, count: m), sampledValues = [Float](repeating: 0, count: m)
        for _ in 0..<config.nSteps {
            let row0 = buffer.nextRow
            // Every observation is merged into the statistics once, when it is acted on (SB3
            // VecNormalize updates on each observation the envs return).
            networkObservations.withUnsafeMutableBufferPointer { dst in
                _ = dst.update(fromContentsOf: observations)
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
            for e in 0..<m {
                let action = sampledActions.withUnsafeBufferPointer {
                    model.head.environmentAction(UnsafeBufferPointer(rebasing: $0[(e * a)..<((e + 1) * a)]))
                }
                var reward: Double = 0
                var done = false
                try observations.withUnsafeMutableBufferPointer { obs in
                    let row = UnsafeMutableBufferPointer(rebasing: obs[(e * d)..<((e + 1) * d)])
                    let outcome = try environments[e].step(action, into: row)
                    reward = outcome.reward
                    runningReturns[e] += outcome.reward
                    runningLengths[e] += 1
                    done = outcome.isDone
                    if done {
                        if outcome.truncated && !outcome.terminated {
                            _ = finalObservation.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: row) }
                            // SB3: bootstrap a time-limit cut from V(final observation) through the reward.
                            let v = model.values(Tensor(shape: [1, d], scalars: normalized(finalObservation, rows: 1))).scalars[0]
                            reward += Double(gamma * v)
                        }
                        _ = try environments[e].reset(seed: nil, options: .none, into: row)
                    }
                }
                if done {
                    episodes += 1
                    log("train/episode_return", runningReturns[e], step + e + 1)
                    log("train/episode_length", Double(runningLengths[e]), step + e + 1)
                    runningReturns[e] = 0
                    runningLengths[e] = 0
                }
                buffer.rewards[row0 + e] = Float(reward)
                buffer.ended[row0 + e] = done ? 1 : 0
            }
            buffer.advance()
            step += m
        }
        let lastValues = model.values(Tensor(shape: [m, d], scalars: normalized(observations, rows: m))).scalars
        buffer.computeReturnsAndAdvantages(lastValues: lastValues, gamma: gamma, lambda: Float(config.gaeLambda))
    }

    // MARK: Shared by the update rules

    /// One minibatch of the rollout as tensors.
    struct Minibatch {
        var observations: Tensor
        var actions: Tensor
        var oldLogProbs: Tensor
        var oldValues: Tensor
        var advantages: Tensor
        var returns: Tensor
    }

    /// The rows `indices` of the buffer; advantages normalized by the batch's mean and (unbiased)
    /// standard deviation when `normalize` (SB3: `(A − mean) / (std + 1e-8)`, skipped for one row).
    func minibatch(_ indices: ArraySlice<Int>, normalize: Bool) -> Minibatch {
        let b = indices.count, d = observationCount, a = model.head.storedActionCount
        var obs = [Float](repeating: 0, count: b * d)
        var acts = [Float](repeating: 0, count: b * a)
        var lp = [Float](repeating: 0, count: b), v = [Float](repeating: 0, count: b)
        var adv = [Float](repeating: 0, count: b), ret = [Float](repeating: 0, count: b)
        for (k, i) in indices.enumerated() {
            for j in 0..<d { obs[k * d + j] = buffer.observations[i * d + j] }
            for j in 0..<a { acts[k * a + j] = buffer.actions[i * a + j] }
            lp[k] = buffer.logProbs[i]
            v[k] = buffer.values[i]
            adv[k] = buffer.advantages[i]
            ret[k] = buffer.returns[i]
        }
        if normalize && b > 1 { Self.normalizeAdvantages(&adv) }
        return Minibatch(observations: Tensor(shape: [b, d], scalars: obs), actions: Tensor(shape: [b, a], scalars: acts),
                         oldLogProbs: Tensor(lp), oldValues: Tensor(v), advantages: Tensor(adv), returns: Tensor(ret))
    }

    /// `(A − mean) / (std + 1e-8)` with the unbiased standard deviation (torch's `std()`), in `Float` like SB3.
    static func normalizeAdvantages(_ adv: inout [Float]) {
        let n = Float(adv.count)
        var mean: Float = 0
        for x in adv { mean += x }
        mean /= n
        var ss: Float = 0
        for x in adv { ss += (x - mean) * (x - mean) }
        let std = (ss / (n - 1)).squareRoot()
        for i in adv.indices { adv[i] = (adv[i] - mean) / (std + 1e-8) }
    }

    /// Backpropagates `loss`, clips the global gradient norm and steps the optimizer.
    /// - Returns: the gradient norm before clipping.
    @discardableResult
    func applyGradients(_ loss: Variable) -> Float {
        optimizer.zeroGrad()
        tape.backward(loss)
        let norm = clipGradientNorm(model.allParameters, maxNorm: Float(config.maxGradNorm))
        optimizer.step()
        gradientSteps += 1
        return norm
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
