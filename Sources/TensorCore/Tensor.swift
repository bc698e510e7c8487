/// An n-dimensional array of `Float` in contiguous row-major order, with value semantics.
///
/// Copies share their buffer until one of them is mutated (copy-on-write), so passing tensors around
/// is cheap. Shapes are arrays of non-negative extents; a scalar has shape `[]` and one element.
///
/// Operations on `Tensor` are eager and record nothing: this is the inference path, with no tape
/// overhead. To differentiate, record the same operations on a ``Tape`` through ``Variable``.
///
/// ```swift
/// let x = Tensor([[1, 2, 3], [4, 5, 6]])          // shape [2, 3]
/// let y = (x * 2 + 1).relu().sum(axis: 1)          // shape [2]
/// print(y.scalars)                                 // [15.0, 33.0]
/// ```
public struct Tensor: @unchecked Sendable {
    // @unchecked: the only stored reference is a copy-on-write storage; see TensorStorage.
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The number of elements (the product of `shape`).
    public private(set) var count: Int
    @usableFromInline var storage: TensorStorage

    /// A tensor with uninitialized contents (internal: every caller overwrites all elements).
    @usableFromInline
    init(uninitializedShape shape: [Int]) {
        let n = Tensor.elementCount(shape)
        self.shape = shape
        self.count = n
        self.storage = TensorStorage(capacity: n)
    }

    @usableFromInline
    init(shape: [Int], count: Int, storage: TensorStorage) {
        self.shape = shape
        self.count = count
        self.storage = storage
    }

    /// A tensor of the given shape holding `scalars` in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        let n = Tensor.elementCount(shape)
        precondition(n == scalars.count, "Tensor(shape:scalars:): shape \(shape) needs \(n) scalars, got \(scalars.count)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { src in
            if n > 0 { storage.pointer.update(from: src.baseAddress!, count: n) }
        }
    }

    /// A 1-D tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A 2-D tensor from rows of equal length.
    /// - Precondition: all rows have the same length.
    public init(_ rows: [[Float]]) {
        let cols = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() {
            precondition(r.count == cols, "Tensor(rows): row \(i) has \(r.count) elements, row 0 has \(cols)")
        }
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A scalar (rank-0) tensor.
    public init(scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The single element of a one-element tensor.
    /// - Precondition: `count == 1`.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return storage.pointer[0]
    }

    /// Reads or writes the element at a multi-dimensional index.
    /// - Precondition: one index per dimension, each in range.
    public subscript(_ index: Int...) -> Float {
        get { storage.pointer[offset(of: index)] }
        set {
            let o = offset(of: index)
            makeUnique()
            storage.pointer[o] = newValue
        }
    }

    /// Reads or writes an element by its row-major position.
    /// - Precondition: `0 <= position < count`.
    public subscript(element position: Int) -> Float {
        get {
            precondition(position >= 0 && position < count, "Tensor[element:]: \(position) out of range 0..<\(count)")
            return storage.pointer[position]
        }
        set {
            precondition(position >= 0 && position < count, "Tensor[element:]: \(position) out of range 0..<\(count)")
            makeUnique()
            storage.pointer[position] = newValue
        }
    }

    func offset(of index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor subscript: \(index.count) indices for shape \(shape)")
        var o = 0
        for (i, d) in Swift.zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor subscript: index \(index) out of range for shape \(shape)")
            o = o * d + i
        }
        return o
    }

    /// Calls `body` with read-only access to the elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Calls `body` with mutable access to the elements, copying the buffer first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Copies the buffer if another tensor shares it, so that writes stay private to this value.
    @inlinable
    public mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(count: count) }
    }

    /// Overwrites this tensor's elements with `other`'s, keeping this tensor's buffer when possible.
    /// - Precondition: equal shapes.
    public mutating func assign(_ other: Tensor) {
        precondition(shape == other.shape, "Tensor.assign: shape \(other.shape) into \(shape)")
        if storage === other.storage { return }
        makeUnique()
        storage.pointer.update(from: other.storage.pointer, count: count)
    }

    @usableFromInline
    static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "Tensor: negative extent in shape \(shape)")
            n *= d
        }
        return n
    }

    /// Whether the tensor's storage is shared with another tensor (for tests of copy-on-write).
    public var sharesStorage: Bool {
        mutating get { !isKnownUniquelyReferenced(&storage) }
    }

    @inlinable var pointer: UnsafeMutablePointer<Float> { storage.pointer }
}

extension Tensor: Equatable {
    /// Equal shapes and bitwise-equal elements as `Float` values (so `-0 == 0`, `NaN != NaN`).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        for i in 0..<lhs.count where lhs.pointer[i] != rhs.pointer[i] { return false }
        return true
    }
}

extension Tensor: CustomStringConvertible {
    /// The shape and up to the first 16 elements.
    public var description: String {
        let head = scalars.prefix(16).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(head)\(count > 16 ? ", ..." : "")])"
    }
}
