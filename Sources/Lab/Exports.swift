// The lab is the front door: re-export the modules whose types appear in its API, so the CLI and
// researchers' scripts need one import.
@_exported import Agents
@_exported import CheckpointFormat
@_exported import Gym
@_exported import MarketGym
@_exported import SeededRandom
