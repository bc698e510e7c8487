import SeededRandom

/// The market-neutral trading environment (DESIGN.md, "The market-neutral environment: semantics").
///
/// One step at decision bar t:
/// 1. the agent saw the observation at t's close (`ObservationBuilder`, data at bars ≤ t only);
/// 2. `ActionScheme` turns the action into a raw book, `NeutralityProjection` makes it
///    dollar-neutral (optionally beta-neutral) within the caps; when the L1 distance from the held
///    (drifted) book is below the rebalance threshold, the held book is kept instead (re-projected,
///    so neutrality still holds exactly);
/// 3. trades execute at t's close (or t+1's open with `costs.execution = .nextOpen` and opens),
///    paying fee and slippage on turnover; shorts pay borrow and longs funding for the real time
///    between bars;
/// 4. the book earns Σ w_i r_{t+1,i}; NAV_{t+1} = NAV_t · (1 + Σ w_i r_{t+1,i} − cost_t); weights drift;
/// 5. the reward is log(1 + net return) plus the weighted shaping terms, all reported in `info`.
///
/// Episodes start at a seeded random bar of the split and are truncated after `episode.horizon`
/// steps or at the split's end; they terminate on the drawdown limit or when equity reaches zero.
/// Evaluation (config flag, or reset option `evaluation = 1`) walks the whole split from its first
/// bar deterministically.
///
/// Reset options: `values["evaluation"]` (0/1), `values["start"]` (a decision bar index inside the
/// split), `strings["split"]` (`train`, `valid`, `test`, `all`: switches the split).
///
/// One place computes a step: the env is the one-copy case of `MarketVectorEnv`'s stepper
/// (`MarketBatchKernel`), over the engine's shared tables and a one-copy state, without the
/// vector's autoreset. `step` does not allocate: scratch books are preallocated and the observation
/// is written into the caller's buffer. Copies share the immutable data and prepared tables
/// (`reseeded(_:)`), so a vector of envs over one dataset stores them once; each copy's mutable
/// state is copied on write.
public struct MarketEnv: Environment {
    public typealias Info = MarketStepInfo

    /// Immutable parts, shared by every copy of the env (a vector env stores them once).
    let engine: MarketEngine
    /// The stepper's read-only tables (the engine's, without precomputed `sizing` books).
    let tables: MarketBatchTables
    /// The one copy's mutable state (copied on write).
    var storage: MarketBatchStorage

    /// The configuration the env was built with.
    public var config: MarketEnvConfig { engine.config }
    /// The prepared data.
    public var panel: MarketPanel { engine.panel }
    /// The neutrality projection, action scheme and observation builder the env uses (the same
    /// standalone code the trading daemon runs).
    public var projection: NeutralityProjection { engine.projection }
    public var scheme: ActionScheme { engine.scheme }
    public var observationBuilder: ObservationBuilder { engine.builder }
    /// Observations: every element in [-clip, clip] (names in `observationNames`).
    public let observationSpace: BoxSpace
    /// The action scheme's space.
    public let actionSpace: ActionSpace
    /// One name per observation element (docs/market-env.md, "Observation").
    public var observationNames: [String] { engine.builder.names }

    /// The split episodes currently run in.
    public var split: DataSplit { storage.split[0] }
    /// Bars of history wanted before the first decision bar (trailing windows).
    public var warmup: Int { engine.warmup }

    var needsReset = true
    /// The current decision bar t (the bar the last observation describes).
    public var bar: Int { storage.bar[0] }
    /// NAV.
    public var nav: Double { storage.nav[0] }
    /// The held (drifted) book, fraction of NAV per asset.
    public var weights: [Double] { Array(UnsafeBufferPointer(start: storage.held, count: tables.assetCount)) }
    /// The book traded at the last step (after projection and threshold), held over (t, t+1].
    public var tradedWeights: [Double] { Array(UnsafeBufferPointer(start: storage.traded, count: tables.assetCount)) }

