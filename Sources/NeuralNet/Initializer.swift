/// How a parameter tensor is filled at creation. Fans follow PyTorch: for a `[out, in]` weight,
/// `fanIn = in` and `fanOut = out`.
///
/// References: He et al. 2015 (Kaiming), Glorot & Bengio 2010 (Xavier), Saxe et al. 2014
/// (orthogonal; the PPO default in CleanRL and Stable-Baselines3 with gain √2, 0.01 for the
/// policy head and 1 for the value head).
public enum Initializer: Sendable, Hashable, Codable {
    /// All zeros.
    case zeros
    /// Every element equal to the value.
    case constant(Float)
    /// `U(-b, b)` with `b = gain · √(3 / fanIn)` (PyTorch `kaiming_uniform_`, mode `fan_in`).
    case kaimingUniform(gain: Float)
    /// `N(0, gain² / fanIn)` (PyTorch `kaiming_normal_`, mode `fan_in`).
    case kaimingNormal(gain: Float)
    /// `U(-b, b)` with `b = gain · √(6 / (fanIn + fanOut))` (PyTorch `xavier_uniform_`).
    case xavierUniform(gain: Float)
    /// `N(0, gain² · 2 / (fanIn + fanOut))` (PyTorch `xavier_normal_`).
    case xavierNormal(gain: Float)
    /// A (semi-)orthogonal matrix scaled by `gain`, from the QR factorization of a Gaussian matrix
    /// (PyTorch `orthogonal_`; LAPACK `sgeqrf`/`sorgqr`).
    case orthogonal(gain: Float)
    /// `U(-1/√fanIn, 1/√fanIn)`: what PyTorch's `nn.Linear` uses for weight and bias by default.
    case pytorchLinearDefault

    /// The gain PyTorch's `calculate_gain` recommends for ReLU layers: √2.
    public static let reluGain: Float = Float(2).squareRoot()

    /// A tensor of `shape` initialized by this rule.
    /// - Parameters:
    ///   - shape: the parameter's shape; for rank ≥ 2 the fans come from the first two extents.
    ///   - fanIn: overrides the input fan (e.g. a bias uses its layer's `in`).
    ///   - rng: the generator every draw comes from.
    public func make(_ shape: [Int], fanIn: Int? = nil, rng: inout Xoshiro256) -> Tensor {
        let fans = Initializer.fans(shape)
        let fi = Float(max(fanIn ?? fans.in, 1)), fo = Float(max(fans.out, 1))
        switch self {
        case .zeros: return Tensor.zeros(shape)
        case .constant(let v): return Tensor.full(shape, value: v)
        case .kaimingUniform(let gain):
            let b = gain * (3 / fi).squareRoot()
            return Tensor.uniform(shape, low: -b, high: b, rng: &rng)
        case .kaimingNormal(let gain):
            return Tensor.normal(shape, std: gain / fi.squareRoot(), rng: &rng)
        case .xavierUniform(let gain):
            let b = gain * (6 / (fi + fo)).squareRoot()
            return Tensor.uniform(shape, low: -b, high: b, rng: &rng)
        case .xavierNormal(let gain):
            return Tensor.normal(shape, std: gain * (2 / (fi + fo)).squareRoot(), rng: &rng)
        case .orthogonal(let gain):
            precondition(shape.count >= 1 && shape.reduce(1, *) > 0, "orthogonal: needs a non-empty shape, got \(shape)")
            let rows = shape[0], cols = shape.reduce(1, *) / rows
            let q = Tensor.normal([rows, cols], rng: &rng).orthonormalized()
            return (q * gain).reshaped(shape)
        case .pytorchLinearDefault:
            let b = 1 / fi.squareRoot()
            return Tensor.uniform(shape, low: -b, high: b, rng: &rng)
        }
    }

    /// PyTorch's fans: `[out, in, ...]` gives `in · receptive` and `out · receptive`; 1-D gives its extent.
    static func fans(_ shape: [Int]) -> (in: Int, out: Int) {
        if shape.count < 2 { return (shape.first ?? 1, shape.first ?? 1) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }
}
