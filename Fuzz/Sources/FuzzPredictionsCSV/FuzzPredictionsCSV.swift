import Foundation
import FuzzSupport
import MarketGym

/// Predictions CSV, in memory: `PredictionTable.parseCSV` is the file loader's whole path after the
/// file read (gzip by its magic bytes, the text checks, the parser). A parsed table is written back
/// as CSV (`csvBytes`, shortest round-trip numbers) and must parse to the same records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    // HDF5 bytes are read by libhdf5 from a file (FuzzHDF5's area), not from memory.
    if FuzzSignature.isHDF5(bytes) { return 0 }
    // The first byte (also part of the file) picks the timestamp format.
    let pattern = (bytes.first ?? 0) & 1 == 0 ? TimestampFormat.automatic : .pattern("%Y-%m-%d %H:%M")
    guard let table = try? PredictionTable.parseCSV(bytes, source: "fuzz.csv", timestampFormat: pattern) else { return 0 }
    do {
        let written = table.csvBytes()
        let again = try PredictionTable.parseCSV(written, source: "round-trip.csv", timestampFormat: .automatic)
        // Asset order follows first appearance in the file, which writing sorted by time may change:
        // compare the records (one line per timestamp and asset), not the order.
        if again.featureNames != table.featureNames || Set(again.assets) != Set(table.assets) || lines(again.csvBytes()) != lines(written) {
            fatalError("FuzzPredictionsCSV: the table written as CSV reads back different")
        }
    } catch {
        fatalError("FuzzPredictionsCSV: the table written as CSV does not read back: \(error)")
    }
    return 0
}

/// The lines of a CSV as a set.
func lines(_ bytes: [UInt8]) -> Set<ArraySlice<UInt8>> { Set(bytes.split(separator: UInt8(ascii: "\n"))) }
