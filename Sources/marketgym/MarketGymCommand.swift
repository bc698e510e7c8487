import ArgumentParser
import Lab

@main
struct MarketGymCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marketgym",
        abstract: "A Gym-style RL gym and agent trainer for multi-asset, market-neutral trading.",
        subcommands: []
    )
}
