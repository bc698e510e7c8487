/// A named Float32 array with a shape: how networks, optimizer state and statistics are stored.
///
/// Names are the stable parameter names of NeuralNet (`q.layers.0.weight`); values are row-major,
/// exactly as numpy reads them from the HDF5 dataset of the same name.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    /// - Precondition: `values.count == shape.reduce(1, *)` and the name has no `/`.
    public init(name: String, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "NamedTensor \(name): \(values.count) values for shape \(shape)")
        precondition(!name.contains("/") && !name.isEmpty, "NamedTensor: name '\(name)' must be non-empty without '/'")
        self.name = name
        self.shape = shape
        self.values = values
    }
}
