import Foundation
import MesoscopeKit

/// What `detect` prints per input: a verdict line with one line per track, or one JSON object
/// in the schema the README documents. Each input is printed as soon as it is done.
struct DetectReport {
    let json: Bool
    let threshold: Double
    let aggregate: Aggregate
    private(set) var failures = 0
    private(set) var framesAnalyzed = 0
    private var headerPrinted = false
    private var verdicts: [String: Int] = [:]

    init(json: Bool, threshold: Double, aggregate: Aggregate) {
        self.json = json
        self.threshold = threshold
        self.aggregate = aggregate
    }

    mutating func analyzed(_ analysis: VideoAnalysis) {
        framesAnalyzed += analysis.summary.framesAnalyzed
        let pFake = analysis.pFake(aggregate)
        let verdict = analysis.verdict(aggregate, threshold: threshold)
        verdicts[verdict, default: 0] += 1
        if json {
            print(analysis.detectJSON(aggregate: aggregate, threshold: threshold).serialized())
            return
        }
        if !headerPrinted {
            print("p_fake  verdict  faces/frames  path")
            headerPrinted = true
        }
        let score = pFake.map { String(format: "%6.4f", $0) } ?? "     -"
        let faces = "\(analysis.facesFound)/\(analysis.summary.framesAnalyzed)"
        print("\(score)  \(verdict.padding(toLength: 7, withPad: " ", startingAt: 0))  \(faces.padding(toLength: 12, withPad: " ", startingAt: 0))  \(analysis.path)")
        for track in analysis.score.tracks {
            let note = track.counted ? "" : " (too short, ignored)"
            print("        track \(track.id): p_fake \(String(format: "%.4f", track.pFake[aggregate]!)) over \(track.faceCount) face\(track.faceCount == 1 ? "" : "s")\(note)")
        }
    }

    /// The summary line of the human output.
    func finish() {
        guard !json else { return }
        let total = verdicts.values.reduce(failures, +)
        print("\(total) input\(total == 1 ? "" : "s"): \(verdicts["fake", default: 0]) fake, \(verdicts["real", default: 0]) real, "
              + "\(verdicts["no_face", default: 0]) without a face, \(failures) failed (\(aggregate.rawValue), threshold \(threshold))")
    }

    mutating func failed(path: String, error: any Error) {
        failures += 1
        reportFailure(path: path, error: error, json: json)
    }
}
