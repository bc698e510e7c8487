import TensorCore

/// Runs `body` on a fresh gradient-free tape and returns the value: the library's one operator
/// surface (`Variable`, Variable+Ops.swift) evaluated eagerly.
public func eager(_ body: (Tape) -> Variable) -> Tensor {
    let tape = Tape()
    return tape.withoutGradients { body(tape).value }
}

// Tensor-in, Tensor-out forms of the operators, for tests' references and kernel checks only.
// The library computes with networks through `Variable` alone (issue 15: one operator surface);
// each form here is that surface on a gradient-free tape, so a test of these tests the kernels
// the networks run.
extension Tensor {
    public func exp() -> Tensor { eager { $0.constant(self).exp() } }
    public func tanh() -> Tensor { eager { $0.constant(self).tanh() } }
    public func sigmoid() -> Tensor { eager { $0.constant(self).sigmoid() } }
    public func relu() -> Tensor { eager { $0.constant(self).relu() } }
    public func sqrt() -> Tensor { eager { $0.constant(self).sqrt() } }
    public func squared() -> Tensor { eager { $0.constant(self).squared() } }
    public func clamped(min: Float, max: Float) -> Tensor { eager { $0.constant(self).clamped(min: min, max: max) } }
    public func huber(delta: Float = 1) -> Tensor { eager { $0.constant(self).huber(delta: delta) } }
    public func zip(_ other: Tensor, _ f: BinaryFunction) -> Tensor { eager { $0.constant(self).zip(other, f) } }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .sub) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .mul) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.zip(b, .div) }
    public static func + (a: Tensor, s: Float) -> Tensor { eager { $0.constant(a) + s } }
    public static func + (s: Float, a: Tensor) -> Tensor { eager { s + $0.constant(a) } }
    public static func - (a: Tensor, s: Float) -> Tensor { eager { $0.constant(a) - s } }
    public static func - (s: Float, a: Tensor) -> Tensor { eager { s - $0.constant(a) } }
    public static func * (s: Float, a: Tensor) -> Tensor { eager { s * $0.constant(a) } }
    public static func / (a: Tensor, s: Float) -> Tensor { eager { $0.constant(a) / s } }
    public func maximum(_ other: Tensor) -> Tensor { eager { $0.constant(self).maximum($0.constant(other)) } }
    public func minimum(_ other: Tensor) -> Tensor { eager { $0.constant(self).minimum($0.constant(other)) } }

    public func sum() -> Tensor { eager { $0.constant(self).sum() } }
    public func max() -> Tensor { eager { $0.constant(self).max() } }
    public func min() -> Tensor { eager { $0.constant(self).min() } }
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { eager { $0.constant(self).sum(axis: axis, keepDims: keepDims) } }
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { eager { $0.constant(self).max(axis: axis, keepDims: keepDims) } }
    public func softmax(axis: Int = -1) -> Tensor { eager { $0.constant(self).softmax(axis: axis) } }
    public func logSoftmax(axis: Int = -1) -> Tensor { eager { $0.constant(self).logSoftmax(axis: axis) } }
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        eager { $0.constant(self).matmul($0.constant(other), transposeSelf: transposeSelf, transposeOther: transposeOther) }
    }
    public func linear(weight: Tensor, bias: Tensor?, activation: Activation = .identity) -> Tensor {
        eager { t in t.constant(self).linear(weight: t.constant(weight), bias: bias.map { t.constant($0) }, activation: activation) }
    }
}

extension Tensor {
    public static prefix func - (a: Tensor) -> Tensor { eager { -$0.constant(a) } }
    public func mean() -> Tensor { eager { $0.constant(self).mean() } }
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { eager { $0.constant(self).mean(axis: axis, keepDims: keepDims) } }
    public func rows(_ range: Range<Int>) -> Tensor { eager { $0.constant(self).rows(range) } }
    public func gather(_ indices: [Int], axis: Int) -> Tensor { eager { $0.constant(self).gather(indices, axis: axis) } }
}
