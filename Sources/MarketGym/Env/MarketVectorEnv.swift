import SeededRandom

/// M copies of `MarketEnv` stepped in lockstep over one shared engine: Gym's ``VectorEnvironment``
/// for the market env, bit-identical to M independent `MarketEnv`s (copy i reset with seed
/// `seed + i`) stepped with the same actions, and several times faster than stepping them in a loop.
///
/// Autoreset: same-step, exactly as `SyncVectorEnvironment` (see ``VectorEnvironment``): when copy
/// i ends, `ended[i]` is set, `rewards[i]`, the flags and `infos[i]` describe the final step,
/// `finalObservations` row i holds the observation it ended on (bootstrap from it when truncated),
/// and `observations` row i already holds the first observation of the next episode (reset
/// without seed or options: the copy's generator continues).
///
/// How it is fast (docs/benchmarks/env.md):
/// - state is struct-of-arrays (held and traded books M x N, NAV, peak, cursors, counters, one
///   generator and reward shaper per copy), preallocated; results go into the vector buffers;
/// - the `sizing` scheme's projected book, its long/short sums, beta exposure and return depend
///   only on (bar, level), so they are precomputed (`MarketBatchTables`): a step that trades to
///   the action's book does no projection at all (the rebalance threshold's hold and the other
///   schemes project as the single env does);
/// - a bar's accounting data is one record, its observation sections two contiguous blocks, so a
///   copy reads a few sequential streams; a first pass over the copies touches each one's data for
///   the step, so the loads of all copies overlap instead of stalling one copy at a time;
/// - the info is filled in place (`stepInfos`), and the observation's gross and net come from the
///   loop that updates the book.
///
/// Resume: `exportState()` has the same entries as `SyncVectorEnvironment<MarketEnv>`'s
/// (`env<i>.*` with `MarketEnv`'s entries, `vector.*`), so states move between the two.
public struct MarketVectorEnv: StatefulVectorEnvironment, Sendable {
    public typealias Info = MarketStepInfo

    let engine: MarketEngine
    let tables: MarketBatchTables
    var storage: MarketBatchStorage
    public let environmentCount: Int
    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace
    /// One name per observation element of one copy (`MarketEnv.observationNames`).
    public var observationNames: [String] { engine.builder.names }
    /// The configuration and prepared data the copies share.
    public var config: MarketEnvConfig { engine.config }
    public var panel: MarketPanel { engine.panel }

    public var observations: [Float] { _observations }
    var _observations: [Float]
    public var finalObservations: [Float] { _finalObservations }
    var _finalObservations: [Float]
    public var rewards: [Double] { _rewards }
    var _rewards: [Double]
    public var terminated: [Bool] { _terminated }
    var _terminated: [Bool]
    public var truncated: [Bool] { _truncated }
    var _truncated: [Bool]
    public var ended: [Bool] { _ended }
    var _ended: [Bool]
    public var episodeReturns: [Double] { _episodeReturns }
    var _episodeReturns: [Double]
    public var episodeLengths: [Int] { _episodeLengths }
    var _episodeLengths: [Int]
    /// M infos of the last step, filled in place (all zero before the first step).
    public var stepInfos: [MarketStepInfo] { _stepInfos }
    var _stepInfos: [MarketStepInfo]
    /// M infos of the last step as the protocol wants them (`nil` before the first step); built on
    /// each access, so hot loops should read `stepInfos`.
    public var infos: [MarketStepInfo?] { hasStepped ? _stepInfos.map { $0 } : [MarketStepInfo?](repeating: nil, count: environmentCount) }
    var hasStepped = false
    var needsReset = true

    /// M copies over an already prepared panel (the copies share it and the prepared tables).
    /// - Throws: `MarketEnvError` like `MarketEnv.init(panel:config:seed:)`.
    public init(count: Int, panel: MarketPanel, config: MarketEnvConfig) throws(MarketEnvError) {
        self.init(count: count, template: try MarketEnv(panel: panel, config: config))
    }

