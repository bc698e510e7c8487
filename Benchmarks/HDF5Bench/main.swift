// HDF5 throughput: the replay-buffer workload, measured the same way as scripts/h5py_bench.py.
//
//   1. append 1,000,000 rows of 64 float32 in batches of 1,000 to a chunked dataset (chunks of
//      1,000 rows = 256 KiB), unlimited rows; once uncompressed, once gzip level 4 (h5py's default);
//   2. read 10,000 batches of 256 rows at random: scattered rows (256 uniform indices, sorted and
//      de-duplicated; `readRows(at:)` here, `ds[idx]` in h5py) from the uncompressed dataset, and
//      contiguous ranges of 256 rows from both datasets. Files are opened read-only with the chunk
//      cache off (chunkCacheBytes 0 / h5py rdcc_nbytes=0) on both sides: random access gains
//      nothing from it. (Uncompressed + read-only is where MarketGym reads rows directly at their
//      file offsets; see docs/hdf5.md.)
//
// Output: one JSON object per line {"name", "seconds", "bytes", "mbps"} (MB = 10^6 bytes).
// Usage: HDF5Bench [folder] [--quick]
import Foundation
import HDF5
import SeededRandom

let arguments = CommandLine.arguments.dropFirst()
let quick = arguments.contains("--quick")
let folder = URL(fileURLWithPath: arguments.first(where: { !$0.hasPrefix("--") }) ?? NSTemporaryDirectory())
    .appendingPathComponent("marketgym-hdf5bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

let width = 64
let batchRows = 1_000
let totalRows = quick ? 100_000 : 1_000_000
let readBatches = quick ? 1_000 : 10_000
let readRows = 256

/// Element i: 16 bits of a splitmix64-style hash of i, as a float in [-128, 128) with 8 fraction
/// bits (like quantized features). The same formula in h5py_bench.py gives the same bytes, so
/// gzip sees the same data on both sides (checked: both print the same data_checksum).
func batch(_ index: Int) -> [Float] {
    let first = index * batchRows * width
    return (0..<(batchRows * width)).map { offset in
        var x = UInt64(first + offset) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 32
        return Float(x >> 48) / 256 - 128
    }
}
// 50 distinct batches, cycled: generation stays out of the timed loop.
let batches = (0..<50).map(batch)
let dataChecksum = batches.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) } }
print("{\"name\": \"data_checksum\", \"value\": \(dataChecksum)}")

func report(_ name: String, seconds: Double, bytes: Int) {
    let mbps = Double(bytes) / seconds / 1e6
    print("{\"name\": \"\(name)\", \"seconds\": \(seconds), \"bytes\": \(bytes), \"mbps\": \(mbps)}")
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func appendAll(to url: URL, gzip: Int?) throws {
    let file = try HDF5File.create(at: url)
    let options = HDF5DatasetOptions(chunkRows: batchRows, gzipLevel: gzip, maxRows: .unlimited)
    let dataset = try file.createDataset("obs", elementType: .float32, shape: [0, width], options: options)
    for b in 0..<(totalRows / batchRows) { try dataset.append(rows: batches[b % batches.count]) }
    try file.close()
}

let plain = folder.appendingPathComponent("plain.h5")
let gzip = folder.appendingPathComponent("gzip.h5")
let writtenBytes = totalRows * width * MemoryLayout<Float>.size
report("append_plain", seconds: try time { try appendAll(to: plain, gzip: nil) }, bytes: writtenBytes)
report("append_gzip4", seconds: try time { try appendAll(to: gzip, gzip: 4) }, bytes: writtenBytes)

var random = Xoshiro256(seed: 20_261_122)

func readScattered(_ url: URL, _ random: inout Xoshiro256, mode: HDF5File.AccessMode = .readOnly) throws -> (Double, Int) {
    let dataset = try HDF5File.open(url, mode: mode, chunkCacheBytes: 0).openDataset("obs")
    var bytes = 0
    var checksum: Float = 0
    let seconds = try time {
        for _ in 0..<readBatches {
            var indices = (0..<readRows).map { _ in random.uniformInt(below: totalRows) }
            indices.sort()
            var unique: [Int] = []
            unique.reserveCapacity(indices.count)
            for i in indices where unique.last != i { unique.append(i) }
            let rows = try dataset.readRows(at: unique, as: Float.self)
            bytes += rows.values.count * MemoryLayout<Float>.size
            checksum += rows.values[0]
        }
    }
    precondition(checksum.isFinite, "checksum \(checksum)")
    return (seconds, bytes)
}

func readRanges(_ url: URL, _ random: inout Xoshiro256) throws -> (Double, Int) {
    let dataset = try HDF5File.open(url, chunkCacheBytes: 0).openDataset("obs")
    var bytes = 0
    var checksum: Float = 0
    let seconds = try time {
        for _ in 0..<readBatches {
            let start = random.uniformInt(below: totalRows - readRows + 1)
            let rows = try dataset.readRows(start..<(start + readRows), as: Float.self)
            bytes += rows.values.count * MemoryLayout<Float>.size
            checksum += rows.values[0]
        }
    }
    precondition(checksum.isFinite, "checksum \(checksum)")
    return (seconds, bytes)
}

let scattered = try readScattered(plain, &random)
report("read_scattered_plain", seconds: scattered.0, bytes: scattered.1)
// The same through libhdf5 (a read-write file never takes the direct path): one H5Dread of the
// union of 256 one-row hyperslabs, as h5py does.
let scatteredLibrary = try readScattered(plain, &random, mode: .readWrite)
report("read_scattered_plain_libhdf5", seconds: scatteredLibrary.0, bytes: scatteredLibrary.1)
let rangesPlain = try readRanges(plain, &random)
report("read_ranges_plain", seconds: rangesPlain.0, bytes: rangesPlain.1)
let rangesGzip = try readRanges(gzip, &random)
report("read_ranges_gzip4", seconds: rangesGzip.0, bytes: rangesGzip.1)
