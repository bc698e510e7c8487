// The TensorCore module: Float32 tensors, BLAS-backed kernels and reverse-mode automatic
// differentiation. Guide: docs/tensor.md.
@_exported import SeededRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Float math used by the kernels, named once so the kernels read the same on Linux and macOS.
@inline(__always) func fexp(_ x: Float) -> Float { expf(x) }
@inline(__always) func flog(_ x: Float) -> Float { logf(x) }
@inline(__always) func flog1p(_ x: Float) -> Float { log1pf(x) }
@inline(__always) func ftanh(_ x: Float) -> Float { tanhf(x) }
