import Foundation
import Predictors

/// `marketgym check lookahead`: does a predictions file know more than it could at its stamps?
///
/// Weak form, for prediction files we did not make (after freqtrade's `lookahead-analysis`): the
/// file is joined to the bars *as of* each bar, and for each feature the mean cross-sectional
/// Spearman rank IC with the one-bar return ending at bar t + L is measured for lags L = −k … +k
/// (L = 0 is the return of the bar the prediction is stamped at, finished at its close; L ≥ 1 are
/// returns after the stamp). Findings:
/// - `forwardIC`: |IC| at some L ≥ 1 above `maxForwardIC` (default 0.2). Real daily cross-sectional
///   ICs are small: Grinold & Kahn (Active Portfolio Management, 2nd ed., ch. 6) call 0.05 good and
///   0.10 exceptional; 0.2 sustained over years means the file has seen the returns it "predicts".
/// - `stampIC`: |IC| at some L ≤ 0 above `maxFinishedIC` (default 0.5): the value nearly copies the
///   return of its own bar or earlier ones, the mark of a file stamped at the open of the bar whose
///   close it used (or of a feature that is the return itself, which does not belong in a
///   predictions file).
/// - `offGridStamps`: records stamped between bar closes (e.g. at an open): the env shows them at
///   the next close, which is only honest if they were computed before the stamp; say so or restamp.
/// - `injected`: the file's provenance says `lookahead: injected` (a signal-injection study file).
///
/// Strong form, for built-in predictions (`truncationCheck`): rebuild on the bars truncated at random
/// cuts and require identical values at and before each cut (a value that changes when the future is
/// removed depended on the future).
public enum LookaheadAudit {
    /// One problem found.
    public struct Finding: Sendable, Equatable, Codable, CustomStringConvertible {
        public enum Kind: String, Sendable, Codable { case forwardIC, stampIC, offGridStamps, injected, truncation }
        public var kind: Kind
        public var detail: String
        public var description: String { "\(kind.rawValue): \(detail)" }
    }

    /// Weak-form settings.
    public struct Options: Sendable, Equatable {
        /// Lags −k … +k in bars. Default 5 (a trading week).
        public var maxLag = 5
        /// Threshold on |mean rank IC| after the stamp (L ≥ 1). Default 0.2 (see the type's discussion).
        public var maxForwardIC = 0.2
        /// Threshold on |mean rank IC| at and before the stamp (L ≤ 0). Default 0.5.
        public var maxFinishedIC = 0.5
        /// Minimum assets with a value and a return for a bar's cross-section to count. Default 5.
        public var minimumAssets = 5
        public init() {}
    }

    /// The weak-form result: the IC by feature and lag, and the findings.
    public struct Report: Sendable, Equatable {
        public var features: [String]
        public var lags: [Int]
        /// ic[feature][lag index]; nan where no cross-section counted.
        public var ic: [[Double]]
        public var offGridRecords: Int
        public var findings: [Finding]

        /// A table of IC by feature (rows) and lag (columns), then the findings.
        public var text: String {
            var s = "mean cross-sectional rank IC with the one-bar return ending at stamp bar + lag:\n"
            s += "feature".padding(toLength: 16, withPad: " ", startingAt: 0) + lags.map { l -> String in
                let label = (l > 0 ? "+" : "") + String(l)
                return String(repeating: " ", count: max(0, 8 - label.count)) + label
            }.joined() + "\n"
            for (f, row) in zip(features, ic) {
                s += f.padding(toLength: 16, withPad: " ", startingAt: 0) + row.map { $0.isFinite ? String(format: "%8.3f", $0) : "       -" }.joined() + "\n"
            }
            s += findings.isEmpty ? "no finding\n" : findings.map { "FINDING \($0)" }.joined(separator: "\n") + "\n"
            return s
        }
    }

