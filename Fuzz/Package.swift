// swift-tools-version:5.4
import PackageDescription

// libFuzzer harnesses over the real library code, one executable per target; scripts/fuzz builds
// them with `swift build --sanitize=fuzzer --sanitize=address` in their own scratch folder, so the
// main package's build never sees libFuzzer.
//
// A fuzzer's `main` is libFuzzer's: `-parse-as-library` keeps swiftc from emitting one for the
// one-file modules (SwiftPM does not rename entry points when building with the fuzzer). Tools
// version 5.4 keeps the harnesses in the Swift 5 language mode: their globals (models, a folder)
// are built once and used from libFuzzer's single thread.
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
        fuzzer("fuzz-jpeg", ["MesoMedia"]),
        fuzzer("fuzz-png", ["MesoMedia"]),
        fuzzer("fuzz-keras-weights", ["MesoModelFiles", "MesoModels", "MesoEngine"]),
        fuzzer("fuzz-video", ["MesoMedia"]),
        fuzzer("fuzz-crop-manifest", ["MesoData"]),
        fuzzer("fuzz-metadata-json", ["MesoData"]),
        fuzzer("fuzz-upload", ["MesoServer", "MesoMedia"],
               extra: [.product(name: "Hummingbird", package: "hummingbird")]),
    ]
)
