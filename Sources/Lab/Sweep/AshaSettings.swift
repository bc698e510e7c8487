import Foundation

/// Budgets of asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
/// Hyperparameter Tuning", MLSys 2020), in environment steps.
///
/// Rung k trains a trial to `minBudget * reductionFactor^k` steps (the last rung is `maxBudget`);
/// whenever a worker frees, a configuration in the top 1/η of a rung (by the validation metric) is
/// promoted and resumed from its checkpoint (`AshaScheduler`). `maxBudget` must be `minBudget * η^K` for some K, and each
/// rung a multiple of `training.checkpointEvery` so a promoted trial is bit-identical to one
/// trained straight through to the same step.
public struct AshaSettings: Sendable, Equatable {
    /// Steps of the first rung.
    public var minBudget: Int
    /// Steps of the last rung (the full training budget; `training.totalSteps` of every trial).
    public var maxBudget: Int
    /// η: budget growth per rung and the fraction 1/η promoted. Default 3 (Li et al. 2020).
    public var reductionFactor: Int = 3
    /// Synchronous successive halving (Li et al. 2020, Algorithm 1): promotions wait for the whole
    /// rung. Default false (asynchronous, Algorithm 2); kept as the baseline ASHA is compared with.
    public var synchronous = false

    /// The budgets of the rungs, smallest first.
    public var rungs: [Int] {
        var r = [minBudget]
        while let last = r.last, last < maxBudget { r.append(min(maxBudget, last * reductionFactor)) }
        return r
    }

    /// Parses the `asha:` mapping.
    /// - Throws: `SpecError` when a budget is missing, not positive, or not on the rung ladder.
    public static func parse(_ tree: SpecValue, file: String) throws(SpecError) -> AshaSettings {
        let allowed = ["minBudget", "maxBudget", "reductionFactor", "synchronous"]
        for key in tree.keys where !allowed.contains(key) {
            throw .unknownKey(file: file, path: "asha.\(key)", suggestion: SpecDecoder.closest(key, in: allowed), allowed: allowed)
        }
        func int(_ key: String, default d: Int?) throws(SpecError) -> Int {
            guard let v = tree[key] else {
                if let d { return d }
                throw .missingKey(file: file, path: "asha.\(key)", expected: "environment steps, e.g. asha: {minBudget: 5000, maxBudget: 45000}")
            }
            guard case .int(let n) = v, n >= 1 else { throw .badValue(file: file, path: "asha.\(key)", found: SpecValue.scalarText(v), expected: "a positive integer (environment steps)") }
            return n
        }
        var a = AshaSettings(minBudget: try int("minBudget", default: nil), maxBudget: try int("maxBudget", default: nil),
                             reductionFactor: try int("reductionFactor", default: 3))
        if let v = tree["synchronous"] {
            guard case .bool(let b) = v else { throw .badValue(file: file, path: "asha.synchronous", found: SpecValue.scalarText(v), expected: "true or false") }
            a.synchronous = b
        }
        guard a.reductionFactor >= 2 else { throw .badValue(file: file, path: "asha.reductionFactor", found: "\(a.reductionFactor)", expected: "an integer >= 2") }
        guard a.maxBudget > a.minBudget else {
            throw .badValue(file: file, path: "asha.maxBudget", found: "\(a.maxBudget) (minBudget \(a.minBudget))",
                            expected: "a budget above the first rung (minBudget \(a.minBudget)); with a single rung use method: grid")
        }
        var b = a.minBudget
        while b < a.maxBudget { b *= a.reductionFactor }
        guard b == a.maxBudget else {
            throw .badValue(file: file, path: "asha.maxBudget", found: "\(a.maxBudget)",
                            expected: "minBudget x reductionFactor^k (rungs \(a.minBudget), \(a.minBudget * a.reductionFactor), ...), e.g. \(b / a.reductionFactor) or \(b)")
        }
        return a
    }
}
