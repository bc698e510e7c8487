extension Tensor {
    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(uninitializedShape: shape)
        storage.pointer.update(repeating: value, count: count)
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], value: Float) -> Tensor { Tensor(repeating: value, shape: shape) }

    /// A 1-D tensor `start, start + step, ...` up to but excluding `end` (as NumPy's `arange`).
    /// - Precondition: `step != 0`.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "Tensor.arange: step must be non-zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let t = Tensor(uninitializedShape: [n])
        for i in 0..<n { t.pointer[i] = start + Float(i) * step }
        return t
    }

    /// Independent uniform draws in `[low, high)` from `rng`, in row-major order.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout Xoshiro256) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let span = high - low
        for i in 0..<t.count { t.pointer[i] = low + span * rng.uniformFloat() }
        return t
    }

    /// Independent normal draws with the given mean and standard deviation from `rng`, in row-major order.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout Xoshiro256) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = rng.normalFloat(mean: mean, std: std) }
        return t
    }
}
