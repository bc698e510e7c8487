/// Which observation elements each asset's copy of a per-asset (permutation-equivariant) policy
/// reads, derived from the observation names alone, so the trainer and the trading daemon agree
/// without storing anything beyond the `PolicySpec`.
///
/// Names of the form `<group>.<field>` are grouped by `<group>` (the text before the first `.`),
/// in order of first appearance. The asset groups are the groups whose ordered field lists equal
/// the most common one (the market env's `AAPL.logret[t-0]`, ..., `AAPL.pred`, `AAPL.vol`,
/// `AAPL.tradable`, `AAPL.pred_ok`, `AAPL.weight`); every other element (`portfolio.*`, or a name
/// without a `.`) is shared. Asset i's input row is its own fields in that order, then the shared
/// elements in observation order: `fields.count + sharedIndices.count` values.
///
/// EIIE (Z. Jiang, D. Xu, J. Liang, "A Deep Reinforcement Learning Framework for the Financial
/// Portfolio Management Problem", 2017) applies one small network to every asset this way.
public struct PerAssetLayout: Sendable, Equatable {
    /// The asset groups, in observation (and action) order.
    public let assets: [String]
    /// The per-asset field names, in input order.
    public let fields: [String]
    /// `assets.count × fields.count` observation indices, asset-major.
    public let assetIndices: [Int]
    /// Observation indices of the shared elements, in order.
    public let sharedIndices: [Int]

    /// Inputs per asset row.
    public var inputWidth: Int { fields.count + sharedIndices.count }

    /// Errors of `init(observationNames:assetCount:)`.
    public enum LayoutError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The names do not hold `expected` asset groups with the same fields.
        case assetGroups(expected: Int, found: [String])

        public var description: String {
            switch self {
            case let .assetGroups(expected, found):
                return "a per-asset policy needs \(expected) asset groups of observation names '<asset>.<field>' with the same fields, one per action dimension; found \(found.count) (\(found.prefix(8).joined(separator: ", ")))"
            }
        }
    }

    /// Derives the layout.
    /// - Parameters:
    ///   - observationNames: one name per observation element.
    ///   - assetCount: the number of assets the policy acts on (the Box action's dimension).
    /// - Throws: `LayoutError.assetGroups` unless exactly `assetCount` groups share the most common field list.
    public init(observationNames: [String], assetCount: Int) throws(LayoutError) {
        var order: [String] = []
        var members: [String: [(field: String, index: Int)]] = [:]
        var ungrouped: [Int] = []
        for (k, name) in observationNames.enumerated() {
            guard let dot = name.firstIndex(of: "."), dot != name.startIndex else { ungrouped.append(k); continue }
            let group = String(name[..<dot]), field = String(name[name.index(after: dot)...])
            if members[group] == nil { order.append(group) }
            members[group, default: []].append((field, k))
        }
        // The most common ordered field list (first seen wins ties) is the asset record.
        var counts: [[String]: Int] = [:]
        var candidate: [String] = []
        var best = 0
        for g in order {
            let f = (members[g] ?? []).map(\.field)
            counts[f, default: 0] += 1
            if let c = counts[f], c > best { best = c; candidate = f }
        }
        let assetGroups = order.filter { (members[$0] ?? []).map(\.field) == candidate }
        guard assetCount > 0, assetGroups.count == assetCount else {
            throw .assetGroups(expected: assetCount, found: assetGroups)
        }
        let assetSet = Set(assetGroups)
        var shared = ungrouped
        for g in order where !assetSet.contains(g) { shared += (members[g] ?? []).map(\.index) }
        assets = assetGroups
        fields = candidate
        assetIndices = assetGroups.flatMap { (members[$0] ?? []).map(\.index) }
        sharedIndices = shared.sorted()
    }

    /// Writes the per-asset rows of `rows` observations (`rows × observationCount`, row-major) into
    /// `out` (`rows · assets.count × inputWidth`, row r·N + i for asset i of observation r).
    public func gather(_ x: UnsafeBufferPointer<Float>, rows: Int, observationCount d: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let n = assets.count, w = inputWidth
        precondition(x.count == rows * d && out.count == rows * n * w, "PerAssetLayout.gather: \(x.count) inputs for \(rows)x\(d), \(out.count) outputs for \(rows * n)x\(w)")
        for r in 0..<rows {
            let observation = UnsafeBufferPointer(rebasing: x[(r * d)..<((r + 1) * d)])
            for i in 0..<n {
                let o = (r * n + i) * w
                gather(row: i, of: observation, into: UnsafeMutableBufferPointer(rebasing: out[o..<(o + w)]))
            }
        }
    }

    /// Writes asset `i`'s input row of one observation `x` into `out` (`inputWidth` values).
    public func gather(row i: Int, of x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let f = fields.count
        for j in 0..<f { out[j] = x[assetIndices[i * f + j]] }
        for (j, s) in sharedIndices.enumerated() { out[f + j] = x[s] }
    }
}