    /// M copies built from data like `MarketEnv.init(data:features:benchmark:config:seed:)`.
    /// - Throws: `MarketEnvError`.
    public init(count: Int, data: MarketData, features: FeatureMatrix, benchmark: [Double]? = nil, config: MarketEnvConfig = MarketEnvConfig()) throws(MarketEnvError) {
        self.init(count: count, template: try MarketEnv(data: data, features: features, benchmark: benchmark, config: config))
    }

    /// M copies of `template`'s data, config and split (its episode state is not copied: call `reset`).
    /// - Parameters:
    ///   - count: M.
    ///   - template: the env whose data, config and split the copies share.
    ///   - precomputeSizingBooks: with the `sizing` scheme, precompute the projected book of every
    ///     (bar, level) (T · L · (N + 4) doubles; skipped anyway above 2^25). False projects every
    ///     step like the single env: slower, same results.
    /// - Precondition: `count > 0`.
    public init(count: Int, template: MarketEnv, precomputeSizingBooks: Bool = true) {
        precondition(count > 0, "MarketVectorEnv: count must be positive, got \(count)")
        engine = template.engine
        // The `sizing` books table is the vector's own; otherwise the engine's shared tables serve.
        tables = precomputeSizingBooks && template.engine.scheme.kind == .sizing
            ? MarketBatchTables(engine: template.engine, levelBooks: true) : template.tables
        environmentCount = count
        observationSpace = template.observationSpace
        actionSpace = template.actionSpace
        let n = template.panel.assetCount, d = template.observationSpace.count
        storage = MarketBatchStorage(count: count, assetCount: n, split: template.split, reward: template.config.reward)
        _observations = [Float](repeating: 0, count: count * d)
        _finalObservations = _observations
        _rewards = [Double](repeating: 0, count: count)
        _terminated = [Bool](repeating: false, count: count)
        _truncated = _terminated
        _ended = _terminated
        _episodeReturns = _rewards
        _episodeLengths = [Int](repeating: 0, count: count)
        _stepInfos = [MarketStepInfo](repeating: MarketStepInfo(), count: count)
    }

    /// True when `sizing` steps read the precomputed projected books (see `init(count:template:precomputeSizingBooks:)`).
    public var usesPrecomputedBooks: Bool { tables.levelCount > 0 }

    var kernel: MarketBatchKernel { MarketBatchKernel(engine: engine, tables: tables, environmentCount: environmentCount) }

    /// Copy e's held (drifted) book, the book it traded at its last step, its NAV and its current bar
    /// (`MarketEnv.weights`, `.tradedWeights`, `.nav`, `.bar`).
    public func weights(of e: Int) -> [Double] { checkCopy(e); return Array(UnsafeBufferPointer(start: storage.held + e * tables.assetCount, count: tables.assetCount)) }
    public func tradedWeights(of e: Int) -> [Double] { checkCopy(e); return Array(UnsafeBufferPointer(start: storage.traded + e * tables.assetCount, count: tables.assetCount)) }
    public func nav(of e: Int) -> Double { checkCopy(e); return storage.nav[e] }
    public func bar(of e: Int) -> Int { checkCopy(e); return storage.bar[e] }
    private func checkCopy(_ e: Int) { precondition(e >= 0 && e < environmentCount, "MarketVectorEnv: copy \(e) outside 0..<\(environmentCount)") }

    /// Copies of the storage are made before mutation when it is shared (value semantics).
    private mutating func uniqueStorage() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    // MARK: - Reset

    /// Resets every copy, copy i with seed `seed + i` (wrapping) and `options` (`MarketEnv`'s).
    /// - Throws: `EnvironmentError.invalidOption` as `MarketEnv.reset` (then `step` needs a new reset).
    public mutating func reset(seed: UInt64, options: ResetOptions) throws(EnvironmentError) {
        uniqueStorage()
        needsReset = true
        let d = observationSpace.count, s = storage, k = kernel
        try _observations.withUnsafeMutableBufferPointer { (obs) throws(EnvironmentError) in
            guard let o = obs.baseAddress else { return }
            for e in 0..<environmentCount {
                try k.resetCopy(e, seed: seed &+ UInt64(e), options: options, storage: s, into: o + e * d)
            }
        }
        for e in 0..<environmentCount {
            _rewards[e] = 0
            _terminated[e] = false
            _truncated[e] = false
            _ended[e] = false
            s.runningReturn[e] = 0
            s.runningLength[e] = 0
        }
        hasStepped = false
        needsReset = false
    }

