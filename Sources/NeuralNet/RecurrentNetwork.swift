/// A stack of LSTM or GRU layers over batch-first sequences, with PyTorch's equations, gate order,
/// initialization and parameter names (`torch.nn.LSTM`, `torch.nn.GRU` with `batch_first=True`),
/// so a PyTorch `state_dict` maps one to one (``load(stateDict:)``). Use ``LSTM`` and ``GRU``.
///
/// Per layer `l` and direction (suffix `""`, or `"_reverse"` for the backward half of a
/// bidirectional layer) the parameters are `weight_ih_l{l}` `[G·H, in]`, `weight_hh_l{l}` `[G·H, H]`,
/// `bias_ih_l{l}` and `bias_hh_l{l}` `[G·H]` (G = 4 gates `i, f, g, o` for an LSTM, 3 gates `r, z, n`
/// for a GRU), in that order, as PyTorch lists them. Every one starts `U(−1/√H, 1/√H)` (PyTorch's
/// `reset_parameters`).
///
/// Each layer computes the input-to-hidden products of all time steps as one matrix product, then
/// runs the recurrence as one fused primitive (TensorCore's `recurrence`, backpropagation through
/// time on the tape). A bidirectional layer concatenates the forward and backward hidden states
/// along the feature axis, forward first, as PyTorch does; the next layer reads both.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let lstm = LSTM(inputSize: 8, hiddenSize: 64, layers: 2, bidirectional: true, rng: &rng)
/// let out = lstm.forward(tape.constant(x))     // x: [batch, time, 8]
/// // out.output: [batch, time, 128]; out.hidden, out.cell: [2·2, batch, 64]
/// ```
public class RecurrentNetwork: Layer {
    /// One direction of one layer.
    public struct Direction {
        /// `W_ih`, `[G·H, in]`.
        public let inputWeight: Parameter
        /// `W_hh`, `[G·H, H]`.
        public let hiddenWeight: Parameter
        /// `b_ih`, `[G·H]`, or nil.
        public let inputBias: Parameter?
        /// `b_hh`, `[G·H]`, or nil.
        public let hiddenBias: Parameter?
        /// Whether this direction runs last to first.
        public let reverse: Bool
    }

    /// LSTM or GRU.
    public let cell: RecurrentCell
    /// Features per time step of the input.
    public let inputSize: Int
    /// `H`, the hidden state width.
    public let hiddenSize: Int
    /// Stacked layers.
    public let layerCount: Int
    /// Whether each layer also runs backward in time (outputs `2H` wide).
    public let bidirectional: Bool
    /// `directions[layer][0]` forward, `[1]` backward (bidirectional only).
    public let directions: [[Direction]]
    /// The tape of the eager path (gradients off; its buffers are reused call after call).
    private let inferenceTape = Tape()

    /// The number of directions: 1 or 2.
    public var directionCount: Int { bidirectional ? 2 : 1 }
    /// The output width per time step: `H` or `2H`.
    public var outputSize: Int { directionCount * hiddenSize }

    /// A network with PyTorch's initialization.
    /// - Parameters:
    ///   - cell: LSTM or GRU.
    ///   - inputSize: features per time step.
    ///   - hiddenSize: `H` (PyTorch `hidden_size`).
    ///   - layers: stacked layers (PyTorch `num_layers`, default 1).
    ///   - bias: whether to add `b_ih` and `b_hh` (PyTorch `bias`, default true).
    ///   - bidirectional: PyTorch `bidirectional` (default false).
    ///   - rng: the generator for the initial values, drawn parameter by parameter in `namedParameters` order.
    public init(cell: RecurrentCell, inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true,
                bidirectional: Bool = false, rng: inout Xoshiro256) {
        precondition(inputSize > 0 && hiddenSize > 0 && layers > 0,
                     "\(cell): sizes must be positive, got input \(inputSize), hidden \(hiddenSize), layers \(layers)")
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layerCount = layers
        self.bidirectional = bidirectional
        let gh = cell.gates * hiddenSize, bound = 1 / Float(hiddenSize).squareRoot()
        var all: [[Direction]] = []
        for l in 0..<layers {
            let ins = l == 0 ? inputSize : hiddenSize * (bidirectional ? 2 : 1)
            var dirs: [Direction] = []
            for d in 0..<(bidirectional ? 2 : 1) {
                func draw(_ shape: [Int]) -> Parameter { Parameter(Tensor.uniform(shape, low: -bound, high: bound, rng: &rng)) }
                let wih = draw([gh, ins]), whh = draw([gh, hiddenSize])
                let bih = bias ? draw([gh]) : nil, bhh = bias ? draw([gh]) : nil
                dirs.append(Direction(inputWeight: wih, hiddenWeight: whh, inputBias: bih, hiddenBias: bhh, reverse: d == 1))
            }
            all.append(dirs)
        }
        directions = all
    }

    /// The output sequence and final states, as PyTorch returns them.
    public struct Output {
        /// `[B, T, D·H]`: the last layer's hidden state at every time step (both directions concatenated).
        public let output: Variable
        /// `[L·D, B, H]`: every layer's and direction's final hidden state (`h_n`).
        public let hidden: Variable
        /// `[L·D, B, H]`: an LSTM's final cell states (`c_n`); nil for a GRU.
        public let cell: Variable?
        /// The raw recurrence workspaces `[B, T, S]`, by layer then direction (see `RecurrentCell`).
        public let workspaces: [Variable]
    }

