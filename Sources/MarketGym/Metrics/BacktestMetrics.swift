#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Performance statistics of a backtest (definitions: docs/market-env.md, "Metrics").
///
/// Annualization uses the real bar spacing: `periodsPerYear = steps / years`, where `years` is the
/// time from the first decision bar to the last realized bar over 365.25-day years (about 252 for
/// daily equity bars). Returns are simple per-step net returns R_k; the risk-free rate is taken as 0.
public struct BacktestMetrics: Sendable, Equatable {
    /// Steps, years spanned, and steps per year (the annualization factor).
    public var steps = 0
    public var years = 0.0
    public var periodsPerYear = 0.0
    /// NAV_end / NAV_start − 1.
    public var totalReturn = 0.0
    /// (1 + total)^(1/years) − 1.
    public var annualizedReturn = 0.0
    /// Sample standard deviation of R × √periodsPerYear.
    public var annualizedVolatility = 0.0
    /// mean(R) / std(R) × √periodsPerYear.
    public var sharpe = 0.0
    /// mean(R) / √mean(min(R, 0)²) × √periodsPerYear.
    public var sortino = 0.0
    /// Largest peak-to-trough fall of NAV, as a fraction of the peak.
    public var maxDrawdown = 0.0
    /// Longest time spent below a previous peak, in steps and in days.
    public var maxDrawdownDurationSteps = 0
    public var maxDrawdownDurationDays = 0.0
    /// annualizedReturn / maxDrawdown (0 without drawdown).
    public var calmar = 0.0
    /// Σ turnover / years (NAV traded per year).
    public var annualTurnover = 0.0
    /// Σ costs / years (fraction of NAV lost to costs per year).
    public var annualCostDrag = 0.0
    /// Mean gross Σ|w| and mean net Σw of the traded books.
    public var averageGross = 0.0
    public var averageNet = 0.0
    /// OLS beta and correlation of R on the benchmark's returns (nil without a benchmark).
    public var benchmarkBeta: Double?
    public var benchmarkCorrelation: Double?
    /// Fraction of steps with R > 0 among steps with R ≠ 0.
    public var hitRate = 0.0
    /// The same statistics per calendar year (UTC) of the realized bars.
    public var perYear: [YearMetrics] = []

    /// Statistics of one calendar year.
    public struct YearMetrics: Sendable, Equatable {
        public var year: Int
        public var steps: Int
        public var totalReturn: Double
        public var annualizedVolatility: Double
        public var sharpe: Double
        public var maxDrawdown: Double
        public var turnover: Double
        public var averageGross: Double
    }

    /// All zeros.
    public init() {}

    /// Computes the metrics of a record (an empty record gives all zeros).
    public init(_ record: BacktestRecord) {
        let n = record.count
        guard n > 0 else { return }
        steps = n
        let span = Double((record.timestamps.last ?? 0) - record.startTimestamp)
        years = max(span / secondsPerYear, 1e-9)
        periodsPerYear = Double(n) / years
        let r = record.netReturns
        totalReturn = r.reduce(1.0) { $0 * (1 + $1) } - 1
        annualizedReturn = totalReturn > -1 ? pow(1 + totalReturn, 1 / years) - 1 : -1
        let (mean, sd) = Self.meanStd(r)
        annualizedVolatility = sd * periodsPerYear.squareRoot()
        sharpe = sd > 0 ? mean / sd * periodsPerYear.squareRoot() : 0
        let down = (r.reduce(0.0) { $0 + min($1, 0) * min($1, 0) } / Double(n)).squareRoot()
        sortino = down > 0 ? mean / down * periodsPerYear.squareRoot() : 0
        let dd = Self.drawdown(r, timestamps: record.timestamps, start: record.startTimestamp)
        maxDrawdown = dd.max
        maxDrawdownDurationSteps = dd.steps
        maxDrawdownDurationDays = dd.seconds / 86_400
        calmar = maxDrawdown > 0 ? annualizedReturn / maxDrawdown : 0
        annualTurnover = record.turnover.reduce(0, +) / years
        annualCostDrag = record.costs.reduce(0, +) / years
        averageGross = record.gross.reduce(0, +) / Double(n)
        averageNet = record.net.reduce(0, +) / Double(n)
        if record.benchmarkReturns.count == n {
            let (bm, bs) = Self.meanStd(record.benchmarkReturns)
            var cov = 0.0
            for k in 0..<n { cov += (r[k] - mean) * (record.benchmarkReturns[k] - bm) }
            cov /= Double(max(n - 1, 1))
            benchmarkBeta = bs > 0 ? cov / (bs * bs) : 0
            benchmarkCorrelation = (bs > 0 && sd > 0) ? cov / (bs * sd) : 0
        }
        let nonzero = r.filter { $0 != 0 }
        hitRate = nonzero.isEmpty ? 0 : Double(nonzero.filter { $0 > 0 }.count) / Double(nonzero.count)
        perYear = Self.yearTable(record)
    }

    static func meanStd(_ x: [Double]) -> (Double, Double) {
        guard !x.isEmpty else { return (0, 0) }
        let m = x.reduce(0, +) / Double(x.count)
        guard x.count > 1 else { return (m, 0) }
        let v = x.reduce(0.0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
        return (m, v.squareRoot())
    }

    static func drawdown(_ r: [Double], timestamps: [Int64], start: Int64) -> (max: Double, steps: Int, seconds: Double) {
        var nav = 1.0, peak = 1.0, worst = 0.0
        var peakIndex = -1, peakTime = start
        var longest = 0, longestSeconds = 0.0
        for k in r.indices {
            nav *= 1 + r[k]
            if nav >= peak {
                peak = nav; peakIndex = k; peakTime = timestamps[k]
            } else {
                worst = max(worst, 1 - nav / peak)
                if k - peakIndex > longest { longest = k - peakIndex }
                longestSeconds = max(longestSeconds, Double(timestamps[k] - peakTime))
            }
        }
        return (worst, longest, longestSeconds)
    }

    static func yearTable(_ record: BacktestRecord) -> [YearMetrics] {
        var rows: [YearMetrics] = []
        var k = 0
        let n = record.count
        while k < n {
            let year = CivilDate(epochSeconds: record.timestamps[k]).year
            var e = k
            while e < n && CivilDate(epochSeconds: record.timestamps[e]).year == year { e += 1 }
            let r = Array(record.netReturns[k..<e])
            let start = k > 0 ? record.timestamps[k - 1] : record.startTimestamp
            let yrs = max(Double(record.timestamps[e - 1] - start) / secondsPerYear, 1e-9)
            let ppy = Double(e - k) / yrs
            let (m, sd) = meanStd(r)
            rows.append(YearMetrics(
                year: year, steps: e - k,
                totalReturn: r.reduce(1.0) { $0 * (1 + $1) } - 1,
                annualizedVolatility: sd * ppy.squareRoot(),
                sharpe: sd > 0 ? m / sd * ppy.squareRoot() : 0,
                maxDrawdown: drawdown(r, timestamps: Array(record.timestamps[k..<e]), start: start).max,
                turnover: record.turnover[k..<e].reduce(0, +),
                averageGross: record.gross[k..<e].reduce(0, +) / Double(e - k)))
            k = e
        }
        return rows
    }
}
