import Foundation
import HDF5

/// Reads a data file's bytes, decompressing gzip (detected by its magic number, whatever the extension).
enum DataFileReader {
    /// The HDF5 signature, to route `.h5` files to the HDF5 reader.
    static let hdf5Magic: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    static func rawBytes(_ url: URL) throws(DataFileError) -> [UInt8] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            if isFolder.boolValue {
                throw .unreadable(file: url.path, reason: "it is a folder, not a file; give the path of a bar file inside it")
            }
            if let type = try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType,
               type == .typeCharacterSpecial || type == .typeBlockSpecial || type == .typeSocket {
                throw .unreadable(file: url.path, reason: "it is a device or socket, not a regular file; give the path of a bar file")
            }
        }
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

    /// Refuses bytes that are not comma-separated UTF-8 text, saying what they are: UTF-16, binary
    /// (NUL bytes), CR-only line ends, or `;`-separated. Looks at the first line and the NUL bytes.
    static func checkText(_ text: [UInt8], file: String) throws(DataFileError) {
        if text.count >= 2, (text[0] == 0xFF && text[1] == 0xFE) || (text[0] == 0xFE && text[1] == 0xFF) {
            throw .notCSVText(file: file, found: "UTF-16 text (byte-order mark \(String(text[0], radix: 16, uppercase: true)) \(String(text[1], radix: 16, uppercase: true)))",
                              fix: "Re-save it as UTF-8 (iconv -f UTF-16 -t UTF-8 IN > OUT, or 'CSV UTF-8' in Excel).")
        }
        if let nul = text.firstIndex(of: 0) {
            let line = 1 + text[..<nul].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            let utf16 = text.count >= 4 && (text[1] == 0 || text[0] == 0)
            throw .notCSVText(file: file, found: utf16 ? "UTF-16 text without a byte-order mark (NUL bytes between characters)" : "binary (a NUL byte at byte \(nul), line \(line))",
                              fix: utf16 ? "Re-save it as UTF-8 (iconv -f UTF-16 -t UTF-8 IN > OUT)." : "Check that this is the bar file you meant; a CSV holds no NUL bytes.")
        }
        let newline = text.firstIndex(of: UInt8(ascii: "\n"))
        if newline == nil, let cr = text.firstIndex(of: UInt8(ascii: "\r")), cr < text.count - 1 {
            throw .notCSVText(file: file, found: "text with CR-only line ends (classic Mac OS)",
                              fix: "Convert the line ends: tr '\\r' '\\n' < IN > OUT.")
        }
        let first = text[..<(newline ?? text.count)]
        if !first.contains(UInt8(ascii: ",")) && first.contains(UInt8(ascii: ";")) {
            throw .notCSVText(file: file, found: "separated by ';' (the header has no comma: a European-locale export)",
                              fix: "Re-export with commas as separators (and '.' as the decimal point).")
        }
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
