import ArgumentParser
import Foundation
import MesoData
import MesoModels
import MesoscopeKit

/// `mesoscope bench`: Mesoscope's own throughput figures, as one JSON object. `make bench` adds the peers.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure forward throughput, the training step and, when given inputs, bulk scoring and detect.",
        discussion: """
        Prints {"meso4": {"b1", "b32", "b256"}, "mesoinception4": {...}, "train": {"all_ms", "dense_only_ms"}, \
        "epoch_1000": {"all_s", "frozen_s"}, "predict_folder": {"images_per_s", "peak_rss_mb"}, \
        "detect": {"480p": {"frames_per_s", "stages_ms"}, "1080p": {...}, "peak_rss_mb"}, \
        "limit_share": {"meso4", "mesoinception4"}}; sections whose inputs are not given are left out. \
        predict and detect run as child processes of this binary, so each peak RSS is that command's own.
        """)

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Seconds per forward measurement round.")
    var seconds: Double = 1.0

    @Option(help: "Timed rounds per forward and training-step figure; the best counts.")
    var rounds: Int = 3

    @Option(help: "Measure only this network (default: both).")
    var model: Architecture?

    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "Also time one training epoch over the first 500 fake and 500 real crops of this class-folder dataset (df/, real/) with the writeup augmentation.")
    var epochData: String?

    @Option(help: "Also time `mesoscope predict` on this folder of face crops, end to end, in a child process.")
    var predictFolder: String?

    @Option(name: .customLong("detect-480p"), help: "Also time `mesoscope detect --timings` on this 480p video, stage by stage, in a child process.")
    var detect480p: String?

    @Option(name: .customLong("detect-1080p"), help: "Also time `mesoscope detect --timings` on this 1080p video.")
    var detect1080p: String?

    @Option(help: "Frames sampled per video for the detect figures (detect's --frames).")
    var detectFrames = 30

    func validate() throws {
        guard seconds > 0, rounds >= 1 else { throw ValidationError("--seconds must be positive and --rounds at least 1") }
        guard detectFrames >= 1 else { throw ValidationError("--detect-frames must be at least 1") }
    }

    func run() throws {
        threadOptions.apply()
        // The child processes run first, while this process is small: Linux counts the memory a
        // child shared with its parent before exec in the child's peak RSS, so after the batch-256
        // passes every child would report this process's peak instead of its own.
        let predict = try predictFolder.map(measurePredict)
        let videos = [("480p", detect480p), ("1080p", detect1080p)].compactMap { label, path in path.map { (label, $0) } }
        let detect = videos.isEmpty ? nil : try measureDetect(videos)

        var figures: [(String, JSONValue)] = []
        var limitShares: [(String, JSONValue)] = []
        for architecture in model.map({ [$0] }) ?? Architecture.allCases {
            var rates: [(String, JSONValue)] = []
            var best = 0.0
            for batch in [1, 32, 256] {
                let rate = Benchmark.forwardImagesPerSecond(architecture, batch: batch, seconds: seconds, rounds: rounds)
                best = max(best, rate)
                rates.append(("b\(batch)", .number(rounded(rate, 1))))
                say("\(architecture.rawValue) batch \(batch): \(String(format: "%.1f", rate)) images/s")
            }
            figures.append((architecture.rawValue, .object(rates)))
            let share = best / Benchmark.limitImagesPerSecond(architecture)
            limitShares.append((architecture.rawValue, .number(rounded(share, 4))))
            say("\(architecture.rawValue): \(String(format: "%.1f", 100 * share))% of the limit "
                + "(\(String(format: "%.0f", Benchmark.limitImagesPerSecond(architecture))) images/s)")
        }
        if model == nil || model == .meso4 {
            var train: [(String, JSONValue)] = []
            for (key, denseOnly) in [("all_ms", false), ("dense_only_ms", true)] {
                let ms = Benchmark.trainStepMilliseconds(denseOnly: denseOnly, rounds: rounds)
                train.append((key, .number(rounded(ms, 1))))
                say("meso4 train step, batch 32, \(denseOnly ? "dense only" : "all layers"): \(String(format: "%.1f", ms)) ms")
            }
            figures.append(("train", .object(train)))
        }
        if let epochData {
            let (images, targets) = try Benchmark.epochCrops(epochData)
            var epoch: [(String, JSONValue)] = []
            for (key, denseOnly) in [("all_s", false), ("frozen_s", true)] {
                let seconds = try Benchmark.epochSeconds(images: images, targets: targets, denseOnly: denseOnly)
                epoch.append((key, .number(rounded(seconds, 2))))
                say("meso4 epoch over \(images.count) crops, writeup augmentation, \(denseOnly ? "dense only" : "all layers"): \(String(format: "%.1f", seconds)) s")
            }
            figures.append(("epoch_1000", .object(epoch)))
        }
        if let predict { figures.append(("predict_folder", predict)) }
        if let detect { figures.append(("detect", detect)) }
        figures.append(("limit_share", .object(limitShares)))
        if json { printJSON(figures) }
    }

    /// The thread option, passed on to the measured commands.
    private var childThreadArguments: [String] {
        threadOptions.threads.map { ["--threads", String($0)] } ?? []
    }

    /// `predict` over every image of `folder`: images/s from start to exit, and its peak RSS.
    private func measurePredict(_ folder: String) throws -> JSONValue {
        let images = InputFiles.images(in: [folder]).files.count
        guard images > 0 else { throw BenchError("--predict-folder \(folder): no images there") }
        let run = try MeasuredRun.mesoscope(["predict", "--json"] + childThreadArguments + [folder])
        let rate = Double(images) / run.seconds
        say("predict on \(images) images in \(folder): \(String(format: "%.1f", rate)) images/s, "
            + "peak RSS \(String(format: "%.0f", run.peakRSSMegabytes)) MB")
        return .object([("images_per_s", .number(rounded(rate, 1))), ("peak_rss_mb", .number(rounded(run.peakRSSMegabytes, 1)))])
    }

    /// `detect --timings` on each video: analysed frames/s, ms per analysed frame in each stage,
    /// and the larger of the runs' peak RSS.
    private func measureDetect(_ videos: [(label: String, path: String)]) throws -> JSONValue {
        var results: [(String, JSONValue)] = []
        var peak = 0.0
        for (label, path) in videos {
            let run = try MeasuredRun.mesoscope(["detect", "--timings", "--frames", String(detectFrames)]
                                                + childThreadArguments + [path])
            guard let line = run.stderr.split(separator: "\n").last(where: { $0.hasPrefix("timings: ") }) else {
                throw BenchError("detect --timings \(path) printed no timings line")
            }
            let timings = try JSONDecoder().decode(DetectTimings.self, from: Data(line.dropFirst("timings: ".count).utf8))
            let frames = Double(max(1, timings.framesAnalyzed))
            let stages = Detect.stageNames.map { ($0, JSONValue.number(rounded(1000 * (timings.stagesS[$0] ?? 0) / frames, 2))) }
            results.append((label, .object([("frames_per_s", .number(rounded(timings.framesPerS, 2))), ("stages_ms", .object(stages))])))
            peak = max(peak, run.peakRSSMegabytes)
            say("detect \(label) (\(path)): \(String(format: "%.1f", timings.framesPerS)) frames/s over "
                + "\(timings.framesAnalyzed) frames, peak RSS \(String(format: "%.0f", run.peakRSSMegabytes)) MB")
        }
        return .object(results + [("peak_rss_mb", .number(rounded(peak, 1)))])
    }

    /// The `timings:` line of `detect --timings`.
    private struct DetectTimings: Decodable {
        let framesAnalyzed: Int
        let framesPerS: Double
        let stagesS: [String: Double]

        enum CodingKeys: String, CodingKey {
            case framesAnalyzed = "frames_analyzed", framesPerS = "frames_per_s", stagesS = "stages_s"
        }
    }

    /// Progress and the human-readable figures; on stderr with --json, so stdout stays one object.
    private func say(_ line: String) {
        if json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }

    private func rounded(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}
