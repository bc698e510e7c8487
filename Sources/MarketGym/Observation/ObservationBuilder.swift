/// Portfolio state that enters the observation (`portfolio.*`).
public struct PortfolioSnapshot: Sendable, Equatable {
    /// Σ|w| of the held (drifted) book.
    public var gross: Double
    /// Σw of the held book.
    public var net: Double
    /// 1 − NAV / peak NAV in the episode.
    public var drawdown: Double
    /// Fraction of the episode elapsed (steps / horizon), in [0, 1].
    public var time: Double
    /// The last bar's net return (scaled like the log returns in the observation).
    public var lastReturn: Double

    /// A snapshot (all zero by default: a flat book at an episode's start).
    public init(gross: Double = 0, net: Double = 0, drawdown: Double = 0, time: Double = 0, lastReturn: Double = 0) {
        self.gross = gross
        self.net = net
        self.drawdown = drawdown
        self.time = time
        self.lastReturn = lastReturn
    }
}

/// Builds the market observation at a bar: standalone, so the env and the trading daemon's
/// `PolicyRuntime` produce bit-identical inputs from the same data.
///
/// Layout (N assets in panel order, K prediction features, window W), in four sections then the
/// portfolio:
/// 1. log returns, lag-major: for j = 0..W−1, for each asset A, `A.logret[t-j]` — the log return
///    over (t−j−1, t−j] × `returnScale` (0 before the first bar or where a price is missing);
/// 2. predictions: for each asset A, `A.<feature>` for each feature (missing → 0);
/// 3. state: for each asset A, `A.vol` (trailing volatility × `returnScale`), `A.tradable` (1 when
///    the asset has a price at t), `A.pred_ok` (1 when all its prediction features are present);
/// 4. weights: for each asset A, `A.weight` (the held, drifted weight);
/// 5. `portfolio.gross`, `portfolio.net`, `portfolio.drawdown`, `portfolio.time`, `portfolio.return`.
///
/// Every element is finite and clipped to [-clip, clip]: no NaN ever. Only data at bars ≤ t is read.
///
/// How it is stored, so `write` is two block copies and the held tail: the scaled return rows
/// once, time descending ((T + W) x N, row T−1−s holds bar s, W zero rows at the end), so bar t's
/// lag-major window is the one block starting at row T−1−t; sections 2 and 3 as one row per bar
/// (T x (N·K + 3N)). Every element is made by the static element writers (`returnElement`,
/// `writeRow`, `writeHeld`), which `BarObservation` (the trading daemon) calls on one bar's values:
/// one definition of each element for the env, the vector env and the daemon. Scaling, clipping and
/// NaN removal happen once at construction; `write` only copies, which keeps the env's step fast,
/// memory-light (T·N·(K + 4) floats) and allocation-free. Immutable after construction.
public final class ObservationBuilder: @unchecked Sendable {
    /// N, K, the window, T, the return scale and the clip bound the builder was prepared with.
    public let assetCount: Int
    public let featureCount: Int
    public let window: Int
    public let barCount: Int
    public let returnScale: Float
    public let clip: Float
    /// Element names, in order.
    public let names: [String]

    // Owned, immutable after init (hence the unchecked Sendable).
    /// (T + W) x N scaled log returns, time descending (see the type's discussion).
    let windowRows: UnsafeMutablePointer<Float>
    /// T x `rowLength`: the predictions and state sections per bar.
    let rows: UnsafeMutablePointer<Float>
    /// N·K + 3N.
    let rowLength: Int

    /// Portfolio elements at the end.
    public static let portfolioCount = 5
    /// Total observation length: N·(W + K + 4) + 5.
    public var count: Int { assetCount * (window + featureCount + 4) + Self.portfolioCount }

