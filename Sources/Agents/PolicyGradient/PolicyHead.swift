import CheckpointFormat
import Foundation
import Gym

/// The action distribution of a policy-gradient agent, chosen from the environment's action space.
///
/// - Discrete(n) → a categorical over `n` logits.
/// - MultiDiscrete(nvec) → independent categoricals, one per dimension, over `Σ nvec` logits
///   (the market env's `perAsset` scheme).
/// - Box(low, high) → a diagonal Gaussian with a state-independent log standard deviation (SB3's
///   `DiagGaussianDistribution`), kept in bounds by clipping or tanh-squashing (then the env applies
///   its own projection, e.g. the market env's neutrality projection for the `weights` scheme).
public enum PolicyHead: Sendable, Equatable {
    /// A categorical over `actions` logits (Discrete).
    case categorical(actions: Int)
    /// Independent categoricals, one per entry of `nvec` (MultiDiscrete).
    case factorizedCategorical(nvec: [Int])
    /// A diagonal Gaussian over `dimension` values, kept in `[low, high]` by `bound` (Box).
    case gaussian(dimension: Int, low: [Float], high: [Float], bound: ContinuousActionBound)

    /// The head for an action space.
    public init(actionSpace: ActionSpace, bound: ContinuousActionBound) {
        switch actionSpace {
        case .discrete(let s): self = .categorical(actions: s.n)
        case .multiDiscrete(let s): self = .factorizedCategorical(nvec: s.nvec)
        case .box(let s): self = .gaussian(dimension: s.count, low: s.low, high: s.high, bound: bound)
        }
    }

    /// Width of the actor network's output layer.
    public var actorOutputs: Int {
        switch self {
        case .categorical(let n): return n
        case .factorizedCategorical(let nvec): return nvec.reduce(0, +)
        case .gaussian(let d, _, _, _): return d
        }
    }

    /// Floats stored per action in the rollout buffer.
    public var storedActionCount: Int {
        switch self {
        case .categorical: return 1
        case .factorizedCategorical(let nvec): return nvec.count
        case .gaussian(let d, _, _, _): return d
        }
    }

    /// The checkpoint's network kind.
    public var networkKind: PolicySpec.NetworkKind {
        switch self {
        case .categorical: return .categorical
        case .factorizedCategorical: return .factorizedCategorical
        case .gaussian: return .gaussian
        }
    }

    /// The env action for a stored action row (indices, or the raw Gaussian sample which is then
    /// clipped or squashed into `[low, high]`).
    func environmentAction(_ stored: UnsafeBufferPointer<Float>) -> Action {
        switch self {
        case .categorical:
            return .discrete(Int(stored[0]))
        case .factorizedCategorical:
            return .multiDiscrete(stored.map { Int($0) })
        case let .gaussian(_, low, high, bound):
            return .continuous(Self.bounded(stored, low: low, high: high, bound: bound))
        }
    }

    /// A Gaussian sample (or mean) mapped into the box: clipped, or `low + (tanh(u) + 1)/2 · (high − low)`.
    static func bounded(_ u: some Collection<Float>, low: [Float], high: [Float], bound: ContinuousActionBound) -> [Float] {
        var out = [Float](repeating: 0, count: low.count)
        for (d, x) in u.enumerated() { out[d] = PolicyForward.bounded(x, low: low[d], high: high[d], squash: bound == .squash) }
        return out
    }
}