    // MARK: - Step

    /// Steps every copy with its action, fills the buffers and resets ended copies (same-step autoreset).
    /// - Throws: `EnvironmentError.resetNeeded` before the first reset (or after a failed one);
    ///   `.invalidAction` when any action is outside `actionSpace` (then no copy is stepped).
    public mutating func step(_ actions: [Action]) throws(EnvironmentError) {
        precondition(actions.count == environmentCount, "MarketVectorEnv.step: \(actions.count) actions for \(environmentCount) environments")
        guard !needsReset else {
            throw .resetNeeded("vector environment step before reset(seed:options:) or after a failed reset")
        }
        uniqueStorage()
        let s = storage, m = environmentCount, tb = tables
        // Validate everything first, so a bad action leaves every copy as it was.
        let fast = tb.levelCount > 0
        for e in 0..<m {
            if fast, case .discrete(let a) = actions[e], a >= 0, a < tb.levelCount {
                s.level[e] = a
                continue
            }
            guard actionSpace.contains(actions[e]) else { throw .invalidAction("row \(e): \(actions[e]) is not in \(actionSpace)") }
            s.level[e] = -1
        }
        let k = kernel
        k.touch(s)
        let d = observationSpace.count
        _observations.withUnsafeMutableBufferPointer { obs in
            _finalObservations.withUnsafeMutableBufferPointer { fin in
                _stepInfos.withUnsafeMutableBufferPointer { infos in
                    guard let o = obs.baseAddress, let f = fin.baseAddress, let info = infos.baseAddress else { return }
                    for e in 0..<m {
                        k.stepCopy(e, action: actions[e], storage: s, info: info + e, observation: o + e * d, final: f + e * d)
                    }
                }
            }
        }
        for e in 0..<m {
            _rewards[e] = s.reward[e]
            _terminated[e] = s.terminated[e]
            _truncated[e] = s.truncated[e]
            let done = s.terminated[e] || s.truncated[e]
            _ended[e] = done
            if done {
                _episodeReturns[e] = s.episodeReturn[e]
                _episodeLengths[e] = s.episodeLength[e]
            }
        }
        hasStepped = true
    }

}

/// The per-copy steps of `MarketVectorEnv` (immutable: all state goes through the storage's pointers).
struct MarketBatchKernel {
    let engine: MarketEngine
    let tables: MarketBatchTables
    let environmentCount: Int

    /// `MarketEnv.reset` for copy e.
    @inline(__always)
    func resetCopy(_ e: Int, seed: UInt64?, options: ResetOptions, storage s: MarketBatchStorage, into o: UnsafeMutablePointer<Float>) throws(EnvironmentError) {
        if let seed { s.rng[e] = Xoshiro256(seed: seed) }
        var split = s.split[e], last = s.lastDecisionBar[e], rng = s.rng[e]
        defer { s.split[e] = split; s.lastDecisionBar[e] = last; s.rng[e] = rng }
        let episode = try engine.startEpisode(split: &split, lastDecisionBar: &last, options: options, rng: &rng)
        let n = tables.assetCount
        s.startBar[e] = episode.startBar
        s.horizon[e] = episode.horizon
        s.bar[e] = episode.startBar
        s.stepsTaken[e] = 0
        s.nav[e] = engine.config.episode.initialNAV
        s.peak[e] = s.nav[e]
        s.lastNetReturn[e] = 0
        (s.held + e * n).update(repeating: 0, count: n)
        (s.traded + e * n).update(repeating: 0, count: n)
        s.shaper[e].reset()
        writeObservation(bar: episode.startBar, held: s.held + e * n, gross: 0, net: 0, drawdown: 0, time: 0, lastReturn: 0, into: o)
    }

