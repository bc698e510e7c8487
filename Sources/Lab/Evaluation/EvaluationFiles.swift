import Foundation

/// The CSV files a run's evaluation leaves for the report, and the printed metrics table.
public enum EvaluationFiles {
    /// `evaluation/<split>.csv` (long format: policy, date, nav, return, exposure, turnover, cost,
    /// benchmark nav), `evaluation/<split>-weights.csv` (the agent's weights per step) and
    /// `evaluation/<split>-reward-terms.csv`.
    ///
    /// The `date` column is `YYYY-MM-DD` when every bar is stamped at UTC midnight (daily bars), else
    /// the full stamp `YYYY-MM-DDTHH:MM:SSZ` (hourly crypto bars: 24 rows a day stay distinct).
    public static func write(_ evals: [MarketEvaluation], assets: [String], split: String, directory: URL) throws(LabError) {
        let daily = evals.allSatisfy { $0.record.timestamps.allSatisfy { $0 % 86_400 == 0 } }
        let stamp = { (t: Int64) in Timestamp.iso(t, dateOnly: daily) }
        var series = "policy,date,nav,netReturn,gross,net,turnover,cost,benchmarkNav\n"
        for e in evals {
            var nav = 1.0, bench = 1.0
            let r = e.record
            for k in 0..<r.count {
                nav *= 1 + r.netReturns[k]
                if !r.benchmarkReturns.isEmpty { bench *= 1 + r.benchmarkReturns[k] }
                let date = stamp(r.timestamps[k])
                series += "\(e.policy),\(date),\(nav),\(r.netReturns[k]),\(r.gross[k]),\(r.net[k]),\(r.turnover[k]),\(r.costs[k]),\(r.benchmarkReturns.isEmpty ? "" : String(bench))\n"
            }
        }
        var files = ["\(split).csv": series]
        if let agent = evals.first(where: { !$0.weights.isEmpty }) {
            var w = "date," + assets.joined(separator: ",") + "\n"
            for (k, row) in agent.weights.enumerated() {
                w += stamp(agent.record.timestamps[k]) + "," + row.map { String($0) }.joined(separator: ",") + "\n"
            }
            files["\(split)-weights.csv"] = w
            files["\(split)-reward-terms.csv"] = "term,total\n" + agent.rewardTerms.map { "\($0.name),\($0.total)" }.joined(separator: "\n") + "\n"
        }
        for (name, text) in files {
            do { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) } catch {
                throw .io(path: directory.appendingPathComponent(name).path, detail: "cannot write: \(error.localizedDescription)")
            }
        }
    }

    /// A fixed-width table of the headline metrics, one row per policy.
    public static func table(_ evals: [MarketEvaluation], split: String) -> String {
        let cols = BacktestMetrics.displayOrder.filter { ["annualReturn", "annualVolatility", "sharpe", "maxDrawdown", "calmar", "annualTurnover", "averageGross"].contains($0.key) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var out = "\(split):\n" + pad("policy", 12) + cols.map { pad($0.label, 13) }.joined() + "\n"
        for e in evals {
            let v = e.metricValues
            out += pad(e.policy, 12) + cols.map { c in
                guard let x = v[c.key] else { return pad("-", 13) }
                return pad(c.percent ? String(format: "%.2f%%", x * 100) : String(format: "%.3f", x), 13)
            }.joined() + "\n"
        }
        return out
    }
}
