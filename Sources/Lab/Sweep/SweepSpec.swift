import Foundation

/// A hyperparameter or reward-shaping sweep: which keys vary, over which values, for which seeds,
/// and which validation metric chooses the winner.
///
/// ```yaml
/// name: reward-shaping
/// experiment: quickstart            # an experiment name (Experiments/<name>.yaml) or a path
/// method: grid                      # grid (every combination), random (`trials` draws) or asha
///                                   # (asha with `trials`: successive halving over `trials` random draws)
/// asha: {minBudget: 5000, maxBudget: 45000, reductionFactor: 3}   # successive halving (method: asha)
/// slurm: {partition: cpu, cpusPerTask: 1, memory: 2G, time: "01:00:00", throttle: 8, extra: ["--qos=normal"]}
/// threads: 1                        # TensorCore threads per trial (MARKETGYM_THREADS); default 1
/// seeds: [0, 1]
/// select: {split: valid, metric: sharpe, mode: max}
/// overrides: {training.totalSteps: 20000}
/// parameters:
///   env.reward.turnoverPenalty: [0.0, 0.0005, 0.002]            # a list: grid values / random choices
///   agent.learningRate.initial: {min: 1.0e-4, max: 1.0e-3, log: true}   # a range: random only
/// ```
/// Selection uses the validation split only; test metrics are reported beside, never used to choose.
public struct SweepSpec: Sendable, Equatable {
    public enum Method: String, Sendable, CaseIterable { case grid, random, asha }

    /// The most trials (configurations x seeds) a sweep may hold: counted before anything is
    /// allocated, so a grid of 10^8 combinations is refused with this limit named instead of
    /// exhausting memory. 100,000 trials is already far beyond what one machine or a small
    /// cluster runs; raise it by splitting the sweep.
    public static let maxTrials = 100_000

    /// Metric names a sweep may select on: the market evaluation's headline metrics
    /// (`BacktestMetrics.values`) and the episodic evaluation's (`EpisodicEvaluation.values`).
    public static let selectableMetrics = [
        "sharpe", "sortino", "annualReturn", "annualVolatility", "totalReturn", "maxDrawdown", "maxDrawdownDays",
        "calmar", "annualTurnover", "annualCostDrag", "averageGross", "averageNet", "hitRate", "beta", "correlation",
        "meanReturn", "stdReturn", "meanLength",
    ]

    /// One swept key.
    public struct Parameter: Sendable, Equatable {
        public enum Domain: Sendable, Equatable {
            /// Explicit values (grid axis, or uniform choice for random search).
            case values([SpecValue])
            /// A continuous range for random search, uniform or log-uniform.
            case range(min: Double, max: Double, log: Bool)
            /// An integer range for random search, inclusive.
            case intRange(min: Int, max: Int)
        }
        public var path: String
        public var domain: Domain
    }

    public var name: String
    /// The experiment spec every trial starts from.
    public var experiment: String
    public var method: Method = .grid
    /// Number of random configurations (random search, or successive halving over random draws).
    public var trials: Int = 8
    /// Successive halving over `trials` random draws (`method: asha` with a `trials` key) instead of
    /// over the grid of value lists.
    public var ashaDrawsRandomly = false
    /// True when the configurations are random draws (random search, or asha with `trials`).
    public var drawsRandomly: Bool { method == .random || (method == .asha && ashaDrawsRandomly) }
    /// Seed of the random-search sampler (the trials themselves use `seeds`).
    public var samplerSeed: UInt64 = 0
    /// Training seeds run for every configuration.
    public var seeds: [UInt64] = [0]
    public var parameters: [Parameter]
    /// Overrides applied to every trial before the swept values.
    public var overrides: [SpecOverride] = []
    /// The split whose metric selects the winner (never `test`).
    public var selectSplit: String = "valid"
    public var selectMetric: String = "sharpe"
    public var maximize: Bool = true
    /// Successive-halving budgets (method: asha).
    public var asha: AshaSettings?
    /// How the Slurm executor asks for resources.
    public var slurm = SlurmSettings()
    /// TensorCore threads per trial (`MARKETGYM_THREADS`). Default 1: many trials at once already
    /// fill the cores, and one thread keeps every trial's bits the same on any executor.
    public var threads: Int = 1

