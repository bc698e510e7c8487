/// A binary sum tree over `capacity` non-negative priorities, for proportional prioritized replay.
///
/// Leaves hold priorities; each inner node holds the sum of its children, so the total is at the
/// root and finding the leaf where a cumulative sum `u` falls takes O(log n). Sums are kept in
/// `Double`: with millions of leaves, `Float` sums drift enough to make `find` return out-of-range
/// or zero-priority leaves.
///
/// Reference: T. Schaul, J. Quan, I. Antonoglou, D. Silver, "Prioritized Experience Replay", ICLR 2016.
///
/// - Complexity: `update` and `find` are O(log capacity); `total` is O(1).
public struct SumTree: Sendable, Equatable {
    /// Number of leaves that can hold a priority.
    public let capacity: Int
    /// Leaves start at `leafBase` (a power of two); `nodes[1]` is the root, `nodes[0]` unused.
    private let leafBase: Int
    var nodes: [Double]

    /// - Precondition: `capacity > 0`.
    public init(capacity: Int) {
        precondition(capacity > 0, "SumTree: capacity must be positive, got \(capacity)")
        self.capacity = capacity
        var base = 1
        while base < capacity { base <<= 1 }
        leafBase = base
        nodes = [Double](repeating: 0, count: 2 * base)
    }

    /// Sum of all priorities.
    public var total: Double { nodes[1] }

    /// The priority at leaf `index`.
    public func priority(at index: Int) -> Double { nodes[leafBase + index] }

    /// All leaf priorities, in index order (for checkpoints).
    public var priorities: [Double] { Array(nodes[leafBase..<(leafBase + capacity)]) }

    /// Sets the priority of leaf `index`.
    /// - Precondition: `0 <= index < capacity`, `priority >= 0` and finite.
    public mutating func update(_ index: Int, priority: Double) {
        precondition(index >= 0 && index < capacity, "SumTree.update: index \(index) out of 0..<\(capacity)")
        precondition(priority >= 0 && priority.isFinite, "SumTree.update: priority must be finite and >= 0, got \(priority)")
        var node = leafBase + index
        nodes[node] = priority
        node >>= 1
        while node >= 1 {
            nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
            node >>= 1
        }
    }

    /// The leaf whose cumulative-sum interval contains `u` (clamped into `[0, total)`), never a
    /// zero-priority leaf when the total is positive.
    public func find(_ u: Double) -> Int {
        var u = min(max(u, 0), total.nextDown)
        var node = 1
        while node < leafBase {
            let left = 2 * node
            if u < nodes[left] || nodes[left + 1] == 0 {
                node = left
            } else {
                u -= nodes[left]
                node = left + 1
            }
        }
        return min(node - leafBase, capacity - 1)
    }

    /// Sets all leaf priorities at once and rebuilds the inner sums bottom-up: O(capacity).
    /// The sums equal those of setting each leaf with ``update(_:priority:)`` (each inner node is
    /// always the sum of its two children), so a restored tree samples exactly as the saved one.
    /// - Precondition: `priorities.count <= capacity`, all finite and `>= 0`.
    public mutating func setAll(_ priorities: [Double]) {
        precondition(priorities.count <= capacity, "SumTree.setAll: \(priorities.count) priorities for capacity \(capacity)")
        for i in 0..<leafBase { nodes[leafBase + i] = i < priorities.count ? priorities[i] : 0 }
        for p in priorities { precondition(p >= 0 && p.isFinite, "SumTree.setAll: priority \(p)") }
        var node = leafBase - 1
        while node >= 1 {
            nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
            node -= 1
        }
    }
}
