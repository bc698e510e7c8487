/// The observation's element writers, shared by `ObservationBuilder` (the env and the vector env:
/// tables over a whole panel) and `BarObservation` (the trading daemon: one bar from a
/// `BarWindow`), so all produce the same bits from the same panel values.
extension ObservationBuilder {
    /// Checks the observation settings both builders need.
    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale.
    static func checkConfig(_ config: ObservationConfig) throws(MarketEnvError) {
        guard config.window >= 1 else { throw .invalidConfig(path: "observation.window", found: "\(config.window)", expected: "at least 1 bar") }
        guard config.clip > 0, config.clip.isFinite, config.returnScale.isFinite, config.returnScale > 0 else {
            throw .invalidConfig(path: "observation.clip/returnScale", found: "\(config.clip)/\(config.returnScale)", expected: "positive finite numbers")
        }
    }

    /// `x` clipped to [−clip, clip], NaN → 0: no element is ever NaN.
    @inline(__always)
    static func clipped(_ x: Float, _ clip: Float) -> Float { x.isNaN ? 0 : min(clip, max(-clip, x)) }

    /// A `logret` element: the panel's log return × scale, clipped.
    @inline(__always)
    static func returnElement(_ logReturn: Float, scale: Float, clip: Float) -> Float { clipped(logReturn * scale, clip) }

    /// The three state elements of one asset (`vol`, `tradable`, `pred_ok`) into `o[0...2]`.
    @inline(__always)
    static func writeState(volatility: Double, tradable: Bool, present: Bool, scale: Float, clip: Float, into o: UnsafeMutablePointer<Float>) {
        o[0] = clipped(Float(volatility) * scale, clip)
        o[1] = tradable ? 1 : 0
        o[2] = present ? 1 : 0
    }

    /// Sections 2 and 3 of one bar from its panel values into `o[0 ..< N·K + 3N]`: the N x K
    /// predictions (missing already 0), clipped, then `writeState` per asset.
    @inline(__always)
    static func writeRow(features f: UnsafeBufferPointer<Float>, volatility: UnsafeBufferPointer<Double>, tradable: UnsafeBufferPointer<Bool>,
                         present: UnsafeBufferPointer<Bool>, scale: Float, clip c: Float, into o: UnsafeMutablePointer<Float>) {
        let n = volatility.count
        for j in 0..<f.count { o[j] = clipped(f[j], c) }
        let s = o + f.count
        for i in 0..<n { writeState(volatility: volatility[i], tradable: tradable[i], present: present[i], scale: scale, clip: c, into: s + 3 * i) }
    }

    /// The held weights (N) and the portfolio elements (5) into `o[0 ..< N + 5]`.
    @inline(__always)
    static func writeHeld(weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, returnScale: Float, clip c: Float,
                          into o: UnsafeMutablePointer<Float>) {
        let n = weights.count
        for i in 0..<n { o[i] = clipped(Float(weights[i]), c) }
        let p = o + n
        p[0] = clipped(Float(portfolio.gross), c)
        p[1] = clipped(Float(portfolio.net), c)
        p[2] = clipped(Float(portfolio.drawdown), c)
        p[3] = clipped(Float(portfolio.time), c)
        p[4] = clipped(Float(portfolio.lastReturn * Double(returnScale)), c)
    }
}
