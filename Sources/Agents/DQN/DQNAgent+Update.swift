import NeuralNet

// The DQN TD update, top to bottom (CleanRL's dqn.py and SB3's DQN.train are the models):
//
//   sample (s, a, R, s', terminated, m, w) from replay
//   a*_d   = argmax_a Q_online,d(s', a)            (Double DQN; plain DQN uses Q_target here)
//   y      = R + (1 − terminated) · γ^m · mean_d Q_target,d(s', a*_d)
//   loss   = mean_{b,d} w_b · Huber(Q_online,d(s_b, a_{b,d}) − y_b)
//   clip the global gradient norm, Adam step, new priorities |δ| (prioritized replay)
//
// Truncation is not termination: only `terminated` zeroes the bootstrap; a truncated transition's
// next observation is the final observation of the cut episode and is bootstrapped from.
// With branching heads (Tavakoli et al. 2018, "mean" target, eq. 6) every branch regresses on the
// same target, the mean over branches of the target network's values at the selected actions.

extension DQNAgent {
    /// One TD update on a sampled minibatch.
    /// - Returns: the loss before the update.
    func gradientStep() -> Float {
        let b = config.batchSize, d = observationSize, w = layout.width
        let prioritized = config.replay.prioritized

        // 1. A minibatch (uniform, or proportional to priority with importance weights).
        replay.sample(into: &batch, using: &replayRNG, beta: replay.beta(progress: progress))
        let observations = Tensor(shape: [b, d], scalars: batch.observations)
        let nextObservations = Tensor(shape: [b, d], scalars: batch.nextObservations)

        // 2. TD targets, without gradients.
        targetTape.reset()
        let (nextTarget, nextOnline) = targetTape.withoutGradients { () -> ([Tensor], [Tensor]?) in
            let x = targetTape.constant(nextObservations)
            return (target.branchValues(x).map(\.value), config.doubleQ ? online.branchValues(x).map(\.value) : nil)
        }
        DQNTarget.compute(rewards: batch.rewards, terminated: batch.terminated, steps: batch.steps, gamma: config.gamma,
                          nextTarget: nextTarget, nextSelector: nextOnline ?? nextTarget, into: &targets)

        // 3. Q(s, a) of the online network for the stored actions, every branch against the same target.
        tape.reset()
        let q = online.branchValues(tape.constant(observations))
        var chosen: [Variable] = []
        chosen.reserveCapacity(w)
        for (k, qk) in q.enumerated() {
            chosen.append(qk.gather((0..<b).map { Int(batch.actions[$0 * w + k]) }, axis: 1))
        }
        let predicted = w == 1 ? chosen[0] : Variable.concatenate(chosen, axis: 0)
        let y = Tensor(shape: [w * b], scalars: w == 1 ? targets : [[Float]](repeating: targets, count: w).flatMap { $0 })

        // 4. Huber loss (SB3's smooth_l1_loss), importance-weighted under prioritized replay.
        let perSample = (predicted - y).huber(delta: 1)
        let loss: Variable
        if prioritized {
            let weights = Tensor(shape: [w * b], scalars: [[Float]](repeating: batch.weights, count: w).flatMap { $0 })
            loss = (perSample * weights).mean()
        } else {
            loss = perSample.mean()
        }

        // 5. Gradients, global-norm clipping, Adam.
        tape.backward(loss)
        clipGradientNorm(onlineParameters, maxNorm: Float(config.maxGradNorm))
        optimizer.step()
        gradientUpdates += 1

        // 6. New priorities: |δ| averaged over branches.
        if prioritized {
            let p = predicted.value
            for j in 0..<b {
                var e: Float = 0
                for k in 0..<w { e += abs(p[element: k * b + j] - targets[j]) }
                tdErrors[j] = e / Float(w)
            }
            replay.updatePriorities(indices: batch.indices, tdErrors: tdErrors)
        }
        return loss.value.scalar
    }
}

/// The DQN TD target, a pure function so it can be checked against hand-computed values.
public enum DQNTarget {
    /// `y_b = r_b + (1 − terminated_b) · γ^{m_b} · mean_d nextTarget_d[b, argmax_a nextSelector_d[b, a]]`.
    ///
    /// - Parameters:
    ///   - rewards: the (n-step discounted) rewards `R_b`.
    ///   - terminated: 1 where the transition reached a terminal state (no bootstrap), else 0.
    ///     Truncated transitions pass 0 here: they bootstrap.
    ///   - steps: m, the number of rewards summed in `R_b` (1 for one-step TD).
    ///   - gamma: discount γ.
    ///   - nextTarget: the target network's Q values at s', one `[B, n_d]` tensor per branch.
    ///   - nextSelector: the values whose argmax picks a*: the online network's (Double DQN,
    ///     van Hasselt et al. 2016) or `nextTarget` itself (plain DQN: the max).
    ///   - targets: receives the B targets.
    public static func compute(rewards: [Float], terminated: [Float], steps: [Int32], gamma: Double,
                               nextTarget: [Tensor], nextSelector: [Tensor], into targets: inout [Float]) {
        let b = rewards.count
        precondition(terminated.count == b && steps.count == b && targets.count == b && nextTarget.count == nextSelector.count,
                     "DQNTarget: \(b) rewards, \(terminated.count) flags, \(steps.count) steps, \(targets.count) targets, \(nextTarget.count)/\(nextSelector.count) branches")
        let branches = Float(nextTarget.count)
        let gamma1 = Float(gamma)
        for j in 0..<b {
            var bootstrap: Float = 0
            for (qt, qs) in zip(nextTarget, nextSelector) {
                let n = qt.shape[1]
                precondition(qs.shape == qt.shape && qt.shape[0] == b, "DQNTarget: branch shapes \(qt.shape) and \(qs.shape) for \(b) rows")
                var best = 0
                var bestValue = qs[element: j * n]
                for a in 1..<n where qs[element: j * n + a] > bestValue {
                    best = a
                    bestValue = qs[element: j * n + a]
                }
                bootstrap += qt[element: j * n + best]
            }
            if nextTarget.count > 1 { bootstrap /= branches }
            let m = steps[j]
            let discount = m == 1 ? gamma1 : Float(pow(gamma, Double(m)))
            targets[j] = rewards[j] + ((1 - terminated[j]) * discount) * bootstrap
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
