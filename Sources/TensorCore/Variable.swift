/// A tensor recorded on a ``Tape``: the handle through which operations are differentiated.
///
/// Variables support the same operations as ``Tensor`` (Variable+Ops.swift); each records one
/// primitive and computes its value eagerly with the same kernel as the `Tensor` operation.
public struct Variable {
    /// The tape that recorded this variable.
    public let tape: Tape
    let index: Int

    /// The computed value.
    public var value: Tensor { tape.value(index) }
    /// The value's shape.
    public var shape: [Int] { value.shape }
    /// Whether gradients flow through this variable.
    public var requiresGrad: Bool { tape.nodes[index].requiresGrad }

    @inline(__always)
    func check(_ other: Variable) {
        precondition(tape === other.tape, "Variables from different tapes cannot be combined")
    }
}
