// Sequence operations, eager (Tensor) and recorded (Variable), over the kernels of
// Ops+Recurrent.swift. Gradient rules: Tape+Gradients.swift.

extension Tensor {
    /// Runs a recurrent cell over every sequence of a batch; see ``RecurrentCell`` for the equations
    /// and the returned workspace `[B, T, S]`.
    /// - Parameters:
    ///   - cell: LSTM or GRU.
    ///   - hiddenWeight: `W_hh`, `[G·H, H]`.
    ///   - hiddenBias: `b_hh`, `[G·H]`, or nil.
    ///   - initialState: `[B, 2H]` (`h0 | c0`, LSTM) or `[B, H]` (GRU), or nil for zeros.
    ///   - reverse: process the time steps last to first.
    /// `self` holds the input gates `[B, T, G·H]` (`x W_ihᵀ + b_ih` for all time steps).
    public func recurrence(_ cell: RecurrentCell, hiddenWeight: Tensor, hiddenBias: Tensor?, initialState: Tensor?,
                           reverse: Bool = false) -> Tensor {
        Ops.recurrence(cell, inputGates: self, hiddenWeight: hiddenWeight, hiddenBias: hiddenBias, initial: initialState,
                       reverse: reverse, FreshAllocator())
    }

    /// Columns `range` of a 2-D tensor.
    public func columns(_ range: Range<Int>) -> Tensor { columns(range, rowLength: shape.last ?? 0) }

    /// Columns `range` of this tensor viewed as rows of `rowLength` elements: `[count / rowLength, range.count]`.
    public func columns(_ range: Range<Int>, rowLength: Int) -> Tensor { Ops.columns(self, range, width: rowLength, FreshAllocator()) }

    /// The causal shift of a `[B, T, C]` sequence by `steps` time steps: `y[b, t] = x[b, t − steps]`,
    /// zeros for `t < steps` (a dilated causal convolution's tap).
    public func timeShifted(by steps: Int) -> Tensor { Ops.timeShift(self, steps: steps, FreshAllocator()) }
}

extension Variable {
    /// Records a recurrent cell over every sequence of a batch (backpropagation through time on the
    /// tape); see ``Tensor/recurrence(_:hiddenWeight:hiddenBias:initialState:reverse:)``.
    public func recurrence(_ cell: RecurrentCell, hiddenWeight: Variable, hiddenBias: Variable?, initialState: Variable?,
                           reverse: Bool = false) -> Variable {
        check(hiddenWeight)
        if let hiddenBias { check(hiddenBias) }
        if let initialState { check(initialState) }
        let out = Ops.recurrence(cell, inputGates: value, hiddenWeight: hiddenWeight.value, hiddenBias: hiddenBias?.value,
                                 initial: initialState?.value, reverse: reverse, tape)
        let requires = tape.isRecordingGradients
            && (requiresGrad || hiddenWeight.requiresGrad || (hiddenBias?.requiresGrad ?? false) || (initialState?.requiresGrad ?? false))
        return tape.record(.recurrence(cell, reverse: reverse, initial: initialState?.index ?? -1), out,
                           a: index, b: hiddenWeight.index, c: hiddenBias?.index ?? -1, requiresGrad: requires)
    }

    /// Columns `range` of a 2-D variable.
    public func columns(_ range: Range<Int>) -> Variable { columns(range, rowLength: shape.last ?? 0) }

    /// Columns `range` of this variable viewed as rows of `rowLength` elements (no reshape recorded).
    public func columns(_ range: Range<Int>, rowLength: Int) -> Variable {
        tape.record(.columns(range, width: rowLength), Ops.columns(value, range, width: rowLength, tape), a: index)
    }

    /// The causal shift by `steps` time steps (see ``Tensor/timeShifted(by:)``).
    public func timeShifted(by steps: Int) -> Variable {
        tape.record(.timeShift(steps: steps), Ops.timeShift(value, steps: steps, tape), a: index)
    }
}

extension Ops {
    /// `y[b, t, :] = x[b, t − steps, :]` for `t >= steps`, else 0, on `[B, T, C]`.
    static func timeShift<A: OutputAllocator>(_ x: Tensor, steps: Int, _ alloc: A) -> Tensor {
        precondition(x.rank == 3, "timeShifted: needs [B, T, C], got \(x.shape)")
        precondition(steps >= 0, "timeShifted: steps must be >= 0, got \(steps)")
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let out = alloc.output(.same(x.shape))
        let k = Swift.min(steps, t)
        for r in 0..<b {
            let dst = out.pointer + r * t * c, src = x.pointer + r * t * c
            dst.update(repeating: 0, count: k * c)
            if t > k { (dst + k * c).update(from: src, count: (t - k) * c) }
        }
        return out
    }
}
