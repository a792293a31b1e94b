// swift-tools-version:6.0
import PackageDescription

// Layout and dependency rules: DEVELOPERS.md. Each module depends only downward:
// engine → models → model files / media → kit → apps.
// swiftc targets baseline x86-64 (SSE2) unless told otherwise, and then the engine's SIMD
// arithmetic becomes library calls, about 60× slower. Haswell means AVX2 + FMA: the release
// binary still runs on any AVX2 CPU. The manifest is compiled for the host, so this follows it.
#if arch(x86_64)
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let kernelSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "Mesoscope",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MesoEngine", targets: ["MesoEngine"]),
        .library(name: "MesoModels", targets: ["MesoModels"]),
        .library(name: "MesoModelFiles", targets: ["MesoModelFiles"]),
        .library(name: "MesoMedia", targets: ["MesoMedia"]),
        .library(name: "MesoFaces", targets: ["MesoFaces"]),
        .library(name: "MesoData", targets: ["MesoData"]),
        .library(name: "MesoTraining", targets: ["MesoTraining"]),
        .library(name: "MesoscopeKit", targets: ["MesoscopeKit"]),
        .library(name: "MesoServer", targets: ["MesoServer"]),
        .executable(name: "mesoscope", targets: ["mesoscope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // C libraries, each behind one system-library target used by one module.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"]), .brew(["hdf5"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"]), .brew(["jpeg-turbo"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"]), .brew(["ffmpeg"])]),
        // dlib is C++: a small C++ target exports prefixed extern "C" functions over plain structs.
        // dlib's detector is header templates compiled here, so it is optimised even in debug builds.
        .target(name: "CDlib", cxxSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary("dlib")]),

        // The engine's AVX-512 kernels, in C because only C can give single functions a wider
        // instruction set than the binary's baseline; MesoEngine calls them after a CPU check.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        .target(name: "MesoEngine", dependencies: ["CKernels"], swiftSettings: kernelSettings),
        .target(name: "MesoModels", dependencies: ["MesoEngine"]),
        .target(name: "MesoModelFiles", dependencies: ["MesoEngine", "MesoModels", "CHDF5"]),
        .target(name: "MesoMedia", dependencies: ["CJPEG", "CPNG", "CFFmpeg"]),
        .target(name: "MesoFaces", dependencies: ["MesoMedia", "CDlib"]),
        .target(name: "MesoData", dependencies: ["MesoEngine", "MesoMedia", "MesoFaces"]),
        .target(name: "MesoTraining", dependencies: ["MesoEngine", "MesoModels", "MesoModelFiles", "MesoMedia", "MesoData"]),
        .target(name: "MesoscopeKit", dependencies: ["MesoEngine", "MesoModels", "MesoModelFiles", "MesoMedia", "MesoFaces", "MesoData", "MesoTraining"]),
        // The web page and JSON API over MesoscopeKit; the page's HTML, CSS and JS are compiled in.
        .target(name: "MesoServer", dependencies: [
            "MesoscopeKit", "MesoData", "MesoMedia", "MesoFaces",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ]),
        .executableTarget(name: "mesoscope", dependencies: [
            "MesoscopeKit", "MesoServer", "MesoTraining", "MesoData", "MesoFaces", "MesoMedia", "MesoModels", "MesoEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test-only helpers: locating ../shared, reading .npy files, running the CLI.
        .target(name: "MesoTestSupport", path: "Tests/Support"),
        .testTarget(name: "MesoEngineTests", dependencies: ["MesoEngine", "MesoTestSupport"]),
        .testTarget(name: "MesoModelFilesTests", dependencies: ["MesoModelFiles", "MesoModels", "MesoEngine", "CHDF5", "MesoTestSupport"]),
        .testTarget(name: "MesoMediaTests", dependencies: ["MesoMedia", "MesoTestSupport"]),
        .testTarget(name: "MesoFacesTests", dependencies: ["MesoFaces", "MesoMedia", "MesoTestSupport"]),
        .testTarget(name: "MesoDataTests", dependencies: ["MesoData", "MesoFaces", "MesoMedia", "MesoEngine", "MesoTestSupport"]),
        .testTarget(name: "MesoTrainingTests", dependencies: ["MesoTraining", "MesoEngine", "MesoModels", "MesoModelFiles", "MesoData", "MesoTestSupport"]),
        .testTarget(name: "MesoscopeKitTests", dependencies: ["MesoscopeKit", "MesoModelFiles", "MesoMedia", "MesoModels", "MesoEngine", "MesoTestSupport"]),
        .testTarget(name: "MesoscopeCLITests", dependencies: ["MesoData", "MesoMedia", "MesoTestSupport"]),
        .testTarget(name: "MesoServerTests", dependencies: ["MesoServer", "MesoscopeKit", "MesoTestSupport"]),
        .testTarget(name: "ScriptsTests", dependencies: ["MesoTestSupport"]),
    ]
)
