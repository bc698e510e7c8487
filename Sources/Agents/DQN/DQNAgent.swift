import CheckpointFormat
import Gym
import NeuralNet

/// Deep Q-learning (Mnih et al. 2015) with the usual extensions, each a `DQNConfig` switch:
/// Double DQN targets (van Hasselt et al. 2016, on by default), a dueling head (Wang et al. 2016),
/// n-step returns, proportional prioritized replay (Schaul et al. 2016), and branching heads for
/// `MultiDiscrete` actions (Tavakoli et al. 2018).
///
/// The agent owns `config.numEnvs` copies of its environment in a ``VectorEnvironment`` (a
/// ``SyncVectorEnvironment`` of copies built by `makeEnvironment(i)`, or any vector env such as
/// `MarketVectorEnv`; copy i is reset with seed `seed + i`), its online and target networks,
/// Adam, the replay buffer and every generator it draws from. The loop follows Stable-Baselines3's
/// `DQN.learn`: random actions before `learningStarts`, then ε-greedy with ε linear over
/// `explorationFraction` of `totalSteps`; a training round of `gradientSteps` TD updates every
/// `trainFrequency` steps once `step > learningStarts`; the target network updated every
/// `targetUpdateInterval` steps. The TD update itself reads top to bottom in `DQNAgent+Update.swift`.
///
/// Truncation is not termination: a transition cut by a time limit stores the episode's final
/// observation as its next observation and the learner bootstraps from it; only `terminated`
/// transitions drop the bootstrap term.
///
/// ```swift
/// var config = DQNConfig()
/// config.learningStarts = 1_000
/// let agent = try DQNAgent(config: config, seed: 0, totalSteps: 50_000) { i in CartPole.v1() }
/// try agent.train(untilStep: 50_000, shouldStop: { false }, log: { tag, value, step in })
/// let action = agent.act(observation)
/// ```
public final class DQNAgent<Envs: VectorEnvironment>: TrainableAgent, ReplayCheckpointing {
    public let algorithm = "dqn"
    /// The hyperparameters.
    public let config: DQNConfig
    /// The seed everything derives from (networks, exploration, replay sampling, environments).
    public let seed: UInt64
    public let totalSteps: Int
    public internal(set) var step = 0
    public internal(set) var episodes = 0

    /// How actions map to Q heads.
    public let layout: ActionLayout
    /// Observation elements per copy.
    public let observationSize: Int
    /// The training environments.
    public internal(set) var environments: Envs
    /// The network that acts and learns.
    public let online: QNetwork
    /// The slowly updated copy the TD targets bootstrap from.
    public let target: QNetwork
    /// Adam over the online network (SB3 DQN's optimizer).
    public let optimizer: Adam
    /// The replay buffer.
    public internal(set) var replay: ReplayBuffer
    /// The current exploration rate ε.
    public internal(set) var epsilon: Double

    /// Vector-env steps taken (SB3's `_n_calls`): the clock of training and target updates.
    var vectorSteps = 0
    /// TD updates done.
    var gradientUpdates = 0
    /// ε-greedy and random-action draws.
    var explorationRNG: Xoshiro256
    /// Replay sampling draws.
    var replayRNG: Xoshiro256
    /// Per copy n-step accumulators (nil for one-step TD).
    var accumulators: [NStepAccumulator]?

    // Preallocated working memory of the hot loop.
    let onlineParameters: [NamedParameter]
    let tape = Tape()
    let targetTape = Tape()
    var batch: ReplayBatch
    var actions: [Action]
    var actionRows: [Int32]
    var previousObservations: [Float]
    var targets: [Float]
    var tdErrors: [Float]

