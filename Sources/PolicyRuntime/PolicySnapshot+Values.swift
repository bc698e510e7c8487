extension PolicySnapshot {
    /// Checks the values a policy cannot act on correctly, before it acts: finite numbers beyond
    /// `Float`'s range (the network computes in `Float`, where they would silently become
    /// infinity), and closes or benchmark closes that are not positive (a price of 0 or -5 makes
    /// returns infinite or of the wrong sign).
    ///
    /// Non-finite values (NaN, null, infinity) are not this check's business: `Policy.Options.nonFinite`
    /// decides about them. Non-positive prices are refused under `.reject` and `.flat`; under
    /// `.asMissing` they become missing (NaN), as the env treats a missing close.
    ///
    /// - Parameter nonPositivePricesAsMissing: true under `.asMissing`.
    /// - Returns: the snapshot to act on (prices possibly marked missing).
    /// - Throws: `PolicyRuntimeError.malformedSnapshot` naming the field, row, column and asset.
    public func checkedValues(nonPositivePricesAsMissing: Bool) throws(PolicyRuntimeError) -> PolicySnapshot {
        let limit = Double(Float.greatestFiniteMagnitude)
        let range = "a value within Float's range (|x| <= 3.4028235e38, Float.greatestFiniteMagnitude)"
        func asset(_ i: Int) -> String { i < assets.count ? " (asset \(assets[i]))" : "" }
        func checkRange(_ x: Double, _ field: @autoclosure () -> String) throws(PolicyRuntimeError) {
            if x.isFinite && abs(x) > limit { throw .malformedSnapshot(field: field(), expected: range, found: "\(x)") }
        }
        var result = self
        for (r, row) in closes.enumerated() {
            for (i, x) in row.enumerated() {
                try checkRange(x, "closes[\(r)][\(i)]\(asset(i))")
                if x.isFinite && x <= 0 {
                    if nonPositivePricesAsMissing { result.closes[r][i] = .nan; continue }
                    throw .malformedSnapshot(field: "closes[\(r)][\(i)]\(asset(i))",
                                             expected: "a positive price (or null for a missing one; --non-finite as-missing treats non-positive prices as missing)",
                                             found: "\(x)")
                }
            }
        }
        for (r, x) in (benchmark ?? []).enumerated() {
            try checkRange(x, "benchmark[\(r)]")
            if x.isFinite && x <= 0 {
                if nonPositivePricesAsMissing { result.benchmark?[r] = .nan; continue }
                throw .malformedSnapshot(field: "benchmark[\(r)]", expected: "a positive benchmark close (or null)", found: "\(x)")
            }
        }
        for (i, row) in predictions.enumerated() {
            for (k, x) in row.enumerated() {
                let name = k < features.count ? " (feature \(features[k]))" : ""
                try checkRange(x, "predictions[\(i)][\(k)]\(asset(i))\(name)")
            }
        }
        for (i, x) in (weights ?? []).enumerated() { try checkRange(x, "weights[\(i)]\(asset(i))") }
        try checkRange(drawdown, "drawdown")
        try checkRange(time, "time")
        try checkRange(lastReturn, "lastReturn")
        return result
    }
}
