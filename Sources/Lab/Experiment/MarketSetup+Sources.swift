import Foundation
import MarketGym
import Predictors

/// Bars as an environment spec names them: a plain file, or a bar-source spec (file or inline).
struct LoadedBars {
    let data: MarketData
    /// The plain bars file (where the builtin predictions are cached), nil for a bar-source spec.
    let file: URL?
    /// What names the bars in messages: the file, the spec file, or `env.data.bars`.
    let label: String
}

extension MarketSetup {
    /// Loads the bars `env.data` names: a plain file through `MarketData.load`; a bar-source spec
    /// (a `.yaml`/`.yml` path, relative `files` against its folder, or inline, relative `files`
    /// against the project root) through `BarSource.load`, printing what was inferred (the report
    /// `marketgym data load` prints); then `data.timeframe` (over the spec's own) resamples.
    /// - Throws: `LabError` naming the file and the problem.
    static func loadBars(_ spec: MarketDataSpec, root: URL, log: (String) -> Void) throws(LabError) -> LoadedBars {
        guard let (inSpec, base, specFile) = try barSourceSpec(spec, root: root) else {
            let url = resolve(spec.bars, root: root)
            var data: MarketData
            do { data = try MarketData.load(contentsOf: url) } catch { throw .io(path: url.path, detail: error.description) }
            if let timeframe = spec.timeframe {
                guard let step = BarDuration.seconds(timeframe) else { throw .badRun(path: "env.data.timeframe", detail: "'\(timeframe)' is not a duration such as 2h, 4h, 1d") }
                do {
                    let r = try data.resampled(to: step)
                    log("\(url.lastPathComponent): \(r.summary)")
                    data = r.data
                } catch { throw .io(path: url.path, detail: "env.data.timeframe: \(error.description)") }
                return LoadedBars(data: data, file: nil, label: url.path)
            }
            return LoadedBars(data: data, file: url, label: url.path)
        }
        let label = specFile?.path ?? "env.data.bars"
        var barSpec = inSpec
        if let timeframe = spec.timeframe { barSpec.timeframe = timeframe }
        let loaded: LoadedBarSource
        do { loaded = try BarSource.load(barSpec, base: base) } catch { throw .io(path: label, detail: error.description) }
        log("bars through \(label):\n\(loaded.report)")
        return LoadedBars(data: loaded.data, file: nil, label: label)
    }

    /// The files a bar-source spec in `env.data.bars` reads (globs expanded) and the spec's own
    /// YAML file (nil when inline); nil when the bars are a plain file. `RunInputs` records them.
    static func barSourceFiles(_ spec: MarketDataSpec, root: URL) throws(LabError) -> (specFile: URL?, files: [URL])? {
        guard let (inSpec, base, specFile) = try barSourceSpec(spec, root: root) else { return nil }
        var files: [URL] = []
        for pattern in inSpec.files {
            do { files += try BarSource.expand(pattern, base: base).map { URL(fileURLWithPath: $0) } } catch {
                throw .io(path: specFile?.path ?? "env.data.bars", detail: error.description)
            }
        }
        return (specFile, files)
    }

    /// The bar-source spec `env.data.bars` names, with the folder its relative `files` resolve
    /// against and its YAML file (nil when inline): inline (against the project root), a
    /// `.yaml`/`.yml` path (against the spec's folder); nil for a plain bars file.
    static func barSourceSpec(_ spec: MarketDataSpec, root: URL) throws(LabError) -> (spec: BarSourceSpec, base: URL, file: URL?)? {
        if let inline = spec.barSource { return (inline, root, nil) }
        guard [".yaml", ".yml"].contains(where: { spec.bars.lowercased().hasSuffix($0) }) else { return nil }
        let url = resolve(spec.bars, root: root)
        return (try readBarSourceSpec(url), url.deletingLastPathComponent(), url)
    }

    /// A bar-source spec file: the whole file, or its `bars:` mapping, decoded strictly.
    static func readBarSourceSpec(_ url: URL) throws(LabError) -> BarSourceSpec {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw .io(path: url.path, detail: "cannot read the bar-source spec: \(error.localizedDescription)") }
        do {
            var tree = try SpecValue.parse(yaml: text, source: url.path)
            if let bars = tree["bars"] { tree = bars }
            try SpecDecoder.requireMapping(tree, file: url.path, path: "bars")
            return try SpecDecoder.decode(BarSourceSpec.self, from: tree, defaults: BarSourceSpec(), file: url.path)
        } catch { throw .spec(error) }
    }

    /// The prediction features for the bars: the single `predictions` source as before (named by
    /// its columns), or each named source joined on its own (`PredictionSource.aligned`).
    static func loadFeatures(_ spec: MarketDataSpec, bars: LoadedBars, root: URL, provenance: inout [String: String],
                             log: (String) -> Void) throws(LabError) -> FeatureMatrix {
        func relative(_ url: URL) -> String { url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path }
        guard !spec.sources.isEmpty else {
            let table: PredictionTable, label: String
            var injected = false
            if let file = bars.file {
                let url = try predictionsFile(spec, bars: file, root: root, log: log)
                table = try readPredictions(url)
                label = relative(url)
                injected = InjectedSignal.isInjected(predictions: url)
            } else if spec.predictions == "builtin" {
                log("building walk-forward ridge predictions for \(bars.label) in memory (bar-source specs are not cached)")
                do { table = try WalkForwardPredictor().run(bars: bars.data).table } catch { throw .io(path: bars.label, detail: "\(error)") }
                label = "builtin (walk-forward ridge on \(bars.label))"
            } else {
                let url = resolve(spec.predictions, root: root)
                table = try readPredictions(url)
                label = relative(url)
                injected = InjectedSignal.isInjected(predictions: url)
            }
            let maxAge = try maxAgeSeconds(spec.maxPredictionAgeDays)
            let features: FeatureMatrix
            do { features = try table.aligned(to: bars.data, maxAge: maxAge) } catch { throw .io(path: label, detail: error.description) }
            try refuseReservedFeatureNames(features.names, file: label)
            // Predictions built from future returns (a signal-injection study) mark the run, so
            // PolicyRuntime refuses to serve its policies.
            if injected { provenance["lookahead"] = "injected" }
            provenance["predictions"] = label
            return features
        }
        var sources: [PredictionSource] = []
        for (k, s) in spec.sources.enumerated() {
            let url = resolve(s.predictions, root: root)
            let table = try readPredictions(url)
            if InjectedSignal.isInjected(predictions: url) { provenance["lookahead"] = "injected" }
            let timeframe = s.timeframe.flatMap(BarDuration.seconds)
            let maxAge: Int64?
            do { maxAge = try maxAgeSeconds(s.maxAgeDays) } catch { throw .badRun(path: "env.data.sources[\(k)].maxAgeDays", detail: error.description) }
            sources.append(PredictionSource(name: s.name, table: table, timeframe: timeframe, stamps: s.stamps ?? .close, maxAge: maxAge))
            provenance["predictions.\(s.name)"] = relative(url)
        }
        do { return try PredictionSource.aligned(sources, to: bars.data) } catch { throw .badRun(path: "env.data.sources", detail: error.description) }
    }

    static func readPredictions(_ url: URL) throws(LabError) -> PredictionTable {
        do { return try PredictionTable.load(contentsOf: url) } catch { throw .io(path: url.path, detail: error.description) }
    }
}
