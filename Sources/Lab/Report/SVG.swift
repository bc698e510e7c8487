import Foundation

/// Minimal SVG builders for self-contained HTML reports: no scripts, no fonts or files fetched, no network.
///
/// Every chart is a pure function of its data, returns an `<svg>` element as text, and escapes
/// every label, so a report is one file that renders the same anywhere.
public enum SVG {
    /// One named series of (x, y) points for a line chart; non-finite points break the line.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: String?
        public init(name: String, x: [Double], y: [Double], color: String? = nil) {
            precondition(x.count == y.count, "SVG.Series \(name): \(x.count) x values, \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
        }
    }

    /// The palette (Okabe-Ito, readable for colour-blind readers).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    /// XML-escapes text for element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func fmt(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return String(format: "%.2f", v)
    }

    /// Human tick label: `1.2k`, `0.05`, `-3.4%` when `percent`.
    static func tickLabel(_ v: Double, percent: Bool) -> String {
        if percent { return String(format: "%.0f%%", v * 100) }
        let a = abs(v)
        if a >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if a >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        if a >= 10 || v == 0 { return String(format: "%.0f", v) }
        if a >= 1 { return String(format: "%.1f", v) }
        return String(format: "%.2g", v)
    }

    /// "Nice" tick values covering [lo, hi] (1-2-5 steps).
    /// Ticks of a decimal-year axis (`RunReport.decimalYear`): whole years labelled `2019`, or, when
    /// the axis spans under two years (a one-year walk-forward fold), month starts labelled `2020-04`,
    /// every 1, 2, 3 or 6 months so that at most 8 are drawn. Never a fractional year as a label
    /// (half-year ticks would repeat a year's label).
    static func yearTicks(_ x0: Double, _ x1: Double) -> [(Double, String)] {
        guard x0.isFinite, x1.isFinite, x1 >= x0 else { return [] }
        if x1 - x0 >= 2 {
            return Swift.stride(from: ceil(x0), through: floor(x1), by: max(1, ((x1 - x0) / 8).rounded(.up))).map { ($0, String(Int($0))) }
        }
        let step = [1, 2, 3, 6].first { Double($0) >= (x1 - x0) * 12 / 8 } ?? 12
        var out: [(Double, String)] = []
        for year in Int(floor(x0))...Int(floor(x1)) {
            let start = Double(CivilDate(year: year, month: 1, day: 1).epochSeconds), end = Double(CivilDate(year: year + 1, month: 1, day: 1).epochSeconds)
            for month in Swift.stride(from: 1, through: 12, by: step) {
                let x = Double(year) + (Double(CivilDate(year: year, month: month, day: 1).epochSeconds) - start) / (end - start)
                if x >= x0 && x <= x1 { out.append((x, String(format: "%04d-%02d", year, month))) }
            }
        }
        return out
    }

    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * mag }.first { $0 >= raw } ?? raw
        var t = ceil(lo / step) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    /// A line chart. `xIsYear` labels the x axis with decimal years (e.g. 2019.5).
    public static func lineChart(
        title: String, series: [Series], width: Int = 760, height: Int = 260,
        xIsYear: Bool = false, yPercent: Bool = false, logY: Bool = false
    ) -> String {
        let left = 56.0, right = 12.0, top = 28.0, bottom = 34.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let tf: (Double) -> Double = logY ? { $0 > 0 ? log10($0) : .nan } : { $0 }
        let xs = series.flatMap(\.x).filter(\.isFinite)
        let ys = series.flatMap { $0.y.map(tf) }.filter(\.isFinite)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(fmt(left))\" y=\"18\" font-family=\"sans-serif\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        guard let x0 = xs.min(), let x1 = xs.max(), let y0r = ys.min(), let y1r = ys.max() else {
            return out + "<text x=\"\(fmt(left))\" y=\"\(fmt(top + h / 2))\" font-family=\"sans-serif\" font-size=\"12\">no data</text></svg>"
        }
        let pad = (y1r - y0r) * 0.05
        let y0 = y1r > y0r ? y0r - pad : y0r - 1, y1 = y1r > y0r ? y1r + pad : y1r + 1
        let xr = x1 > x0 ? x1 - x0 : 1
        let px = { (x: Double) in left + (x - x0) / xr * w }
        let py = { (y: Double) in top + (1 - (y - y0) / (y1 - y0)) * h }
        out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" fill=\"none\" stroke=\"#ccc\"/>"
        for t in ticks(y0, y1) {
            let label = logY ? tickLabel(pow(10, t), percent: yPercent) : tickLabel(t, percent: yPercent)
            out += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + w))\" y1=\"\(fmt(py(t)))\" y2=\"\(fmt(py(t)))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(py(t) + 4))\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"10\">\(escape(label))</text>"
        }
        let xTicks = xIsYear ? yearTicks(x0, x1) : ticks(x0, x1, count: 8).map { ($0, tickLabel($0, percent: false)) }
        for (t, label) in xTicks {
            out += "<text x=\"\(fmt(px(t)))\" y=\"\(fmt(top + h + 16))\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"10\">\(escape(label))</text>"
        }
        for (k, s) in series.enumerated() {
            let color = s.color ?? palette[k % palette.count]
            var d = "", penDown = false
            // Long series are thinned to about two points per pixel; the shape is unchanged at this size.
            let stride = max(1, s.x.count / (2 * max(width, 1)))
            var indices = Array(Swift.stride(from: 0, to: s.x.count, by: stride))
            if let last = indices.last, last != s.x.count - 1 { indices.append(s.x.count - 1) }
            for i in indices {
                let yv = tf(s.y[i])
                if s.x[i].isFinite && yv.isFinite {
                    d += (penDown ? "L" : "M") + fmt(px(s.x[i])) + "," + fmt(py(yv))
                    penDown = true
                } else { penDown = false }
            }
            out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.4\"/>"
            let lx = left + 8 + Double(k % 4) * 170, ly = top + 12 + Double(k / 4) * 14
            out += "<rect x=\"\(fmt(lx))\" y=\"\(fmt(ly - 8))\" width=\"10\" height=\"3\" fill=\"\(color)\"/>"
            out += "<text x=\"\(fmt(lx + 14))\" y=\"\(fmt(ly - 3))\" font-family=\"sans-serif\" font-size=\"10\">\(escape(s.name))</text>"
        }
        return out + "</svg>"
    }

    /// A heatmap of `values[row][col]` on a diverging blue-white-red scale symmetric around zero.
    public static func heatmap(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]], width: Int = 760) -> String {
        let left = 60.0, top = 28.0, rowH = 14.0
        let cols = max(columnLabels.count, 1)
        let cellW = (Double(width) - left - 12) / Double(cols)
        let height = Int(top + rowH * Double(rowLabels.count) + 30)
        let maxAbs = max(values.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 1, 1e-12)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(fmt(left))\" y=\"18\" font-family=\"sans-serif\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        for (r, label) in rowLabels.enumerated() {
            let y = top + Double(r) * rowH
            out += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y + rowH - 3))\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"10\">\(escape(label))</text>"
            for c in 0..<min(cols, r < values.count ? values[r].count : 0) {
                let v = values[r][c]
                let t = v.isFinite ? max(-1, min(1, v / maxAbs)) : 0
                let (rr, gg, bb) = t >= 0 ? (255, Int(255 * (1 - t)), Int(255 * (1 - t))) : (Int(255 * (1 + t)), Int(255 * (1 + t)), 255)
                out += "<rect x=\"\(fmt(left + Double(c) * cellW))\" y=\"\(fmt(y))\" width=\"\(fmt(cellW + 0.3))\" height=\"\(fmt(rowH))\" fill=\"rgb(\(rr),\(gg),\(bb))\"/>"
            }
        }
        let every = max(1, cols / 8)
        for c in stride(from: 0, to: columnLabels.count, by: every) {
            out += "<text x=\"\(fmt(left + (Double(c) + 0.5) * cellW))\" y=\"\(fmt(top + rowH * Double(rowLabels.count) + 14))\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"10\">\(escape(columnLabels[c]))</text>"
        }
        return out + "</svg>"
    }

    /// A vertical bar chart of labelled values (negative bars go down from zero).
    public static func barChart(title: String, labels: [String], values: [Double], width: Int = 760, height: Int = 220) -> String {
        let left = 56.0, top = 28.0, bottom = 40.0
        let h = Double(height) - top - bottom, w = Double(width) - left - 12
        let finite = values.filter(\.isFinite)
        let lo = min(0, finite.min() ?? 0), hi = max(0, finite.max() ?? 1)
        let span = hi > lo ? hi - lo : 1
        let py = { (v: Double) in top + (1 - (v - lo) / span) * h }
        let bw = w / Double(max(values.count, 1))
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        out += "<text x=\"\(fmt(left))\" y=\"18\" font-family=\"sans-serif\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        for t in ticks(lo, hi) {
            out += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(py(t) + 4))\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"10\">\(escape(tickLabel(t, percent: false)))</text>"
            out += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(left + w))\" y1=\"\(fmt(py(t)))\" y2=\"\(fmt(py(t)))\" stroke=\"#eee\"/>"
        }
        for (i, v) in values.enumerated() where v.isFinite {
            let y = min(py(v), py(0)), bh = abs(py(v) - py(0))
            out += "<rect x=\"\(fmt(left + Double(i) * bw + bw * 0.15))\" y=\"\(fmt(y))\" width=\"\(fmt(bw * 0.7))\" height=\"\(fmt(bh))\" fill=\"\(v >= 0 ? palette[0] : palette[3])\"/>"
            out += "<text x=\"\(fmt(left + (Double(i) + 0.5) * bw))\" y=\"\(fmt(top + h + 14))\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"10\">\(escape(labels[i]))</text>"
        }
        return out + "</svg>"
    }
}
