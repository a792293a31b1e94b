import ArgumentParser
import Foundation
import MesoData
import MesoscopeKit
import MesoTraining

/// `mesoscope evaluate`: how well a model's p_fake separates the fake crops from the real ones.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Frame- and video-level metrics of a model on labelled face crops: accuracy, AUC, EER, AP, log-loss.",
        discussion: """
        Fake is the positive class and p_fake the score. Video level (when crops carry a video id) scores each \
        video by its crops' mean p_fake. --report DIR writes the ROC curve, a score histogram, report.json and report.md.
        """
    )

    @Option(help: "Labelled face crops (a prepare cache, class folders, ...).")
    var data: String

    @Option(help: "Only this split of the data (train, val, test); default: every labelled crop.")
    var split: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Write report.json, report.md, roc.svg and histogram.svg to this folder.")
    var report: String?

    func run() throws {
        threadOptions.apply()
        let detector = try modelOptions.loadDetector()
        var items: [DatasetItem]
        do { items = try Dataset.open(path: data).items } catch { throw UsageError("data: \(error)") }
        if let split {
            guard let wanted = Split(rawValue: split) else { throw UsageError("--split must be train, val or test, not \(split)") }
            items = items.filter { $0.split == wanted }
        }
        let faces = try CropEvaluation.score(items, with: detector) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let evaluation: EvaluationReport
        do { evaluation = try EvaluationReport(faces: faces) } catch { throw UsageError("\(data): \(error)") }
        if json {
            print(evaluation.jsonObject.serialized())
        } else {
            print(evaluation.markdown)
        }
        if let report {
            try FileManager.default.createDirectory(atPath: report, withIntermediateDirectories: true)
            try Data((evaluation.jsonObject.serialized(pretty: true) + "\n").utf8).write(to: URL(fileURLWithPath: "\(report)/report.json"), options: .atomic)
            try Data(evaluation.markdown.utf8).write(to: URL(fileURLWithPath: "\(report)/report.md"), options: .atomic)
            try SVGPlot.roc(evaluation.frame).write(to: "\(report)/roc.svg")
            try SVGPlot.scoreHistogram(faces.map { ($0.label, $0.pFake) }).write(to: "\(report)/histogram.svg")
        }
    }
}
