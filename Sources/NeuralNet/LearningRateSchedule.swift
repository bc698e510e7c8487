/// A learning rate as a function of the step count.
public enum LearningRateSchedule: Sendable, Hashable, Codable {
    /// The same rate at every step.
    case constant(Double)
    /// From `start` at step 0 to `end` at step `steps`, linearly, then `end` (SB3's linear schedule).
    case linear(start: Double, end: Double, steps: Int)
    /// From `start` at step 0 to `end` at step `steps` along a half cosine, then `end`
    /// (Loshchilov & Hutter 2017, SGDR without restarts).
    case cosine(start: Double, end: Double, steps: Int)

    /// The rate to use for step `step` (0-based).
    public func value(at step: Int) -> Double {
        switch self {
        case .constant(let lr): return lr
        case .linear(let start, let end, let steps):
            let f = steps <= 0 ? 1 : min(1, Double(max(step, 0)) / Double(steps))
            return start * (1 - f) + end * f  // exact at both ends
        case .cosine(let start, let end, let steps):
            let f = steps <= 0 ? 1 : min(1, Double(max(step, 0)) / Double(steps))
            return end + 0.5 * (start - end) * (1 + _cos(Double.pi * f))
        }
    }
}
