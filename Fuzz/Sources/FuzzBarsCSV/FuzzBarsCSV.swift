import Foundation
import FuzzSupport
import MarketGym

/// Bars CSV: the first input byte also picks the options (timestamp format, thresholds); the whole input is
/// the file, written to a scratch file and read by every entry point the CLI uses (load, validate
/// and its report text, info). Layouts (wide closes, long, OHLCV, one file per asset) are chosen by
/// the file's header, so the corpus and the dictionary cover them; gzip by its magic bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    let formats: [TimestampFormat] = [.automatic, .pattern("%Y-%m-%d"), .pattern("%d/%m/%Y %H:%M"), .pattern("%s")]
    let choice = bytes.first ?? 0
    var options = BarLoadOptions()
    options.timestampFormat = formats[Int(choice & 3)]
    if choice & 4 != 0 { options.extremeReturnThreshold = 1e-9 }
    if choice & 8 != 0 { options.maxReportedErrors = 1 }
    let url = FuzzScratch.write(bytes, name: "bars.csv")
    if let bars = try? MarketData.load(contentsOf: url, options: options) {
        _ = bars.softWarnings(options: options).map(\.description)
    }
    _ = MarketData.validate(contentsOf: url, options: options).description
    _ = try? MarketData.info(contentsOf: url, options: options)
    return 0
}