    /// Builds the agent and resets its environments.
    /// - Parameters:
    ///   - config: hyperparameters.
    ///   - seed: the root seed; copy i of the environment is reset with `seed + i`.
    ///   - totalSteps: the step count schedules (ε, learning rate, β) are relative to.
    ///   - availableMemory: bytes the replay buffer may use (default: `MemAvailable`).
    ///   - environments: the training envs, `environmentCount == config.numEnvs`.
    /// - Throws: `AgentError.invalidConfig` for out-of-range settings or a copy count other than
    ///   `numEnvs`, `AgentError.unsupportedEnvironment` for a `Box` action space,
    ///   `ReplayBufferError.insufficientMemory`, and whatever the first reset throws.
    public init(config: DQNConfig, seed: UInt64, totalSteps: Int, availableMemory: Int? = ReplayBuffer.availableMemoryBytes(),
                environments: Envs) throws {
        try DQNAgent.validate(config, totalSteps: totalSteps)
        guard environments.environmentCount == config.numEnvs else {
            throw AgentError.invalidConfig(path: "numEnvs", found: "\(config.numEnvs)", expected: "the vector env's \(environments.environmentCount) copies")
        }
        self.config = config
        self.seed = seed
        self.totalSteps = totalSteps
        self.environments = environments
        layout = try ActionLayout(environments.actionSpace, algorithm: "dqn")
        observationSize = environments.observationSpace.count

        var master = Xoshiro256(seed: seed)
        var initRNG = master.split()
        online = QNetwork(observationSize: observationSize, branches: layout.branches, network: config.network, dueling: config.dueling, rng: &initRNG)
        target = QNetwork(observationSize: observationSize, branches: layout.branches, network: config.network, dueling: config.dueling, rng: &initRNG)
        target.copyParameters(from: online)
        target.setRequiresGrad(false)
        explorationRNG = master.split()
        replayRNG = master.split()
        onlineParameters = online.namedParameters(prefix: "q")
        optimizer = Adam(onlineParameters, learningRate: config.learningRate.value(progress: 0), epsilon: config.adamEpsilon)

        replay = try ReplayBuffer(config: config.replay, observationSize: observationSize, actionWidth: layout.width, availableMemory: availableMemory)
        let accumulator = NStepAccumulator(n: config.replay.nStep, gamma: config.gamma, observationSize: observationSize, actionWidth: layout.width)
        accumulators = config.replay.nStep > 1 ? [NStepAccumulator](repeating: accumulator, count: config.numEnvs) : nil
        epsilon = config.explorationInitialEps
        let m = config.numEnvs
        batch = ReplayBatch(batchSize: config.batchSize, observationSize: observationSize, actionWidth: layout.width)
        actions = [Action](repeating: layout.action([Int](repeating: 0, count: layout.width)), count: m)
        actionRows = [Int32](repeating: 0, count: m * layout.width)
        previousObservations = [Float](repeating: 0, count: m * observationSize)
        targets = [Float](repeating: 0, count: config.batchSize)
        tdErrors = [Float](repeating: 0, count: config.batchSize)
        try self.environments.reset(seed: seed)
    }

    static func validate(_ c: DQNConfig, totalSteps: Int) throws(AgentError) {
        func check(_ ok: Bool, _ path: String, _ found: Any, _ expected: String) throws(AgentError) {
            if !ok { throw .invalidConfig(path: path, found: "\(found)", expected: expected) }
        }
        try check(totalSteps > 0, "totalSteps", totalSteps, "a positive number of steps")
        try check(c.batchSize > 0, "agent.batchSize", c.batchSize, "> 0")
        try check(c.trainFrequency > 0, "agent.trainFrequency", c.trainFrequency, "> 0")
        try check(c.gradientSteps >= 0, "agent.gradientSteps", c.gradientSteps, ">= 0")
        try check(c.targetUpdateInterval > 0, "agent.targetUpdateInterval", c.targetUpdateInterval, "> 0")
        try check(c.learningStarts >= 0, "agent.learningStarts", c.learningStarts, ">= 0")
        try check(c.numEnvs > 0, "agent.numEnvs", c.numEnvs, "> 0")
        try check(c.tau > 0 && c.tau <= 1, "agent.tau", c.tau, "in (0, 1]")
        try check(c.gamma >= 0 && c.gamma <= 1, "agent.gamma", c.gamma, "in [0, 1]")
        try check(c.maxGradNorm > 0, "agent.maxGradNorm", c.maxGradNorm, "> 0")
        try check(c.explorationFraction >= 0 && c.explorationFraction <= 1, "agent.explorationFraction", c.explorationFraction, "in [0, 1]")
        try check((0...1).contains(c.explorationInitialEps) && (0...1).contains(c.explorationFinalEps),
                  "agent.explorationInitialEps/explorationFinalEps", "\(c.explorationInitialEps)/\(c.explorationFinalEps)", "both in [0, 1]")
        try check(c.learningRate.initial > 0, "agent.learningRate.initial", c.learningRate.initial, "> 0")
        try check(c.network.hidden.allSatisfy { $0 > 0 }, "agent.network.hidden", c.network.hidden, "positive widths")
    }

    /// Progress through training, `step / totalSteps` clamped to [0, 1] (SB3's `1 − progress_remaining`).
    var progress: Double { min(max(Double(step) / Double(totalSteps), 0), 1) }

    /// ε after `progress`: linear from `explorationInitialEps` to `explorationFinalEps` over
    /// `explorationFraction`, then constant (SB3's `get_linear_fn`).
    func explorationRate(progress: Double) -> Double {
        ScheduleConfig.linear(config.explorationInitialEps, to: config.explorationFinalEps, over: config.explorationFraction).value(progress: progress)
    }

    public func train(untilStep: Int, shouldStop: () -> Bool, log: (String, Double, Int) -> Void) throws {
        let m = config.numEnvs, d = observationSize
        let trainEvery = max(config.trainFrequency / m, 1)
        let targetEvery = max(config.targetUpdateInterval / m, 1)
        while step < untilStep && !shouldStop() {
            // 1. Act: random before learningStarts (SB3), else ε-greedy per copy.
            previousObservations.withUnsafeMutableBufferPointer { dst in
                environments.observations.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) }
            }
            chooseActions()
            try environments.step(actions)
            step += m
            vectorSteps += 1

