import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Lab

/// Counts elements while checking the document parses as XML.
final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
}

func parseXML(_ text: String) -> (ok: Bool, counts: [String: Int]) {
    let parser = XMLParser(data: Data(text.utf8))
    let counter = ElementCounter()
    parser.delegate = counter
    return (parser.parse(), counter.counts)
}

@Suite struct SVGTests {
    @Test func lineChartIsWellFormedAndEscapesLabels() {
        let s1 = SVG.Series(name: "RL <agent> & co", x: (0..<5000).map { 2000 + Double($0) / 252 }, y: (0..<5000).map { 1 + 0.001 * Double($0) })
        let s2 = SVG.Series(name: "flat", x: [2000, 2010, 2019], y: [1, .nan, 1])
        let svg = SVG.lineChart(title: "Equity \"test\"", series: [s1, s2], xIsYear: true)
        let parsed = parseXML(svg)
        #expect(parsed.ok)
        #expect(parsed.counts["path"] == 2)
        #expect(svg.contains("RL &lt;agent&gt; &amp; co"))
        #expect(!svg.contains("nan"))
    }

    @Test func emptyAndConstantSeriesStillRender() {
        #expect(parseXML(SVG.lineChart(title: "empty", series: [])).ok)
        #expect(parseXML(SVG.lineChart(title: "const", series: [SVG.Series(name: "c", x: [0, 1], y: [1, 1])])).ok)
    }

    @Test func heatmapAndBarsAreWellFormed() {
        let heat = SVG.heatmap(title: "weights", rowLabels: ["A", "B"], columnLabels: ["2020", "2021", "2022"], values: [[0.1, -0.2, 0], [0.3, .nan, -0.1]])
        let parsedHeat = parseXML(heat)
        #expect(parsedHeat.ok)
        #expect(parsedHeat.counts["rect"] == 6)
        let bars = SVG.barChart(title: "per year", labels: ["2020", "2021"], values: [0.1, -0.05])
        #expect(parseXML(bars).ok)
    }

    @Test func ticksAreNiceAndCoverRange() {
        let unit = SVG.ticks(0, 1)
        #expect(unit.count == 6 && unit.first == 0 && abs((unit.last ?? 0) - 1) < 1e-12)
        let t = SVG.ticks(-0.13, 0.27)
        #expect((t.first ?? -1) >= -0.13 && (t.last ?? 1) <= 0.27 && t.count >= 3)
    }
}
