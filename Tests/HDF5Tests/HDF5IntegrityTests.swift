import Foundation
import HDF5
import Testing
import TestSupport

/// Issue 13, crash 12: a file with a few changed metadata bytes made libhdf5 segfault. Files written
/// by atomicSave carry a CRC-32 in their user block and are checked before libhdf5 reads them;
/// files without one are probed in a child process.
@Suite("HDF5Integrity: damaged files are refused before libhdf5 reads them")
struct HDF5IntegrityTests {
    func saved(_ folder: URL, name: String = "ckpt.h5") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try HDF5File.atomicSave(to: url) { file in
            try file.setAttribute("format", .string("marketgym-test"))
            let g = try file.createGroup("policy")
            try g.setAttribute("names", .strings(["a", "b", "c"]))
            try g.createDataset("w", values: sampleFloats(2000), shape: [40, 50])
        }
        return url
    }

    func modify(_ url: URL, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        change(&bytes)
        try Data(bytes).write(to: url)
    }

    @Test func atomicSaveWritesAHeaderThatVerifies() throws {
        try withTemporaryFolder { folder in
            let url = try saved(folder)
            #expect(try HDF5Integrity.check(url) == .verified)
            let head = String(decoding: try Data(contentsOf: url).prefix(64), as: UTF8.self)
            #expect(head.hasPrefix("marketgym-integrity 1\ncrc32 "))
            let size = try Data(contentsOf: url).count
            #expect(head.contains("bytes \(size - 512)\n"))
            // h5dump (libhdf5's own tool) reads the file past the user block.
            let dump = try runTool("/usr/bin/h5dump", ["-H", url.path])
            #expect(dump.status == 0)
            #expect(try HDF5File.open(url).stringAttribute("format") == "marketgym-test")
        }
    }

    @Test(arguments: [600, 700, 1000])
    func threeChangedBytesAreRefusedByName(offset: Int) throws {
        try withTemporaryFolder { folder in
            let url = try saved(folder)
            try modify(url) { bytes in for i in offset..<(offset + 3) { bytes[i] ^= 0x5A } }
            let error = hdf5Error { try HDF5File.open(url) }
            guard case .damaged(let file, let reason) = error else {
                Issue.record("expected damaged, got \(String(describing: error))")
                return
            }
            #expect(file == url.path)
            #expect(reason.contains("CRC-32"))
            #expect(error?.description.contains("Restore it from a good copy") == true)
        }
    }

    @Test func truncatedAndExtendedFilesAreRefused() throws {
        try withTemporaryFolder { folder in
            let url = try saved(folder)
            let good = try Data(contentsOf: url)
            try good.prefix(good.count - 100).write(to: url)
            guard case .damaged(_, let reason)? = hdf5Error({ try HDF5File.open(url) }) else { return }
            #expect(reason.hasPrefix("truncated"))
            try (good + Data([1, 2, 3])).write(to: url)
            guard case .damaged(_, let longer)? = hdf5Error({ try HDF5File.open(url) }) else { return }
            #expect(longer.hasPrefix("longer than written"))
        }
    }

    @Test func aDamagedHeaderIsRefusedNotIgnored() throws {
        try withTemporaryFolder { folder in
            let url = try saved(folder)
            // The magic line intact, the checksum digits changed.
            try modify(url) { bytes in bytes[28] = bytes[28] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0") }
            guard case .damaged? = hdf5Error({ try HDF5File.open(url) }) else { return }
        }
    }

    @Test func aFileWithoutHeaderIsProbedAndOpens() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("plain.h5")
            do { try HDF5File.create(at: url).createDataset("x", values: sampleFloats(100)) }
            #expect(try HDF5Integrity.check(url) == .noHeader)
            #expect(try HDF5File.open(url).openDataset("x").read(as: Float.self).values == sampleFloats(100))
        }
    }

    /// A checkpoint body (no integrity header) with three bytes changed, found by a random search
    /// with h5ls: libhdf5 1.10.8 segfaults walking it. The probe's child takes the crash.
    @Test func aFileThatCrashesLibhdf5IsRefusedByTheProbe() throws {
        let url = repositoryRoot().appendingPathComponent("Fuzz/Corpora/hdf5/libhdf5-segfault-3-bytes.h5")
        #expect(try HDF5Integrity.check(url) == .noHeader)
        let error = hdf5Error { try HDF5File.open(url) }
        guard case .damaged(let file, let reason) = error else {
            Issue.record("expected damaged, got \(String(describing: error))")
            return
        }
        #expect(file == url.path)
        #expect(reason.contains("libhdf5 crashed (signal 11)") || reason.contains("failed walking"))
    }

    @Test func readWriteOpenDropsTheHeaderSoLaterOpensProbe() throws {
        try withTemporaryFolder { folder in
            let url = try saved(folder)
            do {
                let file = try HDF5File.open(url, mode: .readWrite)
                try file.setAttribute("edited", .int(1))
                try file.close()
            }
            #expect(try HDF5Integrity.check(url) == .noHeader)
            #expect(try HDF5File.open(url).intAttribute("edited") == 1)
        }
    }
}