    /// Records the forward pass of a batch of sequences.
    /// - Parameters:
    ///   - x: `[B, T, inputSize]`.
    ///   - hidden: `h_0`, `[L·D, B, H]`, or nil for zeros.
    ///   - cell: `c_0` (LSTM only), `[L·D, B, H]`, or nil for zeros.
    /// - Precondition: shapes as above, `T >= 1` (user input is validated by the callers that read files).
    public func forward(_ x: Variable, hidden h0: Variable? = nil, cell c0: Variable? = nil) -> Output {
        precondition(x.shape.count == 3 && x.shape[2] == inputSize && x.shape[1] >= 1,
                     "\(cell): input \(x.shape) must be [batch, time >= 1, \(inputSize)]")
        let tape = x.tape
        let (b, t, h) = (x.shape[0], x.shape[1], hiddenSize)
        let s = cell.workspaceWidth(hidden: h), gh = cell.gates * h
        for state in [h0, c0].compactMap({ $0 }) {
            precondition(state.shape == [layerCount * directionCount, b, h],
                         "\(cell): initial state \(state.shape) must be [\(layerCount * directionCount), \(b), \(h)]")
        }
        var input = x.reshaped([b * t, inputSize])
        var finalH: [Variable] = [], finalC: [Variable] = [], workspaces: [Variable] = []
        for (l, dirs) in directions.enumerated() {
            var outputs: [Variable] = []
            for dir in dirs {
                let k = l * directionCount + (dir.reverse ? 1 : 0)
                let initial = initialState(h0, c0, index: k, batch: b, tape: tape)
                let gates = input.linear(weight: tape.parameter(dir.inputWeight), bias: dir.inputBias.map { tape.parameter($0) })
                    .reshaped([b, t, gh])
                let ws = gates.recurrence(cell, hiddenWeight: tape.parameter(dir.hiddenWeight),
                                          hiddenBias: dir.hiddenBias.map { tape.parameter($0) }, initialState: initial,
                                          reverse: dir.reverse)
                workspaces.append(ws)
                outputs.append(ws.columns(cell.hiddenColumns(hidden: h), rowLength: s))
                // The final states: the last step's row of each sequence (the first for the reverse direction).
                let last = (dir.reverse ? 0 : t - 1) * s
                finalH.append(ws.columns(last..<(last + h), rowLength: t * s).reshaped([1, b, h]))
                if cell == .lstm {
                    let c = cell.cellColumns(hidden: h)
                    finalC.append(ws.columns((last + c.lowerBound)..<(last + c.upperBound), rowLength: t * s).reshaped([1, b, h]))
                }
            }
            input = outputs.count == 1 ? outputs[0] : Variable.concatenate(outputs, axis: 1)
        }
        return Output(output: input.reshaped([b, t, outputSize]),
                      hidden: finalH.count == 1 ? finalH[0] : Variable.concatenate(finalH, axis: 0),
                      cell: finalC.isEmpty ? nil : (finalC.count == 1 ? finalC[0] : Variable.concatenate(finalC, axis: 0)),
                      workspaces: workspaces)
    }

    /// The packed initial state `[B, stateWidth]` of layer-direction `k`, or nil when both are zeros.
    private func initialState(_ h0: Variable?, _ c0: Variable?, index k: Int, batch b: Int, tape: Tape) -> Variable? {
        if h0 == nil && (c0 == nil || cell == .gru) { return nil }
        let h = hiddenSize
        func slice(_ v: Variable?) -> Variable {
            // A zero state next to a given one when only `h_0` or only `c_0` is passed.
            guard let v else { return tape.constant(Tensor.zeros([b, h])) }
            return v.rows(k..<(k + 1)).reshaped([b, h])
        }
        if cell == .gru { return slice(h0) }
        return Variable.concatenate([slice(h0), slice(c0)], axis: 1)
    }

    /// The last layer's hidden sequence `[B, T, D·H]`.
    public func callAsFunction(_ x: Variable) -> Variable { forward(x).output }

    /// The last layer's hidden sequence `[B, T, D·H]`, eagerly. Runs on the network's own tape with
    /// gradients off, whose buffers are reused call after call (no allocation in steady state for
    /// a fixed shape); not thread-safe.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        inferenceTape.reset()
        return inferenceTape.withoutGradients { forward(inferenceTape.constant(x)).output.value }
    }

    public var namedParameters: [NamedParameter] {
        var result: [NamedParameter] = []
        for (l, dirs) in directions.enumerated() {
            for dir in dirs {
                let suffix = "_l\(l)" + (dir.reverse ? "_reverse" : "")
                result.append(NamedParameter("weight_ih" + suffix, dir.inputWeight))
                result.append(NamedParameter("weight_hh" + suffix, dir.hiddenWeight))
                if let p = dir.inputBias { result.append(NamedParameter("bias_ih" + suffix, p)) }
                if let p = dir.hiddenBias { result.append(NamedParameter("bias_hh" + suffix, p)) }
            }
        }
        return result
    }
}

/// A stack of LSTM layers (`torch.nn.LSTM`, batch first); see ``RecurrentNetwork``.
public final class LSTM: RecurrentNetwork {
    /// An LSTM with PyTorch's initialization; parameters as ``RecurrentNetwork/init(cell:inputSize:hiddenSize:layers:bias:bidirectional:rng:)``.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                rng: inout Xoshiro256) {
        super.init(cell: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                   bidirectional: bidirectional, rng: &rng)
    }
}

/// A stack of GRU layers (`torch.nn.GRU`, batch first); see ``RecurrentNetwork``.
public final class GRU: RecurrentNetwork {
    /// A GRU with PyTorch's initialization; parameters as ``RecurrentNetwork/init(cell:inputSize:hiddenSize:layers:bias:bidirectional:rng:)``.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true, bidirectional: Bool = false,
                rng: inout Xoshiro256) {
        super.init(cell: .gru, inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias,
                   bidirectional: bidirectional, rng: &rng)
    }
}
