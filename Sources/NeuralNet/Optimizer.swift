/// A first-order optimizer over a fixed list of named parameters. `step()` reads each parameter's
/// `grad` (written by `Tape.backward`) and updates its `value` in place.
///
/// The update rules follow PyTorch's single-tensor implementations line by line, so a step matches
/// `torch.optim` to float rounding (checked against PyTorch goldens in NeuralNetTests).
public protocol Optimizer: AnyObject {
    /// The parameters updated, with their stable names (used as state keys).
    var parameters: [NamedParameter] { get }
    /// The learning rate of the next step (set it from a ``LearningRateSchedule`` each step).
    /// Hyperparameters are `Double`, like PyTorch's Python floats: coefficients such as `1 − β`
    /// are formed in `Double` and rounded to `Float` once, exactly as `torch.optim` does.
    var learningRate: Double { get set }
    /// The number of steps taken.
    var stepCount: Int { get }
    /// Applies one update from the current gradients.
    func step()
    /// The exact state: step counter, learning rate and every buffer, by name.
    func exportState() -> OptimizerState
    /// Restores a state from ``exportState()``, so that training resumes bit-identically.
    /// - Throws: ``OptimizerStateError`` when the algorithm, a buffer name or a size does not match.
    func restoreState(_ state: OptimizerState) throws
}

extension Optimizer {
    /// Sets every parameter's gradient to zero.
    public func zeroGrad() {
        for p in parameters { p.parameter.zeroGrad() }
    }
}

/// An optimizer's exact state as named `Float` arrays plus counters, the shape a checkpoint stores
/// (one HDF5 dataset per buffer, attributes for the rest).
///
/// Buffer names are `<parameter name>.<buffer>` with PyTorch's buffer names: `exp_avg`,
/// `exp_avg_sq` (Adam, AdamW), `square_avg`, `grad_avg`, `momentum_buffer` (RMSprop, SGD).
public struct OptimizerState: Codable, Sendable, Equatable {
    /// `"adam"`, `"adamw"`, `"rmsprop"` or `"sgd"`.
    public var algorithm: String
    /// Steps taken.
    public var step: Int
    /// The learning rate at export.
    public var learningRate: Double
    /// Every state buffer, flattened row-major, by name.
    public var buffers: [String: [Float]]

    /// A state with the given fields.
    public init(algorithm: String, step: Int, learningRate: Double, buffers: [String: [Float]]) {
        self.algorithm = algorithm
        self.step = step
        self.learningRate = learningRate
        self.buffers = buffers
    }
}

/// Why an optimizer state could not be restored.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    case algorithmMismatch(expected: String, found: String)
    case missingBuffer(name: String, available: [String])
    case sizeMismatch(name: String, expected: Int, found: Int)
    case invalidStep(Int)

    public var description: String {
        switch self {
        case .algorithmMismatch(let e, let f):
            return "optimizer state: expected algorithm '\(e)', found '\(f)'; restore into the optimizer type that exported it"
        case .missingBuffer(let n, let a):
            return "optimizer state: buffer '\(n)' is missing (have \(a.sorted().prefix(8))...); the network's parameter names changed since export, restore into the same architecture"
        case .sizeMismatch(let n, let e, let f):
            return "optimizer state: buffer '\(n)' has \(f) values, the parameter has \(e); restore into the same architecture"
        case .invalidStep(let s):
            return "optimizer state: step must be non-negative, found \(s)"
        }
    }
}

/// Per-parameter state buffers shared by the optimizer implementations.
struct StateBuffers {
    let names: [String]
    var tensors: [[Tensor]]  // [buffer kind][parameter]

    init(kinds: [String], parameters: [NamedParameter]) {
        names = kinds
        tensors = kinds.map { _ in parameters.map { Tensor.zeros($0.parameter.value.shape) } }
    }

    static let empty = Tensor.zeros([0])

    /// Moves buffer `kind` of parameter `i` out (uniquely referenced, so writes do not copy);
    /// give it back with `put`. Avoids overlapping accesses to `tensors` while several are written.
    mutating func take(_ kind: Int, _ i: Int) -> Tensor {
        let t = tensors[kind][i]
        tensors[kind][i] = StateBuffers.empty
        return t
    }

    mutating func put(_ kind: Int, _ i: Int, _ t: Tensor) { tensors[kind][i] = t }

    func export(_ parameters: [NamedParameter], into buffers: inout [String: [Float]]) {
        for (k, kind) in names.enumerated() {
            for (i, p) in parameters.enumerated() { buffers["\(p.name).\(kind)"] = tensors[k][i].scalars }
        }
    }

    mutating func restore(_ parameters: [NamedParameter], from buffers: [String: [Float]]) throws {
        var fresh = tensors
        for (k, kind) in names.enumerated() {
            for (i, p) in parameters.enumerated() {
                let key = "\(p.name).\(kind)"
                guard let values = buffers[key] else { throw OptimizerStateError.missingBuffer(name: key, available: Array(buffers.keys)) }
                guard values.count == p.parameter.value.count else {
                    throw OptimizerStateError.sizeMismatch(name: key, expected: p.parameter.value.count, found: values.count)
                }
                fresh[k][i] = Tensor(shape: p.parameter.value.shape, scalars: values)
            }
        }
        tensors = fresh
    }
}

/// The optimizers whose state is a `StateBuffers` plus the step counter and learning rate: they share
/// one export and one restore.
protocol BufferedOptimizer: Optimizer {
    var state: StateBuffers { get set }
    var stepCount: Int { get set }
    var algorithmName: String { get }
}

extension BufferedOptimizer {
    public func exportState() -> OptimizerState {
        var buffers: [String: [Float]] = [:]
        state.export(parameters, into: &buffers)
        return OptimizerState(algorithm: algorithmName, step: stepCount, learningRate: learningRate, buffers: buffers)
    }

    public func restoreState(_ s: OptimizerState) throws {
        try checkHeader(s, algorithm: algorithmName)
        try state.restore(parameters, from: s.buffers)
        stepCount = s.step
        learningRate = s.learningRate
    }
}

func checkHeader(_ state: OptimizerState, algorithm: String) throws {
    guard state.algorithm == algorithm else { throw OptimizerStateError.algorithmMismatch(expected: algorithm, found: state.algorithm) }
    guard state.step >= 0 else { throw OptimizerStateError.invalidStep(state.step) }
}
