import MesoData
import MesoMedia
import MesoTraining

/// Scores a dataset's labelled face crops and measures how well the scores separate fake from
/// real: `mesoscope evaluate` and the experiment's test columns.
public enum CropEvaluation {
    /// The p_fake of every labelled crop in `items` that decodes, streamed through
    /// ``CropScoring`` so memory stays flat; files that fail are reported through `warn` and left out.
    public static func score(_ items: [DatasetItem], with detector: Detector,
                             warn: (String) -> Void = { print($0) }) throws -> [ScoredFace] {
        let labelled = items.filter { $0.label != nil }
        if labelled.contains(where: { $0.kind == .video }) {
            throw TrainingRunError("the data holds videos; evaluate reads face crops: run `mesoscope prepare` first")
        }
        var faces: [ScoredFace] = []
        var next = labelled.makeIterator()
        CropScoring.score(labelled.map(\.path), with: detector) { _, result in
            let item = next.next()!
            switch result {
            case .success(let score): faces.append(ScoredFace(label: item.label!, pFake: score.pFake, videoID: item.videoID))
            case .failure(let error): warn("warning: skipped \(error)")
            }
        }
        return faces
    }
}