    /// Prepares the builder for `panel`.
    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale.
    public init(panel: MarketPanel, config: ObservationConfig) throws(MarketEnvError) {
        try Self.checkConfig(config)
        let n = panel.assetCount, k = panel.featureCount, w = config.window, T = panel.barCount
        assetCount = n
        featureCount = k
        window = w
        barCount = T
        returnScale = Float(config.returnScale)
        clip = Float(config.clip)
        let c = clip, scale = returnScale
        names = Self.names(assets: panel.assets, features: panel.featureNames, window: w)

        let rowLength = n * k + 3 * n
        self.rowLength = rowLength
        windowRows = .allocate(capacity: max((T + w) * n, 1))
        windowRows.initialize(repeating: 0, count: max((T + w) * n, 1))
        for s in 0..<T { for i in 0..<n { windowRows[(T - 1 - s) * n + i] = Self.returnElement(panel.logReturnsByAsset[i * T + s], scale: scale, clip: c) } }
        rows = .allocate(capacity: max(T * rowLength, 1))
        rows.initialize(repeating: 0, count: max(T * rowLength, 1))
        panel.features.withUnsafeBufferPointer { f in
        panel.volatility.withUnsafeBufferPointer { v in
        panel.tradable.withUnsafeBufferPointer { tr in
        panel.featuresPresent.withUnsafeBufferPointer { ok in
            for t in 0..<T {
                Self.writeRow(features: UnsafeBufferPointer(rebasing: f[t * n * k ..< (t + 1) * n * k]),
                              volatility: UnsafeBufferPointer(rebasing: v[t * n ..< (t + 1) * n]),
                              tradable: UnsafeBufferPointer(rebasing: tr[t * n ..< (t + 1) * n]),
                              present: UnsafeBufferPointer(rebasing: ok[t * n ..< (t + 1) * n]),
                              scale: scale, clip: c, into: rows + t * rowLength)
            }
        }
        }
        }
        }
    }

    /// The observation's element names for N assets, K prediction features per asset and a W-bar
    /// return window, in the layout above: a pure function of (assets, features, window), the one
    /// place the env, the checkpoint and the trading daemon take names from.
    ///
    /// Prediction elements are named `<asset>.<feature>`; several named prediction sources per
    /// asset (say `h1.pred` and `h2.pred`, giving `BTC.h1.pred` and `BTC.h2.pred`) are several
    /// features, so adding a source adds names here and nowhere else.
    public static func names(assets: [String], features: [String], window w: Int) -> [String] {
        var names: [String] = []
        names.reserveCapacity(assets.count * (w + features.count + 4) + portfolioCount)
        for j in 0..<w { for a in assets { names.append("\(a).logret[t-\(j)]") } }
        for a in assets { for f in features { names.append("\(a).\(f)") } }
        for a in assets { names += ["\(a).vol", "\(a).tradable", "\(a).pred_ok"] }
        for a in assets { names.append("\(a).weight") }
        names += ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"]
        return names
    }

    deinit {
        windowRows.deallocate()
        rows.deallocate()
    }

    /// The observation space: every element in [-clip, clip].
    public var space: BoxSpace { BoxSpace(low: -clip, high: clip, shape: [count]) }

    /// Writes the observation at bar `t` into `out` (exactly `count` elements). No allocation.
    /// - Parameters:
    ///   - t: the bar whose close the observation describes.
    ///   - weights: the held book, N values.
    ///   - portfolio: the portfolio state.
    ///   - out: the destination.
    /// - Complexity: O(N · (W + K)), straight copies.
    public func write(bar t: Int, weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == count && weights.count == assetCount,
                     "ObservationBuilder: buffer \(out.count) (want \(count)), weights \(weights.count) (want \(assetCount))")
        precondition(t >= 0 && t < barCount, "ObservationBuilder: bar \(t) outside 0..<\(barCount)")
        guard let o = out.baseAddress else { return }
        write(bar: t, weights: weights, portfolio: portfolio, into: o)
    }

    /// `write` without the checks, into a raw destination: the stepper's per-step call.
    @inline(__always)
    func write(bar t: Int, weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, into o: UnsafeMutablePointer<Float>) {
        let n = assetCount, wn = window * n
        o.update(from: windowRows + (barCount - 1 - t) * n, count: wn)
        (o + wn).update(from: rows + t * rowLength, count: rowLength)
        Self.writeHeld(weights: weights, portfolio: portfolio, returnScale: returnScale, clip: clip, into: o + wn + rowLength)
    }
}
