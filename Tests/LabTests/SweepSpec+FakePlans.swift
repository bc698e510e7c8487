import Foundation
@testable import Lab

extension SweepSpec {
    /// Plans whose config is only `x: <the first swept value>` and `seed:` (plus `tag`), for sweeps
    /// run by a fake trial (a shell script writing the result file) instead of `sweep-trial`.
    func fakePlans(tag: String = "") -> [SweepTrialPlan] {
        configurations().enumerated().flatMap { (c, a) in
            seeds.enumerated().map { (k, seed) in
                SweepTrialPlan(index: c * seeds.count + k, configuration: c, seed: seed, assignments: a,
                               configYAML: "x: \(SpecValue.scalarText(a[0].value))\nseed: \(seed)\n\(tag)")
            }
        }
    }
}
