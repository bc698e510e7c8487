import CKernels

extension Kernels {
    /// The Adam moment and parameter update over `count` elements in PyTorch's operation order,
    /// every operation rounded separately (no fused multiply-add), vectorized (AVX-512 / AVX / SSE
    /// chosen at run time, same bits) and split across ``Parallelism/threads`` when large:
    ///
    ///     m += c1·(g − m);  v = v·b2 + (c2·g)·g;  w −= step · (m / (√v / bc2Sqrt + eps))
    public static func adamUpdate(gradient g: UnsafePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>,
                                  secondMoment v: UnsafeMutablePointer<Float>, weights w: UnsafeMutablePointer<Float>,
                                  count: Int, c1: Float, beta2: Float, c2: Float, bc2Sqrt: Float, epsilon: Float,
                                  stepSize: Float) {
        mg_adam(g, m, v, w, count, c1, beta2, c2, bc2Sqrt, epsilon, stepSize)
    }

    /// `Σ x[i]²` in a fixed order (16 interleaved running sums combined pairwise; CKernels.h), the
    /// same bits for every SIMD width.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
        mg_sum_squares(x, count)
    }

    /// `out[i] = y[i] > 0 ? g[i] : 0` over `count` elements (no aliasing between `out` and the inputs).
    static func reluBackward(output y: UnsafePointer<Float>, gradient g: UnsafePointer<Float>,
                             into out: UnsafeMutablePointer<Float>, count: Int) {
        mg_relu_backward(y, g, out, count)
    }

    /// `out[i] = ftanh(x[i])` over `count` elements, vectorized with `ftanh`'s operations in its
    /// order (the same bits); `out` may be `x`.
    static func tanh(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        mg_tanh(x, out, count)
    }

    /// For tests: caps the vector width of the C kernels (0 scalar, 1 SSE, 2 AVX, 3 AVX-512; -1 lifts
    /// the cap) and returns the level in effect. Results are the same bits at every level.
    @discardableResult
    static func limitSIMDLevel(_ level: Int) -> Int { Int(mg_limit_simd_level(Int32(level))) }
}
