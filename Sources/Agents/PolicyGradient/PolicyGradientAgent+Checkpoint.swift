import CheckpointFormat
import Gym
import NeuralNet
import SeededRandom
import TensorCore

/// Export and restore for checkpoints (docs/checkpoint-format.md; names in docs/policy-gradient.md).
///
/// `/policy/parameters`: `actor.layers.<i>.weight|bias` and, for Gaussian heads, `log_std`.
/// `/training`: `networks/critic`, the optimizer's buffers (`<parameter>.<buffer>`), `rng/agent`,
/// counters (`step`, `episodes`, `gradientSteps`, `iterations`, `started`, `optimizer.step`),
/// `optimizer.learningRate`, texts (`algorithm`, `optimizer.algorithm`), and the vector env's state
/// (every copy, the current observations, the running episode statistics) under `env.`.

extension PolicyGradientAgent {
    /// The actor's parameters (and `log_std`), in order.
    public func policyParameters() -> [NamedTensor] {
        Self.export(model.policyParameters)
    }

    /// Critic, optimizer, generator, env states, observations, running statistics and counters.
    public func trainingState() -> TrainingState {
        var s = TrainingState()
        s.networks["critic"] = Self.export(model.criticParameters)
        let opt = optimizer.exportState()
        s.optimizer = opt.buffers.keys.sorted().map { key in
            let values = opt.buffers[key] ?? []
            return NamedTensor(name: key, shape: [values.count], values: values)
        }
        s.counters["optimizer.step"] = Int64(opt.step)
        s.scalars["optimizer.learningRate"] = opt.learningRate
        s.texts["optimizer.algorithm"] = opt.algorithm
        s.texts["algorithm"] = algorithm
        s.rng["agent"] = rng.state
        s.counters["step"] = Int64(step)
        s.counters["episodes"] = Int64(episodes)
        s.counters["gradientSteps"] = Int64(gradientSteps)
        s.counters["iterations"] = Int64(iterations)
        s.counters["started"] = started ? 1 : 0
        s.counters["numEnvs"] = Int64(environments.environmentCount)
        // The vector's state holds every copy's state, the current observations and the running
        // episode statistics (`env.` prefix, as DQN's).
        let environmentState = started ? environments.exportStateIfSupported() : nil
        if let environmentState { s.store(environmentState, prefix: "env.") }
        s.counters["environmentsStateful"] = environments.isStateful ? 1 : 0
        if let normalizer {
            s.arrays["observationNormalization.mean"] = normalizer.statistics.mean
            s.arrays["observationNormalization.variance"] = normalizer.statistics.variance
            s.scalars["observationNormalization.count"] = normalizer.statistics.count
        }
        return s
    }

    /// Restores a state from `policyParameters()` + `trainingState()`; checks everything before
    /// changing anything.
    /// - Throws: `AgentError.incompatibleCheckpoint` naming what does not match (algorithm, number
    ///   of env copies, parameter names or shapes, optimizer state, env state, non-stateful env).
    public func restore(policy: [NamedTensor], training: TrainingState) throws {
        func incompatible(_ m: String) -> AgentError { .incompatibleCheckpoint(m) }
        guard training.texts["algorithm"] == algorithm else {
            throw incompatible("checkpoint algorithm '\(training.texts["algorithm"] ?? "none")', this agent runs '\(algorithm)'")
        }
        guard training.counters["numEnvs"] == Int64(environments.environmentCount) else {
            throw incompatible("checkpoint has \(training.counters["numEnvs"].map(String.init) ?? "no") env copies, this agent \(environments.environmentCount); use the same numEnvs")
        }
        guard let critic = training.networks["critic"] else { throw incompatible("no networks/critic") }
        guard let rngState = training.rng["agent"], let generator = try? Xoshiro256(state: rngState) else {
            throw incompatible("missing or malformed rng/agent")
        }
        func counter(_ name: String) throws -> Int {
            guard let v = training.counters[name] else { throw incompatible("missing counter '\(name)'") }
            return Int(v)
        }
        let started = try counter("started") != 0
        let environmentsSaved = try counter("environmentsStateful") != 0
        if started && !environmentsSaved {
            throw incompatible("the environment copies were not saved (\(Envs.self) is not a StatefulVectorEnvironment), so training cannot resume exactly")
        }
        var restoredNormalizer = normalizer
        if var n = restoredNormalizer {
            guard let mean = training.arrays["observationNormalization.mean"],
                  let variance = training.arrays["observationNormalization.variance"],
                  let count = training.scalars["observationNormalization.count"] else {
                throw incompatible("no observation statistics (observationNormalization.*) but this agent normalizes observations")
            }
            do {
                try n.restore(NormalizationStatistics(names: n.names, mean: mean, variance: variance, count: count,
                                                      clip: n.config.clip, epsilon: n.config.epsilon))
            } catch { throw incompatible("observation statistics: \(error)") }
            restoredNormalizer = n
        }
        // Check everything before changing anything.
        try Self.check(policy, against: model.policyParameters, role: "policy")
        try Self.check(critic, against: model.criticParameters, role: "critic")
        var restoredEnvironments = environments
        if started {
            do { try restoredEnvironments.importStateIfSupported(training.environmentState(prefix: "env.")) } catch {
                throw incompatible("environment state: \(error)")
            }
        }
        var buffers: [String: [Float]] = [:]
        for t in training.optimizer { buffers[t.name] = t.values }
        let optimizerState = OptimizerState(algorithm: training.texts["optimizer.algorithm"] ?? "",
                                            step: try counter("optimizer.step"),
                                            learningRate: training.scalars["optimizer.learningRate"] ?? optimizer.learningRate,
                                            buffers: buffers)
        let savedParameters = model.allParameters.map { $0.parameter.value }
        do {
            Self.assign(policy, to: model.policyParameters)
            Self.assign(critic, to: model.criticParameters)
            try optimizer.restoreState(optimizerState)
        } catch {
            for (p, v) in zip(model.allParameters, savedParameters) { p.parameter.value = v }
            throw incompatible("optimizer state: \(error)")
        }
        environments = restoredEnvironments
        normalizer = restoredNormalizer
        rng = generator
        step = try counter("step")
        episodes = try counter("episodes")
        gradientSteps = try counter("gradientSteps")
        iterations = try counter("iterations")
        self.started = started
    }

    static func export(_ parameters: [NamedParameter]) -> [NamedTensor] {
        parameters.map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) }
    }

    static func check(_ saved: [NamedTensor], against parameters: [NamedParameter], role: String) throws {
        let expected = parameters.map { "\($0.name) \($0.parameter.value.shape)" }
        let found = saved.map { "\($0.name) \($0.shape)" }
        guard expected == found else {
            throw AgentError.incompatibleCheckpoint("\(role) parameters \(found) do not match this agent's \(expected) (network or environment differs)")
        }
    }

    static func assign(_ saved: [NamedTensor], to parameters: [NamedParameter]) {
        for (t, p) in zip(saved, parameters) { p.parameter.value = Tensor(shape: t.shape, scalars: t.values) }
    }
}
