import Gym
import MarketGym

extension Policy {
    /// The neutral target book for one snapshot: the env's observation at the snapshot's last bar,
    /// the policy's deterministic action, the action scheme's raw book and the neutrality projection.
    ///
    /// The observation, the raw book and the projection are MarketGym's own code, configured from
    /// the checkpoint's `MarketEnvConfig`: a `BarWindow` runs `MarketPanel`'s kernels over the
    /// snapshot's last `requiredHistory` bars, `BarObservation` writes the observation with
    /// `ObservationBuilder`'s element transforms and layout, then `ActionScheme` and
    /// `NeutralityProjection` make the book; so the runtime cannot drift from the env. The env's
    /// rebalance threshold is not applied (it compares with the held book at execution time; the
    /// daemon's execution layer decides whether to trade). Borrows a `PolicyContext` from the
    /// policy's pool; see `targetWeights(for:context:)` to pass one.
    /// - Throws: `PolicyRuntimeError.assetMismatch` / `.featureMismatch` when the snapshot's names
    ///   differ from the policy's (missing, extra, or reordered); `.malformedSnapshot` for wrong
    ///   shapes or too little history; `.nonFiniteInput` under `Options.nonFinite == .reject`.
    public func targetWeights(for snapshot: PolicySnapshot) throws(PolicyRuntimeError) -> TargetWeights {
        try withContext { (context) throws(PolicyRuntimeError) in try targetWeights(for: snapshot, context: context) }
    }

    /// `targetWeights(for:)` in the caller's scratch: no allocation for a `sizing` policy once the
    /// caller has let go of the previous answer (the answer's arrays are the context's, copied on
    /// write while the caller still holds them).
    /// - Throws: as `targetWeights(for:)`; `.environment` for a context made by another policy.
    public func targetWeights(for snapshot: PolicySnapshot, context: PolicyContext) throws(PolicyRuntimeError) -> TargetWeights {
        if let reason = try prepare(snapshot, context: context) { return flat(snapshot, reason: reason) }
        let action = act(normalizing: UnsafeBufferPointer(context.observation), context: context)
        return try book(action: action, snapshot: snapshot, context: context)
    }

    /// The target book the given action leads to for this snapshot (the env's step without the
    /// accounting): for replaying recorded actions and for comparing with the env.
    /// - Throws: as `targetWeights(for:)`, and `.invalidAction` for an action outside the scheme's space.
    public func targetWeights(for snapshot: PolicySnapshot, action: Action) throws(PolicyRuntimeError) -> TargetWeights {
        try withContext { (context) throws(PolicyRuntimeError) -> TargetWeights in
            if let reason = try prepare(snapshot, context: context) { return flat(snapshot, reason: reason) }
            return try book(action: action, snapshot: snapshot, context: context)
        }
    }

    /// The observation the env would show the agent for this snapshot (before normalization).
    /// - Throws: as `targetWeights(for:)`; a snapshot that would fall back to flat throws `.nonFiniteInput`.
    public func observation(for snapshot: PolicySnapshot) throws(PolicyRuntimeError) -> [Float] {
        try withContext { (context) throws(PolicyRuntimeError) -> [Float] in
            if let reason = try prepare(snapshot, context: context) { throw .nonFiniteInput(field: reason, asset: nil, bar: nil) }
            return Array(context.observation)
        }
    }

    // MARK: - Internals

    /// The per-bar window for this policy's config (nil for a non-market policy; `init` checked it can be built).
    func makeBarWindow() -> BarWindow? {
        guard let config = environmentConfig else { return nil }
        return try? Self.barWindow(config: config, assets: spec.assets.count, features: featureNames, rows: requiredHistory)
    }

    static func barWindow(config: MarketEnvConfig, assets: Int, features: [String], rows: Int) throws(MarketEnvError) -> BarWindow {
        try BarWindow(assets: assets, featureNames: features, rows: rows, volatilityWindow: config.observation.volatilityWindow,
                      betaWindow: config.constraints.betaWindow, benchmark: config.constraints.betaNeutral,
                      signalFeature: config.action.signalFeature, confidenceFeature: config.action.confidenceFeature)
    }

