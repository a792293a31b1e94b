import Foundation
import MesoData
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
        let verdict = pFake.map { Verdict(pFake: $0, threshold: threshold).rawValue } ?? "no_face"
        verdicts[verdict, default: 0] += 1
        if json {
            printJSON(fields(analysis, pFake: pFake, verdict: verdict))
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

    private func fields(_ analysis: VideoAnalysis, pFake: Double?, verdict: String) -> [(String, JSONValue)] {
        let summary = analysis.summary
        return [
            ("path", .string(analysis.path)),
            ("frames_total", .integer(summary.framesTotal)),
            ("frames_analyzed", .integer(summary.framesAnalyzed)),
            ("fps", .number(orNull: summary.fps)),
            ("duration_s", .number(orNull: summary.duration)),
            ("width", .integer(summary.width)),
            ("height", .integer(summary.height)),
            ("rotation", .integer(summary.rotation)),
            ("faces_found", .integer(analysis.facesFound)),
            ("p_fake", .number(orNull: pFake)),
            ("verdict", .string(verdict)),
            ("aggregate", .string(aggregate.rawValue)),
            ("scores", .object(Aggregate.allCases.map { ($0.rawValue, .number(orNull: analysis.pFake($0))) })),
            ("tracks", .array(analysis.score.tracks.map { track in
                .object([("id", .integer(track.id)), ("p_fake", .number(track.pFake[aggregate]!)),
                         ("n_faces", .integer(track.faceCount)), ("counted", .bool(track.counted))])
            })),
            ("frames", .array(analysis.frames.map { frame in
                .object([("index", .integer(frame.index)), ("time_s", .number(frame.time)),
                         ("faces", .array(frame.faces.map { face in
                             .object([("box", .array([face.box.x, face.box.y, face.box.width, face.box.height].map { .integer($0) })),
                                      ("track", .integer(face.track)), ("p_fake", .number(face.score.pFake))])
                         }))])
            })),
        ]
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
