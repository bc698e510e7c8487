import SeededRandom

/// The classic cart-pole balancing task with Gymnasium's `CartPole-v1` dynamics, bit for bit where
/// floating point allows.
///
/// A pole is hinged to a cart on a frictionless track; the agent pushes the cart left (action 0) or
/// right (action 1) with a fixed force. The reward is 1 for every step, including the step on which
/// the pole falls. The episode terminates when the pole leans more than 12 degrees or the cart
/// leaves `[-2.4, 2.4]`. This type has no time limit of its own, like Gymnasium's `CartPoleEnv`:
/// use ``CartPole/v1(seed:)`` for the registered `CartPole-v1` (truncated after 500 steps through
/// ``TimeLimit``).
///
/// The state is integrated in `Double` with the explicit Euler scheme, as Gymnasium does with
/// float64; the observation is the state cast to `Float` (Gymnasium's float32 cast).
///
/// Reset draws the state uniformly from `[-0.05, 0.05]^4` with the environment's own seeded
/// generator. Reset options (all optional, Gymnasium names where Gymnasium has them):
/// - `low`, `high`: the bounds of the uniform draw (Gymnasium's `maybe_parse_reset_bounds`).
/// - `x`, `x_dot`, `theta`, `theta_dot`: all four together set the exact start state (no draw),
///   for reproducing reference trajectories and for evaluation from chosen states.
///
/// Reference: A. Barto, R. Sutton and C. Anderson, "Neuronlike adaptive elements that can solve
/// difficult learning control problems", IEEE SMC 13(5), 1983; Gymnasium
/// `gymnasium/envs/classic_control/cartpole.py`.
///
/// ```swift
/// var env = CartPole.v1()
/// var (obs, _) = try env.reset(seed: 42)
/// let result = try env.step(.discrete(1))
/// ```
public struct CartPole: Environment, Sendable {
    public typealias Info = EmptyInfo

    /// The physical state: cart position (m), cart velocity (m/s), pole angle (rad), pole angular velocity (rad/s).
    public struct State: Sendable, Equatable {
        public var x: Double
        public var xDot: Double
        public var theta: Double
        public var thetaDot: Double

        /// A state from its four components.
        public init(x: Double, xDot: Double, theta: Double, thetaDot: Double) {
            self.x = x
            self.xDot = xDot
            self.theta = theta
            self.thetaDot = thetaDot
        }
    }

    /// Gravity (m/s^2). Source: Gymnasium CartPole-v1.
    public static let gravity = 9.8
    /// Cart mass (kg). Source: Gymnasium CartPole-v1.
    public static let massCart = 1.0
    /// Pole mass (kg). Source: Gymnasium CartPole-v1.
    public static let massPole = 0.1
    /// Half the pole's length (m). Source: Gymnasium CartPole-v1.
    public static let length = 0.5
    /// Magnitude of the push (N). Source: Gymnasium CartPole-v1.
    public static let forceMagnitude = 10.0
    /// Seconds between state updates. Source: Gymnasium CartPole-v1.
    public static let tau = 0.02
    /// Pole angle beyond which the episode terminates (rad): 12 degrees, written as Gymnasium does.
    public static let thetaThreshold = 12 * 2 * Double.pi / 360
    /// Cart position beyond which the episode terminates (m). Source: Gymnasium CartPole-v1.
    public static let xThreshold = 2.4
    /// The time limit of the registered `CartPole-v1` (steps).
    public static let v1MaxEpisodeSteps = 500

    @usableFromInline static let totalMass = massPole + massCart
    @usableFromInline static let poleMassLength = massPole * length

    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace = .discrete(DiscreteSpace(2))
    public let observationNames = ["cart_position", "cart_velocity", "pole_angle", "pole_angular_velocity"]

    /// The current physical state (`nil` before the first reset).
    @inlinable public var state: State? { _state }
    @usableFromInline var _state: State?
    var rng: Xoshiro256
    @usableFromInline var ended = false

    /// A cart-pole with no time limit.
    /// - Parameter seed: seeds the generator used by resets that pass no seed (Gymnasium would
    ///   draw OS entropy here; MarketGym stays deterministic).
    public init(seed: UInt64 = 0) {
        rng = Xoshiro256(seed: seed)
        // Twice the termination thresholds, so the observation that ends an episode is still inside.
        let high: [Float] = [Float(2 * CartPole.xThreshold), .infinity, Float(2 * CartPole.thetaThreshold), .infinity]
        observationSpace = BoxSpace(low: high.map { -$0 }, high: high)
    }