    /// Parses a sweep file.
    /// - Throws: `SpecError` naming the key and the fix.
    public static func parse(_ tree: SpecValue, file: String) throws(SpecError) -> SweepSpec {
        let allowed = ["name", "experiment", "method", "search", "trials", "samplerSeed", "seeds", "select", "overrides", "parameters", "asha", "slurm", "threads"]
        for key in tree.keys where !allowed.contains(key) {
            throw .unknownKey(file: file, path: key, suggestion: SpecDecoder.closest(key, in: allowed), allowed: allowed)
        }
        guard case .string(let experiment)? = tree["experiment"] else {
            throw .missingKey(file: file, path: "experiment", expected: "the experiment every trial runs, e.g. `experiment: quickstart`")
        }
        let name: String
        if case .string(let n)? = tree["name"] { name = n } else {
            name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        }
        // The name becomes a folder name: no path separators, no `..`, nothing hidden.
        let nameOK = !name.isEmpty && !name.hasPrefix(".") && name.count <= 100
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
        guard nameOK else {
            throw .badValue(file: file, path: "name", found: "'\(name)'", expected: "a folder name of letters, digits, '-', '_' and '.' (no '/', no leading '.'), e.g. reward-shaping")
        }
        var spec = SweepSpec(name: name, experiment: experiment, parameters: [])
        if tree["method"] != nil && tree["search"] != nil {
            throw .badValue(file: file, path: "search", found: "both `method` and `search`", expected: "one of them (they are the same key)")
        }
        let methodKey = tree["search"] != nil ? "search" : "method"
        if let m = tree[methodKey] {
            guard case .string(let s) = m, let method = Method(rawValue: s) else {
                throw .badValue(file: file, path: methodKey, found: SpecValue.scalarText(m), expected: "grid, random or asha")
            }
            spec.method = method
        }
        if let t = tree["trials"] {
            guard case .int(let n) = t, n > 0, n <= maxTrials else {
                throw .badValue(file: file, path: "trials", found: SpecValue.scalarText(t), expected: "a positive integer of at most \(maxTrials) (the sweep size limit, SweepSpec.maxTrials; split a larger search into several sweeps)")
            }
            spec.trials = n
            spec.ashaDrawsRandomly = spec.method == .asha
        }
        if let s = tree["samplerSeed"] {
            guard case .int(let n) = s, n >= 0 else { throw .badValue(file: file, path: "samplerSeed", found: SpecValue.scalarText(s), expected: "a non-negative integer") }
            spec.samplerSeed = UInt64(n)
        }
        if let s = tree["seeds"] {
            guard case .array(let items) = s, !items.isEmpty else { throw .badValue(file: file, path: "seeds", found: SpecValue.scalarText(s), expected: "a non-empty list of integers") }
            spec.seeds = try items.map { (v) throws(SpecError) -> UInt64 in
                guard case .int(let n) = v, n >= 0 else { throw .badValue(file: file, path: "seeds", found: SpecValue.scalarText(v), expected: "non-negative integers") }
                return UInt64(n)
            }
            if let dup = spec.seeds.enumerated().first(where: { spec.seeds[..<$0.offset].contains($0.element) }) {
                throw .badValue(file: file, path: "seeds[\(dup.offset)]", found: "seed \(dup.element) twice", expected: "distinct seeds (a repeated seed is the same run counted twice in the mean)")
            }
        }
        if let sel = tree["select"] {
            for key in sel.keys where !["split", "metric", "mode"].contains(key) {
                throw .unknownKey(file: file, path: "select.\(key)", suggestion: nil, allowed: ["split", "metric", "mode"])
            }
            if case .string(let s)? = sel["split"] { spec.selectSplit = s }
            if case .string(let m)? = sel["metric"] { spec.selectMetric = m }
            if let mode = sel["mode"] {
                guard case .string(let m) = mode, m == "max" || m == "min" else {
                    throw .badValue(file: file, path: "select.mode", found: SpecValue.scalarText(mode), expected: "max or min")
                }
                spec.maximize = m == "max"
            }
            // Case-insensitive: `Test` or `TEST` is the test split too.
            guard spec.selectSplit.lowercased() != "test" else {
                throw .badValue(file: file, path: "select.split", found: spec.selectSplit, expected: "a validation split such as valid (selecting on test leaks the test set into the choice)")
            }
            guard selectableMetrics.contains(spec.selectMetric) else {
                throw .badValue(file: file, path: "select.metric", found: "'\(spec.selectMetric)'",
                                expected: "one of \(selectableMetrics.joined(separator: ", "))")
            }
        }
        if let o = tree["overrides"] {
            guard case .mapping(let pairs) = o else { throw .badValue(file: file, path: "overrides", found: o.kindName, expected: "a mapping of key paths to values") }
            spec.overrides = try pairs.map { (pair) throws(SpecError) -> SpecOverride in
                try SpecOverride(path: pair.key, value: pair.value)
            }
        }
        guard case .mapping(let params)? = tree["parameters"], !params.isEmpty else {
            throw .missingKey(file: file, path: "parameters", expected: "a mapping of key paths to lists of values or {min, max} ranges")
        }
        for (path, value) in params {
            spec.parameters.append(Parameter(path: path, domain: try parseDomain(value, path: "parameters.\(path)", file: file, random: spec.drawsRandomly)))
        }
        if let t = tree["threads"] {
            guard case .int(let n) = t, (1...256).contains(n) else { throw .badValue(file: file, path: "threads", found: SpecValue.scalarText(t), expected: "an integer from 1 to 256") }
            spec.threads = n
        }
        if let s = tree["slurm"] { spec.slurm = try SlurmSettings.parse(s, file: file) }
        if spec.method == .asha {
            guard let a = tree["asha"] else {
                throw .missingKey(file: file, path: "asha", expected: "budgets for successive halving, e.g. `asha: {minBudget: 5000, maxBudget: 45000, reductionFactor: 3}`")
            }
            spec.asha = try AshaSettings.parse(a, file: file)
        } else if tree["asha"] != nil {
            throw .badValue(file: file, path: "asha", found: "asha settings", expected: "`method: asha` to use them (or remove the asha key)")
        }
        // Count before anything is allocated (a 10^8 grid must be refused, not built).
        let count = spec.trialCount
        guard let count, count <= maxTrials else {
            throw .badValue(file: file, path: "parameters", found: count.map { "\($0) trials (configurations x \(spec.seeds.count) seeds)" } ?? "more trials than an Int holds",
                            expected: "at most \(maxTrials) trials (the sweep size limit, SweepSpec.maxTrials): use fewer values, fewer seeds, or method: random with `trials`")
        }
        return spec
    }

