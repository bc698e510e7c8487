import CheckpointFormat
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PolicyRuntime
import Testing
import TestSupport

/// Issue 13 for `act`: corrupt hot reloads (crash 13), the quadratic reader (the hang), values
/// beyond Float's range (accepted wrongly 7) and non-positive prices (accepted wrongly 10).
@Suite struct ActReliabilityTests {
    /// Runs the JSON-lines server on `text` and returns its answer lines and error count.
    func serve(_ policy: Policy, _ text: Data, maxLineBytes: Int = ActServer.defaultMaxLineBytes) throws -> ([String], Int) {
        let input = Pipe(), output = Pipe()
        // Written from another thread: a pipe holds only 64 KiB.
        let writer = Thread { input.fileHandleForWriting.write(text); try? input.fileHandleForWriting.close() }
        writer.start()
        let collected = OutputCollector(output.fileHandleForReading)
        let errors = ActServer.run(policy: policy, input: input.fileHandleForReading, output: output.fileHandleForWriting, maxLineBytes: maxLineBytes)
        try output.fileHandleForWriting.close()
        let answers = String(decoding: collected.wait(), as: UTF8.self).split(separator: "\n").map(String.init)
        return (answers, errors)
    }

    func line(_ s: PolicySnapshot) throws -> Data { try JSONEncoder().encode(s) + Data([0x0A]) }

