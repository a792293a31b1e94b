// swift-tools-version:5.4
import PackageDescription

// libFuzzer harnesses over the real library code, one executable per target; scripts/fuzz builds
// them with `swift build --sanitize=fuzzer --sanitize=address` in their own scratch folder, so the
// main package's build never sees libFuzzer.
//
// Tools version 5.4 on purpose: from 5.5 SwiftPM renames an executable's entry point and links
// `main` to it, while a fuzzer's `main` must be libFuzzer's. `-parse-as-library` keeps swiftc from
// emitting a `main` for the one-file modules.
let harness: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func fuzzer(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name,
                      dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "Mesoscope") } + extra,
                      swiftSettings: harness)
}

let package = Package(
    name: "MesoscopeFuzz",
    dependencies: [
        .package(name: "Mesoscope", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .target(name: "FuzzSupport"),
        .systemLibrary(name: "DeclaredDatasetSizes", pkgConfig: "hdf5"),
        fuzzer("fuzz-jpeg", ["MesoMedia"]),
        fuzzer("fuzz-png", ["MesoMedia"]),
        fuzzer("fuzz-keras-weights", ["MesoModelFiles", "MesoModels", "MesoEngine"], extra: ["DeclaredDatasetSizes"]),
        fuzzer("fuzz-video", ["MesoMedia"]),
        fuzzer("fuzz-crop-manifest", ["MesoData"]),
        fuzzer("fuzz-metadata-json", ["MesoData"]),
        fuzzer("fuzz-upload", ["MesoServer", "MesoMedia"],
               extra: [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
