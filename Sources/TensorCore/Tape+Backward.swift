extension Tape {
    /// Differentiates the scalar `loss` with respect to everything recorded before it.
    ///
    /// Afterwards every parameter on the tape that requires gradients holds `d loss / d parameter` in
    /// its `grad` (overwritten, not accumulated: parameters recorded but not reached get zeros), and
    /// ``gradient(of:)`` returns the gradient of any differentiable variable.
    ///
    /// - Parameters:
    ///   - loss: a one-element variable of this tape.
    ///   - seed: the upstream gradient `d L / d loss` (1 for plain minimization).
    /// - Complexity: about twice the cost of the forward pass.
    public func backward(_ loss: Variable, seed: Float = 1) {
        precondition(loss.tape === self, "backward: the loss belongs to another tape")
        precondition(loss.value.count == 1, "backward: the loss must have one element, has shape \(loss.shape)")
        generation += 1
        if gradMark.count < nodes.count {
            gradMark.append(contentsOf: repeatElement(Int.min, count: nodes.count - gradMark.count))
        }
        for i in 0..<nodes.count where nodes[i].requiresGrad {
            if case .parameter(let p) = nodes[i].op { p.zeroGrad() }
        }
        guard nodes[loss.index].requiresGrad else { return }
        gradPointer(loss.index).pointee = seed
        var i = loss.index
        while i >= 0 {
            if nodes[i].requiresGrad && gradMark[i] == generation { propagate(i) }
            i -= 1
        }
    }

    /// The gradient buffer of node `i` for the current `backward`, zeroed on first use.
    @inline(__always)
    func gradPointer(_ i: Int) -> UnsafeMutablePointer<Float> {
        if case .parameter(let p) = nodes[i].op {
            gradMark[i] = generation
            p.grad.makeUnique()
            return p.grad.storage.pointer
        }
        if gradMark[i] != generation {
            freshGradBuffer(i).update(repeating: 0, count: gradPool[i].count)
        }
        return gradPool[i].storage.pointer
    }

    /// Marks node `i` (not a parameter) as holding a gradient of the current `backward` and
    /// returns its pooled buffer, uninitialized.
    @inline(__always)
    private func freshGradBuffer(_ i: Int) -> UnsafeMutablePointer<Float> {
        gradMark[i] = generation
        let shape = nodes[i].value.shape
        while gradPool.count <= i { gradPool.append(Tape.placeholder) }
        if !(isKnownUniquelyReferenced(&gradPool[i].storage) && gradPool[i].shape == shape) {
            gradPool[i] = Tensor(uninitializedShape: shape)
        }
        return gradPool[i].storage.pointer
    }

    /// For a rule that writes every element of input `j`'s gradient: the buffer, and whether this
    /// is the first contribution of this `backward` (`assign`: the buffer holds stale values, store
    /// into it) or a later one (add into it, as with ``inputGrad(_:)``); nil when no gradient flows
    /// to `j`. The first contribution then costs no zero fill and no read of the buffer (a
    /// `[B, T, 4H]` gate gradient is 8.4 MB at batch 256, hidden 64, sequence 32). Storing `x`
    /// instead of adding it to zero gives the same values (−0 stays −0 where `0 + −0` is +0).
    @inline(__always)
    func inputGradForWriting(_ j: Int) -> (pointer: UnsafeMutablePointer<Float>, assign: Bool)? {
        guard j >= 0, nodes[j].requiresGrad else { return nil }
        if case .parameter = nodes[j].op { return (gradPointer(j), false) }  // zeroed when backward starts
        if gradMark[j] == generation { return (gradPool[j].storage.pointer, false) }
        return (freshGradBuffer(j), true)
    }

    /// Stores (`assign`) or adds `count` elements of `g` into a buffer from ``inputGradForWriting(_:)``.
    @inline(__always)
    func write(_ g: UnsafePointer<Float>, into dx: (pointer: UnsafeMutablePointer<Float>, assign: Bool), count: Int) {
        if dx.assign { dx.pointer.update(from: g, count: count) } else { for k in 0..<count { dx.pointer[k] += g[k] } }
    }

    /// The gradient buffer of input `j`, or nil when no gradient flows to it.
    @inline(__always)
    func inputGrad(_ j: Int) -> UnsafeMutablePointer<Float>? {
        guard j >= 0, nodes[j].requiresGrad else { return nil }
        return gradPointer(j)
    }
}