    @Test func aCorruptReplacementWithThreeChangedBytesKeepsTheOldPolicy() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (first, url, spec) = try PolicyFixtures.smallPolicy(in: dir, seed: 1, step: 100)
        let watcher = try PolicyWatcher(url: url)
        // The replacement: a good checkpoint with three metadata bytes changed, renamed into place.
        let incoming = dir.appendingPathComponent("incoming.h5")
        try PolicyFixtures.writeCheckpoint(spec, seed: 2, step: 200, to: incoming)
        var bytes = [UInt8](try Data(contentsOf: incoming))
        for i in 700..<703 { bytes[i] ^= 0xA5 }
        try Data(bytes).write(to: incoming)
        #expect(rename(incoming.path, url.path) == 0)
        guard case .reloadFailed(let error, let kept) = watcher.poll() else { Issue.record("corrupt file not reported"); return }
        #expect(kept == first.version && watcher.policy.version == first.version)
        #expect(error.description.contains("damaged") && error.description.contains("CRC-32"))
        let snapshot = PolicyFixtures.syntheticSnapshot(for: watcher.policy, seed: 3)
        #expect(try watcher.policy.targetWeights(for: snapshot).policyVersion == first.version)
    }

    @Test func aFiveMegabyteLineIsRefusedAndServingGoesOn() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try PolicyFixtures.smallPolicy(in: dir).0
        let good = PolicyFixtures.syntheticSnapshot(for: policy, seed: 7)
        var text = try line(good)
        text += Data("{\"assets\": [\"".utf8) + Data(repeating: UInt8(ascii: "A"), count: 5_000_000) + Data("\"]}\n".utf8)
        text += try line(good)
        let (answers, errors) = try serve(policy, text)
        #expect(errors == 1)
        #expect(answers.count == 3)
        guard answers.count == 3 else { return }
        #expect(answers[1].contains("\"line\":2") && answers[1].contains("over the limit of 1048576 bytes"))
        #expect(answers[1].contains("5000016 bytes long"))
        let expected = try policy.targetWeights(for: good)
        #expect(try JSONDecoder().decode(TargetWeights.self, from: Data(answers[2].utf8)) == expected)
    }

    @Test func theLineReaderSplitsAcrossChunksAndCountsSkippedLines() {
        var reader = ActServer.LineReader(maxLineBytes: 4)
        var events: [ActServer.LineReader.Event] = []
        for chunk in ["ab", "c\nabcdef", "gh\n\nxy", "z\n123456", "7"] { reader.feed(Array(chunk.utf8)) { events.append($0) } }
        reader.finish { events.append($0) }
        let abc: ArraySlice<UInt8> = ArraySlice(Array("abc".utf8))
        let xyz: ArraySlice<UInt8> = ArraySlice(Array("xyz".utf8))
        let expected: [ActServer.LineReader.Event] = [
            .line(number: 1, bytes: abc), .tooLong(number: 2, length: 8), .line(number: 3, bytes: []),
            .line(number: 4, bytes: xyz), .tooLong(number: 5, length: 7),
        ]
        #expect(events == expected)
    }

    @Test(arguments: [1, 4096, 1 << 20])
    func theReaderExaminesEachByteAtMostTwice(lineLength: Int) {
        // 8 MiB in 64 KiB chunks, lines of `lineLength` bytes: the former reader rescanned and
        // copied its whole pending buffer for every chunk and every line (quadratic: 55 s for one
        // 5 MB line). What is asserted is the count of bytes touched, not a time.
        var reader = ActServer.LineReader(maxLineBytes: 2 << 20)
        var input = [UInt8](repeating: 0x20, count: 8 << 20)
        for i in stride(from: lineLength, to: input.count, by: lineLength + 1) { input[i] = 0x0A }
        var lines = 0
        for start in stride(from: 0, to: input.count, by: 64 << 10) {
            reader.feed(input[start..<min(start + (64 << 10), input.count)]) { _ in lines += 1 }
        }
        reader.finish { _ in lines += 1 }
        #expect(lines == input.count / (lineLength + 1) + (input.count % (lineLength + 1) == 0 ? 0 : 1))
        #expect(reader.bytesExamined <= 2 * input.count)
    }

    @Test func valuesBeyondFloatRangeAreRefusedByName() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try PolicyFixtures.smallPolicy(in: dir).0
        var s = PolicyFixtures.syntheticSnapshot(for: policy, seed: 5)
        s.predictions[1][0] = 1e39
        var text = try line(s)
        s = PolicyFixtures.syntheticSnapshot(for: policy, seed: 5)
        s.closes[s.closes.count - 1][0] = -1e300
        text += try line(s)
        let (answers, errors) = try serve(policy, text)
        #expect(errors == 2)
        guard answers.count == 2 else { Issue.record("answers: \(answers)"); return }
        #expect(answers[0].contains("predictions[1][0] (asset \(policy.spec.assets[1])) (feature \(policy.featureNames[0]))"))
        #expect(answers[0].contains("Float's range") && answers[0].contains("1e+39"))
        #expect(answers[1].contains("closes[\(s.closes.count - 1)][0]") && answers[1].contains("Float's range"))
    }

    @Test func negativePricesAreRefusedUnderRejectAndMissingUnderAsMissing() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try PolicyFixtures.smallPolicy(in: dir).0
        var s = PolicyFixtures.syntheticSnapshot(for: policy, seed: 9)
        let last = s.closes.count - 1
        s.closes[last][2] = -5
        let (answers, errors) = try serve(policy, try line(s))
        #expect(errors == 1)
        #expect(answers.first?.contains("closes[\(last)][2] (asset \(policy.spec.assets[2]))") == true)
        #expect(answers.first?.contains("a positive price") == true)

        let lenient = try Policy.load(contentsOf: dir.appendingPathComponent("policy.h5"), options: Policy.Options(nonFinite: .asMissing))
        let checked = try s.checkedValues(nonPositivePricesAsMissing: true)
        #expect(checked.closes[last][2].isNaN)
        var missing = s
        missing.closes[last][2] = .nan
        let (served, lenientErrors) = try serve(lenient, try line(s))
        #expect(lenientErrors == 0)
        #expect(try JSONDecoder().decode(TargetWeights.self, from: Data((served.first ?? "").utf8)) == (try lenient.targetWeights(for: missing)))
    }
}

/// Reads a file handle to its end on another thread (so a writer never blocks on a full pipe).
final class OutputCollector: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    init(_ handle: FileHandle) {
        Thread { [self] in data = handle.readDataToEndOfFile(); done.signal() }.start()
    }
    func wait() -> Data { done.wait(); return data }
}
