/// Activations that can be fused into a linear layer: their derivative is a function of the output.
public enum Activation: String, Sendable, Hashable, Codable, CaseIterable {
    case identity, relu, tanh, sigmoid
}

extension Ops {
    /// `op(a) @ op(b)` for 2-D tensors, through `cblas_sgemm` (transposes are passed, not materialized).
    static func matmul<A: OutputAllocator>(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, _ alloc: A) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul: needs 2-D tensors, got \(a.shape) x \(b.shape)")
        let (m, ka) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(ka == kb, "matmul: inner extents differ, \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
        let out = alloc.output(.matrix(m, n))
        if ka == 0 {
            out.pointer.update(repeating: 0, count: m * n)
            return out
        }
        BLAS.gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: ka, alpha: 1,
                  a: a.pointer, lda: a.shape[1], b: b.pointer, ldb: b.shape[1], beta: 0, c: out.pointer, ldc: n)
        return out
    }

    /// `act(x @ weightᵀ + bias)` with `x: [B, in]`, `weight: [out, in]` (PyTorch layout), `bias: [out]`.
    static func linear<A: OutputAllocator>(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: Activation, _ alloc: A) -> Tensor {
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                     "linear: input \(x.shape) does not match weight \(weight.shape) ([out, in])")
        let (rows, n) = (x.shape[0], weight.shape[0])
        if let bias { precondition(bias.shape == [n], "linear: bias \(bias.shape) for weight \(weight.shape)") }
        let out = alloc.output(.matrix(rows, n))
        Kernels.linear(input: x.pointer, rows: rows, weight: weight, bias: bias, activation: activation, output: out.pointer)
        return out
    }

    @inline(__always)
    static func applyInPlace(_ activation: Activation, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        switch activation {
        case .identity: break
        case .relu: for i in 0..<count { y[i] = Swift.max(y[i], 0) }
        case .tanh: Kernels.tanh(y, into: y, count: count)
        case .sigmoid: for i in 0..<count { y[i] = sigmoid(y[i]) }
        }
    }
}
