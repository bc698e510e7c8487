import Foundation  // NSLock: `Mutex` needs macOS 15, the package supports macOS 14
import MarketGym

/// Preallocated scratch for one caller of a `Policy`: the snapshot's closes and predictions, the
/// `BarWindow` the env's per-bar values are computed into, the observation, the network's
/// activations and the book. With it, `targetWeights(for:context:)` allocates nothing but the
/// answer itself, and not even that when the caller has let go of the previous answer (the
/// answer's arrays are the context's, copied on write).
///
/// Not thread-safe: one context per thread (or per daemon loop). Make it with
/// `policy.makeContext()`; it only serves the policy that made it. Calls without a context
/// (`targetWeights(for:)`, `act(observation:)`) borrow one from a small pool inside the policy, so
/// they are allocation-free after the first call per concurrent caller and safe from any thread.
///
/// ```swift
/// let context = policy.makeContext()          // once per daemon thread
/// for snapshot in feed {
///     let target = try policy.targetWeights(for: snapshot, context: context)
/// }
/// ```
public final class PolicyContext {
    /// The policy the context was made for (contexts are sized for it); weak, because the policy's
    /// pool holds contexts.
    weak var owner: Policy?
    let window: BarWindow?
    let closes: UnsafeMutableBufferPointer<Double>       // R x N, oldest first
    let benchmark: UnsafeMutableBufferPointer<Double>    // R (beta-neutral policies)
    let predictions: UnsafeMutableBufferPointer<Float>   // N x K
    let held: UnsafeMutableBufferPointer<Double>         // N
    let book: UnsafeMutableBufferPointer<Double>         // N
    let observation: UnsafeMutableBufferPointer<Float>   // the env's observation
    let input: UnsafeMutableBufferPointer<Float>         // normalized observation
    let outputs: UnsafeMutableBufferPointer<Float>       // network outputs
    let activations: UnsafeMutablePointer<Float>         // PolicyNetwork.scratchCount
    /// The last answer's arrays, reused when the caller no longer holds them.
    var answerWeights: [Double]
    var answerAction: [Double]

    init(policy: Policy, window: BarWindow?) {
        owner = policy
        self.window = window
        let n = policy.spec.assets.count, k = policy.featureNames.count, r = policy.requiredHistory
        closes = .allocate(capacity: r * n)
        benchmark = .allocate(capacity: r)
        predictions = .allocate(capacity: n * k)
        held = .allocate(capacity: n)
        book = .allocate(capacity: n)
        observation = .allocate(capacity: policy.observationSize)
        input = .allocate(capacity: policy.observationSize)
        outputs = .allocate(capacity: policy.network.outputCount)
        activations = .allocate(capacity: policy.network.scratchCount)
        for b in [closes, benchmark, held, book] { b.initialize(repeating: 0) }
        for b in [predictions, observation, input, outputs] { b.initialize(repeating: 0) }
        activations.initialize(repeating: 0, count: policy.network.scratchCount)
        answerWeights = [Double](repeating: 0, count: n)
        answerAction = [Double](repeating: 0, count: policy.network.branches.count)
    }

    deinit {
        for b in [closes, benchmark, held, book] { b.deallocate() }
        for b in [predictions, observation, input, outputs] { b.deallocate() }
        activations.deallocate()
    }
}

/// The contexts not in use, for calls made without one. Holds at most `capacity` (the peak number
/// of concurrent callers beyond it just make a context and drop it).
/// `@unchecked Sendable`: the list is only touched under `lock`, and a context taken out belongs to
/// one caller until it is given back.
final class PolicyContextPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [PolicyContext] = []
    private let capacity = 16

    init() { free.reserveCapacity(capacity) }

    func take() -> PolicyContext? {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast()
    }

    func give(_ context: PolicyContext) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < capacity { free.append(context) }
    }
}

extension Policy {
    /// A context (preallocated scratch) for calls on this policy from one thread; see `PolicyContext`.
    public func makeContext() -> PolicyContext { PolicyContext(policy: self, window: makeBarWindow()) }

    /// Runs `body` with a context borrowed from the policy's pool (or a new one), then returns it.
    func withContext<R, E: Error>(_ body: (PolicyContext) throws(E) -> R) throws(E) -> R {
        let context = contexts.take() ?? makeContext()
        defer { contexts.give(context) }
        return try body(context)
    }

    /// Throws unless `context` was made by this policy.
    func check(_ context: PolicyContext) throws(PolicyRuntimeError) {
        guard context.owner === self else {
            throw .environment("the PolicyContext was made by another Policy (\(version) was called); make one per policy with policy.makeContext()")
        }
    }
}
