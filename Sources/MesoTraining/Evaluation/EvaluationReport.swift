import MesoData

/// The metrics of one evaluation run at frame and video level, as `metrics.json` and as a
/// Markdown table for a write-up.
public struct EvaluationReport: Sendable, Equatable {
    public let frame: BinaryMetrics
    /// Nil when no face has a video id (a set of photos).
    public let video: BinaryMetrics?

    /// Throws what `BinaryMetrics` and `VideoLevel` throw: an empty set, a score that is not a
    /// probability, a video with both labels. A single class is not an error (see `BinaryMetrics`).
    public init(faces: [ScoredFace]) throws(EvaluationError) {
        frame = try BinaryMetrics(faces.map { ($0.label, $0.pFake) }, level: .frame)
        video = try VideoLevel.metrics(faces)
    }

    /// `{"frame": {...}, "video": {...} | null}`, each level's keys in the order n_real,
    /// n_fake, acc, acc_real, acc_fake, auc, eer, ap, log_loss; an undefined metric is null.
    public var jsonObject: JSONValue {
        .object([("frame", Self.object(frame)), ("video", video.map(Self.object) ?? .null)])
    }

    public static func object(_ m: BinaryMetrics) -> JSONValue {
        .object([
            ("n_real", .integer(m.nReal)), ("n_fake", .integer(m.nFake)),
            ("acc", .number(m.accuracy)), ("acc_real", .number(orNull: m.accuracyReal)), ("acc_fake", .number(orNull: m.accuracyFake)),
            ("auc", .number(orNull: m.auc)), ("eer", .number(orNull: m.eer)), ("ap", .number(orNull: m.ap)),
            ("log_loss", .number(m.logLoss)),
        ])
    }

    /// One row per level, four decimals, "–" for an undefined metric, and below the table why
    /// a level has no AUC, EER and AP.
    public var markdown: String {
        let levels = [frame] + (video.map { [$0] } ?? [])
        func cell(_ x: Double?) -> String { x.map { ProgressCallback.fixed($0) } ?? "–" }
        var lines = [
            "| level | n_real | n_fake | acc | acc_real | acc_fake | AUC | EER | AP | log loss |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for m in levels {
            let cells = [m.level.rawValue, String(m.nReal), String(m.nFake), cell(m.accuracy), cell(m.accuracyReal),
                         cell(m.accuracyFake), cell(m.auc), cell(m.eer), cell(m.ap), cell(m.logLoss)]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        for m in levels {
            if case .failure(let error) = m.ranking { lines += ["", "\(m.level.rawValue) level: \(error)"] }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
