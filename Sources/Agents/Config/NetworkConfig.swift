/// Hidden activation of an MLP.
public enum ActivationKind: String, Codable, Sendable, CaseIterable {
    case relu, tanh
}

/// A multilayer perceptron's hidden layers.
public struct NetworkConfig: Codable, Sendable, Equatable {
    /// Hidden layer widths, input to output. Default [64, 64]: SB3 `MlpPolicy` for DQN, PPO and A2C.
    public var hidden: [Int] = [64, 64]
    /// Hidden activation. Default `relu` (SB3 DQN); PPO/A2C presets use `tanh` (SB3 on-policy default).
    public var activation: ActivationKind = .relu

    public init(hidden: [Int] = [64, 64], activation: ActivationKind = .relu) {
        self.hidden = hidden
        self.activation = activation
    }
}

/// A scalar that may change over training: constant, or linear from `initial` to `final` over the
/// first `fraction` of training (then constant), as SB3's `get_linear_fn` and RL Zoo's `lin_` schedules.
public struct ScheduleConfig: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case constant, linear, cosine }
    /// Schedule shape. Default `constant`.
    public var kind: Kind = .constant
    /// Value at the start of training.
    public var initial: Double
    /// Value at the end of the schedule (linear/cosine; unused by `constant`). Default 0 (RL Zoo
    /// `lin_` schedules decay to 0). A constant schedule keeps it at 0 too, so that a mapping
    /// `{kind: linear, initial: x}` merged over a constant default decays to 0 as documented, not to
    /// the default's rate.
    public var final: Double = 0
    /// Fraction of training over which the value moves from `initial` to `final`. Default 1.
    public var fraction: Double = 1

    public init(kind: Kind = .constant, initial: Double, final: Double = 0, fraction: Double = 1) {
        self.kind = kind
        self.initial = initial
        self.final = final
        self.fraction = fraction
    }

    enum CodingKeys: String, CodingKey { case kind, initial, final, fraction }

    /// Decodes a schedule mapping (`{kind: linear, initial: 1e-3}`), or a bare number as a
    /// constant schedule (`learningRate: 1e-3`, as SB3 and RL Zoo write a constant rate).
    /// Missing `kind`, `final` and `fraction` take their defaults.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let v = try? single.decode(Double.self) {
            self = .constant(v)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .constant
        initial = try c.decode(Double.self, forKey: .initial)
        final = try c.decodeIfPresent(Double.self, forKey: .final) ?? 0
        fraction = try c.decodeIfPresent(Double.self, forKey: .fraction) ?? 1
    }

    /// A constant schedule.
    public static func constant(_ v: Double) -> ScheduleConfig { ScheduleConfig(kind: .constant, initial: v) }
    /// Linear decay from `initial` to `final` over `fraction` of training.
    public static func linear(_ initial: Double, to final: Double = 0, over fraction: Double = 1) -> ScheduleConfig {
        ScheduleConfig(kind: .linear, initial: initial, final: final, fraction: fraction)
    }

    /// The value after `progress` ∈ [0, 1] of training.
    public func value(progress: Double) -> Double {
        let p = fraction > 0 ? min(max(progress / fraction, 0), 1) : 1
        if kind != .constant && p >= 1 { return final }
        switch kind {
        case .constant: return initial
        case .linear: return initial + (final - initial) * p
        case .cosine: return final + (initial - final) * 0.5 * (1 + cos(Double.pi * p))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
