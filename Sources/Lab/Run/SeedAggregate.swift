import Foundation

/// Across-seed statistics of a multi-seed run (`aggregate.json`): per split and per metric the
/// agent's mean, std and 95% interval across seeds (`SeedInterval`); the baselines beside it (once:
/// they are deterministic); per year the same; the paired Sharpe difference to the best baseline
/// (chosen on validation) with its stationary-block-bootstrap interval per seed and pooled; the PSR
/// of every policy; and the verdict in words.
public struct SeedAggregate: Sendable, Codable, Equatable {
    public struct Year: Sendable, Codable, Equatable {
        public var year: Int
        /// The agent's compounded return and annualized Sharpe in that year, across seeds.
        public var agentReturn: SeedInterval
        public var agentSharpe: SeedInterval
        public var baselineReturn: [String: Double]
        public var baselineSharpe: [String: Double]
    }

    public struct Difference: Sendable, Codable, Equatable {
        /// The baseline compared against (best validation Sharpe among the baselines).
        public var baseline: String
        public var perSeed: [SharpeDifference]
        public var pooled: SharpeDifference
    }

    public struct Split: Sendable, Codable, Equatable {
        public var split: String
        public var periodsPerYear: Double
        public var agent: [String: SeedInterval]
        public var baselines: [String: [String: Double]]
        public var perYear: [Year]
        public var difference: Difference?
        /// Why there is no difference interval (e.g. the split is too short), when there is none.
        public var differenceUnavailable: String?
        /// PSR (probability that the true Sharpe > 0) of the agent per seed and of each baseline.
        public var agentPSR: [Double]
        public var baselinePSR: [String: Double]
    }

    public var name: String
    public var seeds: [UInt64]
    public var missingSeeds: [UInt64]
    public var level: Double
    public var bestBaseline: String?
    /// The split the best baseline was chosen on (`valid`, or the first split when there is none).
    public var selectedOn: String?
    public var splits: [Split]
    /// The answer in words: better / worse / not distinguishable at 95%, per split.
    public var verdict: [String]
    /// Why the across-seed intervals are missing (fewer than two seeds), when they are.
    public var seedNote: String?

    /// Bootstrap resamples and seed used for every difference interval.
    public static let bootstrapReplicates = 2000
    public static let bootstrapSeed: UInt64 = 0

    /// Aggregates the finished seeds of a group.
    public static func compute(_ data: SeedGroupData, level: Double = 0.95) -> SeedAggregate {
        var out = SeedAggregate(name: data.group.name, seeds: data.seeds, missingSeeds: data.group.seeds.filter { !data.seeds.contains($0) },
                                level: level, bestBaseline: nil, selectedOn: nil, splits: [], verdict: [],
                                seedNote: data.seeds.count < 2 ? "Only one seed finished: no across-seed interval is drawn (run at least two seeds, e.g. --seeds 0-4)." : nil)
        let selectOn = data.splits.contains("valid") ? "valid" : data.splits.first
        if let s = selectOn, let b = data.baselineMetrics[s], !b.isEmpty {
            out.bestBaseline = b.max { ($0.value["sharpe"] ?? -.infinity, $1.key) < ($1.value["sharpe"] ?? -.infinity, $0.key) }?.key
            out.selectedOn = s
        }
        for split in data.splits {
            let ppy = data.periodsPerYear(split: split)
            var agg = Split(split: split, periodsPerYear: ppy, agent: [:], baselines: data.baselineMetrics[split] ?? [:], perYear: [],
                            difference: nil, differenceUnavailable: nil, agentPSR: [], baselinePSR: [:])
            let keys = Set(data.agentMetrics.flatMap { ($0[split] ?? [:]).keys })
            for key in keys.sorted() {
                let values = data.agentMetrics.compactMap { $0[split]?[key] }
                if values.count == data.seeds.count { agg.agent[key] = SeedInterval(values, level: level) }
            }
            let agentWalks = data.agentWalks.compactMap { $0[split] }
            let baselineWalks = data.baselineWalks[split] ?? [:]
            agg.agentPSR = agentWalks.map { $0.returns.count >= 2 ? SharpeInference.probabilisticSharpe(returns: $0.returns) : .nan }
            for (name, w) in baselineWalks where w.returns.count >= 2 {
                agg.baselinePSR[name] = SharpeInference.probabilisticSharpe(returns: w.returns)
            }
            agg.perYear = perYear(agentWalks: agentWalks, baselineWalks: baselineWalks, periodsPerYear: ppy, level: level)
            if let best = out.bestBaseline, let base = baselineWalks[best], agentWalks.count == data.seeds.count {
                let bootstrap = StationaryBootstrap.automatic(count: base.returns.count, replicates: bootstrapReplicates, seed: bootstrapSeed)
                do {
                    var perSeed: [SharpeDifference] = []
                    for a in agentWalks {
                        perSeed.append(try SharpeDifference.paired(agent: a.returns, baseline: base.returns, periodsPerYear: ppy, bootstrap: bootstrap, level: level))
                    }
                    let pooled = try SharpeDifference.pooled(agents: agentWalks.map(\.returns), baseline: base.returns, periodsPerYear: ppy, bootstrap: bootstrap, level: level)
                    agg.difference = Difference(baseline: best, perSeed: perSeed, pooled: pooled)
                } catch {
                    agg.differenceUnavailable = error.description
                }
            } else {
                agg.differenceUnavailable = out.bestBaseline == nil ? "no baselines were evaluated (evaluation.baselines is empty)" : "the \(split) series of the agent or of the best baseline are missing"
            }
            out.splits.append(agg)
        }
        out.verdict = out.splits.map { s in
            guard let d = s.difference else { return "\(s.split): no verdict: \(s.differenceUnavailable ?? "no difference computed")." }
            let p = d.pooled
            return "\(s.split): the agent is \(p.words) the best baseline (\(d.baseline), chosen on \(out.selectedOn ?? "valid")) at \(Int((level * 100).rounded()))%: "
                + "Sharpe difference \(fmt(p.estimate)) [\(fmt(p.lower)), \(fmt(p.upper))], pooled over \(d.perSeed.count) seed\(d.perSeed.count == 1 ? "" : "s")."
        }
        return out
    }

