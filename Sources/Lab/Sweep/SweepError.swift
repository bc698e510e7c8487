import Foundation

/// Problems with a sweep folder or its executor that a user can fix. Each names the file or
/// command, what was found, what was expected, and the fix.
public enum SweepError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// `sweep.json` was written by another format version of MarketGym.
    case foreignVersion(file: String, found: String, expected: Int)
    /// The folder holds a sweep whose resolved trials differ from the ones asked for now.
    case planChanged(file: String, detail: String)
    /// Another process holds the lock (sweep or trial).
    case locked(file: String, holder: String)
    /// A trial index outside the sweep.
    case noSuchTrial(folder: String, index: String, count: Int)
    /// A scheduler command is not installed.
    case commandNotFound(command: String, path: String)
    /// A scheduler command failed.
    case schedulerFailed(command: String, status: Int32, output: String, fix: String)
    /// A sweep setting the executor cannot honour.
    case badSetting(file: String, path: String, found: String, expected: String)
    /// A line of the successive-halving journal (`asha.jsonl`) that is not a decision of this sweep.
    case damagedJournal(file: String, line: Int, found: String, expected: String)

    public var description: String {
        switch self {
        case let .foreignVersion(file, found, expected):
            return "\(file): this sweep folder was written by another version of marketgym (format \(found); this one reads format \(expected)). Nothing was changed: run the sweep into a new folder (--out), or use the marketgym version that wrote it."
        case let .planChanged(file, detail):
            return "\(file): this folder holds a sweep with different trials (\(detail)); reusing its results would put old numbers under new labels. Nothing was changed: run the edited sweep into a new folder (--out DIR or a new `name:`), or delete the old folder if its results are no longer wanted."
        case let .locked(file, holder):
            return "\(file): in use by \(holder). Wait for it to finish or stop that process; the lock frees itself when the process ends."
        case let .noSuchTrial(folder, index, count):
            return "\(folder): no trial '\(index)'; this sweep has trials 0...\(count - 1)."
        case let .commandNotFound(command, path):
            return "`\(command)` not found on PATH (\(path)). Run on a Slurm login node, install Debian's slurm-client, or use --executor local; --dry-run prints the script without submitting."
        case let .schedulerFailed(command, status, output, fix):
            return "`\(command)` failed (exit status \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines)). \(fix)"
        case let .badSetting(file, path, found, expected):
            return "\(file): bad value at '\(path)': found \(found); expected \(expected)."
        case let .damagedJournal(file, line, found, expected):
            return "\(file):\(line): not a successive-halving decision: found `\(found)`; expected \(expected). Nothing was changed: the folder was edited or belongs to another sweep; run the sweep into a new folder (--out), or delete asha.jsonl to rebuild the decisions from the rung results alone."
        }
    }

    public var errorDescription: String? { description }
}
