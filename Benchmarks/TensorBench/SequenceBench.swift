// TensorBench's sequence cases (issue 17): a 1-layer LSTM training step (forward, backpropagation
// through time, Adam) and batch-1 inference. PyTorch peer: the lstm_* cases of scripts/torch_bench.py.
import NeuralNet

/// One training step of `nn.LSTM(16, H, batch_first=True)` + `nn.Linear(H, 1)` on the final hidden
/// state, mean squared error, Adam (lr 1e-3), as scripts/torch_bench.py's `lstm_step_fn`.
final class LSTMTrainStep {
    let lstm: LSTM
    let head: Linear
    let adam: Adam
    let tape = Tape()
    let x: Tensor, y: Tensor
    let batch: Int, hidden: Int

    init(hidden: Int, steps: Int, batch: Int, inputs: Int = 16, seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        lstm = LSTM(inputSize: inputs, hiddenSize: hidden, rng: &rng)
        head = Linear(inputs: hidden, outputs: 1, rng: &rng)
        adam = Adam(lstm.namedParameters(prefix: "lstm") + head.namedParameters(prefix: "head"), learningRate: 1e-3)
        x = Tensor.normal([batch, steps, inputs], rng: &rng)
        y = Tensor.normal([batch, 1], rng: &rng)
        self.batch = batch
        self.hidden = hidden
    }

    func step() {
        tape.reset()
        let out = lstm.forward(tape.constant(x))
        let loss = Loss.mse(head(out.hidden.reshaped([batch, hidden])), y)
        tape.backward(loss)
        adam.step()
    }
}

/// The sequence cases: `lstm_train_h{64,128}_t{32,64}_b{32,256}` and `lstm_infer_h64_t64_b1`.
func runSequenceCases(seconds: Double, wanted: (String) -> Bool) {
    for hidden in [64, 128] {
        for steps in [32, 64] {
            for batch in [32, 256] {
                let name = "lstm_train_h\(hidden)_t\(steps)_b\(batch)"
                guard wanted(name) else { continue }
                let bench = LSTMTrainStep(hidden: hidden, steps: steps, batch: batch, seed: 4)
                measure(name, seconds: seconds, warmup: 5) { bench.step() }
            }
        }
    }
    if wanted("lstm_infer_h64_t64_b1") {
        var rng = Xoshiro256(seed: 5)
        let lstm = LSTM(inputSize: 16, hiddenSize: 64, rng: &rng)
        let x = Tensor.normal([1, 64, 16], rng: &rng)
        var sink: Float = 0
        measure("lstm_infer_h64_t64_b1", seconds: seconds, warmup: 200) {
            sink += lstm(x)[element: 0]
        }
        if sink.isNaN { print("#", sink) }
    }
}
