import ArgumentParser
import Foundation
import MesoData
import MesoEngine
import MesoModels
import MesoscopeKit

/// `mesoscope bench`: Mesoscope's own throughput figures. `make bench` adds the peers.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure forward throughput (images/s) at batch 1, 32 and 256, and the Meso-4 training step.")

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Seconds per measurement round.")
    var seconds: Double = 1.0

    @Option(help: "Measure only this network (default: both).")
    var model: Architecture?

    @Option(help: "Threads for the engine (default: every core).")
    var threads: Int?

    @Option(help: "Also time one training epoch over the first 500 fake and 500 real crops of this class-folder dataset (df/, real/) with the writeup augmentation.")
    var epochData: String?

    func run() throws {
        if let threads { Parallelism.threads = threads }
        var models: [(String, JSONValue)] = []
        for architecture in model.map({ [$0] }) ?? Architecture.allCases {
            var figures: [(String, JSONValue)] = []
            for batch in [1, 32, 256] {
                let rate = Benchmark.forwardImagesPerSecond(architecture, batch: batch, seconds: seconds)
                figures.append(("b\(batch)", .number((rate * 10).rounded() / 10)))
                if !json { print("\(architecture.rawValue) batch \(batch): \(String(format: "%.1f", rate)) images/s") }
            }
            models.append((architecture.rawValue, .object(figures)))
        }
        if model == nil || model == .meso4 {
            var train: [(String, JSONValue)] = []
            for (key, denseOnly) in [("all_ms", false), ("dense_only_ms", true)] {
                let ms = Benchmark.trainStepMilliseconds(denseOnly: denseOnly)
                train.append((key, .number((ms * 10).rounded() / 10)))
                if !json { print("meso4 train step, batch 32, \(denseOnly ? "dense only" : "all layers"): \(String(format: "%.1f", ms)) ms") }
            }
            models.append(("train", .object(train)))
        }
        if let epochData {
            let (images, targets) = try Benchmark.epochCrops(epochData)
            var epoch: [(String, JSONValue)] = []
            for (key, denseOnly) in [("all_s", false), ("frozen_s", true)] {
                let seconds = try Benchmark.epochSeconds(images: images, targets: targets, denseOnly: denseOnly)
                epoch.append((key, .number((seconds * 100).rounded() / 100)))
                if !json { print("meso4 epoch over \(images.count) crops, writeup augmentation, \(denseOnly ? "dense only" : "all layers"): \(String(format: "%.1f", seconds)) s") }
            }
            models.append(("epoch_1000", .object(epoch)))
        }
        if json { printJSON(models) }
    }
}
