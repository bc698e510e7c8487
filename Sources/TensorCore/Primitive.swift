/// One recorded operation on a ``Tape``. Each case has exactly one gradient rule, in
/// Tape+Gradients.swift; the inputs are the node's `a`, `b`, `c` indices (or `inputs` for concat).
enum Primitive {
    /// A constant or a differentiable input created with `Tape.variable`.
    case leaf
    /// A ``Parameter``; its value is read live from the parameter.
    case parameter(Parameter)
    case unary(UnaryFunction)
    /// `a * scale + shift` (the gradient needs only `scale`).
    case affine(scale: Float)
    case clamp(min: Float, max: Float)
    case huber(delta: Float)
    case binary(BinaryFunction)
    /// `mask != 0 ? a : b`.
    case select(mask: Tensor)
    case reduceAll(Reduction)
    case reduce(Reduction, axis: Int, keepDims: Bool)
    case reshape
    case rows(Range<Int>)
    case concat(axis: Int, inputs: [Int])
    case transpose
    case gather(indices: [Int], axis: Int)
    case softmax(axis: Int)
    case logSoftmax(axis: Int)
    case matmul(transposeA: Bool, transposeB: Bool)
    /// `act(a @ bᵀ + c)`; `c` is -1 without bias.
    case linear(Activation)
    /// A recurrent cell over a whole sequence (Ops+Recurrent.swift): `a` = input gates `[B, T, G·H]`,
    /// `b` = `W_hh`, `c` = `b_hh` (or -1), `initial` = the initial state's node (or -1).
    case recurrence(RecurrentCell, reverse: Bool, initial: Int)
    /// Columns of the input viewed as rows of `width` elements.
    case columns(Range<Int>, width: Int)
    /// `y[b, t] = x[b, t − steps]` along axis 1 of `[B, T, C]`, zeros for `t < steps` (causal shift).
    case timeShift(steps: Int)
}

/// A tape entry: the operation, its inputs, its value and whether gradients flow through it.
struct Node {
    var op: Primitive
    var a: Int
    var b: Int
    var c: Int
    var value: Tensor
    var requiresGrad: Bool
}