    private func flat(_ s: PolicySnapshot, reason: String) -> TargetWeights {
        TargetWeights(assets: spec.assets, weights: [Double](repeating: 0, count: spec.assets.count), action: [],
                      policyVersion: version, fallback: reason, id: s.id)
    }

    /// The raw book for `action` at the prepared window, projected; the answer reuses the context's arrays.
    private func book(action: Action, snapshot: PolicySnapshot, context: PolicyContext) throws(PolicyRuntimeError) -> TargetWeights {
        guard let scheme, let projection, let window = context.window else { throw .environment("not a market policy: it has no assets") }
        let w = context.book
        do { try scheme.rawBook(action, window: window, into: w) } catch { throw .invalidAction("\(error)") }
        projection.project(w, tradable: window.tradable, beta: window.beta)
        context.answerWeights.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count { out[i] = w[i] }
        }
        switch action {
        case .discrete(let a):
            if context.answerAction.count != 1 { context.answerAction = [0] }
            context.answerAction[0] = Double(a)
        case .multiDiscrete(let a): context.answerAction = a.map(Double.init)
        case .continuous(let a): context.answerAction = a.map(Double.init)
        }
        return TargetWeights(assets: spec.assets, weights: context.answerWeights, action: context.answerAction, policyVersion: version, id: snapshot.id)
    }

    /// Checks the snapshot against the policy, copies the values it needs into the context, runs
    /// the bar window and writes the observation into `context.observation`.
    /// - Returns: nil when ready; the reason when the answer is a flat fallback (`Options.nonFinite == .flat`).
    func prepare(_ s: PolicySnapshot, context: PolicyContext) throws(PolicyRuntimeError) -> String? {
        guard let config = environmentConfig, let barObservation, let window = context.window else {
            throw .environment("not a market policy: it has no assets; use act(observation:)")
        }
        try check(context)
        let assets = spec.assets, n = assets.count, k = featureNames.count
        // Names in `expected` that `found` lacks, and names in `found` that `expected` lacks.
        func difference(_ expected: [String], _ found: [String]) -> (missing: [String], extra: [String]) {
            let have = Set(found), want = Set(expected)
            return (expected.filter { !have.contains($0) }, found.filter { !want.contains($0) })
        }
        if s.assets != assets {
            let d = difference(assets, s.assets)
            throw .assetMismatch(expected: assets, found: s.assets, missing: d.missing, extra: d.extra)
        }
        if s.features != featureNames {
            let d = difference(featureNames, s.features)
            throw .featureMismatch(expected: featureNames, found: s.features, missing: d.missing, extra: d.extra)
        }
        let rows = requiredHistory
        guard s.closes.count >= rows else {
            throw .malformedSnapshot(field: "closes", expected: "at least \(rows) bars (window, volatility window\(config.constraints.betaNeutral ? ", beta window" : "") + the decision bar)", found: "\(s.closes.count)")
        }
        let first = s.closes.count - rows
        for r in first..<s.closes.count where s.closes[r].count != n {
            throw .malformedSnapshot(field: "closes[\(r)]", expected: "\(n) values (one per asset)", found: "\(s.closes[r].count)")
        }
        guard s.predictions.count == n else { throw .malformedSnapshot(field: "predictions", expected: "\(n) rows (one per asset)", found: "\(s.predictions.count)") }
        for (i, row) in s.predictions.enumerated() where row.count != k {
            throw .malformedSnapshot(field: "predictions[\(i)] (\(assets[i]))", expected: "\(k) values \(featureNames)", found: "\(row.count)")
        }
        let betaNeutral = config.constraints.betaNeutral
        if betaNeutral {
            guard let b = s.benchmark, b.count == s.closes.count else {
                throw .malformedSnapshot(field: "benchmark", expected: "\(s.closes.count) closes (one per row of closes; the policy is beta-neutral)", found: s.benchmark.map { "\($0.count)" } ?? "none")
            }
        }
        if let w = s.weights, w.count != n { throw .malformedSnapshot(field: "weights", expected: "\(n) values", found: "\(w.count)") }

        // Copy what the window reads into the context; where the copy met a non-finite value, a
        // second pass (rare) names the first one.
        let closes = context.closes, predictions = context.predictions, bench = context.benchmark, held = context.held
        var finite = true
        for r in 0..<rows {
            let out = UnsafeMutableBufferPointer(rebasing: closes[(r * n)..<(r * n + n)])
            s.closes[first + r].withUnsafeBufferPointer { row in
                for i in 0..<n {
                    let x = row[i]
                    out[i] = x
                    if !x.isFinite { finite = false }
                }
            }
        }
        for i in 0..<n {
            let out = UnsafeMutableBufferPointer(rebasing: predictions[(i * k)..<(i * k + k)])
            s.predictions[i].withUnsafeBufferPointer { row in
                for q in 0..<k {
                    let x = row[q]
                    out[q] = Float(x)
                    if !x.isFinite { finite = false }
                }
            }
        }
        if betaNeutral, let b = s.benchmark {
            for r in 0..<rows {
                bench[r] = b[first + r]
                if !bench[r].isFinite { finite = false }
            }
        }
        var gross = 0.0, net = 0.0, ownFinite = s.drawdown.isFinite && s.time.isFinite && s.lastReturn.isFinite
        if let w = s.weights {
            for i in 0..<n {
                let x = w[i]
                held[i] = x; gross += abs(x); net += x
                if !x.isFinite { ownFinite = false }
            }
        } else {
            held.update(repeating: 0)
        }
        if !(finite && ownFinite), let issue = nonFiniteIssue(s, first: first) {
            if options.nonFinite == .flat { return issue.description }
            throw issue
        }

        window.update(closes: UnsafeBufferPointer(closes), benchmark: betaNeutral ? UnsafeBufferPointer(bench) : nil,
                      features: UnsafeBufferPointer(predictions))
        let portfolio = PortfolioSnapshot(gross: gross, net: net, drawdown: s.drawdown, time: s.time, lastReturn: s.lastReturn)
        barObservation.write(window, weights: UnsafeBufferPointer(held), portfolio: portfolio, into: context.observation)
        return nil
    }

    /// The first non-finite input that `Options.nonFinite` does not accept, in the order closes
    /// (bar by bar), predictions, benchmark, then the portfolio's own numbers (always required).
    private func nonFiniteIssue(_ s: PolicySnapshot, first: Int) -> PolicyRuntimeError? {
        let assets = spec.assets
        func bad(_ field: String, _ asset: String?, _ bar: Int?) -> PolicyRuntimeError { .nonFiniteInput(field: field, asset: asset, bar: bar) }
        if options.nonFinite != .asMissing {
            for r in first..<s.closes.count {
                if let i = s.closes[r].firstIndex(where: { !$0.isFinite }) { return bad("closes", assets[i], r) }
            }
            for (i, row) in s.predictions.enumerated() {
                if let q = row.firstIndex(where: { !$0.isFinite }) { return bad("predictions.\(featureNames[q])", assets[i], nil) }
            }
            if environmentConfig?.constraints.betaNeutral == true, let b = s.benchmark, let r = b[first...].firstIndex(where: { !$0.isFinite }) {
                return bad("benchmark", nil, r)
            }
        }
        if let w = s.weights, let i = w.firstIndex(where: { !$0.isFinite }) { return bad("weights", assets[i], nil) }
        for (name, v) in [("drawdown", s.drawdown), ("time", s.time), ("lastReturn", s.lastReturn)] where !v.isFinite { return bad(name, nil, nil) }
        return nil
    }
}