    /// Builds the environment.
    /// - Parameters:
    ///   - data: the bars.
    ///   - features: prediction features aligned to the bars.
    ///   - benchmark: benchmark closes, one per bar (needed for beta-neutral and benchmark metrics).
    ///   - config: the configuration.
    ///   - seed: seed of the env's generator (re-seeded by `reset(seed:)`).
    /// - Throws: `MarketEnvError` for mismatched data, unknown names, out-of-range config values or
    ///   an empty split.
    public init(data: MarketData, features: FeatureMatrix, benchmark: [Double]? = nil, config: MarketEnvConfig = MarketEnvConfig(), seed: UInt64 = 0) throws(MarketEnvError) {
        let panel = try MarketPanel(
            data: data, features: features, benchmark: benchmark, universe: config.universe,
            volatilityWindow: config.observation.volatilityWindow, betaWindow: config.constraints.betaWindow,
            signalFeature: config.action.signalFeature, confidenceFeature: config.action.confidenceFeature)
        try self.init(panel: panel, config: config, seed: seed)
    }

    /// Builds the environment over an already prepared panel (shares its storage; envs built over the
    /// same panel with the same config also share the prepared tables).
    /// - Throws: `MarketEnvError`.
    public init(panel: MarketPanel, config: MarketEnvConfig, seed: UInt64 = 0) throws(MarketEnvError) {
        engine = try panel.engines.engine(for: config) { () throws(MarketEnvError) in try MarketEngine(panel: panel, config: config) }
        let split: DataSplit
        do {
            split = try DataSplit.named(config.episode.split, config: config.splits, timestamps: panel.timestamps)
        } catch {
            throw .split(error)
        }
        tables = engine.sharedTables
        observationSpace = engine.builder.space
        actionSpace = engine.scheme.actionSpace
        storage = MarketBatchStorage(count: 1, assetCount: panel.assetCount, split: split, reward: config.reward)
        storage.rng[0] = Xoshiro256(seed: seed)
    }

    /// The stepper over this env's tables.
    var kernel: MarketBatchKernel { MarketBatchKernel(engine: engine, tables: tables, environmentCount: 1) }

    /// Copies the state before mutation when another copy of the env shares it (value semantics).
    mutating func uniqueStorage() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    // MARK: - Reset

    /// Starts an episode (options: `evaluation`, `start`, `split`; see the type's discussion) and
    /// writes its first observation.
    /// - Throws: `EnvironmentError.invalidOption` for an unknown option, an out-of-range start or a bad split.
    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> MarketStepInfo {
        precondition(observation.count == observationSpace.count, "MarketEnv.reset: buffer has \(observation.count) elements, expected \(observationSpace.count)")
        guard let o = observation.baseAddress else { preconditionFailure("MarketEnv.reset: empty observation buffer") }
        uniqueStorage()
        try kernel.resetCopy(0, seed: seed, options: options, storage: storage, into: o)
        needsReset = false
        var info = MarketStepInfo()
        info.bar = bar
        info.timestamp = engine.panel.timestamps[bar]
        info.navBefore = nav
        info.nav = nav
        return info
    }

    // MARK: - Step

    /// Trades to the action's book at the current bar, books the return to the next bar, and writes
    /// the next observation.
    /// - Throws: `EnvironmentError.resetNeeded` before a reset or after the episode ended;
    ///   `.invalidAction` (nothing changes) when the action is not in `actionSpace`.
    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<MarketStepInfo> {
        guard !needsReset else { throw .resetNeeded("MarketEnv.step") }
        precondition(observation.count == observationSpace.count, "MarketEnv.step: buffer has \(observation.count) elements, expected \(observationSpace.count)")
        guard let o = observation.baseAddress else { preconditionFailure("MarketEnv.step: empty observation buffer") }
        try engine.scheme.validate(action)
        uniqueStorage()
        let s = storage
        s.level[0] = -1
        var info = MarketStepInfo()
        kernel.stepCopy(0, action: action, storage: s, info: &info, observation: o, final: nil)
        let terminated = s.terminated[0], truncated = s.truncated[0]
        needsReset = terminated || truncated
        return StepOutcome(reward: s.reward[0], terminated: terminated, truncated: truncated, info: info)
    }

    /// A copy sharing this env's data and prepared tables, with its generator re-seeded: the cheap
    /// way to make the many envs of a vector env (a fresh `init` rebuilds the tables each time).
    public func reseeded(_ seed: UInt64) -> MarketEnv {
        var copy = self
        copy.storage = storage.copy()
        copy.storage.rng[0] = Xoshiro256(seed: seed)
        copy.needsReset = true
        return copy
    }

    /// The number of steps taken in the current episode.
    public var episodeSteps: Int { storage.stepsTaken[0] }
    /// The first decision bar of the current episode.
    public var episodeStartBar: Int { storage.startBar[0] }
    /// Saved generator state (for checkpoints).
    public var rngState: [UInt64] { storage.rng[0].state }
}
