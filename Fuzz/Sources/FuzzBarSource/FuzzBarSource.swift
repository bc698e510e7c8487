import Foundation
import FuzzSupport
import MarketGym

/// Vendor bar files read through a bar-source spec (`BarSource.load(_:contents:)`, the same reader,
/// duplicate policy, panel and resampling as `marketgym data load --spec`), in memory.
///
/// The input is text: leading lines starting with `#` set the spec, one field per line
/// (`#stamps open`, `#timeframe 2h`, `#column close=Close`, ...: `BarSourceDirectives`); the rest is
/// the first file, and every later line starting with `#file NAME` starts another file (the name
/// gives the asset when the file has no symbol column). A loaded panel is described and written
/// back as a long CSV, which the plain loader must read to the same closes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    let (spec, files) = BarSourceDirectives.split(bytes)
    guard let loaded = try? BarSource.load(spec, contents: files) else { return 0 }
    _ = loaded.report.description
    // Every panel a spec accepts is valid bars: its long CSV (what `data load --out` writes) must
    // load with the plain loader, with the same assets and the same closes bit for bit.
    let csv = loaded.data.longCSVBytes()
    let again: MarketData
    do { again = try MarketData.parseCSV(csv, source: "round-trip.csv") } catch {
        fatalError("FuzzBarSource: a panel the spec accepted does not load back from its long CSV: \(error)")
    }
    for (i, asset) in again.assets.enumerated() {
        guard let j = loaded.data.assets.firstIndex(of: asset) else { fatalError("FuzzBarSource: round trip invented asset \(asset)") }
        var bar = 0
        for b in 0..<again.barCount where again.tradable[b * again.assetCount + i] {
            while bar < loaded.data.barCount, loaded.data.timestamps[bar] < again.timestamps[b] { bar += 1 }
            guard bar < loaded.data.barCount, loaded.data.timestamps[bar] == again.timestamps[b],
                  loaded.data.close[bar * loaded.data.assetCount + j].bitPattern == again.close[b * again.assetCount + i].bitPattern else {
                fatalError("FuzzBarSource: round trip changed \(asset) at \(again.timestamps[b])")
            }
        }
    }
    return 0
}
