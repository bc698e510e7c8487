/// Records operations on ``Variable``s and differentiates a scalar loss by reverse-mode automatic
/// differentiation.
///
/// A tape is reused across training steps: ``reset()`` forgets the recorded operations but keeps
/// every buffer, and the next step's operations reuse them (a buffer is reused only when nothing
/// outside the tape still refers to it, so values you kept stay valid). After the first step a
/// training step with the same shapes therefore allocates no heap memory.
///
/// ```swift
/// let tape = Tape()
/// for batch in batches {
///     tape.reset()
///     let x = tape.constant(batch.observations)
///     let w = tape.parameter(weight)               // a Parameter
///     let loss = (x.matmul(w) - tape.constant(batch.targets)).squared().mean()
///     tape.backward(loss)                          // writes weight.grad
///     optimizer.step()
/// }
/// ```
///
/// Gradients flow only through variables that depend on a ``Parameter`` (with `requiresGrad`) or on
/// a differentiable input made with ``variable(_:)``; everything else is recorded as constant and
/// skipped by `backward`. Eager `Tensor` operations record nothing (the inference path).
///
/// A tape is not thread-safe; use one per training thread.
public final class Tape {
    var nodes: [Node] = []
    /// Buffers for node results, by node index, kept across `reset()`.
    var valuePool: [Tensor] = []
    /// Buffers for node gradients, by node index, kept across `reset()`.
    var gradPool: [Tensor] = []
    /// `gradMark[i] == generation` when node `i` holds a gradient from the current `backward`.
    var gradMark: [Int] = []
    var generation = 0
    var scratchStorage = TensorStorage(capacity: 0)
    /// Resolved shapes of reshape nodes, by node index, so a `-1` reshape allocates no new array.
    var shapePool: [[Int]] = []

    /// When false, new operations are recorded as constants (like PyTorch's `no_grad`).
    public var isRecordingGradients = true

    /// An empty tape.
    public init() {}

    /// The number of recorded operations (leaves included).
    public var count: Int { nodes.count }

    /// Forgets all recorded operations and gradients, keeping buffers for reuse.
    public func reset() {
        nodes.removeAll(keepingCapacity: true)
        generation += 1
    }

    /// Records `value` as a constant: no gradient flows to it.
    public func constant(_ value: Tensor) -> Variable {
        record(.leaf, value, requiresGrad: false)
    }

    /// Records `value` as a differentiable input; read its gradient with ``gradient(of:)``.
    public func variable(_ value: Tensor) -> Variable {
        record(.leaf, value, requiresGrad: isRecordingGradients)
    }

    /// Records a parameter; `backward` writes its `grad` when it requires gradients.
    public func parameter(_ p: Parameter) -> Variable {
        record(.parameter(p), Tape.placeholder, requiresGrad: isRecordingGradients && p.requiresGrad)
    }

    /// Runs `body` with gradient recording off, restoring the previous setting afterwards.
    public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        let saved = isRecordingGradients
        isRecordingGradients = false
        defer { isRecordingGradients = saved }
        return try body()
    }

    static let placeholder = Tensor(shape: [0], scalars: [])

    @inline(__always)
    func value(_ i: Int) -> Tensor {
        if case .parameter(let p) = nodes[i].op { return p.value }
        return nodes[i].value
    }

    @inline(__always)
    func record(_ op: Primitive, _ value: Tensor, a: Int = -1, b: Int = -1, c: Int = -1) -> Variable {
        var requires = false
        if isRecordingGradients {
            requires = (a >= 0 && nodes[a].requiresGrad) || (b >= 0 && nodes[b].requiresGrad)
                || (c >= 0 && nodes[c].requiresGrad)
        }
        return record(op, value, a: a, b: b, c: c, requiresGrad: requires)
    }

    @inline(__always)
    func record(_ op: Primitive, _ value: Tensor, a: Int = -1, b: Int = -1, c: Int = -1, requiresGrad: Bool) -> Variable {
        nodes.append(Node(op: op, a: a, b: b, c: c, value: value, requiresGrad: requiresGrad))
        return Variable(tape: self, index: nodes.count - 1)
    }

    /// The resolved shape for a reshape recorded as the next node, reused from the pool when equal.
    func reshapeShape(_ newShape: [Int], count: Int, from shape: [Int]) -> [Int] {
        guard newShape.contains(-1) else { return Tensor.resolveReshape(newShape, count: count, from: shape) }
        let slot = nodes.count
        while shapePool.count <= slot { shapePool.append([]) }
        let cached = shapePool[slot]
        if cached.count == newShape.count && Tensor.elementCount(cached) == count
            && Swift.zip(cached, newShape).allSatisfy({ $1 == -1 || $0 == $1 }) {
            return cached
        }
        let resolved = Tensor.resolveReshape(newShape, count: count, from: shape)
        shapePool[slot] = resolved
        return resolved
    }

    /// A scratch buffer of at least `count` floats, valid until the next call.
    func scratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        if scratchStorage.capacity < count { scratchStorage = TensorStorage(capacity: count) }
        return scratchStorage.pointer
    }

    /// The gradient of the last ``backward(_:)`` with respect to `v`, or nil when none reached it.
    /// For a parameter this is its `grad`.
    public func gradient(of v: Variable) -> Tensor? {
        precondition(v.tape === self, "gradient(of:): the variable belongs to another tape")
        if case .parameter(let p) = nodes[v.index].op { return nodes[v.index].requiresGrad ? p.grad : nil }
        guard v.index < gradMark.count, gradMark[v.index] == generation else { return nil }
        return gradPool[v.index]
    }
}

extension Tape: OutputAllocator {
    /// The buffer for the next node's result, reused from the pool when free and large enough.
    @usableFromInline
    func output(_ spec: ShapeSpec) -> Tensor {
        let slot = nodes.count
        if slot < valuePool.count {
            if isKnownUniquelyReferenced(&valuePool[slot].storage) {
                if spec.matches(valuePool[slot].shape) { return valuePool[slot] }
                let shape = spec.make()
                let n = Tensor.elementCount(shape)
                if valuePool[slot].storage.capacity >= n {
                    valuePool[slot] = Tensor(shape: shape, count: n, storage: valuePool[slot].storage)
                    return valuePool[slot]
                }
            }
            valuePool[slot] = Tensor(uninitializedShape: spec.make())
            return valuePool[slot]
        }
        while valuePool.count < slot { valuePool.append(Tape.placeholder) }
        valuePool.append(Tensor(uninitializedShape: spec.make()))
        return valuePool[slot]
    }

    /// Lends ``scratch(_:)`` (forward operations only: backward rules use it for themselves).
    @usableFromInline
    func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R { body(scratch(count)) }
}
