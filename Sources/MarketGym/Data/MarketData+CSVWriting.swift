import Foundation

extension MarketData {
    /// The panel as a long CSV (`timestamp,asset,open,high,low,close,volume`, fields as present), one
    /// row per bar and tradable asset, ISO UTC stamps, values in Swift's shortest round-trip form, so
    /// `MarketData.load` reads back the same bits.
    public func longCSVBytes() -> [UInt8] {
        let optional: [(String, [Double]?)] = [("open", open), ("high", high), ("low", low)]
        var header = "timestamp,asset"
        for (name, m) in optional where m != nil { header += "," + name }
        header += ",close" + (volume != nil ? ",volume" : "")
        var out = Array((header + "\n").utf8)
        out.reserveCapacity(barCount * assetCount * 64)
        let n = assetCount
        for b in 0..<barCount {
            let stamp = Timestamp.iso(timestamps[b])
            for i in 0..<n where tradable[b * n + i] {
                let cell = b * n + i
                var line = stamp + "," + assets[i]
                for (_, m) in optional { if let m { line += "," + (m[cell].isNaN ? "" : "\(m[cell])") } }
                line += ",\(close[cell])"
                if let v = volume { line += "," + (v[cell].isNaN ? "" : "\(v[cell])") }
                out += Array((line + "\n").utf8)
            }
        }
        return out
    }

    /// Writes the panel as a long CSV (gzip when the name ends in `.gz`), atomically.
    /// - Throws: `DataFileError.unwritable`.
    public func writeLongCSV(to url: URL) throws(DataFileError) {
        var bytes = longCSVBytes()
        if url.pathExtension == "gz" { bytes = Gzip.compress(bytes, level: 6) }
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw .unwritable(file: url.path, reason: error.localizedDescription)
        }
    }
}
