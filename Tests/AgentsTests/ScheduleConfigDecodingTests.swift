import Foundation
import Testing
import Agents

/// A schedule decodes from a mapping or from a bare number (a constant, as SB3 writes
/// `learning_rate: 0.001`); issue 13 reported `--set agent.learningRate=.inf` answered "expected Mapping".
@Suite struct ScheduleConfigDecodingTests {
    func decode(_ json: String) throws -> ScheduleConfig {
        try JSONDecoder().decode(ScheduleConfig.self, from: Data(json.utf8))
    }

    @Test func aNumberIsAConstantSchedule() throws {
        let s = try decode("0.001")
        #expect(s == .constant(0.001))
        #expect(s.value(progress: 0.7) == 0.001)
    }

    @Test func aMappingTakesDefaultsForMissingKeys() throws {
        #expect(try decode(#"{"kind": "linear", "initial": 0.01}"#) == .linear(0.01, to: 0, over: 1))
        #expect(try decode(#"{"initial": 0.02}"#) == .constant(0.02))
        let full = ScheduleConfig(kind: .cosine, initial: 1, final: 0.5, fraction: 0.25)
        #expect(try JSONDecoder().decode(ScheduleConfig.self, from: JSONEncoder().encode(full)) == full)
    }

    @Test func aMappingWithoutInitialOrWithAnUnknownKindIsAnError() {
        #expect(throws: DecodingError.self) { _ = try decode(#"{"kind": "linear"}"#) }
        #expect(throws: DecodingError.self) { _ = try decode(#"{"kind": "exp", "initial": 1}"#) }
        #expect(throws: DecodingError.self) { _ = try decode(#""fast""#) }
    }
}
