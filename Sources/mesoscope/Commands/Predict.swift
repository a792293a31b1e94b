import ArgumentParser
import Foundation
import MesoMedia
import MesoModels
import MesoscopeKit

extension Architecture: ExpressibleByArgument {}

/// `mesoscope predict`: score aligned face crops (images or folders of images).
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score aligned face crops: p_fake per image.",
        discussion: """
        PATH is an image (JPEG or PNG) or a folder, read recursively for .jpg, .jpeg and .png files. \
        Each image is stretched to 256×256 and scored as the authors' Keras code does. \
        Exit code 0: all scored; 1: some files failed; 2: usage or weights error.
        """
    )

    @Option(help: "The network.")
    var model: Architecture = .meso4

    @Option(help: "Weights: Meso4_DF, Meso4_F2F, MesoInception_DF, MesoInception_F2F (looked up in $MESOSCOPE_WEIGHTS, else ./weights) or a .h5 path. Default: the model's _DF weights.")
    var weights: String?

    @Option(help: "Verdict is fake when p_fake is above this.")
    var threshold: Double = 0.5

    @Flag(help: "Print one JSON object per image.")
    var json = false

    @Argument(help: "Images or folders.")
    var paths: [String]

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
    }

    func run() throws {
        let weightsName = weights ?? WeightsLocator.defaultName(for: model)
        let detector: Detector
        do {
            detector = try Detector(architecture: model, weightsPath: WeightsLocator.resolve(weightsName))
        } catch where error.code == .notFound && WeightsLocator.names.contains(weightsName) {
            throw UsageError("weights \(weightsName) not found at \(error.path): run scripts/fetch-weights, or set MESOSCOPE_WEIGHTS to the folder holding the .h5 files")
        } catch {
            throw UsageError("weights: \(error)")
        }
        var report = PredictReport(json: json, threshold: threshold, model: model.rawValue, weights: weightsName)
        report.begin()
        // Batches of 32: decoded, scored, then reported in input order.
        for batch in InputFiles.images(in: paths).chunked(into: 32) {
            let decoded = batch.map { path in Result { () throws(MediaError) in try ImageDecoder.decode(contentsOf: path) } }
            var scores = detector.score(decoded.compactMap { try? $0.get() }).makeIterator()
            for (path, image) in zip(batch, decoded) {
                switch image {
                case .success: report.scored(path: path, score: scores.next()!)
                case .failure(let error): report.failed(path: path, error: error)
                }
            }
        }
        report.finish()
        if report.failures > 0 { throw ExitCode(1) }
    }
}
