import MarketGym
import NeuralNet
import TensorCore

/// The network of a sequence model: `[B, T, P]` windows to one standardized prediction `[B, 1]`.
///
/// - `lstm`, `gru`: the last layer's final hidden state, then a linear head;
/// - `bilstm`: the last layer's final forward state (after the last bar) and final backward state
///   (after the first bar, having read the whole window), concatenated, then the head;
/// - `lstmAttention`: additive attention pooling (Bahdanau et al. 2015) over the LSTM's outputs,
///   concatenated with the final hidden state (Luong et al. 2015's attentional hidden state reads
///   both), then the head;
/// - `tcn`: residual TCN blocks with dilations 1, 2, 4, ... (Bai et al. 2018), the last step's channels.
final class SequenceNetwork {
    let model: PredictorModel
    let recurrent: RecurrentNetwork?
    let attention: AttentionPooling?
    let blocks: [TemporalBlock]
    let head: Linear

    init(model: PredictorModel, inputs p: Int, config: SequenceModelConfig, rng: inout Xoshiro256) {
        self.model = model
        let h = config.hiddenSize
        var width = h
        switch model {
        case .lstm:
            recurrent = LSTM(inputSize: p, hiddenSize: h, layers: config.layers, rng: &rng)
            blocks = []
        case .lstmAttention:
            recurrent = LSTM(inputSize: p, hiddenSize: h, layers: config.layers, rng: &rng)
            blocks = []
            width = 2 * h
        case .bilstm:
            recurrent = LSTM(inputSize: p, hiddenSize: h, layers: config.layers, bidirectional: true, rng: &rng)
            blocks = []
            width = 2 * h
        case .gru:
            recurrent = GRU(inputSize: p, hiddenSize: h, layers: config.layers, rng: &rng)
            blocks = []
        case .tcn:
            recurrent = nil
            blocks = (0..<config.layers).map { l in
                TemporalBlock(inputs: l == 0 ? p : h, outputs: h, kernelSize: config.kernelSize, dilation: 1 << l, rng: &rng)
            }
        case .ridge, .mlp:
            preconditionFailure("SequenceNetwork: \(model) is not a sequence model")
        }
        attention = model == .lstmAttention ? AttentionPooling(features: h, kind: .additive(attentionSize: h), rng: &rng) : nil
        head = Linear(inputs: width, outputs: 1, rng: &rng)
    }

    func callAsFunction(_ x: Variable) -> Variable {
        let (b, t) = (x.shape[0], x.shape[1])
        if model == .tcn {
            var y = x
            for block in blocks { y = block(y) }
            let c = y.shape[2]
            return head(y.columns(((t - 1) * c)..<(t * c), rowLength: t * c))
        }
        guard let recurrent else { preconditionFailure("SequenceNetwork: no recurrent layers for \(model)") }
        let out = recurrent.forward(x)
        let d = recurrent.directionCount, first = (recurrent.layerCount - 1) * d
        var finals = (first..<(first + d)).map { out.hidden.rows($0..<($0 + 1)).reshaped([b, recurrent.hiddenSize]) }
        if let attention { finals.insert(attention(out.output), at: 0) }
        return head(finals.count == 1 ? finals[0] : Variable.concatenate(finals, axis: 1))
    }

    var namedParameters: [NamedParameter] {
        (recurrent?.namedParameters(prefix: "rnn") ?? []) + (attention?.namedParameters(prefix: "attention") ?? [])
            + blocks.enumerated().flatMap { $1.namedParameters(prefix: "tcn.\($0)") } + head.namedParameters(prefix: "head")
    }
}

/// A sequence model fitted at one refit: windows of standardized inputs in, the target out.
///
/// Training (per refit, from a fresh seeded initialization): Adam on mean squared error over
/// minibatches drawn from the older part of the training window; every `evaluateEvery` steps the
/// validation loss on the window's time-ordered tail is measured, the best weights are kept, and
/// training stops after `patience` checks without improvement (early stopping, Prechelt 1998).
/// The tail starts `h` bars after the last training sample's bar, so no training label overlaps it.
struct SequenceModel {
    let network: SequenceNetwork
    let mean: [Double]
    let sd: [Double]
    let meanY: Double
    let sdY: Double
    let length: Int
    let assetCount: Int
    /// Adam steps taken and the step whose weights were kept (for tests and provenance).
    let stepsTaken: Int
    let bestStep: Int

    /// Validation windows evaluated per check at most (evenly spaced over the tail).
    static let validationCap = 4096

