/// A trainable tensor: its value, the gradient the last ``Tape/backward(_:)`` wrote, and whether it
/// takes part in differentiation.
///
/// Layers own parameters; optimizers update `value` in place. Record a parameter on a tape with
/// ``Tape/parameter(_:)`` (layers do this for you). The tape reads `value` live instead of keeping a
/// copy, so an optimizer step after `backward` updates the buffer in place without copying; do not
/// change a parameter between recording a forward pass and calling `backward` on it.
public final class Parameter {
    /// The current value.
    public var value: Tensor
    /// The gradient of the last loss differentiated through this parameter; zeros initially.
    public var grad: Tensor
    /// When false (e.g. a target network), recording this parameter creates a constant and
    /// `backward` leaves `grad` untouched.
    public var requiresGrad: Bool

    /// A parameter with the given initial value and a zero gradient.
    public init(_ value: Tensor, requiresGrad: Bool = true) {
        self.value = value
        self.grad = Tensor.zeros(value.shape)
        self.requiresGrad = requiresGrad
    }

    /// Sets the gradient to zero in place.
    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
