import Foundation
import MarketGym
import Testing
import TestSupport
@testable import Lab

/// `env.data.sources`: named prediction sources from files, each with its own timeframe and
/// maximum age, through the preset decoder and `MarketSetup.load`.
@Suite struct PredictionSourcesSetupTests {
    /// Two days of hourly bars (wide closes), a 1h and a 2h predictions file stamped at bar closes.
    static func files() throws -> URL {
        let dir = try makeTemporaryDirectory()
        var bars = "timestamp,BTC,ETH\n", p1 = "timestamp,asset,pred\n", p2 = "timestamp,asset,pred\n"
        for h in 1...48 {
            let stamp = "2021-01-\(String(format: "%02d", 1 + h / 24))T\(String(format: "%02d", h % 24)):00:00Z"
            bars += "\(stamp),\(100 + h),\(50 + 2 * h)\n"
            p1 += "\(stamp),BTC,\(Double(h) / 100)\n\(stamp),ETH,\(-Double(h) / 100)\n"
            if h % 2 == 0 { p2 += "\(stamp),BTC,\(Double(h) / 10)\n\(stamp),ETH,\(-Double(h) / 10)\n" }
        }
        try bars.write(to: dir.appendingPathComponent("bars.csv"), atomically: true, encoding: .utf8)
        try p1.write(to: dir.appendingPathComponent("p1.csv"), atomically: true, encoding: .utf8)
        try p2.write(to: dir.appendingPathComponent("p2.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    /// The spec over `files()`, with `extra` YAML lines appended (other top-level keys).
    static func preset(_ dir: URL, sources: String, extra: String = "") throws -> EnvironmentSpec {
        let yaml = """
        kind: market
        data:
          bars: \(dir.appendingPathComponent("bars.csv").path)
          benchmark: ''
          sources: \(sources)
        episode: {split: all}
        observation: {window: 2, volatilityWindow: 3}
        \(extra)
        """
        return try EnvironmentSpec.decode(try SpecValue.parse(yaml: yaml, source: "env.yaml"), file: "env.yaml")
    }

    @Test func namedSourcesLoadEachOnItsOwnWithTheSourceInTheNames() throws {
        let dir = try Self.files()
        let spec = try Self.preset(dir, sources: "[{name: h1, predictions: p1.csv, timeframe: 1h}, {name: h2, predictions: p2.csv, timeframe: 2h, maxAgeDays: 0.02}]")
        #expect(spec.data.sources.map(\.name) == ["h1", "h2"])
        let setup = try MarketSetup.load(spec, root: dir)
        #expect(setup.panel.featureNames == ["h1.pred", "h2.pred"])
        #expect(setup.provenance["predictions.h1"] == "p1.csv" && setup.provenance["predictions.h2"] == "p2.csv")
        let env = try setup.makeEnvironment(seed: 0)
        let names = env.observationNames
        #expect(names.contains("BTC.h1.pred") && names.contains("ETH.h2.pred"))
        // Hour 3 (bar 2): the 1h source says 0.03; the 2h source's 02:00 value (0.2) is an hour
        // old, older than its 0.02-day (28.8-minute) maximum age, so missing; at 04:00 it is 0.4.
        let m = setup.panel
        func value(_ t: Int, _ i: Int, _ k: Int) -> Float { m.features[(t * m.assetCount + i) * m.featureCount + k] }
        #expect(value(2, 0, 0) == Float(0.03))
        #expect(value(2, 0, 1) == 0 && !m.featuresPresent[2 * m.assetCount])  // missing: 0 and pred_ok 0
        #expect(m.featuresPresent[3 * m.assetCount])
        #expect(value(3, 0, 1) == Float(0.4))
        #expect(value(3, 1, 0) == Float(-0.04))
    }

    @Test func badSourcesAreRefusedNamingTheKey() throws {
        let dir = try Self.files()
        for (sources, key) in [("[{name: h1, predictions: p1.csv}, {name: h1, predictions: p2.csv}]", "sources[1].name"),
                               ("[{name: 'h 1', predictions: p1.csv}]", "sources[0].name"),
                               ("[{name: h1}]", "sources[0].predictions"),
                               ("[{name: h1, predictions: p1.csv, timeframe: 2x}]", "sources[0].timeframe"),
                               ("[{name: h1, predictions: p1.csv, maxAgeDays: -1}]", "sources[0].maxAgeDays"),
                               ("[{name: h1, predictions: p1.csv, stamp: open}]", "sources[0].stamp"),
                               ("[{name: h1, predictions: p1.csv, stamps: open}]", "sources[0].stamps")] {
            #expect {
                _ = try Self.preset(dir, sources: sources)
            } throws: { error in
                "\(error)".contains("environment.data.\(key)")
            }
        }
        // An unknown key in a list element names the nearest key and every key allowed there,
        // unset optionals (timeframe, stamps) included.
        #expect {
            _ = try Self.preset(dir, sources: "[{name: h1, predictions: p1.csv, stamp: open}]")
        } throws: { error in
            "\(error)".contains("Did you mean 'stamps'?") && "\(error)".contains("Allowed here: name, predictions, timeframe, stamps, maxAgeDays.")
        }
        // A 2h source whose file holds hourly stamps is refused at load, naming the source and file.
        let spec = try Self.preset(dir, sources: "[{name: h2, predictions: p1.csv, timeframe: 2h}]")
        #expect {
            _ = try MarketSetup.load(spec, root: dir)
        } throws: { error in
            let text = "\(error)"
            return text.contains("source 'h2'") && text.contains("p1.csv") && text.contains("between two closes of its 2h timeframe")
        }
    }

