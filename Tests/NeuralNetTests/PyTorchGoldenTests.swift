import Foundation
import Testing
import TestSupport
@testable import NeuralNet

/// Forward values, gradients and optimizer steps against PyTorch 2.13 (Goldens/, written by
/// scripts/goldens/make_goldens.py with the same inputs and weights, stored there).
@Suite("NeuralNet vs PyTorch goldens")
struct PyTorchGoldenTests {
    static func load(_ layer: some Layer, prefix: String, from golden: Golden) throws {
        for p in layer.namedParameters(prefix: prefix) { p.parameter.value = try golden.tensor("\(p.name).value") }
    }

    static func expectMatches(_ layer: some Layer, prefix: String, suffix: String, _ golden: Golden,
                              _ get: (Parameter) -> Tensor, relative: Double = 1e-5, floor: Double = 1e-5,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        for p in layer.namedParameters(prefix: prefix) {
            let bad = goldenMismatch(get(p.parameter), try golden.tensor("\(p.name).\(suffix)"), relative: relative, floorFraction: floor)
            #expect(bad == nil, "\(p.name).\(suffix): \(bad ?? "")", sourceLocation: sourceLocation)
        }
    }

    @Test func dqnHuberStepAndAdam() throws {
        let golden = try Golden("dqn_mlp", bundle: Bundle.module)
        var rng = Xoshiro256(seed: 0)
        let q = Sequential.mlp([64, 256, 256, 11], rng: &rng)
        let target = Sequential.mlp([64, 256, 256, 11], rng: &rng)
        try Self.load(q, prefix: "q", from: golden)
        target.copyParameters(from: q)
        target.setRequiresGrad(false)

        let obs = try golden.tensor("obs"), nextObs = try golden.tensor("next_obs")
        let actions = try golden.integers("actions"), rewards = try golden.tensor("rewards"), dones = try golden.tensor("dones")
        let gamma = try golden.scalar("gamma")
        // TD target without gradients, eagerly (the inference path).
        let tdTarget = rewards + gamma * (1 - dones) * target(nextObs).max(axis: 1)
        #expect(goldenMismatch(tdTarget, try golden.tensor("td_target")) == nil)

        let tape = Tape()
        let qValues = q(tape.constant(obs))
        let loss = Loss.huber(qValues.gather(actions, axis: 1), tdTarget)
        tape.backward(loss)
        #expect(goldenMismatch(qValues.value, try golden.tensor("q_values")) == nil)
        #expect(isClose(loss.value.scalar, try golden.scalar("loss"), relative: 1e-5))
        try Self.expectMatches(q, prefix: "q", suffix: "grad", golden) { $0.grad }

        let adam = Adam(q.namedParameters(prefix: "q"), learningRate: 1e-3)
        adam.step()
        try Self.expectMatches(q, prefix: "q", suffix: "adam1", golden) { $0.value }
    }

    /// The CleanRL PPO loss: clipped surrogate + 0.5 · value loss − 0.01 · entropy.
    static func ppoLoss(newLogProb: Variable, oldLogProb: Tensor, advantages: Tensor, entropy: Variable,
                        value: Variable, returns: Tensor) -> (loss: Variable, pg: Variable, v: Variable, entropy: Variable) {
        let ratio = (newLogProb - oldLogProb).exp()
        let pg = ((-advantages) * ratio).maximum((-advantages) * ratio.clamped(min: 0.8, max: 1.2)).mean()
        let v = 0.5 * (value - returns).squared().mean()
        let ent = entropy.mean()
        return (pg - 0.01 * ent + 0.5 * v, pg, v, ent)
    }

