// Recorded operations: each computes its value with the same kernel as the eager Tensor operation
// (buffers from the tape's pool) and records one primitive for backward.

extension Variable {
    /// Applies an elementwise function.
    public func map(_ f: UnaryFunction) -> Variable {
        tape.record(.unary(f), Ops.unary(f, value, tape), a: index)
    }
    /// `e^x` elementwise.
    public func exp() -> Variable { map(.exp) }
    /// Natural logarithm elementwise.
    public func log() -> Variable { map(.log) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Variable { map(.tanh) }
    /// Logistic sigmoid elementwise.
    public func sigmoid() -> Variable { map(.sigmoid) }
    /// `max(x, 0)` elementwise (gradient 0 at 0).
    public func relu() -> Variable { map(.relu) }
    /// `log(1 + e^x)` elementwise.
    public func softplus() -> Variable { map(.softplus) }
    /// Square root elementwise.
    public func sqrt() -> Variable { map(.sqrt) }
    /// Absolute value elementwise (gradient 0 at 0).
    public func abs() -> Variable { map(.abs) }
    /// `x * x` elementwise.
    public func squared() -> Variable { map(.square) }
    /// Clamps to `[min, max]`; the gradient passes where `min <= x <= max` (as PyTorch).
    public func clamped(min: Float, max: Float) -> Variable {
        tape.record(.clamp(min: min, max: max), Ops.clamp(value, min: min, max: max, tape), a: index)
    }
    /// The Huber function elementwise (see ``Tensor/huber(delta:)``).
    public func huber(delta: Float = 1) -> Variable {
        tape.record(.huber(delta: delta), Ops.huber(value, delta: delta, tape), a: index)
    }
    /// `self * scale + shift` elementwise.
    public func affine(scale: Float, shift: Float) -> Variable {
        tape.record(.affine(scale: scale), Ops.affine(value, scale: scale, shift: shift, tape), a: index)
    }

    /// Applies a broadcasting elementwise function.
    public func zip(_ other: Variable, _ f: BinaryFunction) -> Variable {
        check(other)
        let out = Ops.binary(f, value, other.value, tape)
        if f.isComparison { return tape.record(.binary(f), out, a: index, b: other.index, requiresGrad: false) }
        return tape.record(.binary(f), out, a: index, b: other.index)
    }
    /// Applies a broadcasting elementwise function with a constant tensor.
    public func zip(_ other: Tensor, _ f: BinaryFunction) -> Variable { zip(tape.constant(other), f) }

    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (a: Variable, b: Variable) -> Variable { a.zip(b, .add) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (a: Variable, b: Variable) -> Variable { a.zip(b, .sub) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Variable, b: Variable) -> Variable { a.zip(b, .mul) }
    /// Elementwise quotient (NumPy broadcasting; a `Float` applies to every element).
    public static func / (a: Variable, b: Variable) -> Variable { a.zip(b, .div) }
    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (a: Variable, b: Tensor) -> Variable { a.zip(b, .add) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (a: Variable, b: Tensor) -> Variable { a.zip(b, .sub) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Variable, b: Tensor) -> Variable { a.zip(b, .mul) }
    /// Elementwise quotient (NumPy broadcasting; a `Float` applies to every element).
    public static func / (a: Variable, b: Tensor) -> Variable { a.zip(b, .div) }
    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (a: Tensor, b: Variable) -> Variable { b.tape.constant(a).zip(b, .add) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (a: Tensor, b: Variable) -> Variable { b.tape.constant(a).zip(b, .sub) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Tensor, b: Variable) -> Variable { b.tape.constant(a).zip(b, .mul) }
    /// Elementwise quotient (NumPy broadcasting; a `Float` applies to every element).
    public static func / (a: Tensor, b: Variable) -> Variable { b.tape.constant(a).zip(b, .div) }
    /// Elementwise negation.
    public static prefix func - (a: Variable) -> Variable { a.map(.neg) }
    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (a: Variable, s: Float) -> Variable { a.affine(scale: 1, shift: s) }
    /// Elementwise sum (NumPy broadcasting; a `Float` applies to every element).
    public static func + (s: Float, a: Variable) -> Variable { a.affine(scale: 1, shift: s) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (a: Variable, s: Float) -> Variable { a.affine(scale: 1, shift: -s) }
    /// Elementwise difference (NumPy broadcasting; a `Float` applies to every element).
    public static func - (s: Float, a: Variable) -> Variable { a.affine(scale: -1, shift: s) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (a: Variable, s: Float) -> Variable { a.affine(scale: s, shift: 0) }
    /// Elementwise product (NumPy broadcasting; a `Float` applies to every element).
    public static func * (s: Float, a: Variable) -> Variable { a.affine(scale: s, shift: 0) }
    /// Elementwise quotient (NumPy broadcasting; a `Float` applies to every element).
    public static func / (a: Variable, s: Float) -> Variable { a.affine(scale: 1 / s, shift: 0) }

    /// Elementwise maximum (ties split the gradient equally, as PyTorch).
    public func maximum(_ other: Variable) -> Variable { zip(other, .maximum) }
    /// Elementwise minimum (ties split the gradient equally, as PyTorch).
    public func minimum(_ other: Variable) -> Variable { zip(other, .minimum) }

    /// `mask != 0 ? a : b` elementwise; all three of one shape; `mask` is constant.
    public static func select(_ mask: Tensor, _ a: Variable, _ b: Variable) -> Variable {
        a.check(b)
        return a.tape.record(.select(mask: mask), Ops.select(mask, a.value, b.value, a.tape), a: a.index, b: b.index)
    }

    /// A constant copy of this variable: same value, no gradient flows back through it.
    public func detached() -> Variable { tape.constant(value) }
}

extension Variable {
    /// Reduces over all elements to a rank-0 variable.
    public func reduce(_ r: Reduction) -> Variable {
        tape.record(.reduceAll(r), Ops.reduceAll(r, value, tape), a: index)
    }
    /// Reduces along `axis` (negative counts from the end); the axis is removed unless `keepDims`.
    public func reduce(_ r: Reduction, axis: Int, keepDims: Bool = false) -> Variable {
        let v = value
        let ax = normalizedAxis(axis, rank: v.rank)
        return tape.record(.reduce(r, axis: ax, keepDims: keepDims), Ops.reduce(r, v, axis: ax, keepDims: keepDims, tape), a: index)
    }
    /// Sum of all elements.
    public func sum() -> Variable { reduce(.sum) }
    /// Mean of all elements.
    public func mean() -> Variable { reduce(.mean) }
    /// Largest element (gradient to the first maximal element).
    public func max() -> Variable { reduce(.max) }
    /// Smallest element (gradient to the first minimal element).
    public func min() -> Variable { reduce(.min) }
    /// `log(sum(exp(x)))` over all elements.
    public func logSumExp() -> Variable { reduce(.logSumExp) }
    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Variable { reduce(.sum, axis: axis, keepDims: keepDims) }
    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Variable { reduce(.mean, axis: axis, keepDims: keepDims) }
    /// Maximum along `axis`.
    public func max(axis: Int, keepDims: Bool = false) -> Variable { reduce(.max, axis: axis, keepDims: keepDims) }
    /// Minimum along `axis`.
    public func min(axis: Int, keepDims: Bool = false) -> Variable { reduce(.min, axis: axis, keepDims: keepDims) }
    /// `log(sum(exp(x)))` along `axis`.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Variable { reduce(.logSumExp, axis: axis, keepDims: keepDims) }
    /// Index of the first maximum along `axis` (not differentiable).
    public func argmax(axis: Int) -> [Int] { value.argmax(axis: axis) }
}

extension Variable {
    /// The same elements with a new shape (one extent may be `-1`).
    public func reshaped(_ newShape: [Int]) -> Variable {
        let v = value
        let shape = tape.reshapeShape(newShape, count: v.count, from: v.shape)
        return tape.record(.reshape, Tensor(shape: shape, count: v.count, storage: v.storage), a: index)
    }
    /// Rows `range` of the first axis.
    public func rows(_ range: Range<Int>) -> Variable {
        tape.record(.rows(range), Ops.rows(value, range, tape), a: index)
    }
    /// Joins variables along `axis`.
    public static func concatenate(_ parts: [Variable], axis: Int = 0) -> Variable {
        precondition(!parts.isEmpty, "concatenate: no variables")
        let tape = parts[0].tape
        for p in parts { parts[0].check(p) }
        let ax = normalizedAxis(axis, rank: parts[0].value.rank)
        let out = Ops.concat(parts.map(\.value), axis: ax, tape)
        let requires = tape.isRecordingGradients && parts.contains { $0.requiresGrad }
        return tape.record(.concat(axis: ax, inputs: parts.map(\.index)), out, requiresGrad: requires)
    }
    /// The transpose of a 2-D variable.
    public func transposed() -> Variable {
        tape.record(.transpose, Ops.transpose(value, tape), a: index)
    }
    /// Picks one element along `axis` per position of the other axes; the axis is removed.
    public func gather(_ indices: [Int], axis: Int) -> Variable {
        let v = value
        let ax = normalizedAxis(axis, rank: v.rank)
        return tape.record(.gather(indices: indices, axis: ax), Ops.gather(v, indices: indices, axis: ax, tape), a: index)
    }
    /// Softmax along `axis` (default last).
    public func softmax(axis: Int = -1) -> Variable {
        let v = value
        let ax = normalizedAxis(axis, rank: v.rank)
        return tape.record(.softmax(axis: ax), Ops.softmax(v, axis: ax, log: false, tape), a: index)
    }
    /// Log-softmax along `axis` (default last).
    public func logSoftmax(axis: Int = -1) -> Variable {
        let v = value
        let ax = normalizedAxis(axis, rank: v.rank)
        return tape.record(.logSoftmax(axis: ax), Ops.softmax(v, axis: ax, log: true, tape), a: index)
    }
    /// Matrix product `op(self) @ op(other)` through `cblas_sgemm`.
    public func matmul(_ other: Variable, transposeSelf: Bool = false, transposeOther: Bool = false) -> Variable {
        check(other)
        let out = Ops.matmul(value, other.value, transposeA: transposeSelf, transposeB: transposeOther, tape)
        return tape.record(.matmul(transposeA: transposeSelf, transposeB: transposeOther), out, a: index, b: other.index)
    }
    /// `activation(self @ weightᵀ + bias)`, fused (`weight` is `[out, in]`).
    public func linear(weight: Variable, bias: Variable?, activation: Activation = .identity) -> Variable {
        check(weight)
        if let bias { check(bias) }
        let out = Ops.linear(value, weight: weight.value, bias: bias?.value, activation: activation, tape)
        return tape.record(.linear(activation), out, a: index, b: weight.index, c: bias?.index ?? -1)
    }
}
