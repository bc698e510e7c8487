import Gym
import MarketGym

extension Policy {
    /// The neutral target book for one snapshot: the env's observation at the snapshot's last bar,
    /// the policy's deterministic action, the action scheme's raw book and the neutrality projection.
    ///
    /// The observation, the raw book and the projection are MarketGym's own `ObservationBuilder`,
    /// `ActionScheme` and `NeutralityProjection`, run on a `MarketPanel` built from the snapshot's
    /// last `requiredHistory` bars, so the runtime cannot drift from the env. The env's rebalance
    /// threshold is not applied (it compares with the held book at execution time; the daemon's
    /// execution layer decides whether to trade).
    /// - Throws: `PolicyRuntimeError.assetMismatch` / `.featureMismatch` when the snapshot's names
    ///   differ from the policy's (missing, extra, or reordered); `.malformedSnapshot` for wrong
    ///   shapes or too little history; `.nonFiniteInput` under `Options.nonFinite == .reject`.
    public func targetWeights(for snapshot: PolicySnapshot) throws(PolicyRuntimeError) -> TargetWeights {
        let prepared: Prepared
        switch try prepare(snapshot) {
        case .flat(let reason): return flat(snapshot, reason: reason)
        case .ready(let p): prepared = p
        }
        let action = prepared.observation.withUnsafeBufferPointer { act(normalizing: $0) }
        return try book(prepared, action: action, snapshot: snapshot)
    }

    /// The target book the given action leads to for this snapshot (the env's step without the
    /// accounting): for replaying recorded actions and for comparing with the env.
    /// - Throws: as `targetWeights(for:)`, and `.invalidAction` for an action outside the scheme's space.
    public func targetWeights(for snapshot: PolicySnapshot, action: Action) throws(PolicyRuntimeError) -> TargetWeights {
        switch try prepare(snapshot) {
        case .flat(let reason): return flat(snapshot, reason: reason)
        case .ready(let p): return try book(p, action: action, snapshot: snapshot)
        }
    }

    /// The observation the env would show the agent for this snapshot (before normalization).
    /// - Throws: as `targetWeights(for:)`; a snapshot that would fall back to flat throws `.nonFiniteInput`.
    public func observation(for snapshot: PolicySnapshot) throws(PolicyRuntimeError) -> [Float] {
        switch try prepare(snapshot) {
        case .flat(let reason): throw .nonFiniteInput(field: reason, asset: nil, bar: nil)
        case .ready(let p): return p.observation
        }
    }

    // MARK: - Internals

    struct Prepared {
        let panel: MarketPanel
        let observation: [Float]
    }

    enum Preparation {
        case flat(String)
        case ready(Prepared)
    }

    private func flat(_ s: PolicySnapshot, reason: String) -> TargetWeights {
        TargetWeights(assets: spec.assets, weights: [Double](repeating: 0, count: spec.assets.count), action: [],
                      policyVersion: version, fallback: reason, id: s.id)
    }

    private func book(_ p: Prepared, action: Action, snapshot: PolicySnapshot) throws(PolicyRuntimeError) -> TargetWeights {
        guard let scheme, let projection else { throw .environment("not a market policy: it has no assets") }
        let n = p.panel.assetCount, t = p.panel.barCount - 1
        var w = [Double](repeating: 0, count: n)
        do {
            try w.withUnsafeMutableBufferPointer { (wp) throws(EnvironmentError) in try scheme.rawBook(action, panel: p.panel, bar: t, into: wp) }
        } catch {
            throw .invalidAction("\(error)")
        }
        w.withUnsafeMutableBufferPointer { wp in
            p.panel.tradable.withUnsafeBufferPointer { tr in
                p.panel.beta.withUnsafeBufferPointer { beta in
                    projection.project(wp, tradable: UnsafeBufferPointer(rebasing: tr[(t * n)..<(t * n + n)]),
                                       beta: UnsafeBufferPointer(rebasing: beta[(t * n)..<(t * n + n)]))
                }
            }
        }
        let numbers: [Double]
        switch action {
        case .discrete(let a): numbers = [Double(a)]
        case .multiDiscrete(let a): numbers = a.map(Double.init)
        case .continuous(let a): numbers = a.map(Double.init)
        }
        return TargetWeights(assets: spec.assets, weights: w, action: numbers, policyVersion: version, id: snapshot.id)
    }