    @Test(arguments: ["categorical", "gaussian"])
    func ppoLossAndGradients(kind: String) throws {
        let golden = try Golden("ppo_\(kind)", bundle: Bundle.module)
        var rng = Xoshiro256(seed: 0)
        let actor = Sequential.mlp([64, 64, 64, kind == "categorical" ? 5 : 3], activation: .tanh, rng: &rng)
        let critic = Sequential.mlp([64, 64, 64, 1], activation: .tanh, rng: &rng)
        try Self.load(actor, prefix: "actor", from: golden)
        try Self.load(critic, prefix: "critic", from: golden)
        let tape = Tape()
        let obs = tape.constant(try golden.tensor("obs"))
        let out = actor(obs)
        let newLogProb: Variable, entropy: Variable
        var logStd: Parameter?
        if kind == "categorical" {
            let dist = Categorical(logits: out)
            newLogProb = dist.logProb(try golden.integers("actions"))
            entropy = dist.entropy()
        } else {
            let ls = Parameter(try golden.tensor("log_std.value"))
            logStd = ls
            let dist = DiagonalGaussian(mean: out, logStd: tape.parameter(ls))
            newLogProb = dist.logProb(try golden.tensor("actions"))
            entropy = dist.entropy()
        }
        let value = critic(obs).reshaped([-1])
        let l = Self.ppoLoss(newLogProb: newLogProb, oldLogProb: try golden.tensor("old_log_prob"),
                             advantages: try golden.tensor("advantages"), entropy: entropy, value: value,
                             returns: try golden.tensor("returns"))
        tape.backward(l.loss)
        #expect(goldenMismatch(newLogProb.value, try golden.tensor("new_log_prob")) == nil)
        #expect(goldenMismatch(entropy.value, try golden.tensor("entropy")) == nil)
        #expect(goldenMismatch(value.value, try golden.tensor("value")) == nil)
        for (name, v) in [("loss", l.loss), ("pg_loss", l.pg), ("v_loss", l.v), ("entropy_mean", l.entropy)] {
            #expect(isClose(v.value.scalar, try golden.scalar(name), relative: 1e-5, absolute: 1e-7), "\(name)")
        }
        try Self.expectMatches(actor, prefix: "actor", suffix: "grad", golden) { $0.grad }
        try Self.expectMatches(critic, prefix: "critic", suffix: "grad", golden) { $0.grad }
        if let logStd {
            #expect(goldenMismatch(logStd.grad, try golden.tensor("log_std.grad")) == nil)
        }
        guard kind == "categorical" else { return }

        // Two steps of each optimizer against torch.optim, from PyTorch's own gradients: RMSprop and
        // Adam normalize by |g|, so float-rounding differences in near-zero gradients (which pass the
        // gradient check through its absolute floor) would otherwise be amplified.
        let params = actor.namedParameters(prefix: "actor") + critic.namedParameters(prefix: "critic")
        for p in params { p.parameter.grad = try golden.tensor("\(p.name).grad") }
        let start = params.map(\.parameter.value)
        let makers: [(String, () -> any Optimizer)] = [
            ("adam", { Adam(params, learningRate: 1e-2) }),
            ("adamw", { Adam.adamW(params, learningRate: 1e-2, weightDecay: 0.1) }),
            ("rmsprop", { RMSprop(params, learningRate: 1e-2, alpha: 0.9, momentum: 0.5, centered: true) }),
            ("sgd", { SGD(params, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) }),
        ]
        for (name, make) in makers {
            for (p, s) in zip(params, start) { p.parameter.value = s }
            let opt = make()
            opt.step()
            opt.step()
            for p in params {
                let bad = goldenMismatch(p.parameter.value, try golden.tensor("\(p.name).\(name)2"), relative: 1e-5, floorFraction: 1e-5)
                #expect(bad == nil, "\(name) \(p.name): \(bad ?? "")")
            }
        }
        let norm = clipGradientNorm(params, maxNorm: 0.5)
        #expect(isClose(norm, try golden.scalar("grad_norm"), relative: 1e-5))
        for p in params {
            let bad = goldenMismatch(p.parameter.grad, try golden.tensor("\(p.name).clipped_grad"))
            #expect(bad == nil, "clipped \(p.name): \(bad ?? "")")
        }
    }
}
