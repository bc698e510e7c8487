import Foundation
import Lab
import MarketGym

/// `DataBench --crypto SPEC`: load the four raw crypto-hourly files through their spec (read, gunzip,
/// parse, duplicates, stamps, panel), then resample the panel to 2h and 4h; pandas does the same in
/// Benchmarks/scripts/pandas_bench.py --crypto (see Benchmarks/scripts/crypto_side_by_side.sh).
func runCryptoBench(specPath: String) throws {
    let url = URL(fileURLWithPath: specPath)
    let tree = try SpecValue.parse(yaml: String(contentsOf: url, encoding: .utf8), source: specPath)
    let spec = try SpecDecoder.decode(BarSourceSpec.self, from: tree, defaults: BarSourceSpec(), file: specPath)
    let base = url.deletingLastPathComponent()
    let loaded = try BarSource.load(spec, base: base)
    print("DataBench crypto: \(loaded.data.barCount) bars x \(loaded.data.assetCount) assets from \(loaded.report.files.count) files")
    let loadMs = try measure(runs: 20) { _ = try BarSource.load(spec, base: base) }
    let r2 = try measure(runs: 20) { _ = try loaded.data.resampled(to: 7200, base: 3600) }
    let r4 = try measure(runs: 20) { _ = try loaded.data.resampled(to: 14_400, base: 3600) }
    let all = try measure(runs: 20) {
        let l = try BarSource.load(spec, base: base)
        _ = try l.data.resampled(to: 7200, base: 3600)
        _ = try l.data.resampled(to: 14_400, base: 3600)
    }
    print("crypto load 4 files + merge (BarSource.load, median of 20): \(loadMs.text)")
    print("crypto resample to 2h (median of 20): \(r2.text)")
    print("crypto resample to 4h (median of 20): \(r4.text)")
    print("crypto total: load + merge + resample 2h and 4h (median of 20): \(all.text)")
}
