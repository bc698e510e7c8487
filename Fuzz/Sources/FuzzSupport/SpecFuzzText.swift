/// The `--set` lines of a spec fuzz input: lines starting with `#set ` are passed as `--set`
/// arguments (YAML reads them as comments, so the document is unchanged).
public enum SpecFuzzText {
    /// The arguments of the input's `#set ` lines, in order.
    public static func setArguments(in text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("#set ") }.map { String($0.dropFirst(5)) }
    }
}
