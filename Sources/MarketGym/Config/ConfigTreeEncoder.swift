/// Encodes any `Encodable` value straight into a `ConfigValue` tree, keys in the order the type
/// encodes them.
///
/// With `listingNilOptionals`, an optional field that is nil is kept as an explicit null instead of
/// being left out (as `encodeIfPresent` does in every format): the tree then lists every key the
/// type reads, which is what `StrictDefaultsDecoding` checks a user's keys against, so an unset
/// optional (`timeframe`, `stamps`) is still an allowed key and a nearest-key suggestion.
public struct ConfigTreeEncoder {
    /// Keep nil optionals as nulls. Default false (the tree any format would write).
    public var listingNilOptionals = false

    public init(listingNilOptionals: Bool = false) { self.listingNilOptionals = listingNilOptionals }

    /// The tree `value` encodes to.
    /// - Throws: whatever the value's `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> ConfigValue {
        let root = TreeNode()
        try value.encode(to: TreeEncoder(node: root, codingPath: [], nils: listingNilOptionals))
        return root.value
    }
}

/// One value being built: unset, a scalar, a mapping or a list of child nodes.
private final class TreeNode {
    enum Kind { case unset, scalar(ConfigValue), keyed([(String, TreeNode)]), unkeyed([TreeNode]) }
    var kind = Kind.unset

    var value: ConfigValue {
        switch kind {
        case .unset: return .null
        case .scalar(let v): return v
        case .keyed(let pairs): return .mapping(pairs.map { ($0.0, $0.1.value) })
        case .unkeyed(let items): return .array(items.map(\.value))
        }
    }

    /// The child under `key` (replaced if the key was encoded before).
    func child(_ key: String) -> TreeNode {
        var pairs: [(String, TreeNode)] = []
        if case .keyed(let p) = kind { pairs = p }
        let node = TreeNode()
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = node } else { pairs.append((key, node)) }
        kind = .keyed(pairs)
        return node
    }

    /// A new last element.
    func append() -> TreeNode {
        var items: [TreeNode] = []
        if case .unkeyed(let i) = kind { items = i }
        let node = TreeNode()
        items.append(node)
        kind = .unkeyed(items)
        return node
    }

    var count: Int {
        if case .unkeyed(let i) = kind { return i.count }
        return 0
    }

    /// Stores a scalar, or encodes a nested value into this node.
    func store<T: Encodable>(_ value: T, codingPath: [any CodingKey], nils: Bool) throws {
        switch value {
        case let v as Bool: kind = .scalar(.bool(v))
        case let v as String: kind = .scalar(.string(v))
        case let v as Double: kind = .scalar(.double(v))
        case let v as Float: kind = .scalar(.double(Double(v)))
        case let v as Int: kind = .scalar(.int(v))
        case let v as any BinaryInteger: kind = .scalar(Int(exactly: v).map(ConfigValue.int) ?? .double(Double(v)))
        default: try value.encode(to: TreeEncoder(node: self, codingPath: codingPath, nils: nils))
        }
    }
}

private struct TreeEncoder: Encoder {
    let node: TreeNode
    let codingPath: [any CodingKey]
    let nils: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = node.kind {} else { node.kind = .keyed([]) }
        return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath, nils: nils))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = node.kind {} else { node.kind = .unkeyed([]) }
        return Unkeyed(node: node, codingPath: codingPath, nils: nils)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath, nils: nils) }
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TreeNode
    let codingPath: [any CodingKey]
    let nils: Bool

    mutating func encodeNil(forKey key: Key) throws { node.child(key.stringValue).kind = .scalar(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(value, forKey: key) }
    private func put<T: Encodable>(_ value: T, forKey key: Key) throws {
        try node.child(key.stringValue).store(value, codingPath: codingPath + [key], nils: nils)
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(value, forKey: key) }

    // Synthesized `encode(to:)` writes optionals through these; a nil is kept as null when listing.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    private func putIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try put(value, forKey: key) } else if nils { node.child(key.stringValue).kind = .scalar(.null) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try putIfPresent(value, forKey: key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key], nils: nils).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key], nils: nils).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.child("super"), codingPath: codingPath, nils: nils) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key], nils: nils)
    }
}

/// The unkeyed and single-value containers: every primitive goes through `put`.
private protocol PuttingContainer {
    mutating func put<T: Encodable>(_ value: T) throws
}

extension PuttingContainer {
    mutating func encode<T: Encodable>(_ value: T) throws { try put(value) }
    mutating func encode(_ value: Bool) throws { try put(value) }
    mutating func encode(_ value: String) throws { try put(value) }
    mutating func encode(_ value: Double) throws { try put(value) }
    mutating func encode(_ value: Float) throws { try put(value) }
    mutating func encode(_ value: Int) throws { try put(value) }
    mutating func encode(_ value: Int8) throws { try put(value) }
    mutating func encode(_ value: Int16) throws { try put(value) }
    mutating func encode(_ value: Int32) throws { try put(value) }
    mutating func encode(_ value: Int64) throws { try put(value) }
    mutating func encode(_ value: UInt) throws { try put(value) }
    mutating func encode(_ value: UInt8) throws { try put(value) }
    mutating func encode(_ value: UInt16) throws { try put(value) }
    mutating func encode(_ value: UInt32) throws { try put(value) }
    mutating func encode(_ value: UInt64) throws { try put(value) }
}

private struct Unkeyed: UnkeyedEncodingContainer, PuttingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]
    let nils: Bool
    var count: Int { node.count }

    mutating func encodeNil() throws { node.append().kind = .scalar(.null) }
    func put<T: Encodable>(_ value: T) throws { try node.append().store(value, codingPath: codingPath, nils: nils) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(node: node.append(), codingPath: codingPath, nils: nils).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(node: node.append(), codingPath: codingPath, nils: nils).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.append(), codingPath: codingPath, nils: nils) }
}

private struct Single: SingleValueEncodingContainer, PuttingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]
    let nils: Bool

    mutating func encodeNil() throws { node.kind = .scalar(.null) }
    func put<T: Encodable>(_ value: T) throws { try node.store(value, codingPath: codingPath, nils: nils) }
}
