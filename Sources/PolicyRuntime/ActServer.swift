import Foundation

/// The JSON-lines protocol of `marketgym act CHECKPOINT` (docs/policy-runtime.md): one snapshot
/// object per input line, one answer object per output line, in order, flushed after each line.
///
/// An answer is `TargetWeights` as JSON (`assets`, `weights`, `action`, `policyVersion`, and
/// `fallback`/`id` when set). A line that cannot be used gets `{"error": "...", "line": n}` (and
/// `policyVersion`) instead, and the server goes on with the next line, so one bad bar never stops
/// a daemon. Blank lines are skipped.
public enum ActServer {
    /// An error answer.
    struct ErrorLine: Encodable {
        let error: String
        let line: Int
        let policyVersion: String
        let id: String?
    }

    /// Reads snapshots from `input` until end of file and writes one answer line per snapshot.
    /// - Parameters:
    ///   - policy: returns the policy to act with for each line (a fixed policy, or a
    ///     `PolicyWatcher`'s current one for hot reload).
    ///   - input: where snapshots arrive (stdin for the CLI).
    ///   - output: where answers go (stdout for the CLI).
    /// - Returns: the number of lines answered with an error.
    @discardableResult
    public static func run(policy: () -> Policy, input: FileHandle, output: FileHandle) -> Int {
        var errors = 0
        var lineNumber = 0
        var pending = Data()
        func handle(_ line: Data) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            let (answer, failed) = respond(to: line, lineNumber: lineNumber, policy: policy())
            if failed { errors += 1 }
            output.write(answer + Data([0x0A]))
        }
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let nl = pending.firstIndex(of: 0x0A) {
                handle(pending[pending.startIndex..<nl])
                pending = Data(pending[(nl + 1)...])
            }
        }
        if !pending.isEmpty { handle(pending) }
        return errors
    }

    /// Runs with a fixed policy.
    @discardableResult
    public static func run(policy: Policy, input: FileHandle, output: FileHandle) -> Int {
        run(policy: { policy }, input: input, output: output)
    }

    /// The answer line (without newline) for one input line, and whether it is an error.
    public static func respond(to line: Data, lineNumber: Int, policy: Policy) -> (Data, Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var id: String?
        do {
            let snapshot = try JSONDecoder().decode(PolicySnapshot.self, from: line)
            id = snapshot.id
            let target = try policy.targetWeights(for: snapshot)
            return (try encoder.encode(target), false)
        } catch {
            let message: String
            if let e = error as? PolicyRuntimeError { message = e.description } else if let e = error as? DecodingError {
                message = "line \(lineNumber) is not a snapshot: \(Self.describe(e))"
            } else {
                message = "\(error)"
            }
            let answer = ErrorLine(error: message, line: lineNumber, policyVersion: policy.version, id: id)
            let data = (try? encoder.encode(answer)) ?? Data("{\"error\":\"internal encoding failure\",\"line\":\(lineNumber)}".utf8)
            return (data, true)
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)' at '\(path(c))'"
        case .typeMismatch(let type, let c): return "expected \(type) at '\(path(c))': \(c.debugDescription)"
        case .valueNotFound(let type, let c): return "expected \(type) at '\(path(c))', found null"
        case .dataCorrupted(let c): return "invalid JSON at '\(path(c))': \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}
