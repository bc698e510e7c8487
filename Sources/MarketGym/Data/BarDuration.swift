/// Bar lengths written as `30s`, `15m`, `90m`, `1h`, `2h`, `1d`.
public enum BarDuration {
    /// Seconds in `text` (`<positive integer><s|m|h|d>`), nil when it does not parse.
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n > 0, n < 1_000_000 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86_400
        default: return nil
        }
    }

    /// The shortest text for a length in seconds (`7200` gives `2h`).
    public static func text(_ seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
