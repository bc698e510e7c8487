/// A seeded, splittable, serializable pseudo-random generator: xoshiro256** 1.0.
///
/// Every random draw in MarketGym (weight initialization, exploration, replay sampling, episode
/// starts) comes from an instance of this type passed explicitly; there is no global generator.
/// The same seed gives the same bits on every run and every machine: the generator is pure integer
/// arithmetic, and the derived uniform and normal draws use only exactly-rounded operations plus
/// `log`/`cos`/`sin` from the platform C library (glibc on Linux, correctly rounded in practice).
///
/// The exact state (four 64-bit words) can be saved into a checkpoint and restored, which is what
/// makes resumed training bit-identical to uninterrupted training.
///
/// Reference: D. Blackman and S. Vigna, "Scrambled Linear Pseudorandom Number Generators",
/// ACM TOMS 47(4), 2021; seeding through SplitMix64 as the authors recommend.
///
/// ```swift
/// var rng = Xoshiro256(seed: 42)
/// let u = rng.uniformFloat()          // [0, 1)
/// let z = rng.normal()                // N(0, 1)
/// var child = rng.split()             // an independent stream for a sub-component
/// let saved = rng.state               // restore later with Xoshiro256(state: saved)
/// ```
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The four state words. Never all zero.
    public private(set) var state: [UInt64]

    /// Creates a generator from a 64-bit seed, expanding it with SplitMix64.
    /// - Parameter seed: any value; equal seeds give equal streams.
    public init(seed: UInt64) {
        var sm = seed
        var words = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 { words[i] = Xoshiro256.splitMix64(&sm) }
        if words.allSatisfy({ $0 == 0 }) { words[0] = 0x9E37_79B9_7F4A_7C15 }
        state = words
    }

    /// Restores a generator from a saved `state`.
    /// - Throws: `SeededRandomError.invalidState` when the array does not have four words or is all zero.
    public init(state: [UInt64]) throws {
        guard state.count == 4 else { throw SeededRandomError.invalidState("expected 4 state words, found \(state.count)") }
        guard !state.allSatisfy({ $0 == 0 }) else { throw SeededRandomError.invalidState("the all-zero state is not valid for xoshiro256**") }
        self.state = state
    }

    @inline(__always)
    static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = Xoshiro256.rotl(state[3], 45)
        return result
    }

    /// A new generator whose stream is independent of this one's for practical purposes; advances `self`.
    ///
    /// The child is seeded (through SplitMix64) from one 64-bit output of the parent, so splitting is
    /// deterministic: the same parent state always yields the same child.
    public mutating func split() -> Xoshiro256 {
        Xoshiro256(seed: next())
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<upperBound` without modulo bias (Lemire's method).
    /// - Precondition: `upperBound > 0`.
    @inline(__always)
    public mutating func uniformInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "uniformInt(below:): upperBound must be positive, got \(upperBound)")
        let bound = UInt64(upperBound)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A standard normal draw N(0, 1) by the Box-Muller transform in `Double` (one draw per two uniforms).
    public mutating func normal() -> Double {
        // 1 - u keeps the argument of log in (0, 1].
        let u1 = 1.0 - uniformDouble()
        let u2 = uniformDouble()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// A normal draw with the given mean and standard deviation, as `Float`.
    public mutating func normalFloat(mean: Float = 0, std: Float = 1) -> Float {
        mean + std * Float(normal())
    }
}

/// Errors from restoring generator state.
public enum SeededRandomError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidState(String)

    public var description: String {
        switch self {
        case .invalidState(let why): return "invalid RNG state: \(why)"
        }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