    /// Loads one word of every cache line copy e's step will read, for all copies, so the misses
    /// overlap (the copies sit at unrelated bars; stepping them one by one would wait for each).
    @inline(__always)
    func touch(_ s: MarketBatchStorage) {
        let tb = tables, n = tb.assetCount, T = tb.barCount
        guard n > 0 else { return }
        var sink = 0.0
        var acc: Float = 0
        for e in 0..<environmentCount {
            let t = s.bar[e], a = s.level[e]
            let record = tb.bars + t * tb.barStride
            if a >= 0 {
                let book = record + a * tb.levelStride
                var j = 0
                while j < tb.levelStride { sink += book[j]; j += 8 }
                sink += book[tb.levelStride - 1]
            } else {
                // The projection's rows.
                sink += tb.beta[t * n] + tb.beta[t * n + n - 1]
                acc += tb.tradable[t * n] ? 1 : 0
            }
            let r = record + tb.returnsOffset
            var j = 0
            while j < n + 2 { sink += r[j]; j += 8 }
            sink += r[n + 1]
            // The next observation: window at t + 1 (its newest row; the rest was read last step) and the bar row.
            let t1 = min(t + 1, T - 1)
            acc += tb.windowRows[(T - 1 - t1) * n]
            acc += tb.windowRows[(T - 1 - t1) * n + n - 1]
            let row = tb.rows + t1 * tb.rowLength
            j = 0
            while j < tb.rowLength { acc += row[j]; j += 16 }
        }
        s.sink = sink + Double(acc)
    }

