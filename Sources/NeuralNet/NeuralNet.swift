// The NeuralNet module: layers, initializers, losses, optimizers, schedules and gradient clipping,
// on TensorCore. Guide: docs/tensor.md.
@_exported import TensorCore
