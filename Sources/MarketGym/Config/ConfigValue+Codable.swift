/// A tree read from, or written to, any `Codable` format (JSON in checkpoints and run folders).
///
/// Decoding tries, in order: null, Bool, Int, Double, String, a list, a mapping, so JSON `1` stays
/// an integer and `0.5` a number. Mappings decoded from a format that does not keep key order
/// (Foundation's JSON) come back in the decoder's order; nothing here depends on it but messages.
extension ConfigValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { self = .null; return }
            if let b = try? single.decode(Bool.self) { self = .bool(b); return }
            if let i = try? single.decode(Int.self) { self = .int(i); return }
            if let d = try? single.decode(Double.self) { self = .double(d); return }
            if let s = try? single.decode(String.self) { self = .string(s); return }
        }
        if var list = try? decoder.unkeyedContainer() {
            var items: [ConfigValue] = []
            while !list.isAtEnd { items.append(try list.decode(ConfigValue.self)) }
            self = .array(items)
            return
        }
        let map = try decoder.container(keyedBy: ConfigKey.self)
        var pairs: [(key: String, value: ConfigValue)] = []
        for key in map.allKeys { pairs.append((key.stringValue, try map.decode(ConfigValue.self, forKey: key))) }
        self = .mapping(pairs)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b): try b.encode(to: encoder)
        case .int(let i): try i.encode(to: encoder)
        case .double(let d): try d.encode(to: encoder)
        case .string(let s): try s.encode(to: encoder)
        case .array(let items): try items.encode(to: encoder)
        case .mapping(let pairs):
            var c = encoder.container(keyedBy: ConfigKey.self)
            for (key, value) in pairs { try c.encode(value, forKey: ConfigKey(stringValue: key)) }
        }
    }
}

/// A coding key that is any string: the keys of a `ConfigValue` mapping.
struct ConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
