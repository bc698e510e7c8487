import SeededRandom

extension MarketEnv: StatefulEnvironment {
    /// The complete mutable state: generator words, episode cursor and counters, split bounds,
    /// NAV, peak, the held and traded books, and the reward's running statistics.
    public func exportState() -> EnvironmentState {
        storage.snapshot(0, needsReset: needsReset).exported()
    }

    /// Replaces the mutable state with an exported one (same data and config).
    /// - Throws: `EnvironmentError.invalidState` when an entry is missing, mis-sized or out of range.
    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let s = try MarketEnvSnapshot(state, engine: engine, currentSplit: split)
        uniqueStorage()
        storage.restore(0, from: s)
        needsReset = s.needsReset
    }
}

extension MarketBatchStorage {
    /// Copy e's state in the exported form (`needsReset` is the env's or the vector's flag).
    func snapshot(_ e: Int, needsReset: Bool) -> MarketEnvSnapshot {
        let n = assetCount
        return MarketEnvSnapshot(
            rng: rng[e], bar: bar[e], startBar: startBar[e], lastDecisionBar: lastDecisionBar[e], horizon: horizon[e],
            stepsTaken: stepsTaken[e], needsReset: needsReset, split: split[e], nav: nav[e], peak: peak[e],
            lastNetReturn: lastNetReturn[e], weights: Array(UnsafeBufferPointer(start: held + e * n, count: n)),
            tradedWeights: Array(UnsafeBufferPointer(start: traded + e * n, count: n)), reward: shaper[e].statistics)
    }

    /// Sets copy e's state from a checked snapshot (the vector's running return and length are its own).
    func restore(_ e: Int, from x: MarketEnvSnapshot) {
        let n = assetCount
        rng[e] = x.rng
        split[e] = x.split
        bar[e] = x.bar; startBar[e] = x.startBar; lastDecisionBar[e] = x.lastDecisionBar
        horizon[e] = x.horizon; stepsTaken[e] = x.stepsTaken
        nav[e] = x.nav; peak[e] = x.peak; lastNetReturn[e] = x.lastNetReturn
        for i in 0..<n { held[e * n + i] = x.weights[i]; traded[e * n + i] = x.tradedWeights[i] }
        shaper[e].restore(statistics: x.reward)
    }
}

/// One market env's mutable state in the exported form (`MarketEnv` and each copy of
/// `MarketVectorEnv` use the same entries, so their states are interchangeable).
struct MarketEnvSnapshot {
    var rng: Xoshiro256
    var bar, startBar, lastDecisionBar, horizon, stepsTaken: Int
    var needsReset: Bool
    var split: DataSplit
    var nav, peak, lastNetReturn: Double
    var weights, tradedWeights: [Double]
    var reward: [Double]

    init(rng: Xoshiro256, bar: Int, startBar: Int, lastDecisionBar: Int, horizon: Int, stepsTaken: Int, needsReset: Bool,
         split: DataSplit, nav: Double, peak: Double, lastNetReturn: Double, weights: [Double], tradedWeights: [Double], reward: [Double]) {
        self.rng = rng
        self.bar = bar; self.startBar = startBar; self.lastDecisionBar = lastDecisionBar; self.horizon = horizon
        self.stepsTaken = stepsTaken; self.needsReset = needsReset; self.split = split
        self.nav = nav; self.peak = peak; self.lastNetReturn = lastNetReturn
        self.weights = weights; self.tradedWeights = tradedWeights; self.reward = reward
    }

    func exported() -> EnvironmentState {
        EnvironmentState(
            integers: [
                "rng": rng.state.map { Int64(bitPattern: $0) },
                "cursor": [Int64(bar), Int64(startBar), Int64(lastDecisionBar), Int64(horizon), Int64(stepsTaken), needsReset ? 1 : 0],
                "split": [Int64(split.bars.lowerBound), Int64(split.bars.upperBound)],
            ],
            reals: [
                "portfolio": [nav, peak, lastNetReturn],
                "weights": weights,
                "tradedWeights": tradedWeights,
                "reward": reward,
            ])
    }

    /// Reads and checks an exported state against the env's data; `currentSplit` is kept when the
    /// bounds match it, else the split is named after the configured split with those bounds.
    /// - Throws: `EnvironmentError.invalidState` when an entry is missing, mis-sized or out of range.
    init(_ state: EnvironmentState, engine: MarketEngine, currentSplit: DataSplit) throws(EnvironmentError) {
        let panel = engine.panel
        let n = panel.assetCount
        let words = try state.integers("rng", count: 4).map { UInt64(bitPattern: $0) }
        let cursor = try state.integers("cursor", count: 6)
        let bounds = try state.integers("split", count: 2)
        let portfolio = try state.reals("portfolio", count: 3)
        let held = try state.reals("weights", count: n)
        let traded = try state.reals("tradedWeights", count: n)
        let reward = try state.reals("reward", count: 4)
        let T = Int64(panel.barCount)
        guard bounds[0] >= 0, bounds[0] < bounds[1], bounds[1] <= T else {
            throw .invalidState("split bounds \(bounds) outside the data's 0..<\(T) bars")
        }
        guard cursor[0] >= bounds[0], cursor[0] < bounds[1] else { throw .invalidState("bar \(cursor[0]) outside the split \(bounds)") }
        do { rng = try Xoshiro256(state: words) } catch { throw .invalidState("rng: \(error)") }
        let lo = Int(bounds[0]), hi = Int(bounds[1])
        split = currentSplit
        if split.bars != lo..<hi {
            let config = engine.config
            let name = ["train", "valid", "test", "all"].first { (try? DataSplit.named($0, config: config.splits, timestamps: panel.timestamps).bars) == lo..<hi }
            split = DataSplit(name: name ?? "restored", bars: lo..<hi)
        }
        bar = Int(cursor[0]); startBar = Int(cursor[1]); lastDecisionBar = Int(cursor[2])
        horizon = Int(cursor[3]); stepsTaken = Int(cursor[4]); needsReset = cursor[5] != 0
        nav = portfolio[0]; peak = portfolio[1]; lastNetReturn = portfolio[2]
        weights = held
        tradedWeights = traded
        self.reward = reward
    }
}