    /// Checks the snapshot against the policy and builds the panel and the observation.
    func prepare(_ s: PolicySnapshot) throws(PolicyRuntimeError) -> Preparation {
        guard let config = environmentConfig else { throw .environment("not a market policy: it has no assets; use act(observation:)") }
        let assets = spec.assets, n = assets.count, k = featureNames.count
        if s.assets != assets {
            let have = Set(s.assets), want = Set(assets)
            throw .assetMismatch(expected: assets, found: s.assets, missing: assets.filter { !have.contains($0) }, extra: s.assets.filter { !want.contains($0) })
        }
        if s.features != featureNames {
            let have = Set(s.features), want = Set(featureNames)
            throw .featureMismatch(expected: featureNames, found: s.features, missing: featureNames.filter { !have.contains($0) }, extra: s.features.filter { !want.contains($0) })
        }
        let rows = requiredHistory
        guard s.closes.count >= rows else {
            throw .malformedSnapshot(field: "closes", expected: "at least \(rows) bars (window, volatility window\(config.constraints.betaNeutral ? ", beta window" : "") + the decision bar)", found: "\(s.closes.count)")
        }
        let first = s.closes.count - rows
        for (r, row) in s.closes.enumerated() where r >= first && row.count != n {
            throw .malformedSnapshot(field: "closes[\(r)]", expected: "\(n) values (one per asset)", found: "\(row.count)")
        }
        guard s.predictions.count == n else { throw .malformedSnapshot(field: "predictions", expected: "\(n) rows (one per asset)", found: "\(s.predictions.count)") }
        for (i, row) in s.predictions.enumerated() where row.count != k {
            throw .malformedSnapshot(field: "predictions[\(i)] (\(assets[i]))", expected: "\(k) values \(featureNames)", found: "\(row.count)")
        }
        let betaNeutral = config.constraints.betaNeutral
        var bench: [Double]?
        if betaNeutral {
            guard let b = s.benchmark, b.count == s.closes.count else {
                throw .malformedSnapshot(field: "benchmark", expected: "\(s.closes.count) closes (one per row of closes; the policy is beta-neutral)", found: s.benchmark.map { "\($0.count)" } ?? "none")
            }
            bench = Array(b[first...])
        }
        if let w = s.weights, w.count != n { throw .malformedSnapshot(field: "weights", expected: "\(n) values", found: "\(w.count)") }

        // Non-finite values: the feed's (closes, predictions, benchmark) follow the option; the
        // portfolio's own numbers must always be finite.
        let mode = options.nonFinite
        func bad(_ field: String, _ asset: String?, _ bar: Int?) -> PolicyRuntimeError { .nonFiniteInput(field: field, asset: asset, bar: bar) }
        var feedIssue: PolicyRuntimeError?
        if mode != .asMissing {
            outer: for r in first..<s.closes.count {
                for i in 0..<n where !s.closes[r][i].isFinite { feedIssue = bad("closes", assets[i], r); break outer }
            }
            if feedIssue == nil {
                outer: for i in 0..<n {
                    for q in 0..<k where !s.predictions[i][q].isFinite { feedIssue = bad("predictions.\(featureNames[q])", assets[i], nil); break outer }
                }
            }
            if feedIssue == nil, let b = bench, let r = b.firstIndex(where: { !$0.isFinite }) { feedIssue = bad("benchmark", nil, first + r) }
        }
        var ownIssue: PolicyRuntimeError?
        if let w = s.weights, let i = w.firstIndex(where: { !$0.isFinite }) { ownIssue = bad("weights", assets[i], nil) }
        for (name, v) in [("drawdown", s.drawdown), ("time", s.time), ("lastReturn", s.lastReturn)] where ownIssue == nil && !v.isFinite {
            ownIssue = bad(name, nil, nil)
        }
        if let issue = feedIssue ?? ownIssue {
            if mode == .flat { return .flat(issue.description) }
            throw issue
        }

        var close = [Double](repeating: .nan, count: rows * n)
        for r in 0..<rows { let row = s.closes[first + r]; for i in 0..<n { close[r * n + i] = row[i] } }
        var feats = [Float](repeating: .nan, count: rows * n * k)
        let last = (rows - 1) * n * k
        for i in 0..<n { for q in 0..<k { feats[last + i * k + q] = Float(s.predictions[i][q]) } }
        // Timestamps do not enter the observation or the book; one day apart keeps MarketData valid.
        let timestamps = (0..<rows).map { Int64($0) * 86_400 }
        let panel: MarketPanel
        do {
            let data = try MarketData(assets: assets, timestamps: timestamps, close: close, source: "snapshot")
            panel = try MarketPanel(
                data: data, features: FeatureMatrix(names: featureNames, assets: assets, barCount: rows, values: feats),
                benchmark: bench, volatilityWindow: config.observation.volatilityWindow, betaWindow: config.constraints.betaWindow,
                signalFeature: config.action.signalFeature, confidenceFeature: config.action.confidenceFeature)
        } catch {
            throw .environment("cannot build the market panel from the snapshot: \(error)")
        }
        let builder: ObservationBuilder
        // Names were checked against the env's layout at load, and only the last bar is observed:
        // skipping both saves N·(window+K+4) strings and (rows−1) bars of blocks per call.
        do { builder = try ObservationBuilder(panel: panel, config: config.observation, names: false, firstBar: rows - 1) } catch {
            throw .environment("cannot build the observation: \(error)")
        }
        var gross = 0.0, net = 0.0
        let held = s.weights ?? [Double](repeating: 0, count: n)
        for x in held { gross += abs(x); net += x }
        let portfolio = PortfolioSnapshot(gross: gross, net: net, drawdown: s.drawdown, time: s.time, lastReturn: s.lastReturn)
        var obs = [Float](repeating: 0, count: builder.count)
        held.withUnsafeBufferPointer { wp in
            obs.withUnsafeMutableBufferPointer { op in builder.write(bar: rows - 1, weights: wp, portfolio: portfolio, into: op) }
        }
        return .ready(Prepared(panel: panel, observation: obs))
    }
}
