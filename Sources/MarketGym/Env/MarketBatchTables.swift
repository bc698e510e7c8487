/// Read-only tables `MarketVectorEnv` steps from, built once from an engine: the engine's data
/// re-laid out so one step of one copy reads a few contiguous blocks, and the `sizing` scheme's
/// projected books precomputed (they depend only on the bar and the level, not on the copy).
///
/// Everything here is either the engine's own tables or computed by the very code a step runs
/// (`MarketEngine.sizingBook`,
/// `NeutralityProjection.project`, the same summation order), so the batch stepper's results are
/// bit-identical to `MarketEnv`'s (tested in `MarketVectorEnvTests`).
///
/// Layouts (N assets, K features, W window, T bars, L gross levels):
/// - `windowRows`, `rows`: the observation builder's tables (`ObservationBuilder`, "How it is stored").
/// - `bars`: T records of `barStride` doubles. With the `sizing` scheme it starts with L level
///   blocks of N + 4: the projected book for that level at bar t, then its long and short sums,
///   its beta exposure Σβw and its return Σ w·r over (t, t+1]. Then N returns over (t, t+1] (the
///   book's earning return: close to close, or open to close with next-open execution), then
///   the years between t and t+1 and the benchmark return over (t, t+1].
/// - `tradable`, `beta`, `volatility`, `gap`: T x N copies of the panel's (gap: row t holds the
///   return over (close t−1, open t]), read by the general path.
/// - `funding`: T x N copy of the panel's funding rates (row t: events in (t−1, t]), or nil.
///
/// Immutable after init (hence `@unchecked Sendable`).
final class MarketBatchTables: @unchecked Sendable {
    let assetCount, featureCount, window, barCount, levelCount: Int
    /// N·K + 3N.
    let rowLength: Int
    /// Doubles per bar record, and per level block (N + 4, or 0 without level blocks).
    let barStride: Int
    let levelStride: Int
    /// Offset of the returns block in a bar record.
    let returnsOffset: Int
    /// The observation builder's tables (`ObservationBuilder.windowRows`, `.rows`), kept alive by `builder`.
    let builder: ObservationBuilder
    let windowRows: UnsafeMutablePointer<Float>
    let rows: UnsafeMutablePointer<Float>
    let bars: UnsafeMutablePointer<Double>
    let tradable: UnsafeMutablePointer<Bool>
    let beta: UnsafeMutablePointer<Double>
    let volatility: UnsafeMutablePointer<Double>
    let gap: UnsafeMutablePointer<Double>?
    let funding: UnsafeMutablePointer<Double>?
    let timestamps: UnsafeMutablePointer<Int64>

    /// The largest `sizing` level table built (doubles); above it the batch env projects every step.
    static let levelTableLimit = 1 << 25

    init(engine: MarketEngine, levelBooks: Bool = true) {
        let p = engine.panel, b = engine.builder
        let n = p.assetCount, k = p.featureCount, w = b.window, T = p.barCount
        assetCount = n; featureCount = k; window = w; barCount = T
        let levels = engine.scheme.grossLevels.count
        let useLevels = levelBooks && engine.scheme.kind == .sizing && T * levels * (n + 4) <= Self.levelTableLimit
        levelCount = useLevels ? levels : 0
        levelStride = useLevels ? n + 4 : 0
        returnsOffset = levelCount * levelStride
        barStride = returnsOffset + n + 2

        // The observation sections are the builder's own tables (not copied).
        builder = b
        windowRows = b.windowRows
        rows = b.rows
        rowLength = b.rowLength

        let tradable = UnsafeMutablePointer<Bool>.allocate(capacity: max(T * n, 1))
        let beta = UnsafeMutablePointer<Double>.allocate(capacity: max(T * n, 1))
        let volatility = UnsafeMutablePointer<Double>.allocate(capacity: max(T * n, 1))
        self.tradable = tradable
        self.beta = beta
        self.volatility = volatility
        for j in 0..<(T * n) { tradable[j] = p.tradable[j]; beta[j] = p.beta[j]; volatility[j] = p.volatility[j] }
        if engine.useOpens, let g = p.gapReturns {
            let gp = UnsafeMutablePointer<Double>.allocate(capacity: max(T * n, 1))
            for j in 0..<(T * n) { gp[j] = g[j] }
            gap = gp
        } else {
            gap = nil
        }
        if let f = p.fundingRates {
            let fp = UnsafeMutablePointer<Double>.allocate(capacity: max(T * n, 1))
            for j in 0..<(T * n) { fp[j] = f[j] }
            funding = fp
        } else {
            funding = nil
        }
        timestamps = .allocate(capacity: max(T, 1))
        for t in 0..<T { timestamps[t] = p.timestamps[t] }

        // Bar records. The last bar has no (t, t+1]: its record stays zero and is never stepped from.
        bars = .allocate(capacity: max(T * barStride, 1))
        bars.initialize(repeating: 0, count: max(T * barStride, 1))
        let rest = engine.useOpens ? (p.intradayReturns ?? p.returns) : p.returns
        let projection = engine.projection
        for t in 0..<max(T - 1, 0) {
            let record = bars + t * barStride, t1 = t + 1
            let r = record + returnsOffset
            for i in 0..<n { r[i] = rest[t1 * n + i] }
            r[n] = Double(p.timestamps[t1] - p.timestamps[t]) / secondsPerYear
            r[n + 1] = p.benchmarkReturns?[t1] ?? 0
            for a in 0..<levelCount {
                let book = record + a * levelStride
                let tg = UnsafeMutableBufferPointer(start: book, count: n)
                engine.sizingBook(level: a, bar: t, into: tg)
                projection.project(tg, tradable: UnsafeBufferPointer(start: tradable + t * n, count: n),
                                   beta: UnsafeBufferPointer(start: beta + t * n, count: n))
                // The sums `MarketEngine.execute` forms from the traded book, by the same functions.
                let traded = UnsafeBufferPointer(tg)
                let (long, short) = MarketEngine.sides(traded)
                book[n] = long
                book[n + 1] = short
                book[n + 2] = engine.hasBenchmark ? MarketEngine.dot(traded, UnsafeBufferPointer(start: beta + t * n, count: n)) : 0
                book[n + 3] = MarketEngine.dot(traded, UnsafeBufferPointer(start: r, count: n))
            }
        }
    }

    deinit {
        bars.deallocate()
        tradable.deallocate()
        beta.deallocate()
        volatility.deallocate()
        gap?.deallocate()
        funding?.deallocate()
        timestamps.deallocate()
    }
}
