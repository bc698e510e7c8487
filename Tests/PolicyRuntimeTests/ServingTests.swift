import CheckpointFormat
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PolicyRuntime
import Testing
import TestSupport

/// Serving: concurrent callers, hot reload with a corrupt replacement, the JSON-lines protocol.
@Suite struct ServingTests {
    @Test func concurrentCallersGetTheSequentialAnswers() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try PolicyFixtures.smallPolicy(in: dir, scheme: .weights, network: .gaussian).0
        let snapshots = (0..<32).map { PolicyFixtures.syntheticSnapshot(for: policy, seed: UInt64($0)) }
        let expected = try snapshots.map { try policy.targetWeights(for: $0) }
        // Different snapshots give different answers, so a mix-up between threads would show.
        #expect(Set(expected.map(\.weights)).count > 8)
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var bad = 0
                    for round in 0..<40 {
                        let i = (worker * 7 + round * 3) % snapshots.count
                        if try policy.targetWeights(for: snapshots[i]) != expected[i] { bad += 1 }
                    }
                    return bad
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func hotReloadSwapsValidFilesAndKeepsServingOnCorruptOnes() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (first, url, spec) = try PolicyFixtures.smallPolicy(in: dir, seed: 1, step: 100)
        let events = EventLog()
        let watcher = try PolicyWatcher(url: url) { events.append($0) }
        #expect(watcher.policy.version == first.version)
        #expect(watcher.poll() == nil) // unchanged

        // A new checkpoint, written atomically over the old path (as training does).
        try PolicyFixtures.writeCheckpoint(spec, seed: 2, step: 200, to: url)
        guard case .reloaded(let v2) = watcher.poll() else { Issue.record("no reload"); return }
        #expect(v2 != first.version && v2.hasPrefix("dqn-step200-"))
        #expect(watcher.policy.version == v2 && watcher.lastError == nil)

        // A corrupt replacement (truncated copy renamed into place): the old policy keeps serving.
        let bytes = try Data(contentsOf: url)
        let temp = dir.appendingPathComponent("incoming.tmp")
        try bytes.prefix(bytes.count / 3).write(to: temp)
        #expect(rename(temp.path, url.path) == 0)
        guard case .reloadFailed(let error, let kept) = watcher.poll() else { Issue.record("corrupt file not reported"); return }
        #expect(kept == v2 && watcher.policy.version == v2)
        #expect("\(error)".contains(url.path))
        #expect(watcher.lastError == error)
        #expect(watcher.poll() == nil) // reported once, not at every poll
        let snapshot = PolicyFixtures.syntheticSnapshot(for: watcher.policy, seed: 3)
        #expect(try watcher.policy.targetWeights(for: snapshot).policyVersion == v2)

        // The next good file is picked up again.
        try PolicyFixtures.writeCheckpoint(spec, seed: 3, step: 300, to: url)
        guard case .reloaded(let v3) = watcher.poll() else { Issue.record("no recovery"); return }
        #expect(v3.hasPrefix("dqn-step300-") && watcher.lastError == nil)
        #expect(events.count == 3)
    }

    @Test func backgroundPollingPicksUpAReplacement() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, url, spec) = try PolicyFixtures.smallPolicy(in: dir, seed: 1, step: 100)
        let watcher = try PolicyWatcher(url: url)
        watcher.start(interval: 0.02)
        defer { watcher.stop() }
        try PolicyFixtures.writeCheckpoint(spec, seed: 2, step: 500, to: url)
        var waited = 0
        while !watcher.policy.version.hasPrefix("dqn-step500-") && waited < 250 {
            try await Task.sleep(nanoseconds: 20_000_000)
            waited += 1
        }
        #expect(watcher.policy.version.hasPrefix("dqn-step500-"))
    }

    @Test func jsonLinesRoundTrip() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try PolicyFixtures.smallPolicy(in: dir).0
        let snapshots = (0..<5).map { PolicyFixtures.syntheticSnapshot(for: policy, seed: UInt64(100 + $0)) }
        var lines = try snapshots.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        var withNull = snapshots[0]
        withNull.predictions[0][1] = .nan
        withNull.id = "with-null"
        lines.insert(String(decoding: try JSONEncoder().encode(withNull), as: UTF8.self), at: 2)
        #expect(lines[2].contains("null"))
        lines.insert("{\"assets\": [\"AAA\"]", at: 1) // not JSON
        lines.insert("", at: 3) // blank: skipped
        let input = Pipe(), output = Pipe()
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let errors = ActServer.run(policy: policy, input: input.fileHandleForReading, output: output.fileHandleForWriting)
        try output.fileHandleForWriting.close()
        let answers = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(errors == 2)
        #expect(answers.count == 7)
        guard answers.count == 7 else { return }
        // Good lines: exactly what targetWeights returns, through JSON.
        let good = [0, 2, 4, 5, 6] // lines: s0, bad, s1, blank, null, s2, s3, s4
        for (k, snapshot) in zip(good, snapshots) {
            let decoded = try JSONDecoder().decode(TargetWeights.self, from: Data(answers[k].utf8))
            #expect(decoded == (try policy.targetWeights(for: snapshot)))
            #expect(decoded.policyVersion == policy.version && decoded.id == snapshot.id)
        }
        #expect(answers[1].contains("\"error\"") && answers[1].contains("\"line\":2"))
        // null = NaN; rejected by default, with the asset named and the id echoed.
        #expect(answers[3].contains("\"error\"") && answers[3].contains("AAA") && answers[3].contains("with-null") && answers[3].contains("\"line\":5"))
    }
}

/// Collects watcher events across threads.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [PolicyWatcher.Event] = []
    func append(_ e: PolicyWatcher.Event) { lock.lock(); events.append(e); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return events.count }
}
