import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a set of trials of a sweep folder somewhere: local processes or a scheduler. Every
/// executor runs the same `sweep-trial` contract, so their results are the same bits.
public protocol SweepExecutor: Sendable {
    /// Runs the trials `indices` (to `budget` steps, a successive-halving rung, or to the end) and
    /// returns when they have ended. Results are read from the sweep folder afterwards.
    /// - Returns: false when a stop signal interrupted the run (finished results stay in place).
    func run(_ indices: [Int], budget: Int?, say: @escaping @Sendable (String) -> Void) throws -> Bool
    /// Runs trials as `source` hands them out, asking it whenever a worker (a local process slot, a
    /// Slurm task slot) frees, until it says `finished` (asynchronous successive halving).
    /// - Returns: false when a stop signal interrupted the run (finished results stay in place).
    func run(_ source: any TrialSource, say: @escaping @Sendable (String) -> Void) throws -> Bool
}

/// What a free worker runs next.
public enum NextTrial: Sendable, Equatable {
    /// Trial `index`, to `budget` steps (a rung) or to the end (nil).
    case run(index: Int, budget: Int?)
    /// Nothing to start until a running trial ends.
    case wait
    /// Nothing runs and nothing is left.
    case finished
}

/// Hands trials to an executor as its workers free. Called from several threads at once.
public protocol TrialSource: Sendable {
    func next() -> NextTrial
    /// The trial's process ended (its result, if any, is in the sweep folder now).
    func ended(index: Int, budget: Int?)
}

/// A fixed list of trials, in order, all to one budget.
final class FixedTrials: TrialSource {
    private let queue: Mutex<(pending: [Int], running: Int)>
    private let budget: Int?
    init(_ indices: [Int], budget: Int?) { queue = Mutex((indices, 0)); self.budget = budget }
    func next() -> NextTrial {
        queue.withLock { q in
            guard !q.pending.isEmpty else { return q.running == 0 ? .finished : .wait }
            q.running += 1
            return .run(index: q.pending.removeFirst(), budget: budget)
        }
    }
    func ended(index: Int, budget: Int?) { queue.withLock { $0.running -= 1 } }
}

/// Runs trials as child processes of this one, `workers` at a time.
///
/// Each trial is a separate process (a crash cannot take the sweep down; trials run in parallel).
/// On a stop signal (Ctrl-C, `kill`), every running child gets SIGTERM, which makes it write a
/// checkpoint and exit without a result, and SIGKILL if it is still running `killAfter` seconds
/// later; no new child starts: no orphan keeps running. A child's
/// output goes to `trials/<index>/trial.log`.
public struct LocalExecutor: SweepExecutor {
    public let folder: SweepFolder
    public let workers: Int
    /// TensorCore threads per trial (`MARKETGYM_THREADS`).
    public let threads: Int
    /// The command line of one trial: executable and arguments (normally `marketgym sweep-trial DIR INDEX`).
    public let command: @Sendable (_ index: Int, _ budget: Int?) -> (executable: URL, arguments: [String])
    /// Polled while children run; true stops them.
    public let shouldStop: @Sendable () -> Bool
    /// Seconds a stopped child has to write its checkpoint before SIGKILL. Default 60: a
    /// checkpoint of the bundled agents takes well under a second; this leaves room for a slow disk.
    public let killAfter: Double

    public init(folder: SweepFolder, workers: Int, threads: Int, killAfter: Double = 60, shouldStop: @escaping @Sendable () -> Bool = { StopSignal.isRequested },
                command: @escaping @Sendable (_ index: Int, _ budget: Int?) -> (executable: URL, arguments: [String])) {
        precondition(workers >= 1, "LocalExecutor: workers must be >= 1, got \(workers)")
        self.folder = folder
        self.workers = workers
        self.threads = threads
        self.shouldStop = shouldStop
        self.killAfter = killAfter
        self.command = command
    }

    public func run(_ indices: [Int], budget: Int?, say: @escaping @Sendable (String) -> Void) throws -> Bool {
        try run(FixedTrials(indices, budget: budget), workers: min(workers, max(indices.count, 1)), say: say)
    }

    public func run(_ source: any TrialSource, say: @escaping @Sendable (String) -> Void) throws -> Bool {
        try run(source, workers: workers, say: say)
    }

    /// `workers` threads, each running one child process at a time; a thread whose source says
    /// `wait` polls again every 20 ms (a promotion needs another trial's result first).
    private func run(_ source: any TrialSource, workers: Int, say: @escaping @Sendable (String) -> Void) throws -> Bool {
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                // Children inherit this thread's signal mask: clear it, so SIGTERM reaches them
                // even when the sweep was started from a thread that blocks signals.
                var none = sigset_t()
                sigemptyset(&none)
                pthread_sigmask(SIG_SETMASK, &none, nil)
                loop: while !shouldStop() {
                    switch source.next() {
                    case let .run(index, budget):
                        runOne(index, budget: budget, say: say)
                        source.ended(index: index, budget: budget)
                    case .wait: usleep(20_000)
                    case .finished: break loop
                    }
                }
                group.leave()
            }
        }
        group.wait()
        return !shouldStop()
    }

    private func runOne(_ index: Int, budget: Int?, say: @Sendable (String) -> Void) {
        let logURL = folder.trialDirectory(index).appendingPathComponent("trial.log")
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let (exe, args) = command(index, budget)
        let process = Process()
        process.executableURL = exe
        process.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment["MARKETGYM_THREADS"] = String(threads)
        environment["MARKETGYM_SWEEP_PARENT"] = String(ProcessInfo.processInfo.processIdentifier)
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let handle = FileHandle(forWritingAtPath: logURL.path)
        handle?.seekToEndOfFile()
        if let handle {
            process.standardOutput = handle
            process.standardError = handle
        }
        defer { try? handle?.close() }
        do { try process.run() } catch {
            say("[trial \(index)] could not start \(exe.path): \(error.localizedDescription)")
            return
        }
        var terminated: Date?
        while process.isRunning {
            if shouldStop() && terminated == nil {
                process.terminate()
                terminated = Date()
            }
            if let t = terminated, Date().timeIntervalSince(t) > killAfter {
                kill(process.processIdentifier, SIGKILL)
                terminated = .distantFuture
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        if process.terminationStatus != 0 && terminated == nil {
            say("[trial \(index)] exited with status \(process.terminationStatus); log: \(logURL.path)")
        }
    }
}
