// swift-tools-version: 6.1
// MarketGym's speed benchmarks, kept out of the main package so `make test` never builds them.
// Run: cd Benchmarks && swift run -c release <Area>Bench
import PackageDescription

let package = Package(
    name: "MarketGymBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MarketGym", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "GymBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "GymBench",
            exclude: ["gymnasium_cartpole.py", "count_allocations.sh"]
        ),
        .executableTarget(
            name: "DataBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "DataBench"
        ),
        .executableTarget(
            name: "EnvBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "EnvBench"
        ),
        .executableTarget(
            name: "PPOBench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "PPOBench"
        ),
    ]
)
