import ArgumentParser
import Foundation
import Lab

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a run (inline SVG, no network) into its folder.",
        discussion: """
        Equity vs benchmark and baselines, drawdown, exposure, weights heatmap, learning curves,
        per-split and per-year metrics, reward-term breakdown, the config.

        Example: marketgym report runs/quickstart-20261122-031500
        """
    )

    @Argument(help: "A run folder (or a multi-seed run folder: the aggregated report).") var runFolder: String

    func run() throws {
        let url = URL(fileURLWithPath: runFolder)
        do {
            if SeedGroup.isGroup(url) {
                print("report: \(try SeedGroupReport.write(try SeedGroup.open(url)).path)")
            } else {
                print("report: \(try RunReport.write(runDirectory: url).path)")
            }
        } catch { throw fail(error) }
    }
}
