import Foundation

extension SVG {
    /// A line with a shaded band around it (e.g. the median equity over seeds between the 10% and
    /// 90% quantiles), plus optional plain lines (baselines) drawn over it.
    public static func bandChart(title: String, x: [Double], median: [Double], low: [Double], high: [Double], bandLabel: String,
                                 lines: [Series] = [], width: Int = 760, height: Int = 280, xIsYear: Bool = true, yPercent: Bool = false) -> String {
        // Draw the axes, the median and the lines with lineChart, then insert the band beneath them.
        let envelope = [Series(name: "median over seeds", x: x, y: median, color: palette[0])] + lines
        var chart = lineChart(title: title, series: envelope + [Series(name: bandLabel, x: x + x, y: low + high, color: "none")],
                              width: width, height: height, xIsYear: xIsYear, yPercent: yPercent)
        // Reproduce lineChart's scale to place the band polygon exactly.
        let left = 56.0, right = 12.0, top = 28.0, bottom = 34.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let xs = (x + lines.flatMap(\.x)).filter(\.isFinite)
        let ys = (median + low + high + lines.flatMap(\.y)).filter(\.isFinite)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0r = ys.min(), let y1r = ys.max(), !x.isEmpty else { return chart }
        let pad = (y1r - y0r) * 0.05
        let y0 = y1r > y0r ? y0r - pad : y0r - 1, y1 = y1r > y0r ? y1r + pad : y1r + 1
        let xr = x1 > x0 ? x1 - x0 : 1
        let px = { (v: Double) in left + (v - x0) / xr * w }
        let py = { (v: Double) in top + (1 - (v - y0) / (y1 - y0)) * h }
        let step = max(1, x.count / (2 * width))
        var idx = Array(Swift.stride(from: 0, to: x.count, by: step))
        if idx.last != x.count - 1 { idx.append(x.count - 1) }
        var pts: [String] = []
        for i in idx where high[i].isFinite { pts.append(fmt(px(x[i])) + "," + fmt(py(high[i]))) }
        for i in idx.reversed() where low[i].isFinite { pts.append(fmt(px(x[i])) + "," + fmt(py(low[i]))) }
        let polygon = "<polygon points=\"\(pts.joined(separator: " "))\" fill=\"\(palette[0])\" fill-opacity=\"0.18\" stroke=\"none\"/>"
        if let r = chart.range(of: "<path") { chart.insert(contentsOf: polygon, at: r.lowerBound) }
        // The band's legend swatch: the invisible series' entry gets the band colour.
        chart = chart.replacingOccurrences(of: "fill=\"none\"/><text", with: "fill=\"\(palette[0])\" fill-opacity=\"0.3\"/><text")
        return chart
    }

    /// Horizontal confidence intervals, one row each, with a vertical line at zero: the
    /// difference-to-baseline chart (per seed and pooled).
    public static func intervalChart(title: String, rows: [(label: String, estimate: Double, lower: Double, upper: Double)], width: Int = 760, labelWidth: Double = 110) -> String {
        let left = labelWidth, right = 20.0, top = 30.0, rowH = 22.0, bottom = 30.0
        let height = Int(top + rowH * Double(max(rows.count, 1)) + bottom)
        let w = Double(width) - left - right
        let vals = rows.flatMap { [$0.lower, $0.upper, $0.estimate] }.filter(\.isFinite) + [0]
        let lo0 = vals.min() ?? -1, hi0 = vals.max() ?? 1
        let pad = max((hi0 - lo0) * 0.08, 1e-6)
        let lo = lo0 - pad, hi = hi0 + pad
        let px = { (v: Double) in left + (v - lo) / (hi - lo) * w }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"8\" y=\"18\" font-family=\"sans-serif\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        let axisY = top + rowH * Double(rows.count)
        for t in ticks(lo, hi) {
            out += "<line x1=\"\(fmt(px(t)))\" x2=\"\(fmt(px(t)))\" y1=\"\(fmt(top))\" y2=\"\(fmt(axisY))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(fmt(px(t)))\" y=\"\(fmt(axisY + 14))\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"10\">\(escape(tickLabel(t, percent: false)))</text>"
        }
        out += "<line x1=\"\(fmt(px(0)))\" x2=\"\(fmt(px(0)))\" y1=\"\(fmt(top - 4))\" y2=\"\(fmt(axisY))\" stroke=\"#333\" stroke-dasharray=\"3,3\"/>"
        for (k, r) in rows.enumerated() {
            let y = top + rowH * (Double(k) + 0.5)
            let color = r.lower > 0 ? palette[2] : (r.upper < 0 ? palette[3] : "#666666")
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"11\">\(escape(r.label))</text>"
            if r.lower.isFinite && r.upper.isFinite {
                out += "<line x1=\"\(fmt(px(r.lower)))\" x2=\"\(fmt(px(r.upper)))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                for v in [r.lower, r.upper] {
                    out += "<line x1=\"\(fmt(px(v)))\" x2=\"\(fmt(px(v)))\" y1=\"\(fmt(y - 5))\" y2=\"\(fmt(y + 5))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                }
            }
            if r.estimate.isFinite { out += "<circle cx=\"\(fmt(px(r.estimate)))\" cy=\"\(fmt(y))\" r=\"4\" fill=\"\(color)\"/>" }
        }
        return out + "</svg>"
    }
}
