import Foundation
import FuzzSupport
import MarketGym

/// Predictions CSV: in memory (`PredictionTable.parseCSV`) and through the file loader (gzip,
/// HDF5 routing); a parsed table is written back as CSV and parsed again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    // The first byte (also part of the file) picks the timestamp format.
    let pattern = (bytes.first ?? 0) & 1 == 0 ? TimestampFormat.automatic : .pattern("%Y-%m-%d %H:%M")
    if let table = try? PredictionTable.parseCSV(bytes, timestampFormat: pattern) {
        _ = try? PredictionTable.parseCSV(table.csvBytes(), timestampFormat: .automatic)
    }
    let url = FuzzScratch.write(bytes, name: "predictions.csv")
    _ = try? PredictionTable.load(contentsOf: url, timestampFormat: pattern)
    return 0
}
