import ArgumentParser
import Foundation
import PolicyRuntime

struct ActCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "act",
        abstract: "Serve a policy over JSON lines: one snapshot per line on stdin, one line of target weights out.",
        discussion: """
        Each input line is a snapshot (assets, features, closes history, predictions, held weights; see
        docs/policy-runtime.md); each output line holds the dollar-neutral target weights computed by the
        same code as the environment, the action and the policy version. A bad line gets an error line
        and serving continues. With --watch, an atomically replaced checkpoint is swapped in; a bad
        replacement keeps the old policy serving and is reported on stderr.

        Examples:
          marketgym act runs/quickstart-20261122-031500/checkpoints/best.h5 < snapshots.jsonl
          tail -f bars.jsonl | marketgym act policy.h5 --watch --non-finite as-missing
        """
    )

    @Argument(help: "The checkpoint to act with.") var checkpoint: String
    @Flag(help: "Reload the checkpoint when it is atomically replaced.") var watch = false
    @Option(help: "Non-finite inputs: reject (error line), as-missing (as the env treats missing data), flat (zero weights).")
    var nonFinite: String = "reject"
    @Option(help: "The longest input line served, in bytes; a longer line gets an error line and is skipped.")
    var maxLineBytes: Int = ActServer.defaultMaxLineBytes

    func run() throws {
        printBLASNote()
        var options = Policy.Options()
        switch nonFinite {
        case "reject": options.nonFinite = .reject
        case "as-missing": options.nonFinite = .asMissing
        case "flat": options.nonFinite = .flat
        default: throw ValidationError("--non-finite must be reject, as-missing or flat, got '\(nonFinite)'")
        }
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be > 0, got \(maxLineBytes)") }
        let url = URL(fileURLWithPath: checkpoint)
        do {
            if watch {
                let watcher = try PolicyWatcher(url: url, options: options) { event in
                    FileHandle.standardError.write(Data("marketgym act: \(event)\n".utf8))
                }
                watcher.start(interval: 1)
                ActServer.run(policy: { watcher.policy }, input: .standardInput, output: .standardOutput, maxLineBytes: maxLineBytes)
            } else {
                let policy = try Policy.load(contentsOf: url, options: options)
                ActServer.run(policy: policy, input: .standardInput, output: .standardOutput, maxLineBytes: maxLineBytes)
            }
        } catch {
            throw fail(error)
        }
    }
}
