import Foundation
import Testing
import TestSupport
@testable import Lab

@Suite struct MetricsLoggerTests {
    /// CRC-32C check value from RFC 3720 (iSCSI) test vectors: 32 bytes of zeros -> 0x8A9136AA.
    @Test func crc32cMatchesPublishedVector() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// The real client reads our event files: tensorboard's EventAccumulator.
    @Test func tensorboardReadsOurScalars() throws {
        let dir = try makeTemporaryDirectory()
        do {
            let logger = try MetricsLogger(runDirectory: dir)
            for step in 0..<5 {
                logger.log("train/loss", 1.0 / Double(step + 1), step: step * 100)
                logger.log("train/epsilon", 0.5, step: step * 100)
            }
            try logger.flush()
        }
        let script = """
        import sys, glob
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        acc = EventAccumulator(sys.argv[1]); acc.Reload()
        for tag in sorted(acc.Tags()['scalars']):
            for e in acc.Scalars(tag): print(tag, e.step, repr(e.value))
        """
        let result = try runPython(script: script, arguments: [dir.appendingPathComponent("tensorboard").path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 10)
        #expect(lines.contains("train/loss 200 \(Double(Float(1.0 / 3.0)))"))
        #expect(lines.contains("train/epsilon 400 0.5"))
    }

    @Test func csvIsLongFormatAndResumeDropsLaterRows() throws {
        let dir = try makeTemporaryDirectory()
        do {
            let logger = try MetricsLogger(runDirectory: dir, tensorBoard: false)
            for step in [10, 20, 30] { logger.log("a", Double(step), step: step) }
        }
        do {
            let logger = try MetricsLogger(runDirectory: dir, resumeAtStep: 20, tensorBoard: false)
            logger.log("a", 31, step: 30)
        }
        let text = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(text == "step,tag,value\n10,a,10.0\n20,a,20.0\n30,a,31.0\n")
    }
}
