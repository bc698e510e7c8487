import MarketGym
import Yams

/// Configurations as YAML spec trees: Yams encodes and decodes, `SpecValue.parse` and
/// `yamlString()` keep key order and the integer/real distinction (the coder `SpecDecoder` gives
/// `StrictDefaultsDecoding`).
struct YAMLConfigCoder: ConfigTreeCoder {
    func encode<T: Encodable>(_ value: T) throws -> ConfigValue {
        try SpecValue.parse(yaml: YAMLEncoder().encode(value), source: "<config>")
    }

    func decode<T: Decodable>(_ type: T.Type, from tree: ConfigValue) throws -> T {
        try YAMLDecoder(encoding: .utf8).decode(T.self, from: tree.yamlString())
    }
}
