import Foundation
import Testing
import TestSupport
@testable import Lab

@Suite struct SeedGroupTests {
    @Test func seedListsParseRangesAndListsAndRefuseDuplicates() throws {
        #expect(try SeedList.parse("0-4") == [0, 1, 2, 3, 4])
        #expect(try SeedList.parse("0-2,7") == [0, 1, 2, 7])
        #expect(try SeedList.parse("5") == [5])
        #expect(throws: SpecError.badValue(file: "--seeds", path: "seeds", found: "seed 2 twice", expected: "each seed once (a repeated seed would count twice in the mean); remove the duplicate")) {
            try SeedList.parse("0-3,2")
        }
        #expect(throws: SpecError.self) { try SeedList.parse("4-1") }
        #expect(throws: SpecError.self) { try SeedList.parse("a") }
    }

    @Test func anExperimentsSeedsKeyIsDecodedAndKeptOutOfTheResolvedRun() throws {
        let tree = try SpecValue.parse(yaml: "name: q\nseeds: [0, 1, 2]\n", source: "q.yaml")
        let spec = try ExperimentSpec.decode(tree, file: "q.yaml")
        #expect(spec.seeds == [0, 1, 2])
        #expect(try spec.tree()["seeds"] == nil)
        let dup = try SpecValue.parse(yaml: "name: q\nseeds: [1, 1]\n", source: "q.yaml")
        #expect(throws: SpecError.self) { try ExperimentSpec.decode(dup, file: "q.yaml") }
    }

    @Test func aGroupFolderIsReopenedOnlyForTheSameExperimentAndSeeds() throws {
        let parent = try makeTemporaryDirectory()
        let g = try SeedGroup.create(name: "q", seeds: [0, 1], experimentYAML: "a: 1\n", parent: parent, runName: "g")
        #expect(SeedGroup.isGroup(g.directory))
        #expect(g.state(seed: 0) == .notStarted)
        let again = try SeedGroup.create(name: "q", seeds: [0, 1], experimentYAML: "a: 1\n", parent: parent, runName: "g")
        #expect(again.seeds == [0, 1])
        #expect(throws: LabError.self) { try SeedGroup.create(name: "q", seeds: [0, 1, 2], experimentYAML: "a: 1\n", parent: parent, runName: "g") }
        #expect(throws: LabError.self) { try SeedGroup.create(name: "q", seeds: [0, 1], experimentYAML: "a: 2\n", parent: parent, runName: "g") }
        // A seed folder without a checkpoint is moved aside, not deleted.
        let seed0 = g.runDirectory(seed: 0)
        try FileManager.default.createDirectory(at: seed0, withIntermediateDirectories: true)
        try "x".write(to: seed0.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        try g.setAsideIfStarted(seed: 0)
        #expect(FileManager.default.fileExists(atPath: seed0.path + ".aborted-1/config.yaml"))
        #expect(!FileManager.default.fileExists(atPath: seed0.path))
    }
}