    /// The registered `CartPole-v1`: this environment truncated after 500 steps, as
    /// `gymnasium.make("CartPole-v1")` builds it.
    public static func v1(seed: UInt64 = 0) -> TimeLimit<CartPole> {
        TimeLimit(CartPole(seed: seed), maxEpisodeSteps: v1MaxEpisodeSteps)
    }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        precondition(observation.count == 4, "CartPole.reset: observation buffer has \(observation.count) elements, expected 4")
        if let seed { rng = Xoshiro256(seed: seed) }
        let s = try CartPole.startState(options: options, rng: &rng)
        _state = s
        ended = false
        CartPole.write(s, into: observation)
        return EmptyInfo()
    }

    @inlinable
    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        precondition(observation.count == 4, "CartPole.step: observation buffer has \(observation.count) elements, expected 4")
        guard case .discrete(let a) = action, a == 0 || a == 1 else {
            throw .invalidAction("CartPole expects .discrete(0) or .discrete(1), got \(action)")
        }
        guard var s = _state, !ended else {
            throw .resetNeeded(_state == nil ? "CartPole.step before the first reset" : "CartPole.step after the episode terminated")
        }
        let force = a == 1 ? CartPole.forceMagnitude : -CartPole.forceMagnitude
        let cosTheta = cartPoleCos(s.theta)
        let sinTheta = cartPoleSin(s.theta)
        // The same expression order as Gymnasium, so the float64 results agree to the last bits.
        let temp = (force + CartPole.poleMassLength * (s.thetaDot * s.thetaDot) * sinTheta) / CartPole.totalMass
        let thetaAcc = (CartPole.gravity * sinTheta - cosTheta * temp)
            / (CartPole.length * (4.0 / 3.0 - CartPole.massPole * (cosTheta * cosTheta) / CartPole.totalMass))
        let xAcc = temp - CartPole.poleMassLength * thetaAcc * cosTheta / CartPole.totalMass
        s.x = s.x + CartPole.tau * s.xDot
        s.xDot = s.xDot + CartPole.tau * xAcc
        s.theta = s.theta + CartPole.tau * s.thetaDot
        s.thetaDot = s.thetaDot + CartPole.tau * thetaAcc
        _state = s
        let terminated = s.x < -CartPole.xThreshold || s.x > CartPole.xThreshold
            || s.theta < -CartPole.thetaThreshold || s.theta > CartPole.thetaThreshold
        ended = terminated
        CartPole.write(s, into: observation)
        return StepOutcome(reward: 1.0, terminated: terminated, truncated: false, info: EmptyInfo())
    }

    @inlinable @inline(__always)
    static func write(_ s: State, into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(s.x)
        observation[1] = Float(s.xDot)
        observation[2] = Float(s.theta)
        observation[3] = Float(s.thetaDot)
    }

    private static let stateKeys = ["x", "x_dot", "theta", "theta_dot"]

    private static func startState(options: ResetOptions, rng: inout Xoshiro256) throws(EnvironmentError) -> State {
        if options.values.isEmpty && options.strings.isEmpty {
            return uniformState(low: -0.05, high: 0.05, rng: &rng)
        }
        if let key = options.strings.keys.sorted().first {
            throw .invalidOption("CartPole takes no string options, got '\(key)'; numeric options are low, high, x, x_dot, theta, theta_dot")
        }
        let known = Set(stateKeys + ["low", "high"])
        if let key = options.values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidOption("CartPole does not know option '\(key)'; use low, high, or all of x, x_dot, theta, theta_dot")
        }
        let given = stateKeys.filter { options.values[$0] != nil }
        if !given.isEmpty {
            guard given.count == 4, options.values["low"] == nil, options.values["high"] == nil else {
                throw .invalidOption("CartPole needs all four of x, x_dot, theta, theta_dot (and not low/high) to set the state, got \(options.values.keys.sorted())")
            }
            let v = stateKeys.map { options.values[$0] ?? 0 }
            guard v.allSatisfy(\.isFinite) else { throw .invalidOption("CartPole start state must be finite, got \(v)") }
            return State(x: v[0], xDot: v[1], theta: v[2], thetaDot: v[3])
        }
        // Gymnasium's maybe_parse_reset_bounds: each bound defaults on its own.
        let low = options.values["low"] ?? -0.05
        let high = options.values["high"] ?? 0.05
        guard low.isFinite, high.isFinite, low <= high else {
            throw .invalidOption("CartPole reset bounds must be finite with low <= high, got low \(low), high \(high)")
        }
        return uniformState(low: low, high: high, rng: &rng)
    }

    private static func uniformState(low: Double, high: Double, rng: inout Xoshiro256) -> State {
        let w = high - low
        let x = low + w * rng.uniformDouble()
        let xDot = low + w * rng.uniformDouble()
        let theta = low + w * rng.uniformDouble()
        let thetaDot = low + w * rng.uniformDouble()
        return State(x: x, xDot: xDot, theta: theta, thetaDot: thetaDot)
    }
}

#if canImport(Glibc)
import Glibc
@inlinable @inline(__always) func cartPoleCos(_ x: Double) -> Double { Glibc.cos(x) }
@inlinable @inline(__always) func cartPoleSin(_ x: Double) -> Double { Glibc.sin(x) }
#elseif canImport(Darwin)
import Darwin
@inlinable @inline(__always) func cartPoleCos(_ x: Double) -> Double { Darwin.cos(x) }
@inlinable @inline(__always) func cartPoleSin(_ x: Double) -> Double { Darwin.sin(x) }
#endif
