import Foundation

/// Serves a policy from a checkpoint file and swaps in a new one when the file is replaced.
///
/// Deployment writes the new checkpoint atomically (temp file, fsync, rename — as `marketgym
/// train` does), so the watched path always names a whole file. `poll()` compares the file's
/// identity (inode, size, modification time) with the last one seen and, when it changed, loads
/// the new file; a failed load (corrupt, incomplete, other schema) keeps the old policy serving
/// and is reported through `lastError` and the `onEvent` callback. `start(interval:)` polls on a
/// background timer; tests call `poll()` directly.
///
/// Thread-safe: `policy` may be read from any thread while a reload happens; a caller holding the
/// old `Policy` finishes with it undisturbed (policies are immutable).
public final class PolicyWatcher: @unchecked Sendable {
    /// What happened at a poll.
    public enum Event: Sendable, Equatable {
        /// A new policy is serving.
        case reloaded(version: String)
        /// The file changed but could not be loaded; `version` keeps serving.
        case reloadFailed(error: PolicyRuntimeError, keptVersion: String)
    }

    /// The watched checkpoint path.
    public let url: URL
    /// Options used for every load.
    public let options: Policy.Options

    // Guarded by `lock`.
    private let lock = NSLock()
    private var current: Policy
    private var identity: FileIdentity?
    private var error: PolicyRuntimeError?
    private var timer: DispatchSourceTimer?
    private let onEvent: @Sendable (Event) -> Void

    struct FileIdentity: Equatable {
        var inode: UInt64
        var size: UInt64
        var modified: Double
    }

    /// Loads the policy at `url` and remembers the file's identity.
    /// - Parameters:
    ///   - url: the checkpoint to serve and watch.
    ///   - options: loading options for this and every later load.
    ///   - onEvent: called (on the polling thread) after each reload or failed reload.
    /// - Throws: `PolicyRuntimeError` when the first load fails (there is nothing to serve).
    public init(url: URL, options: Policy.Options = Policy.Options(), onEvent: @escaping @Sendable (Event) -> Void = { _ in }) throws(PolicyRuntimeError) {
        self.url = url
        self.options = options
        self.onEvent = onEvent
        identity = Self.identity(of: url)
        current = try Policy.load(contentsOf: url, options: options)
    }

    deinit {
        timer?.cancel()
    }

    /// The policy serving now.
    public var policy: Policy {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Why the last reload failed, or nil when the serving policy is the file's current content.
    public var lastError: PolicyRuntimeError? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }

    /// Checks the file once and reloads when it was replaced.
    /// - Returns: the event, or nil when the file did not change (or is momentarily absent).
    @discardableResult
    public func poll() -> Event? {
        guard let now = Self.identity(of: url) else { return nil }
        lock.lock()
        let changed = now != identity
        lock.unlock()
        guard changed else { return nil }
        let event: Event
        do {
            let fresh = try Policy.load(contentsOf: url, options: options)
            lock.lock()
            current = fresh
            identity = now
            error = nil
            lock.unlock()
            event = .reloaded(version: fresh.version)
        } catch {
            lock.lock()
            // Remember the failed file so it is not reloaded (and reported) at every poll.
            identity = now
            self.error = error
            let kept = current.version
            lock.unlock()
            event = .reloadFailed(error: error, keptVersion: kept)
        }
        onEvent(event)
        return event
    }

    /// Polls every `interval` seconds on a background queue until `stop()` or deinit.
    public func start(interval: Double = 1) {
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "PolicyWatcher"))
        t.schedule(deadline: .now() + interval, repeating: interval)
        t.setEventHandler { [weak self] in self?.poll() }
        lock.lock()
        timer?.cancel()
        timer = t
        lock.unlock()
        t.resume()
    }

    /// Stops background polling.
    public func stop() {
        lock.lock()
        timer?.cancel()
        timer = nil
        lock.unlock()
    }

    static func identity(of url: URL) -> FileIdentity? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
        let inode = (a[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        let size = (a[.size] as? NSNumber)?.uint64Value ?? 0
        let modified = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return FileIdentity(inode: inode, size: size, modified: modified)
    }
}
