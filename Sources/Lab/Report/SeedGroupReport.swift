import Foundation

/// The HTML report of a multi-seed run: the verdict in words at the top, then per split the
/// metrics with their across-seed intervals, the difference-to-baseline interval chart, the median
/// equity over seeds with its min–max band, rolling Sharpe, the monthly returns heatmap and the
/// per-year table with intervals (the tear-sheet views of pyfolio/quantstats). Self-contained like
/// `RunReport`: inline SVG and CSS, no scripts, no network.
public enum SeedGroupReport {
    /// Rolling-Sharpe window in bars: a quarter of a year of the split's bars, 63 for daily exchange
    /// bars (252 a year), 2,192 for hourly 24/7 bars (quantstats uses 6 months = 126 daily bars; a
    /// quarter keeps a one-year split readable). At least 2.
    public static func rollingWindow(periodsPerYear: Double) -> Int {
        max(2, Int((periodsPerYear / 4).rounded()))
    }

    /// Writes `report.html` into the group folder and returns its URL.
    public static func write(_ group: SeedGroup) throws(LabError) -> URL {
        let data = try SeedGroupData.load(group)
        let agg = (try? SeedAggregate.read(group)) ?? SeedAggregate.compute(data)
        let html = render(data: data, aggregate: agg)
        let url = group.directory.appendingPathComponent("report.html")
        do { try html.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw .io(path: url.path, detail: "cannot write the report: \(error.localizedDescription)")
        }
        return url
    }

    static func esc(_ s: String) -> String { SVG.escape(s) }

    static func cell(_ s: SeedInterval?, percent: Bool) -> String {
        guard let s else { return "-" }
        let f = { (v: Double) in RunReport.format(v, percent: percent) }
        guard let sd = s.std, let lo = s.lower, let hi = s.upper else { return f(s.mean) }
        return "\(f(s.mean)) ± \(f(sd))<br><span class=\"ci\">[\(f(lo)), \(f(hi))]</span>"
    }

