import MarketGym

import Foundation

/// Where a predictions file came from: model, horizons, refits, inputs, and the input data's hash.
///
/// Written next to the predictions (`<name>.provenance.json`) and, in HDF5, as attributes. The hash
/// is FNV-1a 64-bit over the raw bytes of the bars file as stored on disk (compressed bytes for a
/// `.gz`): cheap, dependency-free, and enough to tell which file a prediction set was built from
/// (it is not a cryptographic hash).
public struct PredictionProvenance: Codable, Sendable, Equatable {
    /// Format name of this record.
    public var format = "marketgym-predictions-provenance"
    /// Format version.
    public var version = 1
    /// The model family (`ridge`).
    public var model: String
    /// The full predictor configuration.
    public var config: WalkForwardConfig
    /// Horizons predicted, bars.
    public var horizons: [Int]
    /// Output feature names, one per horizon.
    public var features: [String]
    /// Model inputs, in order.
    public var inputs: [String]
    /// The refits: first predicted bar, training end and samples per horizon.
    public var refits: [RefitRecord]
    /// The bars file's name (last path component).
    public var inputFile: String
    /// `fnv1a64:<16 hex digits>` of the bars file's raw bytes.
    public var inputHash: String
    /// Bars and assets in the input.
    public var inputBars: Int
    public var inputAssets: [String]
    /// Stamping rule, in words.
    public var stamping = "a prediction computed from data through bar t's close is stamped with bar t's timestamp"
    /// The out-of-sample IC summary.
    public var ic: ICReport

    /// JSON with sorted keys, pretty-printed (deterministic for the same inputs).
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Encoding plain value types with a non-throwing float strategy cannot fail.
        return (try? [UInt8](encoder.encode(self))) ?? []
    }
}

/// FNV-1a 64-bit hash (Fowler, Noll, Vo) of bytes, as `fnv1a64:<16 hex digits>`.
public func fnv1a64(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
}
