import Foundation

extension SweepSpec {
    /// Resolves every trial's experiment: the base experiment, then the sweep's overrides, the swept
    /// values, the seed and (successive halving) `training.totalSteps = maxBudget`.
    ///
    /// Order: configurations in `configurations()` order, seeds fastest, so trial `index` is
    /// `configuration * seeds.count + seedPosition`.
    /// - Throws: `SpecError` naming the trial whose resolved spec is invalid.
    public func plans(loader: SpecLoader, experiment: URL) throws(SpecError) -> [SweepTrialPlan] {
        var out: [SweepTrialPlan] = []
        var extra: [SpecOverride] = []
        if let asha { extra.append(try SpecOverride(path: "training.totalSteps", value: .int(asha.maxBudget))) }
        for (c, assignments) in configurations().enumerated() {
            let swept = try assignments.map { (a) throws(SpecError) in try SpecOverride(path: a.path, value: a.value) }
            for (k, seed) in seeds.enumerated() {
                let all = overrides + swept + extra + [try SpecOverride(path: "seed", value: .int(Int(seed)))]
                let (_, tree, _) = try loader.experiment(experiment.path, overrides: all)
                out.append(SweepTrialPlan(index: c * seeds.count + k, configuration: c, seed: seed, assignments: assignments,
                                          configYAML: "# Trial \(c * seeds.count + k) of sweep \(name), resolved by marketgym sweep.\n" + tree.yamlString()))
            }
        }
        return out
    }
}
