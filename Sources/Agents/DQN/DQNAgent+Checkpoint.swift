import CheckpointFormat
import Gym
import HDF5
import NeuralNet

// What a DQN checkpoint holds, so that restoring into a freshly built agent and training on gives
// bit-identical weights and metrics:
//   policy                  online network `q.*`
//   networks/target         target network `q.*`
//   optimizer               Adam moments `<param>.exp_avg`, `<param>.exp_avg_sq`; step and lr as counter/scalar
//   rng                     `exploration`, `replay` (environment generators are inside the env state)
//   counters                step, episodes, vectorSteps, gradientUpdates, optimizer.step
//   scalars                 epsilon, optimizer.learningRate
//   arrays / integerArrays  `env.*`: the vector environment's complete state; `nstep.<i>.*`: pending n-step transitions
//   /replay                 the replay buffer, written by `writeReplay(to:)` (docs/replay-format.md)

extension DQNAgent {
    public func policyParameters() -> [NamedTensor] {
        onlineParameters.map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) }
    }

    public func trainingState() -> TrainingState {
        var s = TrainingState()
        s.networks["target"] = target.namedParameters(prefix: "q").map {
            NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars)
        }
        let opt = optimizer.exportState()
        let shapes = Dictionary(uniqueKeysWithValues: onlineParameters.map { ($0.name, $0.parameter.value.shape) })
        s.optimizer = opt.buffers.keys.sorted().map { key in
            let values = opt.buffers[key] ?? []
            let param = String(key[..<(key.lastIndex(of: ".") ?? key.endIndex)])
            return NamedTensor(name: key, shape: shapes[param] ?? [values.count], values: values)
        }
        s.rng["exploration"] = explorationRNG.state
        s.rng["replay"] = replayRNG.state
        s.counters = ["step": Int64(step), "episodes": Int64(episodes), "vectorSteps": Int64(vectorSteps),
                      "gradientUpdates": Int64(gradientUpdates), "optimizer.step": Int64(opt.step)]
        s.scalars = ["epsilon": epsilon, "optimizer.learningRate": opt.learningRate]
        s.texts["optimizer.algorithm"] = opt.algorithm
        if let env = environments.exportStateIfSupported() { s.store(env, prefix: "env.") }
        if let accumulators {
            for (i, a) in accumulators.enumerated() {
                s.arrays["nstep.\(i).observations"] = a.pendingObservations.flatMap { $0.map(Double.init) }
                s.integerArrays["nstep.\(i).actions"] = a.pendingActions.flatMap { $0.map { Int64($0) } }
                s.arrays["nstep.\(i).rewards"] = a.pendingRewards
            }
        }
        return s
    }

    public func restore(policy: [NamedTensor], training: TrainingState) throws {
        func assign(_ tensors: [NamedTensor], to params: [NamedParameter], role: String) throws(AgentError) {
            guard tensors.map(\.name) == params.map(\.name) else {
                throw .incompatibleCheckpoint("\(role) parameters \(tensors.map(\.name)) do not match this agent's \(params.map(\.name)) (network or action space differs)")
            }
            for (t, p) in zip(tensors, params) where t.shape != p.parameter.value.shape {
                throw .incompatibleCheckpoint("\(role) parameter \(t.name) has shape \(t.shape), this agent's has \(p.parameter.value.shape)")
            }
            for (t, p) in zip(tensors, params) { p.parameter.value = Tensor(shape: t.shape, scalars: t.values) }
        }
        func counter(_ name: String) throws(AgentError) -> Int {
            guard let v = training.counters[name] else { throw .incompatibleCheckpoint("training state has no counter '\(name)' (not a DQN checkpoint?)") }
            return Int(v)
        }
        guard let targetTensors = training.networks["target"] else { throw AgentError.incompatibleCheckpoint("training state has no target network") }
        let restoredStep = try counter("step"), restoredEpisodes = try counter("episodes")
        let restoredVectorSteps = try counter("vectorSteps"), restoredUpdates = try counter("gradientUpdates")
        let optimizerStep = try counter("optimizer.step")
        guard let eps = training.scalars["epsilon"], let lr = training.scalars["optimizer.learningRate"] else {
            throw AgentError.incompatibleCheckpoint("training state lacks epsilon or the learning rate")
        }
        guard let explorationWords = training.rng["exploration"], let replayWords = training.rng["replay"] else {
            throw AgentError.incompatibleCheckpoint("training state lacks the exploration or replay generator")
        }
        let exploration: Xoshiro256, replaySampler: Xoshiro256
        do {
            exploration = try Xoshiro256(state: explorationWords)
            replaySampler = try Xoshiro256(state: replayWords)
        } catch { throw AgentError.incompatibleCheckpoint("generator state: \(error)") }

        try assign(policy, to: onlineParameters, role: "policy")
        try assign(targetTensors, to: target.namedParameters(prefix: "q"), role: "target")
        var buffers: [String: [Float]] = [:]
        for t in training.optimizer { buffers[t.name] = t.values }
        do {
            try optimizer.restoreState(OptimizerState(algorithm: training.texts["optimizer.algorithm"] ?? "adam", step: optimizerStep, learningRate: lr, buffers: buffers))
        } catch { throw AgentError.incompatibleCheckpoint("optimizer: \(error)") }
        if environments.isStateful {
            do { try environments.importStateIfSupported(training.environmentState(prefix: "env.")) } catch {
                throw AgentError.incompatibleCheckpoint("environment state: \(error)")
            }
        } else {
            // Without a stateful environment training continues from fresh episodes: not bit-exact.
            try environments.reset(seed: seed &+ UInt64(restoredVectorSteps))
        }
        if accumulators != nil {
            let d = observationSize, w = layout.width
            for i in 0..<config.numEnvs {
                let obs = training.arrays["nstep.\(i).observations"] ?? [], acts = training.integerArrays["nstep.\(i).actions"] ?? []
                let rewards = training.arrays["nstep.\(i).rewards"] ?? []
                guard obs.count == rewards.count * d, acts.count == rewards.count * w else {
                    throw AgentError.incompatibleCheckpoint("pending n-step transitions of copy \(i) are mis-sized")
                }
                accumulators?[i].reset()
                for r in 0..<rewards.count {
                    accumulators?[i].pendingObservations.append(obs[(r * d)..<((r + 1) * d)].map(Float.init))
                    accumulators?[i].pendingActions.append(acts[(r * w)..<((r + 1) * w)].map { Int32($0) })
                    accumulators?[i].pendingRewards.append(rewards[r])
                }
            }
        }
        step = restoredStep
        episodes = restoredEpisodes
        vectorSteps = restoredVectorSteps
        gradientUpdates = restoredUpdates
        epsilon = eps
        explorationRNG = exploration
        replayRNG = replaySampler
    }

    public func writeReplay(to file: HDF5File) throws {
        try replay.write(to: file, options: ReplayStorageOptions())
    }

    public func readReplay(from file: HDF5File) throws {
        let loaded = try ReplayBuffer.read(from: file)
        guard loaded.observationSize == observationSize, loaded.actionWidth == layout.width, loaded.capacity == replay.capacity,
              loaded.config.prioritized == config.replay.prioritized else {
            throw ReplayBufferError.incompatible(
                "saved buffer holds obs \(loaded.observationSize), action width \(loaded.actionWidth), capacity \(loaded.capacity), prioritized \(loaded.config.prioritized); this agent needs \(observationSize), \(layout.width), \(replay.capacity), \(config.replay.prioritized)")
        }
        replay = loaded
    }
}
