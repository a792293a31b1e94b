import ArgumentParser
import MesoEngine
import MesoModels
import MesoscopeKit

/// `mesoscope bench`: Mesoscope's own throughput figures. `make bench` adds the peers.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure forward throughput (images/s) at batch 1, 32 and 256.")

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Seconds per measurement round.")
    var seconds: Double = 1.0

    @Option(help: "Measure only this network (default: both).")
    var model: Architecture?

    @Option(help: "Threads for the engine (default: every core).")
    var threads: Int?

    func run() throws {
        if let threads { Parallelism.threads = threads }
        var models: [(String, JSONLine.Value)] = []
        for architecture in model.map({ [$0] }) ?? Architecture.allCases {
            var figures: [(String, JSONLine.Value)] = []
            for batch in [1, 32, 256] {
                let rate = Benchmark.forwardImagesPerSecond(architecture, batch: batch, seconds: seconds)
                figures.append(("b\(batch)", .number((rate * 10).rounded() / 10)))
                if !json { print("\(architecture.rawValue) batch \(batch): \(String(format: "%.1f", rate)) images/s") }
            }
            models.append((architecture.rawValue, .object(figures)))
        }
        if json { JSONLine.print(models) }
    }
}
