/// The return and length of one finished episode.
public struct EpisodeStatistics: Sendable, Equatable, Codable {
    /// Sum of the rewards of the episode (the rewards this wrapper saw, before any outer wrapper).
    public var totalReward: Double
    /// Number of steps of the episode.
    public var length: Int

    /// Statistics from their parts.
    public init(totalReward: Double, length: Int) {
        self.totalReward = totalReward
        self.length = length
    }
}

/// The base environment's info plus the statistics of the episode that ended on this step.
public struct EpisodeInfo<BaseInfo: Sendable>: Sendable {
    /// The wrapped environment's info.
    public var base: BaseInfo
    /// Set on the step that ends an episode (terminated or truncated), `nil` otherwise.
    public var episode: EpisodeStatistics?

    /// Info from its parts.
    public init(base: BaseInfo, episode: EpisodeStatistics?) {
        self.base = base
        self.episode = episode
    }
}

/// Records each episode's return and length (Gymnasium's `RecordEpisodeStatistics`, SB3's `Monitor`).
///
/// The statistics arrive in the info of the step that ends the episode (``EpisodeInfo/episode``)
/// and, as a side channel, in ``lastEpisode`` and ``episodeCount``. An episode ends here when the
/// wrapped environment reports terminated or truncated, so wrap it *around* ``TimeLimit``
/// (`RecordEpisodeStatistics(CartPole.v1())`) and *inside* reward-changing wrappers
/// (`NormalizeReward(RecordEpisodeStatistics(...))`) to record true returns of whole episodes.
public struct RecordEpisodeStatistics<Base: Environment>: Environment {
    public typealias Info = EpisodeInfo<Base.Info>

    /// The wrapped environment.
    public internal(set) var base: Base
    /// The statistics of the most recently finished episode.
    public internal(set) var lastEpisode: EpisodeStatistics?
    /// Number of episodes finished since this wrapper was created.
    public internal(set) var episodeCount = 0
    var currentReturn = 0.0
    var currentLength = 0

    /// Wraps `base`.
    public init(_ base: Base) {
        self.base = base
    }

    public var observationSpace: BoxSpace { base.observationSpace }
    public var actionSpace: ActionSpace { base.actionSpace }
    public var observationNames: [String] { base.observationNames }

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> Info {
        let info = try base.reset(seed: seed, options: options, into: observation)
        currentReturn = 0
        currentLength = 0
        return EpisodeInfo(base: info, episode: nil)
    }

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<Info> {
        let outcome = try base.step(action, into: observation)
        currentReturn += outcome.reward
        currentLength += 1
        var episode: EpisodeStatistics?
        if outcome.isDone {
            let e = EpisodeStatistics(totalReward: currentReturn, length: currentLength)
            episode = e
            lastEpisode = e
            episodeCount += 1
        }
        return StepOutcome(reward: outcome.reward, terminated: outcome.terminated, truncated: outcome.truncated,
                           info: EpisodeInfo(base: outcome.info, episode: episode))
    }
}

/// Sendable when what it wraps is, so experiments can run environments on separate tasks.
extension RecordEpisodeStatistics: Sendable where Base: Sendable {}
