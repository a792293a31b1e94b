import Foundation
import MesoData
import MesoscopeKit

/// What `predict` prints: a table and a summary line, or one JSON object per line.
/// Results go to stdout as they come, so a long run can be followed and nothing is lost.
struct PredictReport {
    let json: Bool
    let threshold: Double
    let model: String
    let weights: String
    private(set) var failures = 0
    private var fakes = 0
    private var reals = 0

    init(json: Bool, threshold: Double, model: String, weights: String) {
        self.json = json
        self.threshold = threshold
        self.model = model
        self.weights = weights
    }

    func begin() {
        if !json { print("p_fake  verdict  path") }
    }

    mutating func scored(path: String, score: FaceScore) {
        let verdict = score.verdict(threshold: threshold)
        if verdict == .fake { fakes += 1 } else { reals += 1 }
        if json {
            printJSON([("path", .string(path)), ("p_real", .number(score.pReal)), ("p_fake", .number(score.pFake)),
                            ("verdict", .string(verdict.rawValue)), ("model", .string(model)), ("weights", .string(weights))])
        } else {
            let label = verdict.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            print("\(String(format: "%6.4f", score.pFake))  \(label)  \(path)")
        }
    }

    mutating func failed(path: String, error: any Error) {
        failures += 1
        reportFailure(path: path, error: error, json: json)
    }

    func finish() {
        guard !json else { return }
        let total = fakes + reals + failures
        print("\(total) image\(total == 1 ? "" : "s"): \(fakes) fake, \(reals) real, \(failures) failed (threshold \(threshold), \(model), \(weights))")
    }
}