            // 2. Store: the next observation of an ended copy is where its episode ended.
            for i in 0..<m {
                let ended = environments.ended[i]
                let nextRows = ended ? environments.finalObservations : environments.observations
                let obs = previousObservations[(i * d)..<((i + 1) * d)]
                let next = nextRows[(i * d)..<((i + 1) * d)]
                let action = actionRows[(i * layout.width)..<((i + 1) * layout.width)]
                if let emitted = accumulators?[i].add(observation: Array(obs), action: Array(action), reward: environments.rewards[i],
                                                      nextObservation: Array(next), terminated: environments.terminated[i], truncated: environments.truncated[i]) {
                    for t in emitted { replay.add(t) }
                } else {
                    replay.add(observation: obs, action: action, reward: environments.rewards[i], nextObservation: next,
                               terminated: environments.terminated[i], truncated: environments.truncated[i])
                }
                if ended {
                    episodes += 1
                    log("train/episode_return", environments.episodeReturns[i], step)
                    log("train/episode_length", Double(environments.episodeLengths[i]), step)
                }
            }

            // 3. Schedules and target network on the env-step clock (SB3's `_on_step`).
            epsilon = explorationRate(progress: progress)
            if vectorSteps % targetEvery == 0 { target.polyakUpdate(from: online, tau: Float(config.tau)) }

            // 4. A training round every trainFrequency steps once past learningStarts.
            if vectorSteps % trainEvery == 0 && step > config.learningStarts && config.gradientSteps > 0 {
                optimizer.learningRate = config.learningRate.value(progress: progress)
                var lossSum = 0.0
                for _ in 0..<config.gradientSteps { lossSum += Double(gradientStep()) }
                log("train/loss", lossSum / Double(config.gradientSteps), step)
                log("train/learning_rate", optimizer.learningRate, step)
                log("train/epsilon", epsilon, step)
                log("train/n_updates", Double(gradientUpdates), step)
            }
        }
    }

    /// Fills `actions` and `actionRows` for the current observations.
    private func chooseActions() {
        let m = config.numEnvs, w = layout.width
        let random = step < config.learningStarts
        var greedy: [Int]?
        for i in 0..<m {
            let explore = random || explorationRNG.uniformDouble() < epsilon
            if explore {
                for (k, n) in layout.branches.enumerated() { actionRows[i * w + k] = Int32(explorationRNG.uniformInt(below: n)) }
            } else {
                let g = greedy ?? online.greedy(previousObservations, rows: m)
                greedy = g
                for k in 0..<w { actionRows[i * w + k] = Int32(g[i * w + k]) }
            }
            actions[i] = layout.action(actionRows[(i * w)..<((i + 1) * w)].map { Int($0) })
        }
    }

    public func act(_ observation: [Float]) -> Action {
        precondition(observation.count == observationSize, "DQNAgent.act: observation has \(observation.count) elements, expected \(observationSize)")
        return layout.action(online.greedy(observation, rows: 1))
    }

    /// Greedy actions for `rows` observations, row-major `[rows, observationSize]` (for evaluation
    /// and the Python reader's reference).
    public func greedyActions(_ observations: [Float], rows: Int) -> [[Int]] {
        let g = online.greedy(observations, rows: rows)
        return (0..<rows).map { Array(g[($0 * layout.width)..<(($0 + 1) * layout.width)]) }
    }

    public var policyNetwork: (kind: PolicySpec.NetworkKind, hidden: [Int], activation: String, dueling: Bool) {
        (layout.isMultiDiscrete ? .branchingQValues : .qValues, config.network.hidden, config.network.activation.rawValue, config.dueling)
    }

    /// No observation normalization: the network sees the environment's observations as they are.
    public var observationNormalization: PolicySpec.Normalization? { nil }
}

extension DQNAgent {
    /// Builds the agent over a `SyncVectorEnvironment` of copies made by `makeEnvironment(i)`,
    /// `i` in `0..<numEnvs`, and resets them.
    /// - Throws: as `init(config:seed:totalSteps:availableMemory:environments:)`, and whatever the factory throws.
    public convenience init<Env: Environment>(config: DQNConfig, seed: UInt64, totalSteps: Int, availableMemory: Int? = ReplayBuffer.availableMemoryBytes(),
                                              makeEnvironment: (Int) throws -> Env) throws where Envs == SyncVectorEnvironment<Env> {
        try Self.validate(config, totalSteps: totalSteps)
        try self.init(config: config, seed: seed, totalSteps: totalSteps, availableMemory: availableMemory,
                      environments: SyncVectorEnvironment(count: config.numEnvs, make: makeEnvironment))
    }
}
