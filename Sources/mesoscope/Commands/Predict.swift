import ArgumentParser
import Foundation
import MesoscopeKit

/// `mesoscope predict`: score aligned face crops (images or folders of images).
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score aligned face crops: p_fake per image.",
        discussion: """
        PATH is an image (JPEG or PNG) or a folder, read recursively for .jpg, .jpeg and .png files. \
        Each image is stretched to 256×256 and scored as the authors' Keras code does. \
        Images stream through in batches of 32, the next batch decoding while the network scores this one, \
        so memory stays flat however many images there are; results print in input order as they come. \
        Exit code 0: all scored; 1: some files failed; 2: usage or weights error.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Flag(help: "Print one JSON object per image.")
    var json = false

    @Argument(help: "Images or folders.")
    var paths: [String]

    func run() throws {
        threadOptions.apply()
        let detector = try modelOptions.loadDetector()
        var report = PredictReport(json: json, threshold: modelOptions.threshold, model: modelOptions.model.rawValue,
                                   weights: modelOptions.weightsName)
        report.begin()
        let inputs = InputFiles.images(in: paths)
        for folder in inputs.unreadableFolders { report.failed(path: folder.path, error: folder) }
        CropScoring.score(inputs.files, with: detector) { path, result in
            switch result {
            case .success(let score): report.scored(path: path, score: score)
            case .failure(let error): report.failed(path: path, error: error)
            }
        }
        report.finish()
        if report.failures > 0 { throw ExitCode(1) }
    }
}