    /// The report's HTML.
    public static func render(data: SeedGroupData, aggregate agg: SeedAggregate) -> String {
        var body = "<h1>\(esc(agg.name)): \(agg.seeds.count) seed\(agg.seeds.count == 1 ? "" : "s")</h1>\n"
        body += "<p class=\"meta\">Seeds \(agg.seeds.map(String.init).joined(separator: ", ")). Agent numbers are mean ± std across seeds with the \(Int(agg.level * 100))% Student-t interval of the mean; "
        body += "baselines are deterministic and run once. Differences use the stationary block bootstrap (Politis &amp; Romano 1994, mean block length n<sup>1/3</sup>, \(SeedAggregate.bootstrapReplicates) resamples, seed \(SeedAggregate.bootstrapSeed)). Folder: <code>\(esc(data.group.directory.path))</code></p>\n"
        body += "<div class=\"verdict\"><b>Is the agent better than the best baseline?</b><ul>" + agg.verdict.map { "<li>\(esc($0))</li>" }.joined() + "</ul></div>\n"
        if let note = agg.seedNote { body += "<p class=\"warn\">\(esc(note))</p>\n" }
        if !agg.missingSeeds.isEmpty { body += "<p class=\"warn\">Seeds not finished (left out): \(agg.missingSeeds.map(String.init).joined(separator: ", ")).</p>\n" }
        for s in agg.splits {
            body += "<h2>\(esc(s.split)) split</h2>\n" + metricsTable(s, best: agg.bestBaseline)
            if let d = s.difference {
                var rows = d.perSeed.enumerated().map { (k, x) in (label: "seed \(k < data.seeds.count ? String(data.seeds[k]) : "?")", estimate: x.estimate, lower: x.lower, upper: x.upper) }
                rows.append((label: "pooled", estimate: d.pooled.estimate, lower: d.pooled.lower, upper: d.pooled.upper))
                body += SVG.intervalChart(title: "Sharpe difference, agent − \(d.baseline) (\(s.split)), \(Int(agg.level * 100))% bootstrap intervals", rows: rows) + "\n"
            } else if let why = s.differenceUnavailable {
                body += "<p class=\"warn\">No difference interval: \(esc(why))</p>\n"
            }
            body += equity(data: data, split: s.split)
            body += rollingSharpe(data: data, split: s.split, best: agg.bestBaseline, periodsPerYear: s.periodsPerYear)
            body += monthlyHeatmap(data: data, split: s.split)
            body += perYearTable(s)
        }
        body += "<h2>Seeds</h2>\n<ul>" + data.seeds.map { "<li><a href=\"seed-\($0)/report.html\">seed \($0)</a> (<code>seed-\($0)/</code>)</li>" }.joined() + "</ul>\n"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>MarketGym multi-seed report: \(esc(agg.name))</title>
        <style>
        body{font-family:sans-serif;max-width:800px;margin:24px auto;color:#222}
        table{border-collapse:collapse;font-size:12px;margin:8px 0}
        th,td{border:1px solid #ddd;padding:3px 6px;text-align:right} th:first-child,td:first-child{text-align:left}
        th{background:#f4f4f4} .meta{color:#555;font-size:13px} .warn{color:#a00} .ci{color:#777;font-size:11px}
        .verdict{border:2px solid #0072B2;background:#f0f7fc;padding:6px 12px;margin:12px 0;font-size:14px}
        svg{display:block;margin:8px 0}
        </style></head><body>
        \(body)
        <p class="meta">Generated by MarketGym from the multi-seed run folder; self-contained (no scripts, no network).</p>
        </body></html>

        """
    }

    /// PSR is a probability: the mean over seeds and the seeds' range (a t-interval could leave [0, 1]).
    static func psrCell(_ psr: [Double]) -> String {
        guard let lo = psr.min(), let hi = psr.max() else { return "-" }
        let mean = RunReport.format(psr.reduce(0, +) / Double(psr.count), percent: false)
        return psr.count < 2 ? mean : "\(mean)<br><span class=\"ci\">seeds \(RunReport.format(lo, percent: false))–\(RunReport.format(hi, percent: false))</span>"
    }

    static func metricsTable(_ s: SeedAggregate.Split, best: String?) -> String {
        let cols: [(key: String, label: String, percent: Bool)] = [("sharpe", "Sharpe", false), ("annualReturn", "ann. return", true), ("annualVolatility", "ann. vol", true),
                                                                  ("maxDrawdown", "max DD", true), ("annualTurnover", "turnover/yr", false), ("averageGross", "avg gross", false)]
        var out = "<table><tr><th>policy</th>" + cols.map { "<th>\(esc($0.label))</th>" }.joined() + "<th>PSR(SR&gt;0)</th></tr>\n"
        let psr = s.agentPSR.filter(\.isFinite)
        out += "<tr><td>agent</td>" + cols.map { "<td>\(cell(s.agent[$0.key], percent: $0.percent))</td>" }.joined()
            + "<td>\(psrCell(psr))</td></tr>\n"
        for (name, m) in s.baselines.sorted(by: { $0.key < $1.key }) {
            let label = name + (name == best ? " (best on valid)" : "")
            out += "<tr><td>\(esc(label))</td>" + cols.map { c in "<td>\(m[c.key].map { RunReport.format($0, percent: c.percent) } ?? "-")</td>" }.joined()
                + "<td>\(s.baselinePSR[name].map { RunReport.format($0, percent: false) } ?? "-")</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// NAV paths of every seed on `split`, aligned on the first seed's dates.
    static func navs(_ data: SeedGroupData, split: String) -> (dates: [String], paths: [[Double]]) {
        let walks = data.agentWalks.compactMap { $0[split] }
        guard let first = walks.first else { return ([], []) }
        let paths = walks.filter { $0.dates == first.dates }.map { w -> [Double] in
            var nav = 1.0
            return w.returns.map { nav *= 1 + $0; return nav }
        }
        return (first.dates, paths)
    }

    static func equity(data: SeedGroupData, split: String) -> String {
        let (dates, paths) = navs(data, split: split)
        guard !dates.isEmpty else { return "" }
        let x = dates.map(RunReport.decimalYear)
        var med: [Double] = [], lo: [Double] = [], hi: [Double] = []
        for t in dates.indices {
            let v = paths.map { $0[t] }.sorted()
            med.append(StationaryBootstrap.quantile(sorted: v, 0.5)); lo.append(v.first ?? .nan); hi.append(v.last ?? .nan)
        }
        var lines: [SVG.Series] = []
        for (k, (name, w)) in (data.baselineWalks[split] ?? [:]).sorted(by: { $0.key < $1.key }).enumerated() where w.dates == dates {
            var nav = 1.0
            lines.append(SVG.Series(name: name, x: x, y: w.returns.map { nav *= 1 + $0; return nav }, color: SVG.palette[(k + 1) % SVG.palette.count]))
        }
        return SVG.bandChart(title: "Equity (\(split)): agent median over seeds, min–max band; baselines", x: x, median: med, low: lo, high: hi,
                             bandLabel: "min–max over \(paths.count) seeds", lines: lines) + "\n"
    }

    /// Annualized Sharpe over a trailing window of `rollingWindow` bars (nan before the first full window).
    static func rolling(_ r: [Double], periodsPerYear: Double) -> [Double] {
        let n = rollingWindow(periodsPerYear: periodsPerYear)
        return r.indices.map { t in t + 1 < n ? .nan : periodSharpe(Array(r[(t + 1 - n)...t])) * periodsPerYear.squareRoot() }
    }

    static func rollingSharpe(data: SeedGroupData, split: String, best: String?, periodsPerYear: Double) -> String {
        let walks = data.agentWalks.compactMap { $0[split] }
        let window = rollingWindow(periodsPerYear: periodsPerYear)
        guard let first = walks.first, first.returns.count > window else { return "" }
        let x = first.dates.map(RunReport.decimalYear)
        let per = walks.filter { $0.dates == first.dates }.map { rolling($0.returns, periodsPerYear: periodsPerYear) }
        let median = first.dates.indices.map { t -> Double in
            let v = per.map { $0[t] }.filter(\.isFinite).sorted()
            return v.isEmpty ? .nan : StationaryBootstrap.quantile(sorted: v, 0.5)
        }
        var series = [SVG.Series(name: "agent (median over seeds)", x: x, y: median, color: SVG.palette[0])]
        if let best, let b = data.baselineWalks[split]?[best], b.dates == first.dates {
            series.append(SVG.Series(name: best, x: x, y: rolling(b.returns, periodsPerYear: periodsPerYear), color: SVG.palette[1]))
        }
        return SVG.lineChart(title: "Rolling Sharpe (\(split), \(window) bars, a quarter, annualized)", series: series, height: 220, xIsYear: true) + "\n"
    }

    static func monthlyHeatmap(data: SeedGroupData, split: String) -> String {
        let walks = data.agentWalks.compactMap { $0[split] }
        guard !walks.isEmpty else { return "" }
        // Monthly compounded return per seed, then the mean over seeds.
        var sums: [String: (Double, Int)] = [:]
        for w in walks {
            var month: [String: Double] = [:]
            for (d, r) in zip(w.dates, w.returns) { month[String(d.prefix(7)), default: 1] *= 1 + r }
            for (m, g) in month { let v = sums[m] ?? (0, 0); sums[m] = (v.0 + g - 1, v.1 + 1) }
        }
        let years = Set(sums.keys.map { String($0.prefix(4)) }).sorted()
        let months = (1...12).map { String(format: "%02d", $0) }
        let values = years.map { y in months.map { m in sums["\(y)-\(m)"].map { $0.0 / Double($0.1) } ?? .nan } }
        var table = "<table><tr><th>year</th>" + ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { "<th>\($0)</th>" }.joined() + "</tr>\n"
        for (k, y) in years.enumerated() {
            table += "<tr><td>\(y)</td>" + values[k].map { "<td>\($0.isFinite ? RunReport.format($0, percent: true) : "")</td>" }.joined() + "</tr>\n"
        }
        table += "</table>\n"
        return SVG.heatmap(title: "Monthly returns (\(split)), agent, mean over seeds: gain red, loss blue", rowLabels: years,
                           columnLabels: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], values: values) + "\n" + table
    }

    static func perYearTable(_ s: SeedAggregate.Split) -> String {
        guard !s.perYear.isEmpty else { return "" }
        let names = Set(s.perYear.flatMap { $0.baselineReturn.keys }).sorted()
        var out = "<h3>Per year (\(esc(s.split)))</h3>\n<table><tr><th>year</th><th>agent return</th><th>agent Sharpe</th>"
        out += names.map { "<th>\(esc($0)) return</th><th>\(esc($0)) Sharpe</th>" }.joined() + "</tr>\n"
        for y in s.perYear {
            out += "<tr><td>\(y.year)</td><td>\(cell(y.agentReturn, percent: true))</td><td>\(cell(y.agentSharpe, percent: false))</td>"
            out += names.map { "<td>\(y.baselineReturn[$0].map { RunReport.format($0, percent: true) } ?? "-")</td><td>\(y.baselineSharpe[$0].map { RunReport.format($0, percent: false) } ?? "-")</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}
