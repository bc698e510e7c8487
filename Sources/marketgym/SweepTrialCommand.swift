import ArgumentParser
import Foundation
import Lab
#if canImport(Glibc)
import Glibc
#endif

struct SweepTrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep-trial",
        abstract: "Run exactly one trial of a sweep folder (what a scheduler calls); writes trials/<index>/result.json.",
        discussion: """
        Exit status: 0 completed, 1 the trial failed (its error is in result.json; not retried unless
        `marketgym sweep --retry-failed`), 2 a problem with the sweep folder (nothing written),
        130 stopped by a signal (a checkpoint, no result: the next resume continues it).

        Example (a Slurm array task):
          marketgym sweep-trial runs/sweep-reward-shaping "$SLURM_ARRAY_TASK_ID"
        """
    )

    @Argument(help: "The sweep folder (written by `marketgym sweep`).") var sweepDir: String
    @Argument(help: "The trial index (0-based).") var index: String
    @Option(help: "Train only to this many environment steps (a successive-halving rung).") var budget: Int?
    @Flag(help: "Print no training log.") var quiet = false

    func run() throws {
        StopSignal.install()
        watchParent()
        let outcome: SweepTrialRun.Outcome
        do {
            outcome = try SweepTrialRun.run(directory: URL(fileURLWithPath: sweepDir), index: index, budget: budget, log: { if !quiet { print($0) } })
        } catch {
            FileHandle.standardError.write(Data("error: \(String(describing: error))\n".utf8))
            throw ExitCode(2)
        }
        switch outcome {
        case .completed(let r):
            print(String(format: "trial %d completed: %d steps in %.1f s on %@", r.index, r.steps, r.wallSeconds, r.host))
        case .failed(let r):
            FileHandle.standardError.write(Data("trial \(r.index) failed: \(r.error ?? "")\n".utf8))
            throw ExitCode(1)
        case .interrupted:
            print("trial \(index) stopped; checkpoint written, no result (a resume continues it)")
            throw ExitCode(130)
        }
    }

    /// A trial started by the local executor stops (checkpoint, no result) when the sweep process is
    /// gone, even if it was killed with SIGKILL and could not stop its children: no orphan trains on.
    private func watchParent() {
        guard let text = ProcessInfo.processInfo.environment["MARKETGYM_SWEEP_PARENT"], let parent = Int32(text) else { return }
        Thread.detachNewThread {
            while getppid() == parent { usleep(200_000) }
            kill(getpid(), SIGTERM)
        }
    }
}
