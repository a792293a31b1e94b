import Foundation
import MesoTestSupport
import Testing

/// Runs `scripts/fetch-weights` against scratch folders: the copy path from ../shared, the
/// download path from a `file://` stub (no internet), a corrupt download, and a second run.
@Suite struct FetchWeightsTests {
    static let names = ["Meso4_DF.h5", "Meso4_F2F.h5", "MesoInception_DF.h5", "MesoInception_F2F.h5"]

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `bash scripts/fetch-weights` with `overrides` added to this process's environment.
    static func fetchWeights(_ overrides: [String: String], scratch: URL) throws -> Run {
        let script = SharedData.repositoryRoot.appendingPathComponent("scripts/fetch-weights").path
        let outURL = scratch.appendingPathComponent("run-\(UUID().uuidString).out")
        let errURL = scratch.appendingPathComponent("run-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }

        // The example images and videos go to the scratch folder too, the images from a stub of their own.
        let examples = try makeExamplesStub(in: scratch)
        let defaults = ["MESOSCOPE_EXAMPLES_URL": "file://\(examples.path)",
                        "MESOSCOPE_EXAMPLES_DIR": scratch.appendingPathComponent("examples").path,
                        "MESOSCOPE_MEDIA_DIR": scratch.appendingPathComponent("media").path]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", script]
        process.environment = ProcessInfo.processInfo.environment
            .merging(defaults) { _, new in new }
            .merging(overrides) { _, new in new }
        process.currentDirectoryURL = scratch
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// The real weights from ../shared.
    static func sharedWeights(_ name: String) throws -> Data {
        let path = SharedData.path("mesonet/weights/\(name)")
        try #require(FileManager.default.fileExists(atPath: path), "missing \(path)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// A stub download folder holding copies of the real weights (written, not copied, so
    /// they are writable whatever the mode of the shared files).
    static func makeStub(in scratch: URL) throws -> URL {
        let stub = scratch.appendingPathComponent("stub", isDirectory: true)
        try FileManager.default.createDirectory(at: stub, withIntermediateDirectories: true)
        for name in names {
            try sharedWeights(name).write(to: stub.appendingPathComponent(name))
        }
        return stub
    }

    /// A stub of the upstream test_images/ folder, for runs where ../shared is hidden.
    static func makeExamplesStub(in scratch: URL) throws -> URL {
        let stub = scratch.appendingPathComponent("examples-stub", isDirectory: true)
        for image in SharedData.testImages {
            let target = stub.appendingPathComponent(image)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contentsOf: SharedData.url("mesonet/test_images/\(image)")).write(to: target)
        }
        return stub
    }

    static func contents(of dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    @Test func downloadsFromURLAndVerifies() throws {
        let scratch = try SharedData.scratchDirectory("fetch-weights")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stub = try Self.makeStub(in: scratch)
        let dest = scratch.appendingPathComponent("weights")

        let run = try Self.fetchWeights([
            "MESOSCOPE_SHARED": scratch.appendingPathComponent("no-such-shared").path,
            "MESOSCOPE_WEIGHTS_URL": "file://\(stub.path)",
            "MESOSCOPE_WEIGHTS_DIR": dest.path,
        ], scratch: scratch)

        #expect(run.status == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        #expect(run.stdout.contains("downloaded"))
        #expect(try Self.contents(of: dest) == Self.names)
        let examples = scratch.appendingPathComponent("examples")
        for image in SharedData.testImages {
            #expect(FileManager.default.contents(atPath: examples.appendingPathComponent(image).path)
                    == FileManager.default.contents(atPath: SharedData.path("mesonet/test_images/\(image)")))
        }
        for name in Self.names {
            let got = try Data(contentsOf: dest.appendingPathComponent(name))
            let want = try Data(contentsOf: stub.appendingPathComponent(name))
            #expect(got == want, "\(name) differs from the stub")
        }
    }

    @Test func rejectsACorruptDownload() throws {
        let scratch = try SharedData.scratchDirectory("fetch-weights")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stub = try Self.makeStub(in: scratch)
        let bad = "MesoInception_F2F.h5"
        var bytes = try Data(contentsOf: stub.appendingPathComponent(bad))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: stub.appendingPathComponent(bad))
        let dest = scratch.appendingPathComponent("weights")

        let run = try Self.fetchWeights([
            "MESOSCOPE_SHARED": scratch.appendingPathComponent("no-such-shared").path,
            "MESOSCOPE_WEIGHTS_URL": "file://\(stub.path)",
            "MESOSCOPE_WEIGHTS_DIR": dest.path,
        ], scratch: scratch)

        #expect(run.status != 0)
        #expect(run.stderr.contains(bad), "stderr: \(run.stderr)")
        #expect(run.stderr.contains("d4533ac8a3197dc35c47405d23d99e888c1d0135e267e03540c7451feaccff3f"))
        #expect(!FileManager.default.fileExists(atPath: dest.appendingPathComponent(bad).path))
        // No half file left under any name either; the good ones are in place.
        #expect(try Self.contents(of: dest) == Self.names.filter { $0 != bad })
    }

    @Test func copiesFromSharedAndIsIdempotent() throws {
        let scratch = try SharedData.scratchDirectory("fetch-weights")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dest = scratch.appendingPathComponent("weights")
        let env = [
            "MESOSCOPE_SHARED": SharedData.root.path,
            // Must not be used: the shared folder exists.
            "MESOSCOPE_WEIGHTS_URL": "file://\(scratch.appendingPathComponent("no-such-stub").path)",
            "MESOSCOPE_WEIGHTS_DIR": dest.path,
        ]

        let first = try Self.fetchWeights(env, scratch: scratch)
        #expect(first.status == 0, "stdout: \(first.stdout)\nstderr: \(first.stderr)")
        #expect(first.stdout.contains("copied"))
        #expect(try Self.contents(of: dest) == Self.names)
        var dates: [String: Date] = [:]
        for name in Self.names {
            let path = dest.appendingPathComponent(name).path
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.sharedWeights(name))
            dates[name] = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            #expect(FileManager.default.isWritableFile(atPath: path))
        }

        let second = try Self.fetchWeights(env, scratch: scratch)
        #expect(second.status == 0, "stdout: \(second.stdout)\nstderr: \(second.stderr)")
        #expect(!second.stdout.contains("copied"), "second run re-copied: \(second.stdout)")
        for name in Self.names {
            let path = dest.appendingPathComponent(name).path
            let date = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
            #expect(date != nil && date == dates[name], "\(name) was rewritten")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.sharedWeights(name))
        }
    }

    @Test func replacesAPresentFileWithAWrongSum() throws {
        let scratch = try SharedData.scratchDirectory("fetch-weights")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dest = scratch.appendingPathComponent("weights")
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: true)
        try Data("not weights".utf8).write(to: dest.appendingPathComponent("Meso4_DF.h5"))

        let run = try Self.fetchWeights([
            "MESOSCOPE_SHARED": SharedData.root.path,
            "MESOSCOPE_WEIGHTS_DIR": dest.path,
        ], scratch: scratch)

        #expect(run.status == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        #expect(try Data(contentsOf: dest.appendingPathComponent("Meso4_DF.h5")) == Self.sharedWeights("Meso4_DF.h5"))
    }
}
