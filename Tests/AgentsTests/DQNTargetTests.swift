import Testing
import NeuralNet
@testable import Agents

/// TD targets against values computed by hand from the definitions
/// (Mnih et al. 2015; van Hasselt et al. 2016; Tavakoli et al. 2018; n-step as in Rainbow).
@Suite struct DQNTargetTests {
    private func target(_ r: [Float], _ term: [Float], _ steps: [Int32], gamma: Double, next: [Tensor], selector: [Tensor]) -> [Float] {
        var out = [Float](repeating: .nan, count: r.count)
        DQNTarget.compute(rewards: r, terminated: term, steps: steps, gamma: gamma, nextTarget: next, nextSelector: selector, into: &out)
        return out
    }

    /// Double DQN: the online net picks the action, the target net values it; plain DQN takes the target's max.
    @Test func doubleDQNUsesOnlineArgmaxAndTargetValue() {
        let qTarget = Tensor([[1.0, 5.0, 2.0], [0.5, 0.25, 4.0]])
        let qOnline = Tensor([[9.0, 0.0, 1.0], [0.0, 3.0, 1.0]])   // picks action 0, then action 1
        let double = target([1, 2], [0, 0], [1, 1], gamma: 0.5, next: [qTarget], selector: [qOnline])
        // row 0: 1 + 0.5 * Q_target(s', 0) = 1 + 0.5 * 1 = 1.5; row 1: 2 + 0.5 * 0.25 = 2.125
        #expect(double == [1.5, 2.125])
        let plain = target([1, 2], [0, 0], [1, 1], gamma: 0.5, next: [qTarget], selector: [qTarget])
        // max: 1 + 0.5 * 5 = 3.5; 2 + 0.5 * 4 = 4
        #expect(plain == [3.5, 4])
    }

    /// Terminated transitions drop the bootstrap; truncated ones (terminated = 0) keep it.
    @Test func terminatedMasksBootstrapTruncatedDoesNot() {
        let q = Tensor([[2.0, 3.0], [2.0, 3.0]])
        let y = target([1, 1], [1, 0], [1, 1], gamma: 0.9, next: [q], selector: [q])
        #expect(y[0] == 1)                         // terminated: r only
        #expect(abs(y[1] - (1 + 0.9 * 3)) < 1e-6)  // truncated: r + γ max Q(s_final)
    }

    /// n-step returns bootstrap with γ^m, m the number of rewards actually summed.
    @Test func nStepBootstrapsWithGammaToTheM() {
        let q = Tensor([[10.0], [10.0], [10.0]])
        let y = target([3, 2, 1], [0, 0, 1], [3, 2, 1], gamma: 0.9, next: [q], selector: [q])
        #expect(abs(y[0] - (3 + 0.729 * 10)) < 1e-5)
        #expect(abs(y[1] - (2 + 0.81 * 10)) < 1e-5)
        #expect(y[2] == 1)
    }

    /// Branching (Tavakoli et al. 2018): every branch regresses on r + γ · mean_d Q_target,d(s', a*_d).
    @Test func branchingTargetIsMeanOverBranches() {
        let t0 = Tensor([[1.0, 4.0]]), t1 = Tensor([[6.0, 0.0, 2.0]])
        let o0 = Tensor([[0.0, 1.0]]), o1 = Tensor([[0.0, 0.0, 7.0]])   // a* = (1, 2)
        let y = target([0.5], [0], [1], gamma: 1.0, next: [t0, t1], selector: [o0, o1])
        #expect(y == [0.5 + (4 + 2) / 2])
    }

    /// Ties pick the lowest index, as torch.argmax.
    @Test func tiesPickFirstAction() {
        let qt = Tensor([[1.0, 2.0]]), qs = Tensor([[3.0, 3.0]])
        #expect(target([0], [0], [1], gamma: 1, next: [qt], selector: [qs]) == [1])
    }
}
