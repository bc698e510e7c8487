import Foundation
import Testing
import TestSupport
@testable import NeuralNet

/// LSTM and GRU (2 layers, one and two directions) against PyTorch 2.13 (Goldens/seq_*, written by
/// scripts/goldens/make_seq_goldens.py): outputs, final states, every parameter gradient and the
/// gradients of the inputs and initial states, within 1e-5 relative.
@Suite("Recurrent networks vs PyTorch goldens")
struct RecurrentNetworkTests {
    static func network(_ golden: Golden, cell: RecurrentCell) throws -> RecurrentNetwork {
        var rng = Xoshiro256(seed: 0)
        let net = RecurrentNetwork(cell: cell, inputSize: Int(try golden.scalar("inputs")), hiddenSize: Int(try golden.scalar("hidden")),
                                   layers: Int(try golden.scalar("layers")), bidirectional: try golden.scalar("bidirectional") == 1,
                                   rng: &rng)
        var dict: [String: Tensor] = [:]
        for key in golden.keys where key.hasSuffix(".value") { dict[String(key.dropLast(6))] = try golden.tensor(key) }
        try net.load(stateDict: dict, source: "golden")
        return net
    }

    static func expectClose(_ actual: Tensor?, _ golden: Golden, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let actual else {
            Issue.record("\(key): no value", sourceLocation: sourceLocation)
            return
        }
        let bad = goldenMismatch(actual, try golden.tensor(key), relative: 1e-5, floorFraction: 1e-5)
        #expect(bad == nil, "\(key): \(bad ?? "")", sourceLocation: sourceLocation)
    }

    @Test(arguments: [("seq_lstm_2layer", RecurrentCell.lstm), ("seq_lstm_bi_2layer", .lstm),
                      ("seq_gru_2layer", .gru), ("seq_gru_bi_2layer", .gru)])
    func matchesPyTorch(_ name: String, _ cell: RecurrentCell) throws {
        let golden = try Golden(name, bundle: Bundle.module)
        let net = try Self.network(golden, cell: cell)
        let hasInitial = golden.keys.contains("h0")
        let tape = Tape()
        let x = tape.variable(try golden.tensor("x"))
        let h0 = hasInitial ? tape.variable(try golden.tensor("h0")) : nil
        let c0 = hasInitial && cell == .lstm ? tape.variable(try golden.tensor("c0")) : nil
        let out = net.forward(x, hidden: h0, cell: c0)
        var loss = (out.output * (try golden.tensor("w_out"))).sum() + (out.hidden * (try golden.tensor("w_h"))).sum()
        if let c = out.cell { loss = loss + (c * (try golden.tensor("w_c"))).sum() }
        tape.backward(loss)

        try Self.expectClose(out.output.value, golden, "output")
        try Self.expectClose(out.hidden.value, golden, "h_n")
        if cell == .lstm { try Self.expectClose(out.cell?.value, golden, "c_n") }
        #expect(isClose(loss.value.scalar, try golden.scalar("loss"), relative: 1e-5, absolute: 1e-5))
        for p in net.namedParameters { try Self.expectClose(p.parameter.grad, golden, "\(p.name).grad") }
        try Self.expectClose(tape.gradient(of: x), golden, "x.grad")
        if let h0 { try Self.expectClose(tape.gradient(of: h0), golden, "h0.grad") }
        if let c0 { try Self.expectClose(tape.gradient(of: c0), golden, "c0.grad") }
        // PyTorch's parameter names, one to one.
        let names = Set(golden.keys.filter { $0.hasSuffix(".value") }.map { String($0.dropLast(6)) })
        #expect(Set(net.namedParameters.map(\.name)) == names)
        // The eager path runs the same kernels: the same bits.
        #expect(net(try golden.tensor("x")) == net.forward(Tape().constant(try golden.tensor("x"))).output.value)
    }

