/// One residual block of a temporal convolutional network (Bai, Kolter & Koltun 2018, "An Empirical
/// Evaluation of Generic Convolutional and Recurrent Networks for Sequence Modeling", fig. 1b):
/// two causal dilated 1-D convolutions with ReLU, plus the input (through a 1×1 convolution when
/// the widths differ), then ReLU. Causal: the output at step `t` reads inputs `t, t−d, …, t−(K−1)d`
/// only, zeros before the start (no look-ahead).
///
/// Each convolution is one matrix product: the `K` causally shifted copies of the input are laid
/// side by side (`[B·T, K·C]`) and multiplied by the weight `[C_out, K·C]`, whose columns are
/// tap-major (tap `k` reads the input shifted by `(K−1−k)·d`; PyTorch's `Conv1d` weight
/// `[C_out, C, K]` is this one with the last two axes swapped). Weight normalization and dropout of
/// the paper are left out. Parameter names: `conv1.weight`, `conv1.bias`, `conv2.*`, `downsample.*`.
public final class TemporalBlock: Layer {
    /// Taps per convolution (`K`).
    public let kernelSize: Int
    /// The spacing of the taps in time steps (`d`).
    public let dilation: Int
    /// Input channels.
    public let inputs: Int
    /// Output channels.
    public let outputs: Int
    let conv1: Linear
    let conv2: Linear
    let downsample: Linear?

    /// A block with PyTorch's `Conv1d` initialization (`U(±1/√(C·K))`).
    /// - Parameters:
    ///   - inputs: channels in.
    ///   - outputs: channels out.
    ///   - kernelSize: taps `K` (Bai et al. use 2 to 8).
    ///   - dilation: `d` (Bai et al. double it per block: 1, 2, 4, ...).
    ///   - rng: the generator for the initial values.
    public init(inputs: Int, outputs: Int, kernelSize: Int = 3, dilation: Int = 1, rng: inout Xoshiro256) {
        precondition(inputs > 0 && outputs > 0 && kernelSize > 0 && dilation > 0,
                     "TemporalBlock: sizes must be positive, got \(inputs) -> \(outputs), kernel \(kernelSize), dilation \(dilation)")
        self.inputs = inputs
        self.outputs = outputs
        self.kernelSize = kernelSize
        self.dilation = dilation
        conv1 = Linear(inputs: kernelSize * inputs, outputs: outputs, rng: &rng)
        conv2 = Linear(inputs: kernelSize * outputs, outputs: outputs, rng: &rng)
        downsample = inputs == outputs ? nil : Linear(inputs: inputs, outputs: outputs, rng: &rng)
    }

    /// The `K` causal taps of `x` `[B, T, C]` side by side: `[B·T, K·C]`.
    private func taps(_ x: Variable) -> Variable {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let shifted = (0..<kernelSize).map { k in x.timeShifted(by: (kernelSize - 1 - k) * dilation) }
        let joined = shifted.count == 1 ? shifted[0] : Variable.concatenate(shifted, axis: 2)
        return joined.reshaped([b * t, kernelSize * c])
    }

    /// `[B, T, inputs]` → `[B, T, outputs]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        precondition(x.shape.count == 3 && x.shape[2] == inputs, "TemporalBlock: input \(x.shape) must be [batch, time, \(inputs)]")
        let (b, t) = (x.shape[0], x.shape[1])
        let h1 = conv1(taps(x), activation: .relu).reshaped([b, t, outputs])
        let h2 = conv2(taps(h1), activation: .relu)
        let flat = x.reshaped([b * t, inputs])
        let residual = downsample.map { $0(flat) } ?? flat
        return (h2 + residual).relu().reshaped([b, t, outputs])
    }

    public var namedParameters: [NamedParameter] {
        conv1.namedParameters(prefix: "conv1") + conv2.namedParameters(prefix: "conv2")
            + (downsample?.namedParameters(prefix: "downsample") ?? [])
    }
}
