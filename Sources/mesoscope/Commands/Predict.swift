import ArgumentParser
import Foundation
import MesoMedia
import MesoscopeKit

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

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per image.")
    var json = false

    @Argument(help: "Images or folders.")
    var paths: [String]

    func run() throws {
        let detector = try modelOptions.loadDetector()
        var report = PredictReport(json: json, threshold: modelOptions.threshold, model: modelOptions.model.rawValue,
                                   weights: modelOptions.weightsName)
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
