import Testing
import MarketGym
import SeededRandom
import TestSupport

@Suite struct BacktestMetricsTests {
    @Test func matchNumpyDefinitions() throws {
        var rng = Xoshiro256(seed: 12)
        var rec = BacktestRecord()
        rec.startTimestamp = CivilDate(year: 2019, month: 12, day: 31).epochSeconds
        var ts = rec.startTimestamp
        for _ in 0..<600 {
            ts += 86_400
            // Skip weekends, so the bar spacing is a trading calendar's.
            while (ts / 86_400 + 4) % 7 >= 5 { ts += 86_400 }
            let b = 0.01 * rng.normal()
            rec.timestamps.append(ts)
            rec.netReturns.append(0.0004 + 0.3 * b + 0.008 * rng.normal())
            rec.benchmarkReturns.append(b)
            rec.turnover.append(rng.uniformDouble())
            rec.costs.append(1e-4 * rng.uniformDouble())
            rec.gross.append(1 + rng.uniformDouble())
            rec.net.append(0)
            rec.grossReturns.append(0)
        }
        let m = BacktestMetrics(rec)
        let script = """
        import sys, numpy as np
        r = np.array([float(x) for x in sys.argv[1].split(',')])
        b = np.array([float(x) for x in sys.argv[2].split(',')])
        years = float(sys.argv[3]) / (365.25 * 86400)
        P = len(r) / years
        nav = np.cumprod(1 + r)
        peak = np.maximum.accumulate(np.concatenate([[1.0], nav]))[1:]
        mdd = np.max(1 - nav / peak)
        tot = nav[-1] - 1
        ann = (1 + tot) ** (1 / years) - 1
        sharpe = r.mean() / r.std(ddof=1) * np.sqrt(P)
        sortino = r.mean() / np.sqrt(np.mean(np.minimum(r, 0) ** 2)) * np.sqrt(P)
        beta = np.cov(r, b, ddof=1)[0, 1] / np.var(b, ddof=1)
        corr = np.corrcoef(r, b)[0, 1]
        hit = np.mean(r[r != 0] > 0)
        print(','.join(repr(float(v)) for v in [P, tot, ann, r.std(ddof=1) * np.sqrt(P), sharpe, sortino, mdd, beta, corr, hit]))
        """
        let r = try runPython(script: script, arguments: [
            rec.netReturns.map { String($0) }.joined(separator: ","),
            rec.benchmarkReturns.map { String($0) }.joined(separator: ","),
            String(rec.timestamps.last! - rec.startTimestamp)])
        #expect(r.status == 0, "\(r.stderr)")
        let ref = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Double($0) }
        try #require(ref.count == 10)
        let ours = [m.periodsPerYear, m.totalReturn, m.annualizedReturn, m.annualizedVolatility, m.sharpe, m.sortino, m.maxDrawdown,
                    m.benchmarkBeta ?? .nan, m.benchmarkCorrelation ?? .nan, m.hitRate]
        #expect(firstMismatch(ours, ref, relative: 1e-9) == nil, "\(ours) vs \(ref)")
        #expect(m.periodsPerYear > 250 && m.periodsPerYear < 263)
        #expect(isClose(m.annualTurnover, rec.turnover.reduce(0, +) / m.years))
        #expect(m.perYear.map(\.year) == [2020, 2021, 2022] && m.perYear.map(\.steps).reduce(0, +) == 600)
    }

    @Test func drawdownDurationCountsBarsBelowThePeak() {
        var rec = BacktestRecord()
        rec.startTimestamp = 0
        let r = [0.1, -0.1, -0.1, 0.05, 0.3, -0.05, 0.01]
        for (k, x) in r.enumerated() {
            rec.timestamps.append(Int64(k + 1) * 86_400)
            rec.netReturns.append(x)
            for p in [\BacktestRecord.grossReturns, \.costs, \.turnover, \.gross, \.net] { rec[keyPath: p].append(0) }
        }
        let m = BacktestMetrics(rec)
        #expect(isClose(m.maxDrawdown, 1 - 0.81))
        #expect(m.maxDrawdownDurationSteps == 3 && m.maxDrawdownDurationDays == 3)
        #expect(isClose(m.hitRate, 4.0 / 7.0))
    }
}