    /// Runs the weak form on `predictions` joined to `bars`.
    /// - Parameter provenance: the file's provenance JSON (if any), read for `lookahead: injected`.
    /// - Throws: `DataFileError.unknownAsset` when the file names an asset the bars do not have.
    public static func audit(predictions: PredictionTable, bars: MarketData, provenance: [String: Any]? = nil, options: Options = Options()) throws(DataFileError) -> Report {
        let matrix = try predictions.aligned(to: bars)
        let t = bars.barCount, n = bars.assetCount, k = predictions.featureCount
        // r[b][i]: simple return of asset i over bar b (from b−1's close to b's close).
        var r = [Double](repeating: .nan, count: t * n)
        for b in 1..<max(t, 1) {
            for i in 0..<n {
                let p0 = bars.close[(b - 1) * n + i], p1 = bars.close[b * n + i]
                if p0.isFinite && p1.isFinite && p0 > 0 { r[b * n + i] = p1 / p0 - 1 }
            }
        }
        // A record influences the bar it is joined to only if it is that bar's newest: count
        // only bars that have a record stamped in (previous close, this close].
        var fresh = [Bool](repeating: false, count: t * n)
        var offGrid = 0
        let barSet = Set(bars.timestamps)
        var b = 0
        for rec in 0..<predictions.recordCount {
            let ts = predictions.timestamps[rec]
            if !barSet.contains(ts) { offGrid += 1 }
            while b < t && bars.timestamps[b] < ts { b += 1 }
            guard b < t, let i = bars.assetIndex(predictions.assets[Int(predictions.assetIndex[rec])]) else { continue }
            fresh[b * n + i] = true
        }
        let lags = Array(-options.maxLag...options.maxLag)
        var ic = [[Double]](repeating: [], count: k)
        for f in 0..<k {
            for lag in lags {
                var sum = 0.0, count = 0
                for bar in 0..<t {
                    let target = bar + lag
                    guard target >= 1 && target < t else { continue }
                    var x: [Double] = [], y: [Double] = []
                    for i in 0..<n where fresh[bar * n + i] {
                        let v = Double(matrix.values[(bar * n + i) * k + f]), ret = r[target * n + i]
                        if v.isFinite && ret.isFinite { x.append(v); y.append(ret) }
                    }
                    guard x.count >= options.minimumAssets, let rho = spearman(x, y) else { continue }
                    sum += rho
                    count += 1
                }
                ic[f].append(count > 0 ? sum / Double(count) : .nan)
            }
        }
        var findings: [Finding] = []
        for (f, name) in predictions.featureNames.enumerated() {
            for (j, lag) in lags.enumerated() where ic[f][j].isFinite {
                let v = ic[f][j]
                if lag >= 1 && abs(v) > options.maxForwardIC {
                    findings.append(Finding(kind: .forwardIC, detail: "\(name): mean rank IC \(String(format: "%.3f", v)) with the return \(lag) bar(s) after the stamp exceeds \(options.maxForwardIC); no honest daily signal is that strong. Check how the file was stamped and that its model never saw those returns."))
                }
                if lag <= 0 && abs(v) > options.maxFinishedIC {
                    findings.append(Finding(kind: .stampIC, detail: "\(name): mean rank IC \(String(format: "%.3f", v)) with the return of \(lag == 0 ? "the stamp bar itself" : "\(-lag) bar(s) before the stamp") exceeds \(options.maxFinishedIC): the value nearly copies an already finished return; a file stamped at the open of the bar whose close it used looks like this. Stamp each value at the close of the last bar it used."))
                }
            }
        }
        if offGrid > 0 {
            findings.append(Finding(kind: .offGridStamps, detail: "\(offGrid) record(s) are stamped between bar closes (e.g. at an open); the env shows them at the next close, which is honest only if they were computed before their stamp. Stamp each value at the close of the last bar it used."))
        }
        if let p = provenance, (p["lookahead"] as? String) == "injected" {
            findings.append(Finding(kind: .injected, detail: "the provenance says lookahead: injected: this file was built from realized future returns for a method test (signal injection) and must never be traded."))
        }
        return Report(features: predictions.featureNames, lags: lags, ic: ic, offGridRecords: offGrid, findings: findings)
    }

    /// Strong form: rebuilds predictions on `bars` truncated after each of `cuts` random bars and
    /// requires every value stamped at or before the cut to be identical (bit for bit) to the full build.
    /// - Parameters:
    ///   - build: the predictions builder (for the built-in ones, `WalkForwardPredictor.run`).
    ///   - cuts: how many random cut bars, drawn uniformly from the bars that have predictions.
    ///   - seed: seeds the cut draws.
    /// - Returns: the cut bars used and the findings (empty when clean).
    public static func truncationCheck(bars: MarketData, cuts: Int, seed: UInt64, build: (MarketData) throws -> PredictionTable) throws -> (cuts: [Int], findings: [Finding]) {
        let full = try build(bars)
        guard let firstStamp = full.timestamps.first, let firstBar = bars.timestamps.firstIndex(where: { $0 >= firstStamp }) else {
            return ([], [Finding(kind: .truncation, detail: "the builder made no predictions on these bars; nothing to check")])
        }
        var rng = Xoshiro256(seed: seed)
        let candidates = firstBar..<(bars.barCount - 1)
        guard !candidates.isEmpty else { return ([], []) }
        var chosen = Set<Int>()
        while chosen.count < min(cuts, candidates.count) { chosen.insert(candidates.lowerBound + rng.uniformInt(below: candidates.count)) }
        var findings: [Finding] = []
        let n = bars.assetCount
        for cut in chosen.sorted() {
            func prefix(_ m: [Double]?) -> [Double]? { m.map { Array($0[0..<((cut + 1) * n)]) } }
            let truncated: MarketData
            do {
                truncated = try MarketData(assets: bars.assets, timestamps: Array(bars.timestamps[0...cut]), close: prefix(bars.close) ?? [],
                                           open: prefix(bars.open), high: prefix(bars.high), low: prefix(bars.low), volume: prefix(bars.volume), source: "truncated")
            } catch { continue }
            let part = try build(truncated)
            let limit = bars.timestamps[cut]
            let expected = full.records(through: limit), found = part.records(through: limit)
            if expected.keys != found.keys {
                findings.append(Finding(kind: .truncation, detail: "cut after bar \(cut) (\(CivilDate(epochSeconds: limit))): \(expected.count) records at or before the cut in the full build, \(found.count) in the truncated one"))
                continue
            }
            var changed = 0
            var example = ""
            for (key, v) in expected where found[key].map({ $0.map(\.bitPattern) != v.map(\.bitPattern) }) ?? true {
                changed += 1
                if example.isEmpty { example = "\(full.assets[Int(key.asset)]) at \(CivilDate(epochSeconds: key.timestamp))" }
            }
            if changed > 0 {
                findings.append(Finding(kind: .truncation, detail: "cut after bar \(cut) (\(CivilDate(epochSeconds: limit))): \(changed) value(s) at or before the cut change when later bars are removed (e.g. \(example)): they depended on the future"))
            }
        }
        return (chosen.sorted(), findings)
    }
}

extension PredictionTable {
    struct RecordKey: Hashable { var timestamp: Int64; var asset: Int32 }

    /// The records stamped at or before `limit`, by (timestamp, asset name index in this table).
    func records(through limit: Int64) -> [RecordKey: [Float]] {
        var out: [RecordKey: [Float]] = [:]
        let k = featureCount
        for r in 0..<recordCount where timestamps[r] <= limit {
            out[RecordKey(timestamp: timestamps[r], asset: assetIndex[r])] = Array(values[(r * k)..<((r + 1) * k)])
        }
        return out
    }
}
