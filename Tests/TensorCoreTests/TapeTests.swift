import Testing
import TestSupport
@testable import TensorCore

@Suite("Tape")
struct TapeTests {
    @Test func parameterGradientsAreOverwrittenNotAccumulated() {
        let w = Parameter(Tensor([1, 2, 3]))
        let tape = Tape()
        for _ in 0..<2 {
            tape.reset()
            let loss = (tape.parameter(w) * Tensor([4, 5, 6])).sum()
            tape.backward(loss)
            #expect(w.grad.scalars == [4, 5, 6])
        }
    }

    @Test func frozenParametersAndNoGradientScopes() {
        let w = Parameter(Tensor([1, 2]), requiresGrad: false)
        let v = Parameter(Tensor([3, 4]))
        let tape = Tape()
        let y = tape.parameter(w) * tape.parameter(v)
        #expect(y.requiresGrad)
        let z = tape.withoutGradients { tape.parameter(v).squared() }
        #expect(!z.requiresGrad)
        tape.backward((y + z).sum())
        #expect(v.grad.scalars == [1, 2])
        #expect(w.grad.scalars == [0, 0])
        #expect(tape.gradient(of: z) == nil)
    }

    @Test func buffersAreReusedAfterResetButKeptValuesStayIntact() {
        let tape = Tape()
        let x = Tensor([1, 2, 3])
        tape.reset()
        let first = tape.constant(x).exp().value
        tape.reset()
        let second = tape.constant(x * 2).exp().value   // must not overwrite `first`
        #expect(first.scalars == x.exp().scalars)
        #expect(second.scalars == (x * 2).exp().scalars)
        // Without outstanding references the same buffer is reused.
        tape.reset()
        _ = tape.constant(x).tanh()
        weak let before = tape.valuePool[1].storage
        tape.reset()
        _ = tape.constant(x).tanh()
        #expect(before != nil && tape.valuePool[1].storage === before)
    }

    @Test func eagerAndRecordedPathsAgreeBitForBit() {
        var rng = Xoshiro256(seed: 4)
        let x = Tensor.normal([8, 5], rng: &rng), w = Tensor.normal([3, 5], rng: &rng), b = Tensor.normal([3], rng: &rng)
        let eager = x.linear(weight: w, bias: b, activation: .tanh).logSoftmax().mean(axis: 0)
        let tape = Tape()
        let recorded = tape.constant(x).linear(weight: tape.constant(w), bias: tape.constant(b), activation: .tanh)
            .logSoftmax().mean(axis: 0)
        #expect(recorded.value == eager)
    }

    @Test func detachedStopsTheGradient() {
        let tape = Tape()
        let x = tape.variable(Tensor([3]))
        tape.backward((x.detached() * x).sum())   // d/dx [c * x] with c = x held constant
        #expect(tape.gradient(of: x)?.scalars == [3])
    }

    @Test func gradientOfDifferentiableInput() {
        let tape = Tape()
        let x = tape.variable(Tensor([1, -2]))
        tape.backward(x.squared().sum())
        #expect(tape.gradient(of: x)?.scalars == [2, -4])
    }
}