    /// One copy's step, the only implementation of a market step: `MarketEnv.step` is this with one
    /// copy and no final buffer (no autoreset); `MarketVectorEnv.step` runs it for every copy.
    @inline(__always)
    func stepCopy(_ e: Int, action: Action, storage s: MarketBatchStorage, info infoOut: UnsafeMutablePointer<MarketStepInfo>,
                          observation o: UnsafeMutablePointer<Float>, final f: UnsafeMutablePointer<Float>?) {
        let tb = tables, E = engine, n = tb.assetCount
        let t = s.bar[e], t1 = t + 1, nav = s.nav[e]
        let w = s.held + e * n, traded = s.traded + e * n
        let record = tb.bars + t * tb.barStride
        let rest = record + tb.returnsOffset
        let projection = E.projection
        let tradable = UnsafeBufferPointer(start: tb.tradable + t * n, count: n)
        let beta = UnsafeBufferPointer(start: tb.beta + t * n, count: n)
        let tradedBuffer = UnsafeMutableBufferPointer(start: traded, count: n)

        // The target book and, when it came from the level table, its precomputed sums.
        var book: UnsafePointer<Double>
        var sums: UnsafePointer<Double>?
        let a = s.level[e]
        if a >= 0 {
            book = UnsafePointer(record + a * tb.levelStride)
            sums = book + n
        } else {
            // Validated by `step`: the raw book cannot fail.
            do { try E.rawBook(action, bar: t, into: tradedBuffer) } catch { preconditionFailure("MarketVectorEnv: validated action rejected: \(error)") }
            projection.project(tradedBuffer, tradable: tradable, beta: beta)
            book = UnsafePointer(traded)
            sums = nil
        }

        var info = MarketStepInfo()
        info.bar = t
        info.timestamp = tb.timestamps[t1]
        info.navBefore = nav
        let years = rest[n]
        info.years = years
        let config = E.config, c = config.costs
        let held = UnsafeBufferPointer(start: w, count: n)
        let hold = E.holds(target: UnsafeBufferPointer(start: book, count: n), held: held, bar: t)

        // Next-open execution: the held book rides the overnight gap.
        var navTrade = nav
        if let gap = tb.gap {
            let ride = MarketEngine.rideGap(held: UnsafeMutableBufferPointer(start: w, count: n), gap: UnsafeBufferPointer(start: gap + t1 * n, count: n), nav: nav)
            navTrade = ride.navTrade
            info.grossReturn += ride.gap
        }

        if hold {
            for i in 0..<n { traded[i] = w[i] }
            projection.project(tradedBuffer, tradable: tradable, beta: beta)
            book = UnsafePointer(traded)
            sums = nil
            info.rebalanced = false
        }

        let target = UnsafeBufferPointer(start: book, count: n)
        let turnover = MarketEngine.distance(target, held)
        let (long, short) = sums.map { ($0[0], $0[1]) } ?? MarketEngine.sides(target)
        var slip = turnover
        if c.slippageScalesWithVolatility {
            slip = MarketEngine.volatilityWeightedTurnover(target: target, held: held,
                                                           volatility: UnsafeBufferPointer(start: tb.volatility + t * n, count: n), reference: c.slippageVolatilityReference)
        }
        let betaExp = E.hasBenchmark ? (sums?[2] ?? MarketEngine.dot(target, beta)) : 0
        let g = sums?[3] ?? MarketEngine.dot(target, UnsafeBufferPointer(start: rest, count: n))
        // Funding events stamped in (t, t+1], charged on the book held over that interval.
        let funding = tb.funding.map { MarketEngine.dot(target, UnsafeBufferPointer(start: $0 + t1 * n, count: n)) }
        let dd = E.settle(&info, turnover: turnover, slip: slip, long: long, short: short, betaExposure: betaExp,
                          bookReturn: g, navTrade: navTrade, nav: nav, years: years, fundingCharge: funding)
        let newNAV = info.nav
        // The drifted book (a loop without a running sum, so the divisions vectorize; elementwise
        // IEEE operations give the same bits either way), then the observation's gross and net of it.
        if dd > 0 {
            for i in 0..<n { w[i] = book[i] * (1 + rest[i]) / dd }
        } else {
            w.update(repeating: 0, count: n)
        }
        var heldGross = 0.0, heldNet = 0.0
        for i in 0..<n {
            let x = w[i]
            heldGross += abs(x)
            heldNet += x
        }
        if sums != nil { traded.update(from: book, count: n) }
        if E.hasBenchmark { info.benchmarkReturn = rest[n + 1] }

        // `MarketEnv.step`'s bookkeeping.
        let R = info.netReturn
        s.nav[e] = newNAV
        let peak = max(s.peak[e], newNAV)
        s.peak[e] = peak
        info.drawdown = newNAV > 0 ? 1 - newNAV / peak : 1
        info.reward = s.shaper[e].terms(netReturn: R, turnover: info.turnover, drawdown: info.drawdown, gross: info.gross)
        s.lastNetReturn[e] = R
        let steps = s.stepsTaken[e] + 1
        s.stepsTaken[e] = steps
        s.bar[e] = t1
        let terminated = newNAV <= 0 || info.drawdown >= config.episode.maxDrawdown
        let truncated = !terminated && (steps >= s.horizon[e] || t1 > s.lastDecisionBar[e])
        let reward = info.reward.total
        infoOut.pointee = info
        s.reward[e] = reward
        s.terminated[e] = terminated
        s.truncated[e] = truncated
        let done = terminated || truncated
        // With autoreset (a final buffer given), the ended copy's last observation goes to `f` and
        // `o` gets the next episode's first; the single env (no final buffer) writes it to `o`.
        let autoreset = done ? f : nil
        writeObservation(bar: t1, held: w, gross: heldGross, net: heldNet, drawdown: info.drawdown,
                         time: Double(steps) / Double(max(s.horizon[e], 1)), lastReturn: R, into: autoreset ?? o)
        let runningReturn = s.runningReturn[e] + reward, runningLength = s.runningLength[e] + 1
        if done {
            s.episodeReturn[e] = runningReturn
            s.episodeLength[e] = runningLength
            s.runningReturn[e] = 0
            s.runningLength[e] = 0
            // The split was valid at the vector's reset and options are not re-applied: cannot fail.
            if autoreset != nil {
                do { try resetCopy(e, seed: nil, options: .none, storage: s, into: o) } catch { preconditionFailure("MarketVectorEnv: autoreset failed: \(error)") }
            }
        } else {
            s.runningReturn[e] = runningReturn
            s.runningLength[e] = runningLength
        }
    }

