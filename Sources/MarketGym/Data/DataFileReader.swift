import Foundation
import HDF5

/// Reads a data file's bytes, decompressing gzip (detected by its magic number, whatever the extension).
enum DataFileReader {
    /// The HDF5 signature, to route `.h5` files to the HDF5 reader.
    static let hdf5Magic: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    static func rawBytes(_ url: URL) throws(DataFileError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "\(error.localizedDescription)" : "no such file"
            throw .unreadable(file: url.path, reason: reason)
        }
    }

    /// True when the file starts with the HDF5 signature (reads 8 bytes, not the whole file).
    static func isHDF5File(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 520) else { return false }
        return isHDF5([UInt8](head))
    }

    /// The HDF5 signature at byte 0, or after MarketGym's 512-byte integrity header (HDF5Integrity).
    static func isHDF5(_ bytes: [UInt8]) -> Bool {
        HDF5Integrity.startsHDF5(Array(bytes.prefix(520)))
    }

    /// The text bytes of a CSV or CSV.gz file.
    static func textBytes(_ raw: [UInt8], file: String) throws(DataFileError) -> [UInt8] {
        guard Gzip.isCompressed(raw) else { return raw }
        do { return try Gzip.decompress(raw) } catch { throw .badCompression(file: file, reason: error.description) }
    }
}

/// Collects hard errors: throws the first one when loading, keeps going when validating.
struct IssueSink {
    let collect: Bool
    let limit: Int
    var errors: [DataFileError] = []
    var errorCount = 0

    init(collect: Bool, limit: Int = 100) {
        self.collect = collect
        self.limit = limit
    }

    mutating func report(_ error: DataFileError) throws(DataFileError) {
        if !collect { throw error }
        errorCount += 1
        if errors.count < limit { errors.append(error) }
    }
}