    /// One predictions file beside named sources is ambiguous and refused.
    @Test func predictionsBesideSourcesAreRefused() throws {
        let dir = try Self.files()
        let yaml = """
        kind: market
        data: {bars: bars.csv, predictions: p1.csv, sources: [{name: h2, predictions: p2.csv}]}
        """
        #expect {
            _ = try EnvironmentSpec.decode(try SpecValue.parse(yaml: yaml, source: "env.yaml"), file: "env.yaml")
        } throws: { error in
            "\(error)".contains("environment.data.predictions") && "\(error)".contains("Move the file into a source")
        }
        _ = dir
    }
    /// `data.timeframe` resamples a plain bars file on load; an inline spec loads through
    /// `BarSource.load` (its files against the project root) and its report is logged.
    @Test func timeframeAndInlineSpecsLoadTheBarsTheyName() throws {
        let dir = try Self.files()
        func load(_ data: String) throws -> (MarketSetup, [String]) {
            let yaml = "kind: market\ndata: \(data)\nepisode: {split: all}\nobservation: {window: 2, volatilityWindow: 3}\n"
            let spec = try EnvironmentSpec.decode(try SpecValue.parse(yaml: yaml, source: "env.yaml"), file: "env.yaml")
            var lines: [String] = []
            let setup = try MarketSetup.load(spec, root: dir, log: { lines.append($0) })
            return (setup, lines)
        }
        let (plain, plainLog) = try load("{bars: bars.csv, benchmark: '', predictions: p1.csv, timeframe: 2h}")
        #expect(plain.data.barCount == 24 && plain.data.timestamps[0] == 1_609_459_200 + 2 * 3_600)
        #expect(plainLog.contains { $0.contains("resampled 1h -> 2h") })
        var long = "timestamp,asset,open,high,low,close,volume\n"
        for h in 1...48 {
            let t = 1_609_459_200 + h * 3_600
            long += "\(t),BTC,\(99 + h),\(101 + h),\(98 + h),\(100 + h),1\n\(t),ETH,\(49 + 2 * h),\(51 + 2 * h),\(48 + 2 * h),\(50 + 2 * h),1\n"
        }
        try long.write(to: dir.appendingPathComponent("long.csv"), atomically: true, encoding: .utf8)
        let (inline, inlineLog) = try load("{bars: {files: [long.csv], stamps: close, timeframe: 4h}, benchmark: '', predictions: p1.csv}")
        #expect(inline.data.barCount == 12 && inline.data.assets == ["BTC", "ETH"])
        #expect(inlineLog.contains { $0.contains("bars through env.data.bars") && $0.contains("stamps: bar close, kept") && $0.contains("resampled 1h -> 4h") })
        // The 4h panel's closes are the hourly closes at 04:00, 08:00, ...
        #expect(inline.data.close[0] == 104 && inline.data.close[1] == 58)
        #expect {
            _ = try load("{bars: bars.csv, benchmark: '', predictions: p1.csv, timeframe: 90m}")
        } throws: { error in
            "\(error)".contains("90m") && "\(error)".contains("env.data.timeframe")
        }
    }
}
