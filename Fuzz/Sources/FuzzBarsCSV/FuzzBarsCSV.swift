import Foundation
import FuzzSupport
import MarketGym

/// Bars CSV, in memory: the whole input is the file (plain or gzip, detected by its magic bytes);
/// its first byte also picks the options (timestamp format, thresholds). It goes through
/// `MarketData.validate(bytes:)` (every hard error collected, the soft checks, the report text),
/// `MarketData.parseCSV` (the loaders' throwing path) and `DataInfo`: the code behind `data
/// validate`, `train`'s load and `data info`, without the file read. Layouts (wide closes, wide
/// fields, long) are chosen by the header, so the corpus and the dictionary cover them.
/// Oracle besides crashes: the two paths agree (the file validates exactly when it loads).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    // HDF5 bytes are read by libhdf5 from a file (FuzzHDF5's area), not from memory.
    if FuzzSignature.isHDF5(bytes) { return 0 }
    let formats: [TimestampFormat] = [.automatic, .pattern("%Y-%m-%d"), .pattern("%d/%m/%Y %H:%M"), .pattern("%s")]
    let choice = bytes.first ?? 0
    var options = BarLoadOptions()
    options.timestampFormat = formats[Int(choice & 3)]
    if choice & 4 != 0 { options.extremeReturnThreshold = 1e-9 }
    if choice & 8 != 0 { options.maxReportedErrors = 1 }
    let report = MarketData.validate(bytes: bytes, source: "fuzz.csv", options: options)
    _ = report.description
    let loaded = try? MarketData.parseCSV(bytes, source: "fuzz.csv", options: options)
    if report.isValid != (loaded != nil) {
        fatalError("FuzzBarsCSV: validate says \(report.isValid ? "valid" : "invalid") but the loader \(loaded != nil ? "accepts" : "refuses") the file")
    }
    if let loaded, let layout = report.layout {
        _ = DataInfo(file: "fuzz.csv", layout: layout, data: loaded, warnings: report.warnings).description
    }
    return 0
}
