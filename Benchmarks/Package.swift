// swift-tools-version: 6.1
// MarketGym's speed benchmarks, kept out of the main package so `make test` never builds them.
// Each benchmark is an executable target; reference scripts for the peers live in scripts/.
import PackageDescription

let package = Package(
    name: "MarketGymBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MarketGym", path: ".."),
    ],
    targets: [
        // HDF5 append and random-read throughput; peer: scripts/h5py_bench.py (run both: scripts/hdf5_bench.py).
        .executableTarget(
            name: "HDF5Bench",
            dependencies: [.product(name: "MarketGym", package: "MarketGym")],
            path: "HDF5Bench"
        ),
    ]
)
