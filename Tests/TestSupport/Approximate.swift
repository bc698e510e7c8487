/// Shared test helpers (mirrors swift-numerics' `_TestSupport`).

/// True when `a` and `b` agree to `relative` tolerance (scaled by the larger magnitude) or `absolute`.
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-5, absolute: Double = 1e-8) -> Bool {
    if a == b { return true }
    if a.isNaN || b.isNaN { return false }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

/// True when `a` and `b` agree to `relative` tolerance (scaled by the larger magnitude) or `absolute`.
public func isClose(_ a: Float, _ b: Float, relative: Float = 1e-5, absolute: Float = 1e-7) -> Bool {
    isClose(Double(a), Double(b), relative: Double(relative), absolute: Double(absolute))
}

/// Index and values of the first pair that is not close, or nil when all are.
public func firstMismatch<T: BinaryFloatingPoint>(
    _ a: [T], _ b: [T], relative: Double = 1e-5, absolute: Double = 1e-8
) -> (index: Int, a: T, b: T)? {
    precondition(a.count == b.count, "firstMismatch: counts differ, \(a.count) vs \(b.count)")
    for i in a.indices where !isClose(Double(a[i]), Double(b[i]), relative: relative, absolute: absolute) {
        return (i, a[i], b[i])
    }
    return nil
}
