import TensorCore

/// One element whose reverse-mode gradient disagrees with central finite differences.
public struct GradientMismatch: CustomStringConvertible, Sendable {
    /// Which input tensor (position in the `inputs` array).
    public var input: Int
    /// Row-major element index inside that input.
    public var element: Int
    /// The gradient from `Tape.backward`.
    public var analytic: Double
    /// The central finite-difference estimate.
    public var numeric: Double

    public var description: String {
        "input \(input) element \(element): analytic \(analytic), finite difference \(numeric)"
    }
}

/// Checks the reverse-mode gradient of `f` against central finite differences.
///
/// The scalar checked is `L = Σ_k w_k · f(inputs)_k` with fixed random weights `w` (so every output
/// element's gradient is exercised, not just their sum). `L` is accumulated in `Double` from the
/// `Float` outputs, and each derivative is `(L(x + h) − L(x − h)) / (x₊ − x₋)` where `x±` are the
/// `Float`-rounded perturbed inputs, so the step is exact. With `Float` forward passes the
/// estimate's error is about 1e-5 relative for step 1e-2: keep inputs away from kinks (relu at 0,
/// ties in max) by more than the step.
///
/// - Parameters:
///   - inputs: the points at which to differentiate; each becomes `tape.variable(_:)`.
///   - step: the perturbation `h`, scaled by `max(1, |x|)`.
///   - relative: the allowed relative error.
///   - absolute: the allowed absolute error (for gradients near zero).
///   - seed: seeds the output weights `w`.
///   - f: the function under test, recorded on the given tape.
/// - Returns: the mismatching elements (empty when the gradient is right).
public func gradientMismatches(
    _ inputs: [Tensor], step: Double = 1e-2, relative: Double = 1e-2, absolute: Double = 1e-3, seed: UInt64 = 7,
    _ f: (Tape, [Variable]) -> Variable
) -> [GradientMismatch] {
    // Analytic gradient.
    let tape = Tape()
    let variables = inputs.map { tape.variable($0) }
    let y = f(tape, variables)
    var rng = Xoshiro256(seed: seed)
    let weights = Tensor.normal(y.shape, rng: &rng)
    tape.backward((y * weights).sum())
    let w = weights.scalars.map(Double.init)

    func loss(_ xs: [Tensor]) -> Double {
        let t = Tape()
        let out = f(t, xs.map { t.variable($0) }).value.scalars
        var s = 0.0
        for (k, v) in out.enumerated() { s += w[k] * Double(v) }
        return s
    }

    var mismatches: [GradientMismatch] = []
    for (i, x) in inputs.enumerated() {
        let analytic = tape.gradient(of: variables[i])?.scalars ?? [Float](repeating: 0, count: x.count)
        for j in 0..<x.count {
            let x0 = x[element: j]
            let h = Float(step * max(1, Double(abs(x0))))
            var plus = inputs, minus = inputs
            plus[i][element: j] = x0 + h
            minus[i][element: j] = x0 - h
            let dx = Double(plus[i][element: j]) - Double(minus[i][element: j])
            let numeric = (loss(plus) - loss(minus)) / dx
            let a = Double(analytic[j])
            if abs(a - numeric) > max(absolute, relative * max(abs(a), abs(numeric))) {
                mismatches.append(GradientMismatch(input: i, element: j, analytic: a, numeric: numeric))
            }
        }
    }
    return mismatches
}