    static func fmt(_ v: Double) -> String { String(format: "%+.2f", v) }

    static func perYear(agentWalks: [SeedGroupData.Walk], baselineWalks: [String: SeedGroupData.Walk], periodsPerYear: Double, level: Double) -> [Year] {
        func split(_ w: SeedGroupData.Walk) -> [Int: [Double]] {
            var out: [Int: [Double]] = [:]
            for (d, r) in zip(w.dates, w.returns) { if let y = Int(d.prefix(4)) { out[y, default: []].append(r) } }
            return out
        }
        func stats(_ r: [Double]) -> (ret: Double, sharpe: Double) {
            (r.reduce(1) { $0 * (1 + $1) } - 1, periodSharpe(r) * periodsPerYear.squareRoot())
        }
        let agents = agentWalks.map(split)
        let baselines = baselineWalks.mapValues(split)
        let years = Set(agents.flatMap(\.keys)).sorted()
        return years.compactMap { y in
            let per = agents.compactMap { $0[y] }.filter { $0.count >= 2 }.map(stats)
            guard !per.isEmpty else { return nil }
            var br: [String: Double] = [:], bs: [String: Double] = [:]
            for (name, b) in baselines { if let r = b[y], r.count >= 2 { let s = stats(r); br[name] = s.ret; bs[name] = s.sharpe } }
            return Year(year: y, agentReturn: SeedInterval(per.map(\.ret), level: level), agentSharpe: SeedInterval(per.map(\.sharpe), level: level),
                        baselineReturn: br, baselineSharpe: bs)
        }
    }

    /// Computes and writes `aggregate.json` into the group folder.
    @discardableResult
    public static func write(_ group: SeedGroup) throws(LabError) -> SeedAggregate {
        let agg = compute(try SeedGroupData.load(group))
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { try enc.encode(agg).write(to: group.aggregateURL, options: .atomic) } catch {
            throw .io(path: group.aggregateURL.path, detail: "cannot write: \(error.localizedDescription)")
        }
        return agg
    }

    /// Reads `aggregate.json`.
    public static func read(_ group: SeedGroup) throws(LabError) -> SeedAggregate {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? Data(contentsOf: group.aggregateURL), let agg = try? dec.decode(SeedAggregate.self, from: data) else {
            throw .badRun(path: group.aggregateURL.path, detail: "missing or unreadable; finish the seeds with `marketgym train --resume \(group.directory.path)`")
        }
        return agg
    }
}
