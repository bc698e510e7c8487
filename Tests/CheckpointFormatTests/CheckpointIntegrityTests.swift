import Foundation
import Testing
import TestSupport
import HDF5
@testable import CheckpointFormat

/// The integrity header as the Python reference reader sees it: Python's zlib.crc32 (a reference
/// no one here wrote) agrees with the CRC-32 MarketGym records, and a damaged file is refused by
/// both readers before h5py or libhdf5 read it.
@Suite struct CheckpointIntegrityTests {
    func verify(_ url: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let script = repositoryRoot().appendingPathComponent("scripts").path
        return try runPython(script: """
            import sys; sys.path.insert(0, sys.argv[1])
            import read_checkpoint as r
            try:
                print('verified' if r.verify_integrity(sys.argv[2]) else 'no header')
                spec, params, norm = r.load_policy(sys.argv[2])
                print('loaded', sorted(params))
            except r.CheckpointError as e:
                print('refused:', e)
            """, arguments: [script, url.path])
    }

    @Test func pythonVerifiesTheHeaderAndRefusesChangedBytes() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ckpt.h5")
        try CheckpointTests.sample().write(to: url)
        let good = try verify(url)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("verified") && good.stdout.contains("loaded ['q.layers.0.bias', 'q.layers.0.weight']"), "\(good.stdout)")

        var bytes = [UInt8](try Data(contentsOf: url))
        for i in 800..<803 { bytes[i] &+= 1 }
        try Data(bytes).write(to: url)
        let bad = try verify(url)
        #expect(bad.stdout.contains("refused:") && bad.stdout.contains("CRC-32"), "\(bad.stdout)\(bad.stderr)")
        do {
            _ = try Checkpoint.read(from: url)
            Issue.record("a damaged checkpoint was read")
        } catch {
            #expect(error.description.contains("is damaged and was not opened"))
        }
    }
}
