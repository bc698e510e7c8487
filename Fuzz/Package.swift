// swift-tools-version: 6.1
// MarketGym's libFuzzer harnesses, kept out of the main package so `make test` never builds them
// with sanitizers. Run: `make fuzz` (all harnesses, FUZZ_SECONDS each) or Fuzz/run-fuzz (docs/reliability.md).
// Build: swift build -c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address (../shared recipe:
// both parts are needed; the combined -sanitize gives coverage and ASan). In a normal build the
// harness executables do nothing.
import PackageDescription

let marketGym: Target.Dependency = .product(name: "MarketGym", package: "MarketGym")
let runtime: Target.Dependency = .product(name: "PolicyRuntime", package: "MarketGym")

let package = Package(
    name: "MarketGymFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MarketGym", path: ".."),
    ],
    targets: [
        // Shared by the harnesses: a byte reader that turns fuzz input into choices, scratch files.
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        // Bars CSV (wide, long, OHLCV layouts, gzip, timestamp formats) through load, validate, info.
        .executableTarget(name: "FuzzBarsCSV", dependencies: [marketGym, "FuzzSupport"], path: "Sources/FuzzBarsCSV"),
        // Vendor bar files through a bar-source spec (directives at the top of the input), in memory.
        .executableTarget(name: "FuzzBarSource", dependencies: [marketGym, "FuzzSupport"], path: "Sources/FuzzBarSource"),
        // Predictions CSV through PredictionTable.parseCSV and the file loader.
        .executableTarget(name: "FuzzPredictionsCSV", dependencies: [marketGym, "FuzzSupport"], path: "Sources/FuzzPredictionsCSV"),
        // Experiment / environment / agent YAML through the spec decoder and --set overrides.
        .executableTarget(name: "FuzzSpec", dependencies: [marketGym, "FuzzSupport"], path: "Sources/FuzzSpec"),
        // The spec text layer alone (YAML parse, --set, merge, the config.yaml writer), in memory: fast.
        .executableTarget(name: "FuzzSpecYAML", dependencies: [marketGym, "FuzzSupport"], path: "Sources/FuzzSpecYAML"),
        // The `act` JSON-lines reader: line splitting, snapshot decoding, value checks, acting.
        .executableTarget(name: "FuzzActLines", dependencies: [runtime, "FuzzSupport"], path: "Sources/FuzzActLines"),
        // HDF5 loaders (checkpoint, replay buffer, market data): files built from the input with
        // hostile attributes and shapes, and raw bytes through the integrity check.
        .executableTarget(name: "FuzzHDF5", dependencies: [marketGym, runtime, "FuzzSupport"], path: "Sources/FuzzHDF5"),
    ]
)
