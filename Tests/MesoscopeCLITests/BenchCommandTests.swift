import Foundation
import MesoTestSupport
import Testing

/// `mesoscope bench --json` prints the one object, on a configuration small enough to run
/// in seconds. The figures themselves are `make bench`'s business; here only their shape counts.
@Suite struct BenchCommandTests {
    @Test func jsonIsOneObjectWithEverySection() throws {
        let scratch = try SharedData.scratchDirectory("bench")
        // Two fake and two real crops: a class-folder dataset for the epoch, and the predict folder.
        for image in SharedData.testImages {
            let target = scratch.appendingPathComponent(image)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: SharedData.url("mesonet/test_images/\(image)"), to: target)
        }
        let video = SharedData.path("media/df00204_noise_move_rotate_640x480.mp4")
        let run = try CommandRunner.mesoscope(
            ["bench", "--json", "--seconds", "0.01", "--rounds", "1", "--threads", "2", "--epoch-data", scratch.path,
             "--predict-folder", scratch.path, "--detect-480p", video, "--detect-1080p", video, "--detect-frames", "2"],
            environment: ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        try #require(lines.count == 1, "one object on stdout, progress on stderr: \(run.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])

        // The key order, as printed.
        let order = ["meso4", "mesoinception4", "train", "epoch_1000", "predict_folder", "detect", "limit_share"]
        #expect(Set(object.keys) == Set(order))
        let offsets = order.map { lines[0].range(of: "\"\($0)\":")?.lowerBound }
        #expect(offsets.allSatisfy { $0 != nil } && offsets.map { $0! } == offsets.map { $0! }.sorted())

        func figures(_ key: String, _ names: [String]) throws -> [String: Double] {
            let section = try #require(object[key] as? [String: Any], "\(key)")
            #expect(Set(section.keys) == Set(names), "\(key): \(section.keys)")
            var values: [String: Double] = [:]
            for name in names {
                let value = try #require(section[name] as? Double, "\(key).\(name)")
                #expect(value > 0, "\(key).\(name) = \(value)")
                values[name] = value
            }
            return values
        }
        let forward = try ["meso4", "mesoinception4"].map { try figures($0, ["b1", "b32", "b256"]) }
        _ = try figures("train", ["all_ms", "dense_only_ms"])
        _ = try figures("epoch_1000", ["all_s", "frozen_s"])
        _ = try figures("predict_folder", ["images_per_s", "peak_rss_mb"])

        let detect = try #require(object["detect"] as? [String: Any])
        #expect(Set(detect.keys) == ["480p", "1080p", "peak_rss_mb"])
        #expect((detect["peak_rss_mb"] as? Double ?? 0) > 0)
        for label in ["480p", "1080p"] {
            let video = try #require(detect[label] as? [String: Any], "\(label)")
            #expect((video["frames_per_s"] as? Double ?? 0) > 0)
            let stages = try #require(video["stages_ms"] as? [String: Double], "\(label)")
            #expect(Set(stages.keys) == ["decode", "detection", "landmarks", "alignment", "classification"])
            #expect(stages.values.allSatisfy { $0 >= 0 } && stages.values.contains { $0 > 0 })
        }

        // The share of the limit is the best batch over 321 GFLOP/s ÷ (120 or 114) MFLOP per face.
        let shares = try figures("limit_share", ["meso4", "mesoinception4"])
        for (key, (rates, flops)) in zip(["meso4", "mesoinception4"], zip(forward, [120e6, 114e6])) {
            let expected = rates.values.max()! / (321e9 / flops)
            #expect(abs(shares[key]! - expected) <= 1e-4, "\(key): \(shares[key]!) vs \(expected)")
        }
    }
}
