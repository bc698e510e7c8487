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
            _ = signals.book(count: window.assetCount, row: fb, stride: window.featureCount,
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
}
