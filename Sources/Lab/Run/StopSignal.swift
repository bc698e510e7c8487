import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a flag the training loop polls, so Ctrl-C writes a checkpoint and
/// exits cleanly instead of killing the process mid-write.
///
/// The handler only stores to an atomic flag (async-signal-safe). A second signal while a stop is
/// already pending restores the default action, so pressing Ctrl-C twice still ends a stuck run.
public enum StopSignal {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// Installs the handlers (idempotent).
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            if StopSignal.flag != 0 {
                signal(sig, SIG_DFL)
                raise(sig)
                return
            }
            StopSignal.flag = 1
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A process started from a thread that blocks signals (libdispatch's worker threads do)
        // inherits that mask: unblock ours, or `kill`, `scancel` and Ctrl-C would not reach the handler.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// True once SIGINT or SIGTERM arrived.
    public static var isRequested: Bool { flag != 0 }

}
