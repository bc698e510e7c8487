/// Settings of the recurrent and convolutional model options of the walk-forward predictor
/// (`model: lstm | bilstm | gru | lstmAttention | tcn`).
///
/// Each sample is a window of the last `length` bars of one asset's inputs (the same inputs as ridge
/// and the MLP), ending at the bar the prediction is stamped with. A window with a missing input at
/// any of its bars is skipped and counted (`PredictionRun.skippedWindows`), never filled.
public struct SequenceModelConfig: Codable, Sendable, Equatable {
    /// Bars per input window. Default 20: a trading month of daily bars (the window the
    /// engineered-indicator LSTMs of issue 17 read).
    public var length: Int = 20
    /// Hidden units per direction (LSTM/GRU) or channels (TCN). Default 32: small, like the MLP's
    /// 32-16 (Gu, Kelly & Xiu 2020), for ~10 inputs and a few thousand samples a year.
    public var hiddenSize: Int = 32
    /// Stacked recurrent layers (TCN: residual blocks, dilations 1, 2, 4, ...). Default 1.
    public var layers: Int = 1
    /// Taps of each TCN convolution. Default 3 (Bai et al. 2018 use 2 to 8).
    public var kernelSize: Int = 3
    /// Adam learning rate. Default 1e-3 (Kingma & Ba 2015).
    public var learningRate: Double = 1e-3
    /// Minibatch size, windows. Default 256 (as the MLP).
    public var batchSize: Int = 256
    /// Most Adam steps per refit (fresh initialization at each refit), steps. Default 300.
    public var maxStepsPerRefit: Int = 300
    /// The time-ordered tail of each training window held out for early stopping, as a fraction of
    /// its samples. Default 0.2. The last `h` bars before the slice are purged from training (their
    /// labels would overlap it); the slice never reaches past the training window.
    public var validationFraction: Double = 0.2
    /// Steps between validation checks. Default 25.
    public var evaluateEvery: Int = 25
    /// Checks without improvement before stopping (the best weights are kept). Default 4.
    public var patience: Int = 4
    /// Seed of the initialization and minibatch draws. Default 0.
    public var seed: UInt64 = 0

    /// Creates the default settings.
    public init() {}

    /// Checks the settings.
    /// - Throws: `PredictorError.invalidConfig` naming the field and the fix.
    public func validate() throws(PredictorError) {
        if length < 1 {
            throw .invalidConfig(field: "sequence.length", value: "\(length)", expected: "a window of at least 1 bar, e.g. 20")
        }
        if hiddenSize < 1 {
            throw .invalidConfig(field: "sequence.hiddenSize", value: "\(hiddenSize)", expected: "at least 1 unit, e.g. 32")
        }
        if layers < 1 || kernelSize < 1 {
            throw .invalidConfig(field: "sequence.layers/kernelSize", value: "\(layers)/\(kernelSize)", expected: "both >= 1")
        }
        if !(learningRate > 0) || !learningRate.isFinite {
            throw .invalidConfig(field: "sequence.learningRate", value: "\(learningRate)", expected: "a finite number > 0, e.g. 0.001")
        }
        if batchSize < 1 || maxStepsPerRefit < 0 || evaluateEvery < 1 || patience < 1 {
            throw .invalidConfig(field: "sequence.batchSize/maxStepsPerRefit/evaluateEvery/patience",
                                 value: "\(batchSize)/\(maxStepsPerRefit)/\(evaluateEvery)/\(patience)",
                                 expected: "batchSize >= 1, maxStepsPerRefit >= 0, evaluateEvery >= 1, patience >= 1")
        }
        if !(validationFraction > 0 && validationFraction < 1) {
            throw .invalidConfig(field: "sequence.validationFraction", value: "\(validationFraction)", expected: "a fraction in (0, 1), e.g. 0.2")
        }
    }
}