    /// The observation at bar t: `ObservationBuilder.write`, the one observation writer.
    @inline(__always)
    func writeObservation(bar t: Int, held w: UnsafePointer<Double>, gross: Double, net: Double, drawdown: Double, time: Double, lastReturn: Double, into o: UnsafeMutablePointer<Float>) {
        engine.builder.write(bar: t, weights: UnsafeBufferPointer(start: w, count: tables.assetCount),
                             portfolio: PortfolioSnapshot(gross: gross, net: net, drawdown: drawdown, time: time, lastReturn: lastReturn), into: o)
    }
}

extension MarketVectorEnv {
    /// Entries as `SyncVectorEnvironment<MarketEnv>.exportState()`: `env<i>.*` (`MarketEnv`'s
    /// entries) for copy i, `vector.observations`, `vector.running_returns`,
    /// `vector.running_lengths`, `vector.needs_reset`.
    public func exportState() -> EnvironmentState {
        let s = storage
        var state = EnvironmentState()
        for e in 0..<environmentCount {
            state.merge(s.snapshot(e, needsReset: needsReset).exported().prefixed("env\(e)."))
        }
        state.reals["vector.observations"] = _observations.map(Double.init)
        state.reals["vector.running_returns"] = (0..<environmentCount).map { s.runningReturn[$0] }
        state.integers["vector.running_lengths"] = (0..<environmentCount).map { Int64(s.runningLength[$0]) }
        state.integers["vector.needs_reset"] = [needsReset ? 1 : 0]
        return state
    }

    /// Replaces the state with one from `exportState()` (here or from `SyncVectorEnvironment<MarketEnv>`
    /// over the same data and config). Nothing changes when it throws.
    /// - Throws: `EnvironmentError.invalidState` when entries are missing, mis-sized or out of range,
    ///   or when a copy is mid-way in a state the vector cannot hold (copies must agree on needing a reset).
    public mutating func importState(_ state: EnvironmentState) throws(EnvironmentError) {
        let m = environmentCount
        let obs = try state.reals("vector.observations", count: _observations.count)
        let returns = try state.reals("vector.running_returns", count: m)
        let lengths = try state.integers("vector.running_lengths", count: m)
        let resetFlag = try state.integers("vector.needs_reset", count: 1)[0]
        guard resetFlag == 0 || resetFlag == 1 else { throw .invalidState("flag 'vector.needs_reset' is \(resetFlag), expected 0 or 1") }
        let reset = resetFlag == 1
        var snapshots: [MarketEnvSnapshot] = []
        for e in 0..<m {
            snapshots.append(try MarketEnvSnapshot(state.unprefixed("env\(e)."), engine: engine, currentSplit: storage.split[e]))
        }
        if !reset, let e = snapshots.firstIndex(where: { $0.needsReset }) {
            throw .invalidState("copy \(e) needs a reset but the vector does not: a vector env steps all copies together")
        }
        for (e, x) in snapshots.enumerated() where x.bar + 1 >= tables.barCount && !reset {
            throw .invalidState("copy \(e) at bar \(x.bar), the data's last: no step can start there")
        }
        uniqueStorage()
        let s = storage
        for (e, x) in snapshots.enumerated() {
            s.restore(e, from: x)
            s.runningReturn[e] = returns[e]
            s.runningLength[e] = Int(lengths[e])
        }
        _observations = obs.map { Float($0) }
        needsReset = reset
    }
}

/// `MarketVectorEnv`'s per-copy state, struct-of-arrays in preallocated memory, plus the per-step
/// outputs the stepper writes before they are copied into the vector's arrays. Copied on write by
/// the vector (`copy()`), like an array's storage: `@unchecked Sendable` on the same grounds (a
/// shared storage is only read; a vector mutates storage it holds uniquely).
final class MarketBatchStorage: @unchecked Sendable {
    let count: Int, assetCount: Int
    let rng: UnsafeMutablePointer<Xoshiro256>
    let split: UnsafeMutablePointer<DataSplit>
    let shaper: UnsafeMutablePointer<RewardShaper>
    /// Integer columns: bar, startBar, lastDecisionBar, horizon, stepsTaken, runningLength, episodeLength, level.
    private let ints: UnsafeMutablePointer<Int>
    private static let intColumns = 8
    /// Real columns: nav, peak, lastNetReturn, runningReturn, episodeReturn, reward; then held and traded books (M x N each).
    private let reals: UnsafeMutablePointer<Double>
    private static let realColumns = 6
    /// Flag columns: terminated, truncated.
    private let flags: UnsafeMutablePointer<Bool>
    /// Where `touch` leaves its sum (so the loads are kept).
    var sink = 0.0

