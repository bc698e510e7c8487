import Gym

/// Emits a scripted stream of observations, rewards and end flags (for testing wrappers against
/// goldens). It does not enforce the reset/step order: the script decides everything.
struct ReplayEnvironment: Environment {
    typealias Info = EmptyInfo
    var resetObservation: [Float]
    var stepObservations: [[Float]]
    var stepRewards: [Double]
    var stepDones: [Bool]
    var position = 0

    var observationSpace: BoxSpace { BoxSpace(low: -.infinity, high: .infinity, shape: [resetObservation.count]) }
    var actionSpace: ActionSpace { .discrete(DiscreteSpace(1)) }
    var observationNames: [String] { (0..<resetObservation.count).map { "o\($0)" } }

    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> EmptyInfo {
        position = 0
        for i in resetObservation.indices { observation[i] = resetObservation[i] }
        return EmptyInfo()
    }

    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<EmptyInfo> {
        let t = position
        position += 1
        for i in stepObservations[t].indices { observation[i] = stepObservations[t][i] }
        return StepOutcome(reward: stepRewards[t], terminated: stepDones[t], truncated: false, info: EmptyInfo())
    }
}

/// A vector environment replaying scripted batches (already autoreset), for `VectorNormalize` goldens.
struct ReplayVectorEnvironment: VectorEnvironment {
    typealias Info = EmptyInfo
    let environmentCount: Int
    let observationSpace: BoxSpace
    let actionSpace: ActionSpace = .discrete(DiscreteSpace(1))
    let observationNames: [String]
    var resetBatch: [Float]
    var batches: [[Float]]
    var finalBatches: [[Float]]
    var rewardBatches: [[Double]]
    var doneBatches: [[Bool]]
    var position = 0

    private(set) var observations: [Float]
    private(set) var rewards: [Double]
    private(set) var terminated: [Bool]
    var truncated: [Bool] { [Bool](repeating: false, count: environmentCount) }
    var ended: [Bool] { terminated }
    private(set) var finalObservations: [Float]
    var infos: [EmptyInfo?] { [EmptyInfo?](repeating: nil, count: environmentCount) }
    var episodeReturns: [Double] { [Double](repeating: 0, count: environmentCount) }
    var episodeLengths: [Int] { [Int](repeating: 0, count: environmentCount) }

    init(rows: Int, dimension: Int, resetBatch: [Float], batches: [[Float]], finalBatches: [[Float]], rewardBatches: [[Double]], doneBatches: [[Bool]]) {
        environmentCount = rows
        observationSpace = BoxSpace(low: -.infinity, high: .infinity, shape: [dimension])
        observationNames = (0..<dimension).map { "o\($0)" }
        self.resetBatch = resetBatch
        self.batches = batches
        self.finalBatches = finalBatches
        self.rewardBatches = rewardBatches
        self.doneBatches = doneBatches
        observations = resetBatch
        rewards = [Double](repeating: 0, count: rows)
        terminated = [Bool](repeating: false, count: rows)
        finalObservations = [Float](repeating: 0, count: rows * dimension)
    }

    mutating func reset(seed: UInt64, options: ResetOptions) throws(EnvironmentError) {
        position = 0
        observations = resetBatch
    }

    mutating func step(_ actions: [Action]) throws(EnvironmentError) {
        observations = batches[position]
        rewards = rewardBatches[position]
        terminated = doneBatches[position]
        finalObservations = finalBatches[position]
        position += 1
    }
}