    static func fit(model: PredictorModel, inputs x: UnsafeBufferPointer<Double>, inputCount p: Int, assetCount n: Int,
                    horizon h: Int, samples: [(row: Int, y: Double)],
                    moments: (mean: [Double], sd: [Double], meanY: Double, sdY: Double),
                    config: SequenceModelConfig, rng: inout Xoshiro256) -> SequenceModel {
        let network = SequenceNetwork(model: model, inputs: p, config: config, rng: &rng)
        // Time-ordered split: samples are appended bar by bar, so the tail is the most recent.
        let tailStart = min(samples.count - 1, Int(Double(samples.count) * (1 - config.validationFraction)))
        let validationBar = samples.isEmpty ? 0 : samples[max(0, tailStart)].row / n
        let train = samples.filter { $0.row / n < validationBar - h }
        let validation = samples.filter { $0.row / n >= validationBar }
        var fitted = SequenceModel(network: network, mean: moments.mean, sd: moments.sd, meanY: moments.meanY, sdY: moments.sdY,
                                   length: config.length, assetCount: n, stepsTaken: 0, bestStep: 0)
        guard !train.isEmpty, !validation.isEmpty else { return fitted }
        let stride = max(1, validation.count / validationCap)
        let checkRows = Swift.stride(from: 0, to: validation.count, by: stride).map { validation[$0] }

        let parameters = network.namedParameters
        let optimizer = Adam(parameters, learningRate: config.learningRate)
        let tape = Tape()
        let (batch, l) = (config.batchSize, config.length)
        var xb = [Float](repeating: 0, count: batch * l * p)
        var yb = [Float](repeating: 0, count: batch)
        var best = fitted.validationLoss(x, checkRows, inputCount: p, tape: tape)
        var bestValues = parameters.map(\.parameter.value)
        var bestStep = 0, sinceBest = 0, step = 0
        while step < config.maxStepsPerRefit {
            for j in 0..<batch {
                let sample = train[rng.uniformInt(below: train.count)]
                fitted.window(x, row: sample.row, inputCount: p, into: &xb, at: j * l * p)
                yb[j] = Float((sample.y - moments.meanY) / moments.sdY)
            }
            tape.reset()
            let prediction = network(tape.constant(Tensor(shape: [batch, l, p], scalars: xb)))
            tape.backward(Loss.mse(prediction, Tensor(shape: [batch, 1], scalars: yb)))
            optimizer.step()
            step += 1
            if step % config.evaluateEvery == 0 || step == config.maxStepsPerRefit {
                let loss = fitted.validationLoss(x, checkRows, inputCount: p, tape: tape)
                if loss < best {
                    best = loss
                    bestValues = parameters.map(\.parameter.value)
                    bestStep = step
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if sinceBest >= config.patience { break }
                }
            }
        }
        for (p, value) in zip(parameters, bestValues) { p.parameter.value = value }
        fitted = SequenceModel(network: network, mean: moments.mean, sd: moments.sd, meanY: moments.meanY, sdY: moments.sdY,
                               length: config.length, assetCount: n, stepsTaken: step, bestStep: bestStep)
        return fitted
    }

    /// Writes the standardized window ending at `row`'s bar (`length` bars, oldest first) at `offset`.
    func window(_ x: UnsafeBufferPointer<Double>, row: Int, inputCount p: Int, into out: inout [Float], at offset: Int) {
        let (bar, asset) = (row / assetCount, row % assetCount)
        for j in 0..<length {
            let source = ((bar - length + 1 + j) * assetCount + asset) * p, dst = offset + j * p
            for a in 0..<p { out[dst + a] = Float((x[source + a] - mean[a]) / sd[a]) }
        }
    }

    /// Mean squared error in standardized units on the given samples (no gradients).
    func validationLoss(_ x: UnsafeBufferPointer<Double>, _ samples: [(row: Int, y: Double)], inputCount p: Int, tape: Tape) -> Double {
        let predictions = standardizedPredictions(x, rows: samples.map(\.row), inputCount: p, tape: tape)
        var sum = 0.0
        for (k, s) in samples.enumerated() {
            let e = predictions[k] - (s.y - meanY) / sdY
            sum += e * e
        }
        return sum / Double(max(samples.count, 1))
    }

    func standardizedPredictions(_ x: UnsafeBufferPointer<Double>, rows: [Int], inputCount p: Int, tape: Tape) -> [Double] {
        let chunk = 1024
        var result: [Double] = []
        result.reserveCapacity(rows.count)
        var buffer = [Float](repeating: 0, count: min(chunk, rows.count) * length * p)
        for start in Swift.stride(from: 0, to: rows.count, by: chunk) {
            let part = rows[start..<min(start + chunk, rows.count)]
            for (j, row) in part.enumerated() { window(x, row: row, inputCount: p, into: &buffer, at: j * length * p) }
            tape.reset()
            let out = tape.withoutGradients {
                network(tape.constant(Tensor(shape: [part.count, length, p], scalars: Array(buffer[0..<(part.count * length * p)]))))
            }
            result += out.value.scalars.map(Double.init)
        }
        return result
    }

    /// Predictions for the given rows (every one with a complete window), in target units.
    func predict(_ x: UnsafeBufferPointer<Double>, rows: [Int], inputCount p: Int) -> [Double] {
        standardizedPredictions(x, rows: rows, inputCount: p, tape: Tape()).map { $0 * sdY + meanY }
    }
}