    var bar: UnsafeMutablePointer<Int> { ints }
    var startBar: UnsafeMutablePointer<Int> { ints + count }
    var lastDecisionBar: UnsafeMutablePointer<Int> { ints + 2 * count }
    var horizon: UnsafeMutablePointer<Int> { ints + 3 * count }
    var stepsTaken: UnsafeMutablePointer<Int> { ints + 4 * count }
    var runningLength: UnsafeMutablePointer<Int> { ints + 5 * count }
    var episodeLength: UnsafeMutablePointer<Int> { ints + 6 * count }
    /// The step's `sizing` level per copy, or −1 (the general path).
    var level: UnsafeMutablePointer<Int> { ints + 7 * count }
    var nav: UnsafeMutablePointer<Double> { reals }
    var peak: UnsafeMutablePointer<Double> { reals + count }
    var lastNetReturn: UnsafeMutablePointer<Double> { reals + 2 * count }
    var runningReturn: UnsafeMutablePointer<Double> { reals + 3 * count }
    var episodeReturn: UnsafeMutablePointer<Double> { reals + 4 * count }
    var reward: UnsafeMutablePointer<Double> { reals + 5 * count }
    var held: UnsafeMutablePointer<Double> { reals + Self.realColumns * count }
    var traded: UnsafeMutablePointer<Double> { reals + (Self.realColumns + assetCount) * count }
    var terminated: UnsafeMutablePointer<Bool> { flags }
    var truncated: UnsafeMutablePointer<Bool> { flags + count }

    private var realCount: Int { (Self.realColumns + 2 * assetCount) * count }

    init(count m: Int, assetCount n: Int, split: DataSplit, reward: RewardConfig) {
        count = m
        assetCount = n
        rng = .allocate(capacity: m)
        rng.initialize(repeating: Xoshiro256(seed: 0), count: m)
        self.split = .allocate(capacity: m)
        self.split.initialize(repeating: split, count: m)
        shaper = .allocate(capacity: m)
        shaper.initialize(repeating: RewardShaper(reward), count: m)
        ints = .allocate(capacity: Self.intColumns * m)
        ints.initialize(repeating: 0, count: Self.intColumns * m)
        reals = .allocate(capacity: (Self.realColumns + 2 * n) * m)
        reals.initialize(repeating: 0, count: (Self.realColumns + 2 * n) * m)
        flags = .allocate(capacity: 2 * m)
        flags.initialize(repeating: false, count: 2 * m)
    }

    private init(copying o: MarketBatchStorage) {
        count = o.count
        assetCount = o.assetCount
        let m = count
        rng = .allocate(capacity: m)
        rng.initialize(from: o.rng, count: m)
        split = .allocate(capacity: m)
        split.initialize(from: o.split, count: m)
        shaper = .allocate(capacity: m)
        shaper.initialize(from: o.shaper, count: m)
        ints = .allocate(capacity: Self.intColumns * m)
        ints.initialize(from: o.ints, count: Self.intColumns * m)
        reals = .allocate(capacity: o.realCount)
        reals.initialize(from: o.reals, count: o.realCount)
        flags = .allocate(capacity: 2 * m)
        flags.initialize(from: o.flags, count: 2 * m)
        sink = o.sink
    }

    /// A deep copy.
    func copy() -> MarketBatchStorage { MarketBatchStorage(copying: self) }

    deinit {
        rng.deinitialize(count: count); rng.deallocate()
        split.deinitialize(count: count); split.deallocate()
        shaper.deinitialize(count: count); shaper.deallocate()
        ints.deallocate()
        reals.deallocate()
        flags.deallocate()
    }
}
