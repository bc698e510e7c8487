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

    /// The longest input line served, in bytes (1 MiB). A snapshot of 1,000 assets with a dozen
    /// prediction features is ~250 KB of JSON; a longer line is answered with an error line (its
    /// bytes are skipped as they arrive, never held) and serving goes on with the next line.
    public static let defaultMaxLineBytes = 1 << 20

    /// Reads snapshots from `input` until end of file and writes one answer line per snapshot.
    ///
    /// - Complexity: O(n) in the bytes read: each byte is scanned for a newline once, and consumed
    ///   lines are dropped once per chunk (a 5 MB line took 55 s with the former rescanning reader).
    /// - Parameters:
    ///   - policy: returns the policy to act with for each line (a fixed policy, or a
    ///     `PolicyWatcher`'s current one for hot reload).
    ///   - input: where snapshots arrive (stdin for the CLI).
    ///   - output: where answers go (stdout for the CLI).
    ///   - maxLineBytes: lines longer than this get an error line instead of an answer.
    /// - Returns: the number of lines answered with an error.
    @discardableResult
    public static func run(policy: () -> Policy, input: FileHandle, output: FileHandle, maxLineBytes: Int = defaultMaxLineBytes) -> Int {
        var reader = LineReader(maxLineBytes: maxLineBytes)
        var errors = 0
        func emit(_ event: LineReader.Event) {
            let answer: Data
            switch event {
            case let .line(number, bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
                let (data, failed) = respond(to: Data(bytes), lineNumber: number, policy: policy())
                if failed { errors += 1 }
                answer = data
            case let .tooLong(number, length):
                errors += 1
                answer = tooLongAnswer(lineNumber: number, length: length, limit: maxLineBytes, policy: policy())
            }
            output.write(answer + Data([0x0A]))
        }
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { break }
            reader.feed(chunk, emit)
        }
        reader.finish(emit)
        return errors
    }

    /// The error line for a line over the limit.
    static func tooLongAnswer(lineNumber: Int, length: Int, limit: Int, policy: Policy) -> Data {
        let message = "line \(lineNumber) is \(length) bytes long, over the limit of \(limit) bytes per snapshot (ActServer.defaultMaxLineBytes); it was skipped. Send one snapshot per line, or raise the limit with --max-line-bytes."
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let answer = ErrorLine(error: message, line: lineNumber, policyVersion: policy.version, id: nil)
        return (try? encoder.encode(answer)) ?? Data("{\"error\":\"line too long\",\"line\":\(lineNumber)}".utf8)
    }

    /// Runs with a fixed policy.
    @discardableResult
    public static func run(policy: Policy, input: FileHandle, output: FileHandle, maxLineBytes: Int = defaultMaxLineBytes) -> Int {
        run(policy: { policy }, input: input, output: output, maxLineBytes: maxLineBytes)
    }

    /// The answer line (without newline) for one input line, and whether it is an error.
    public static func respond(to line: Data, lineNumber: Int, policy: Policy) -> (Data, Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var id: String?
        do {
            let snapshot = try JSONDecoder().decode(PolicySnapshot.self, from: line)
            id = snapshot.id
            let checked = try snapshot.checkedValues(nonPositivePricesAsMissing: policy.options.nonFinite == .asMissing)
            let target = try policy.targetWeights(for: checked)
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
