import MarketGym
import Yams

/// Configurations as YAML spec trees (the coder `SpecDecoder` gives `StrictDefaultsDecoding`):
/// values encode straight into the tree (`ConfigTreeEncoder`, keys in declaration order, every
/// double exact) and decode with Yams' `YAMLDecoder`. Neither writes or parses YAML text; `SpecValue.parse`
/// and `yamlString()` do that at the edges (spec files in, `config.yaml` out).
///
/// Until 2026-12-04 both went through text (Yams' encoder, then our parser; our writer, then Yams'
/// parser): two round trips per configuration section, about 60 % of the spec decoder's time.
/// Yams' encoder also wrote doubles with 15 significant digits (`0.30000000000000004` became `0.3`);
/// the tree keeps all 17.
struct YAMLConfigCoder: ConfigTreeCoder {
    func encode<T: Encodable>(_ value: T) throws -> ConfigValue {
        try ConfigTreeEncoder().encode(value)
    }

    /// Decodes with Yams' `YAMLDecoder` from the node Yams would compose from `tree.yamlString()`
    /// (`yamlNode()`), without writing and parsing the text: the same scalars, styles and tags,
    /// so the same values and the same errors (`YAMLNodeDecodingTests` compares the two with
    /// hostile values at every key of every configuration).
    func decode<T: Decodable>(_ type: T.Type, from tree: ConfigValue) throws -> T {
        try YAMLDecoder().decode(T.self, from: tree.yamlNode())
    }
}

extension SpecValue {
    /// The node Yams composes when it parses `yamlString()`: what `YAMLDecoder` would decode from
    /// the written text, built directly. Scalars are plain with an implicit tag (Yams resolves
    /// `null`, `true`, `3`, `0.5` as it would on reading), except the strings the writer quotes,
    /// which are double-quoted with the `str` tag (so `"3"` or `"yes"` stays text, as read back).
    func yamlNode() -> Node {
        switch self {
        case .null, .bool, .int, .double:
            return .scalar(.init(Self.scalarText(self), Self.tag(.implicit), .plain))
        case .string(let s):
            return Self.stringNode(s)
        case .array(let items):
            return .sequence(.init(items.map { $0.yamlNode() }, Self.tag(.implicit)))
        case .mapping(let pairs):
            return .mapping(.init(pairs.map { (Self.stringNode($0.key), $0.value.yamlNode()) }, Self.tag(.implicit)))
        }
    }

    /// A string as the writer puts it (`writesPlain`): plain when it reads back as itself, else quoted.
    private static func stringNode(_ s: String) -> Node {
        writesPlain(s) ? .scalar(.init(s, tag(.implicit), .plain)) : .scalar(.init(s, tag(.str), .doubleQuoted))
    }

    /// The resolver `YAMLDecoder` parses text with (only `<<` resolves to anything but a string).
    private static let decoderResolver = Resolver.basic.appending(.merge)

    /// A tag as `YAMLDecoder`'s parser gives it. A new one per node: Yams resolves a tag in place.
    private static func tag(_ name: Tag.Name) -> Tag { Tag(name, decoderResolver, .default) }
}
