import CHDF5

/// Reads the current thread's HDF5 error stack as text (innermost error last), with `H5Ewalk2`.
///
/// Must be called with the HDF5 lock held, right after the failing call: the next API call clears
/// the stack.
enum HDF5ErrorStack {
    private struct Entry {
        var major: hid_t
        var minor: hid_t
        var function: String
        var file: String
        var line: UInt32
        var description: String
    }

    private final class Collector {
        var entries: [Entry] = []
    }

    /// The error stack as lines `#n function() at file:line: description (major: ..., minor: ...)`,
    /// or a placeholder when the stack is empty.
    static func text() -> String {
        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        _ = withExtendedLifetime(collector) {
            H5Ewalk2(mg_H5E_DEFAULT(), H5E_WALK_DOWNWARD, { _, entry, data in
                guard let entry, let data else { return 0 }
                let collector = Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue()
                let e = entry.pointee
                collector.entries.append(Entry(
                    major: e.maj_num, minor: e.min_num,
                    function: e.func_name.map { String(cString: $0) } ?? "?",
                    file: e.file_name.map { String(cString: $0) } ?? "?",
                    line: e.line,
                    description: e.desc.map { String(cString: $0) } ?? ""
                ))
                return 0
            }, context)
        }
        if collector.entries.isEmpty { return "(HDF5 error stack is empty)" }
        // Message lookups happen after the walk: they are API calls of their own.
        return collector.entries.enumerated().map { index, e in
            "#\(index) \(e.function)() at \(e.file):\(e.line): \(e.description)"
                + " (major: \(message(e.major)), minor: \(message(e.minor)))"
        }.joined(separator: "\n")
    }

    private static func message(_ id: hid_t) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = H5Eget_msg(id, nil, &buffer, buffer.count)
        guard length > 0 else { return "?" }
        return String(decoding: buffer.prefix(min(Int(length), buffer.count - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
