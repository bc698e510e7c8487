import Foundation
import Testing
import MarketGym

/// The pieces of `StrictDefaultsDecoding` on their own (the generic check over every config struct
/// is LabTests' `StrictDecodingTests`).
@Suite struct StrictDefaultsDecodingTests {
    private struct Leg: Codable, Equatable {
        var name = ""
        var weight = 1.0
        var tag: String? = nil
    }

    private struct Book: Codable, Equatable {
        var legs: [Leg] = []
        var note: String? = nil
        var levels: [Int] = [1, 2]
    }

    private struct DeclaredBook: Codable, Equatable, ConfigListElementDefaults {
        var legs: [Leg] = []
        static var listElementDefaults: [String: any Encodable] { ["legs": Leg()] }
    }

    private struct Portfolio: Codable, Equatable {
        var name = "p"
        var book = DeclaredBook()
    }

    @Test func typesDeclareTheirListElementDefaultsAlsoWhenNested() throws {
        let direct = try StrictDefaultsDecoding.decodeJSON(DeclaredBook.self, from: Data(#"{"legs": [{"name": "a"}]}"#.utf8), defaults: DeclaredBook())
        #expect(direct == DeclaredBook(legs: [Leg(name: "a")]))
        let nested = try StrictDefaultsDecoding.decodeJSON(Portfolio.self, from: Data(#"{"book": {"legs": [{"name": "a", "tag": "t"}]}}"#.utf8), defaults: Portfolio())
        #expect(nested == Portfolio(name: "p", book: DeclaredBook(legs: [Leg(name: "a", tag: "t")])))
        #expect(throws: ConfigError.unknownKey(path: "book.legs[0]", key: "nmae", known: ["name", "weight", "tag"])) {
            try StrictDefaultsDecoding.decodeJSON(Portfolio.self, from: Data(#"{"book": {"legs": [{"nmae": "a"}]}}"#.utf8), defaults: Portfolio())
        }
    }

    @Test func jsonNumbersKeepTheirKind() throws {
        let tree = try JSONDecoder().decode(ConfigValue.self, from: Data(#"{"a": 1, "b": 0.5, "c": true, "d": null, "e": "x", "f": [1, {"g": 2}]}"#.utf8))
        #expect(tree["a"] == .int(1) && tree["b"] == .double(0.5) && tree["c"] == .bool(true) && tree["d"] == .null && tree["e"] == .string("x"))
        #expect(tree["f"] == .array([.int(1), .mapping([("g", .int(2))])]))
        let back = try JSONDecoder().decode(ConfigValue.self, from: JSONEncoder().encode(tree))
        #expect(Set(back.keys) == Set(tree.keys) && back["f"] == tree["f"] && back["b"] == .double(0.5))
    }

    @Test func treeEncoderListsUnsetOptionalsOnlyWhenAsked() throws {
        let book = Book(legs: [Leg(name: "a", weight: 0.5, tag: "t")], note: nil)
        let plain = try ConfigTreeEncoder().encode(book)
        let listing = try ConfigTreeEncoder(listingNilOptionals: true).encode(book)
        #expect(plain.keys == ["legs", "levels"])
        #expect(listing.keys == ["legs", "note", "levels"] && listing["note"] == .null)
        #expect(plain["legs"] == .array([.mapping([("name", .string("a")), ("weight", .double(0.5)), ("tag", .string("t"))])]))
        #expect(plain["levels"] == .array([.int(1), .int(2)]))
        #expect(try JSONConfigCoder().decode(Book.self, from: plain) == book)
        var config = MarketEnvConfig()
        config.costs.execution = .nextOpen
        config.splits.walkForwardTestYear = 2019
        #expect(try JSONConfigCoder().decode(MarketEnvConfig.self, from: ConfigTreeEncoder().encode(config)) == config)
    }

    @Test func listElementsTakeTheirDefaultsAndAreCheckedKeyByKey() throws {
        let user = try JSONDecoder().decode(ConfigValue.self, from: Data(#"{"legs": [{"name": "a"}, {"name": "b", "weight": 2, "tag": null}]}"#.utf8))
        let elements = ["legs": try ConfigTreeEncoder().encode(Leg())]
        let book = try StrictDefaultsDecoding.decode(Book.self, from: user, defaults: Book(), listElementDefaults: elements, coder: JSONConfigCoder())
        #expect(book == Book(legs: [Leg(name: "a"), Leg(name: "b", weight: 2)]))
        // Without element defaults the synthesized init needs every key of an element.
        #expect(throws: StrictDecodingFailure.self) { try StrictDefaultsDecoding.decode(Book.self, from: user, defaults: Book(), coder: JSONConfigCoder()) }
        let typo = try JSONDecoder().decode(ConfigValue.self, from: Data(#"{"legs": [{"name": "a"}, {"name": "b", "wieght": 2}]}"#.utf8))
        do {
            _ = try StrictDefaultsDecoding.decode(Book.self, from: typo, defaults: Book(), listElementDefaults: elements, coder: JSONConfigCoder())
            Issue.record("an unknown key in a list element was accepted")
        } catch let StrictDecodingFailure.unknownKey(path, key, suggestion, allowed) {
            #expect(path == "legs[1]" && key == "wieght" && suggestion == "weight" && allowed == ["name", "weight", "tag"])
        }
    }

    @Test func nearestKeyIsATypoDistanceAway() {
        #expect(StrictDefaultsDecoding.nearestKey("feeBsp", in: ["feeBps", "slippageBps"]) == "feeBps")
        #expect(StrictDefaultsDecoding.nearestKey("TURNOVERPENALTY", in: ["turnoverPenalty"]) == "turnoverPenalty")
        #expect(StrictDefaultsDecoding.nearestKey("completelyDifferent", in: ["feeBps", "window"]) == nil)
    }
}