    private static func parseDomain(_ v: SpecValue, path: String, file: String, random: Bool) throws(SpecError) -> Parameter.Domain {
        switch v {
        case .array(let items) where !items.isEmpty:
            return .values(items)
        case .mapping:
            if case .array(let items)? = v["choices"], !items.isEmpty { return .values(items) }
            guard random else {
                throw .badValue(file: file, path: path, found: "a range", expected: "a list of values for a grid sweep (ranges need method: random, or method: asha with `trials: N` random draws)")
            }
            func number(_ key: String) throws(SpecError) -> Double {
                switch v[key] {
                case .int(let i)?: return Double(i)
                case .double(let d)?: return d
                default: throw .badValue(file: file, path: "\(path).\(key)", found: v[key].map { SpecValue.scalarText($0) } ?? "nothing", expected: "a number")
                }
            }
            let lo = try number("min"), hi = try number("max")
            guard lo < hi else { throw .badValue(file: file, path: path, found: "min \(lo), max \(hi)", expected: "min < max") }
            let log: Bool
            if case .bool(let b)? = v["log"] { log = b } else { log = false }
            if log && lo <= 0 { throw .badValue(file: file, path: "\(path).min", found: "\(lo)", expected: "a positive number for a log range") }
            if case .int(let a)? = v["min"], case .int(let b)? = v["max"], !log { return .intRange(min: a, max: b) }
            return .range(min: lo, max: hi, log: log)
        default:
            throw .badValue(file: file, path: path, found: v.kindName, expected: "a non-empty list of values or {min, max[, log]}")
        }
    }

    /// Number of configurations, counted without building them; nil when it overflows an Int.
    public var configurationCount: Int? {
        if drawsRandomly { return trials }
        switch method {
        case .random: return trials
        case .grid, .asha:
            var n = 1
            for p in parameters {
                guard case .values(let vs) = p.domain else { continue }
                let (m, overflow) = n.multipliedReportingOverflow(by: vs.count)
                if overflow { return nil }
                n = m
            }
            return n
        }
    }

    /// Number of trials (configurations x seeds), counted without building them; nil on overflow.
    public var trialCount: Int? {
        guard let c = configurationCount else { return nil }
        let (n, overflow) = c.multipliedReportingOverflow(by: seeds.count)
        return overflow ? nil : n
    }

    /// The configurations to run, in a deterministic order (grid: row-major over parameters in file
    /// order; random, and asha with `trials`: `trials` draws from a generator seeded with `samplerSeed`).
    public func configurations() -> [[(path: String, value: SpecValue)]] {
        switch drawsRandomly ? .random : method {
        case .grid, .asha:
            var combos: [[(path: String, value: SpecValue)]] = [[]]
            for p in parameters {
                guard case .values(let values) = p.domain else { continue }
                combos = combos.flatMap { c in values.map { c + [(p.path, $0)] } }
            }
            return combos
        case .random:
            var rng = Xoshiro256(seed: samplerSeed)
            return (0..<trials).map { _ in
                parameters.map { p -> (path: String, value: SpecValue) in
                    switch p.domain {
                    case .values(let vs): return (p.path, vs[rng.uniformInt(below: vs.count)])
                    case let .range(lo, hi, log):
                        let u = rng.uniformDouble()
                        return (p.path, .double(log ? Foundation.exp(Foundation.log(lo) + u * (Foundation.log(hi) - Foundation.log(lo))) : lo + u * (hi - lo)))
                    case let .intRange(lo, hi):
                        return (p.path, .int(lo + rng.uniformInt(below: hi - lo + 1)))
                    }
                }
            }
        }
    }
}
