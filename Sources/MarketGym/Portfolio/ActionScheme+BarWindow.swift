/// `ActionScheme`'s raw book at one bar from a `BarWindow` (the trading daemon's per-bar path), and
/// the book arithmetic it shares with `rawBook(_:panel:bar:into:)`.
extension ActionScheme {
    /// Writes the raw book for `action` at the window's last bar into `w` (N values).
    /// - Throws: `EnvironmentError.invalidAction` (before writing anything) when the action is not of
    ///   this scheme or out of range.
    public func rawBook(_ action: Action, window: BarWindow, into w: UnsafeMutableBufferPointer<Double>) throws(EnvironmentError) {
        try validate(action)
        if case .discrete(let a) = action {
            let f = window.features, tr = window.tradable, ok = window.featuresPresent
            guard let fb = f.baseAddress, let tb = tr.baseAddress, let ob = ok.baseAddress else { return }
            Self.predictionBook(count: window.assetCount, signal: fb + window.signalIndex, stride: window.featureCount,
                                tradable: tb, present: ob, gross: grossLevels[a], into: w)
        } else {
            directBook(action, into: w)
        }
    }

    /// The books that need no market data: `perAsset` levels and `weights` scores × maxWeight.
    /// - Precondition: `action` was validated and is not `.discrete`.
    @inline(__always)
    func directBook(_ action: Action, into w: UnsafeMutableBufferPointer<Double>) {
        switch action {
        case .discrete: preconditionFailure("ActionScheme.directBook: a sizing action needs the prediction book")
        case .multiDiscrete(let a):
            for i in 0..<assetCount { w[i] = perAssetLevels[a[i]] * maxWeight }
        case .continuous(let a):
            for i in 0..<assetCount { w[i] = Double(a[i]) * maxWeight }
        }
    }

    /// The prediction book over one bar's row: `signal[i * stride]` is asset i's signal feature.
    /// See `predictionBook(panel:bar:gross:into:)`.
    @inline(__always)
    static func predictionBook(count n: Int, signal: UnsafePointer<Float>, stride k: Int, tradable tr: UnsafePointer<Bool>,
                               present ok: UnsafePointer<Bool>, gross: Double, into w: UnsafeMutableBufferPointer<Double>) {
        var sum = 0.0, m = 0
        for i in 0..<n {
            if tr[i] && ok[i] { let v = Double(signal[i * k]); w[i] = v; sum += v; m += 1 } else { w[i] = 0 }
        }
        guard m >= 2 else { for i in 0..<n { w[i] = 0 }; return }
        let mean = sum / Double(m)
        var l1 = 0.0
        for i in 0..<n where tr[i] && ok[i] { w[i] -= mean; l1 += abs(w[i]) }
        // Unit book first, then the gross: the env caches the unit book per bar, and
        // this order makes the cached and the direct results bit-identical.
        let scale = l1 > 1e-12 ? 1 / l1 : 0
        for i in 0..<n { w[i] = (w[i] * scale) * gross }
    }
}
