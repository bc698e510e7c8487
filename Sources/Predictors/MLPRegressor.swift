import MarketGym
import NeuralNet
import TensorCore

/// Settings of the MLP model option of the walk-forward predictor.
public struct MLPConfig: Codable, Sendable, Equatable {
    /// Hidden layer widths. Default [32, 16]: small, for ~10 inputs (Gu, Kelly & Xiu 2020 found
    /// shallow nets of 32-16 units the best for return prediction).
    public var hiddenSizes: [Int] = [32, 16]
    /// Adam learning rate. Default 1e-3 (Kingma & Ba 2015).
    public var learningRate: Double = 1e-3
    /// Minibatch size, samples. Default 256.
    public var batchSize: Int = 256
    /// Adam steps per refit (the network is re-initialized at each refit), steps. Default 400.
    public var stepsPerRefit: Int = 400
    /// Seed of the initialization and minibatch draws. Default 0.
    public var seed: UInt64 = 0

    /// Creates the default settings.
    public init() {}
}

/// A small MLP regressor (ReLU hidden layers, linear output) trained with Adam on mean squared
/// error, on inputs and target standardized by the training window's own moments.
///
/// Each refit starts from a fresh seeded initialization and runs a fixed number of minibatch steps
/// on samples drawn uniformly from the training window, so the fit is deterministic for a seed and
/// uses only the window's data.
struct MLPModel {
    let network: Sequential
    let mean: [Double]
    let sd: [Double]
    let meanY: Double
    let sdY: Double

    /// Trains a fresh network on the given samples.
    /// - Parameters:
    ///   - inputs: all inputs, `inputs[offset + a]`.
    ///   - samples: offsets (into `inputs`, in units of rows) and targets of the training window.
    static func fit(inputs x: UnsafeBufferPointer<Double>, inputCount p: Int, samples: [(row: Int, y: Double)],
                    moments: (mean: [Double], sd: [Double], meanY: Double, sdY: Double),
                    config: MLPConfig, rng: inout Xoshiro256) -> MLPModel {
        let network = Sequential.mlp([p] + config.hiddenSizes + [1], rng: &rng)
        let model = MLPModel(network: network, mean: moments.mean, sd: moments.sd, meanY: moments.meanY, sdY: moments.sdY)
        guard !samples.isEmpty else { return model }
        let optimizer = Adam(network.namedParameters, learningRate: config.learningRate)
        let tape = Tape()
        let batch = config.batchSize
        var xb = [Float](repeating: 0, count: batch * p)
        var yb = [Float](repeating: 0, count: batch)
        for _ in 0..<config.stepsPerRefit {
            for j in 0..<batch {
                let sample = samples[rng.uniformInt(below: samples.count)]
                model.standardize(x, row: sample.row, inputCount: p, into: &xb, at: j * p)
                yb[j] = Float((sample.y - moments.meanY) / moments.sdY)
            }
            tape.reset()
            let prediction = network(tape.constant(Tensor(shape: [batch, p], scalars: xb)))
            let loss = Loss.mse(prediction, Tensor(shape: [batch, 1], scalars: yb))
            tape.backward(loss)
            optimizer.step()
        }
        return model
    }

    func standardize(_ x: UnsafeBufferPointer<Double>, row: Int, inputCount p: Int, into out: inout [Float], at offset: Int) {
        for a in 0..<p { out[offset + a] = Float((x[row * p + a] - mean[a]) / sd[a]) }
    }

    /// Predictions for the given rows, in target units.
    func predict(_ x: UnsafeBufferPointer<Double>, rows: [Int], inputCount p: Int) -> [Double] {
        guard !rows.isEmpty else { return [] }
        var input = [Float](repeating: 0, count: rows.count * p)
        for (j, row) in rows.enumerated() { standardize(x, row: row, inputCount: p, into: &input, at: j * p) }
        let output = network(Tensor(shape: [rows.count, p], scalars: input)).scalars
        return output.map { Double($0) * sdY + meanY }
    }
}
