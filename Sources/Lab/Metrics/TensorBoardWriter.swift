import Foundation

/// Writes scalar summaries in TensorBoard's event-file format, with no dependency on TensorFlow or protobuf.
///
/// An event file is a sequence of TFRecords: `uint64 length`, `uint32 masked CRC-32C of the length`,
/// `length` bytes of a serialized `tensorflow.Event` protobuf, `uint32 masked CRC-32C of the data`
/// (all little-endian). The first event carries `file_version = "brain.Event:2"`; each scalar is an
/// `Event { wall_time, step, summary { value { tag, simple_value } } }`. The few protobuf fields
/// needed are encoded by hand below (field numbers from tensorflow/core/util/event.proto and
/// summary.proto). `tensorboard` and its `EventAccumulator` read the files (tested).
///
/// Records are flushed after each `flush()` call, so a run killed mid-way keeps every record
/// written before the last flush.
public final class TensorBoardWriter {
    /// The event file being written.
    public let url: URL
    private let handle: FileHandle
    private var pending = Data()

    /// Creates `events.out.tfevents.<seconds>.<host>` in `directory`.
    /// - Throws: `LabError.io` when the file cannot be created.
    public init(directory: URL, wallTime: Double = Date().timeIntervalSince1970) throws(LabError) {
        let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        url = directory.appendingPathComponent("events.out.tfevents.\(Int(wallTime)).\(host)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory.path, detail: "cannot create the folder: \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let h = FileHandle(forWritingAtPath: url.path) else {
            throw .io(path: url.path, detail: "cannot create the event file")
        }
        handle = h
        var event = ProtoWriter()
        event.double(field: 1, wallTime)
        event.varint(field: 2, 0)
        event.string(field: 3, "brain.Event:2")
        appendRecord(event.bytes)
        try flush()
    }

    deinit {
        try? flush()
        try? handle.close()
    }

    /// Adds one scalar point (buffered until `flush()`).
    public func scalar(_ tag: String, _ value: Double, step: Int, wallTime: Double = Date().timeIntervalSince1970) {
        var summaryValue = ProtoWriter()
        summaryValue.string(field: 1, tag)
        summaryValue.float(field: 2, Float(value))
        var summary = ProtoWriter()
        summary.message(field: 1, summaryValue.bytes)
        var event = ProtoWriter()
        event.double(field: 1, wallTime)
        event.varint(field: 2, UInt64(bitPattern: Int64(step)))
        event.message(field: 5, summary.bytes)
        appendRecord(event.bytes)
    }

    /// Writes buffered records to disk.
    /// - Throws: `LabError.io` when the write fails (a full disk).
    public func flush() throws(LabError) {
        guard !pending.isEmpty else { return }
        do { try handle.write(contentsOf: pending) } catch {
            throw .io(path: url.path, detail: "cannot append TensorBoard events: \(error.localizedDescription). Free disk space, then continue the run with --resume")
        }
        try? handle.synchronize()
        pending.removeAll(keepingCapacity: true)
    }

    private func appendRecord(_ data: [UInt8]) {
        var header = [UInt8]()
        let length = UInt64(data.count)
        for k in 0..<8 { header.append(UInt8(truncatingIfNeeded: length >> (8 * k))) }
        pending.append(contentsOf: header)
        appendUInt32(CRC32C.masked(header))
        pending.append(contentsOf: data)
        appendUInt32(CRC32C.masked(data))
    }

    private func appendUInt32(_ v: UInt32) {
        for k in 0..<4 { pending.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }
}

/// The handful of protobuf wire-format encoders TensorBoard events need.
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    mutating func tag(_ field: Int, _ wireType: Int) { rawVarint(UInt64(field << 3 | wireType)) }

    mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func varint(field: Int, _ value: UInt64) { tag(field, 0); rawVarint(value) }

    mutating func double(field: Int, _ value: Double) {
        tag(field, 1)
        let bits = value.bitPattern
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
    }

    mutating func float(field: Int, _ value: Float) {
        tag(field, 5)
        let bits = value.bitPattern
        for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
    }

    mutating func string(field: Int, _ value: String) { message(field: field, Array(value.utf8)) }

    mutating func message(field: Int, _ value: [UInt8]) {
        tag(field, 2)
        rawVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }
}

/// CRC-32C (Castagnoli), as TFRecord uses, with TensorFlow's mask.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func masked(_ data: [UInt8]) -> UInt32 {
        let c = checksum(data)
        return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8
    }
}