    @Test func initializationIsPyTorchsUniformAndSeeded() {
        var a = Xoshiro256(seed: 5), b = Xoshiro256(seed: 5)
        let n1 = LSTM(inputSize: 3, hiddenSize: 16, layers: 2, bidirectional: true, rng: &a)
        let n2 = LSTM(inputSize: 3, hiddenSize: 16, layers: 2, bidirectional: true, rng: &b)
        let bound = 1 / Float(16).squareRoot()
        for (p, q) in zip(n1.namedParameters, n2.namedParameters) {
            #expect(p.parameter.value == q.parameter.value, "\(p.name)")
            #expect(p.parameter.value.scalars.allSatisfy { abs($0) <= bound }, "\(p.name)")
        }
        #expect(n1.namedParameters.map(\.name).prefix(5) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse"])
        #expect(n1.directions[1][0].inputWeight.value.shape == [64, 32])
    }

    /// Same seed, same bits: two training runs of a bidirectional GRU and LSTM with Adam.
    @Test(arguments: RecurrentCell.allCases)
    func trainingIsBitReproducible(_ cell: RecurrentCell) {
        func run() -> [Float] {
            var rng = Xoshiro256(seed: 11)
            let net = RecurrentNetwork(cell: cell, inputSize: 4, hiddenSize: 8, layers: 2, bidirectional: true, rng: &rng)
            let head = Linear(inputs: 16, outputs: 1, rng: &rng)
            let opt = Adam(net.namedParameters(prefix: "rnn") + head.namedParameters(prefix: "head"), learningRate: 1e-2)
            let x = Tensor.normal([5, 7, 4], rng: &rng), y = Tensor.normal([5, 1], rng: &rng)
            let tape = Tape()
            var losses: [Float] = []
            for _ in 0..<5 {
                tape.reset()
                let out = net(tape.constant(x)).reshaped([35, 16]).rows(0..<35)
                let last = out.reshaped([5, 7 * 16]).columns((6 * 16)..<(7 * 16))
                let loss = (head(last) - tape.constant(y)).squared().mean()
                tape.backward(loss)
                opt.step()
                losses.append(loss.value.scalar)
            }
            return losses + net.parameters.flatMap { $0.value.scalars }
        }
        let first = run(), second = run()
        #expect(first.map(\.bitPattern) == second.map(\.bitPattern))
        #expect(first[4] < first[0], "the loss should fall: \(first.prefix(5))")
    }

    @Test func stateDictWithWrongShapesIsRefusedAndChangesNothing() throws {
        var rng = Xoshiro256(seed: 3)
        let net = GRU(inputSize: 2, hiddenSize: 3, rng: &rng)
        let before = net.parameters.map(\.value)
        var dict = Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.name, Tensor.zeros($0.parameter.value.shape)) })
        dict["weight_hh_l0"] = Tensor.zeros([12, 3])  // an LSTM's shape
        #expect(throws: StateDictError.wrongShape(source: "m.pt", key: "weight_hh_l0", expected: [9, 3], found: [12, 3])) {
            try net.load(stateDict: dict, source: "m.pt")
        }
        #expect(net.parameters.map(\.value) == before)
        dict["weight_hh_l0"] = nil
        #expect(throws: StateDictError.missingKey(source: "m.pt", key: "weight_hh_l0", expectedShape: [9, 3])) {
            try net.load(stateDict: dict, source: "m.pt")
        }
        dict["weight_hh_l0"] = Tensor.zeros([9, 3])
        dict["weight_ih_l1"] = Tensor.zeros([9, 3])
        do {
            try net.load(stateDict: dict, source: "m.pt")
            Issue.record("an unknown key was accepted")
        } catch let error as StateDictError {
            #expect(error.localizedDescription.contains("'weight_ih_l1' is not a parameter"))
        }
        #expect(net.parameters.map(\.value) == before)
        dict["weight_ih_l1"] = nil
        try net.load(stateDict: dict, source: "m.pt")
        #expect(net.parameters.allSatisfy { $0.value.scalars.allSatisfy { $0 == 0 } })
    }
}
