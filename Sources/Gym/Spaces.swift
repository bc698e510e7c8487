import SeededRandom

/// A box in R^n: every element of an observation or continuous action lies in `[low[i], high[i]]`.
///
/// Mirrors `gymnasium.spaces.Box`. Bounds may be infinite. `shape` is the logical shape; values
/// are stored flat, row-major.
public struct BoxSpace: Sendable, Equatable, Codable {
    /// Logical shape (for example `[80]` or `[20, 4]`).
    public let shape: [Int]
    /// Lower bound per element (flat, row-major).
    public let low: [Float]
    /// Upper bound per element (flat, row-major).
    public let high: [Float]

    /// Number of elements (`shape.reduce(1, *)`).
    public var count: Int { low.count }

    /// A box with per-element bounds.
    /// - Precondition: `low.count == high.count == shape.reduce(1, *)` and `low[i] <= high[i]`.
    public init(low: [Float], high: [Float], shape: [Int]? = nil) {
        let shape = shape ?? [low.count]
        precondition(low.count == high.count && low.count == shape.reduce(1, *),
                     "BoxSpace: low \(low.count), high \(high.count), shape \(shape) disagree")
        precondition(zip(low, high).allSatisfy { $0 <= $1 }, "BoxSpace: low must be <= high elementwise")
        self.shape = shape
        self.low = low
        self.high = high
    }

    /// A box with the same bounds for every element.
    public init(low: Float, high: Float, shape: [Int]) {
        let n = shape.reduce(1, *)
        self.init(low: [Float](repeating: low, count: n), high: [Float](repeating: high, count: n), shape: shape)
    }

    /// True when `x` has the right size, is finite where the bounds are, and lies within the bounds.
    public func contains(_ x: some Collection<Float>) -> Bool {
        guard x.count == count else { return false }
        var i = 0
        for v in x {
            if v.isNaN || v < low[i] || v > high[i] { return false }
            i += 1
        }
        return true
    }

    /// A seeded sample: uniform on bounded dimensions, normal on unbounded ones, exponential on
    /// half-bounded ones (Gymnasium's rule).
    public func sample(using rng: inout Xoshiro256) -> [Float] {
        (0..<count).map { i in
            let lo = low[i], hi = high[i]
            switch (lo.isFinite, hi.isFinite) {
            case (true, true): return lo + (hi - lo) * rng.uniformFloat()
            case (false, false): return Float(rng.normal())
            case (true, false): return lo - Float(log1pf(-rng.uniformFloat()))
            case (false, true): return hi + Float(log1pf(-rng.uniformFloat()))
            }
        }
    }
}

/// `{0, 1, ..., n-1}`. Mirrors `gymnasium.spaces.Discrete` (with start 0).
public struct DiscreteSpace: Sendable, Equatable, Codable {
    /// Number of actions.
    public let n: Int

    /// - Precondition: `n > 0`.
    public init(_ n: Int) {
        precondition(n > 0, "DiscreteSpace: n must be positive, got \(n)")
        self.n = n
    }

    public func contains(_ a: Int) -> Bool { a >= 0 && a < n }

    public func sample(using rng: inout Xoshiro256) -> Int { rng.uniformInt(below: n) }
}

/// A vector of independent discrete choices, `a[i]` in `0..<nvec[i]`. Mirrors `gymnasium.spaces.MultiDiscrete`.
public struct MultiDiscreteSpace: Sendable, Equatable, Codable {
    /// Number of choices per component.
    public let nvec: [Int]

    /// - Precondition: every entry is positive.
    public init(_ nvec: [Int]) {
        precondition(!nvec.isEmpty && nvec.allSatisfy { $0 > 0 }, "MultiDiscreteSpace: nvec must be non-empty and positive, got \(nvec)")
        self.nvec = nvec
    }

    public func contains(_ a: [Int]) -> Bool {
        a.count == nvec.count && zip(a, nvec).allSatisfy { $0 >= 0 && $0 < $1 }
    }

    public func sample(using rng: inout Xoshiro256) -> [Int] { nvec.map { rng.uniformInt(below: $0) } }
}

/// The action space of an environment.
public enum ActionSpace: Sendable, Equatable, Codable {
    case discrete(DiscreteSpace)
    case multiDiscrete(MultiDiscreteSpace)
    case box(BoxSpace)

    /// True when `action` is of this space's kind and inside it.
    public func contains(_ action: Action) -> Bool {
        switch (self, action) {
        case (.discrete(let s), .discrete(let a)): return s.contains(a)
        case (.multiDiscrete(let s), .multiDiscrete(let a)): return s.contains(a)
        case (.box(let s), .continuous(let a)): return s.contains(a)
        default: return false
        }
    }

    /// A seeded random action from this space.
    public func sample(using rng: inout Xoshiro256) -> Action {
        switch self {
        case .discrete(let s): return .discrete(s.sample(using: &rng))
        case .multiDiscrete(let s): return .multiDiscrete(s.sample(using: &rng))
        case .box(let s): return .continuous(s.sample(using: &rng))
        }
    }
}

/// An action, of the kind its `ActionSpace` declares.
public enum Action: Sendable, Equatable, Hashable {
    case discrete(Int)
    case multiDiscrete([Int])
    case continuous([Float])
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
