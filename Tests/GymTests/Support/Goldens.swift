import Foundation

/// Golden data written by `scripts/goldens/cartpole_goldens.py` from Gymnasium (see that script).
enum Goldens {
    struct CartPoleFile: Decodable {
        var source: String
        var trajectories: [Trajectory]
    }

    struct Trajectory: Decodable {
        var start: [Double]
        var steps: [Step]
    }

    struct Step: Decodable {
        var action: Int
        var state: [Double]
        var observation: [Double]
        var reward: Double
        var terminated: Bool
        var truncated: Bool
    }

    struct NormalizationFile: Decodable {
        var gamma: Double
        var clip_obs: Double
        var clip_reward: Double
        var epsilon: Double
        var cases: [NormalizationCase]
    }

    struct NormalizationCase: Decodable {
        var environments: Int
        var reset_observations: [[Double]]
        var observations: [[[Double]]]
        var rewards: [[Double]]
        var dones: [[Bool]]
        var expected_reset_observations: [[Double]]
        var expected_observations: [[[Double]]]
        var expected_rewards: [[Double]]
        var observation_mean: [Double]
        var observation_variance: [Double]
        var observation_count: Double
        var return_mean: Double
        var return_variance: Double
        var return_count: Double
    }

    struct MissingGolden: Error, CustomStringConvertible {
        var name: String
        var description: String { "golden file \(name) is not in the GymTests bundle; regenerate it with scripts/goldens/cartpole_goldens.py" }
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Goldens") else {
            throw MissingGolden(name: name)
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}
