import MesoData
import MesoMedia
import MesoTraining

/// Scores a dataset's labelled face crops and measures how well the scores separate fake from
/// real: `mesoscope evaluate` and the experiment's test columns.
public enum CropEvaluation {
    /// The p_fake of every labelled crop in `items` that decodes, in batches of 64 so memory
    /// stays flat; files that fail are reported through `warn` and left out.
    public static func score(_ items: [DatasetItem], with detector: Detector,
                             warn: (String) -> Void = { print($0) }) throws -> [ScoredFace] {
        let labelled = items.filter { $0.label != nil }
        if labelled.contains(where: { $0.kind == .video }) {
            throw TrainingRunError("the data holds videos; evaluate reads face crops: run `mesoscope prepare` first")
        }
        var faces: [ScoredFace] = []
        for start in stride(from: 0, to: labelled.count, by: 64) {
            let batch = Array(labelled[start..<min(start + 64, labelled.count)])
            let (images, failures) = CropLoader.load(batch.map(\.path))
            for failure in failures { warn("warning: skipped \(failure)") }
            let kept = zip(batch, images).compactMap { item, image in image.map { (item, $0) } }
            for ((item, _), score) in zip(kept, detector.score(kept.map(\.1))) {
                faces.append(ScoredFace(label: item.label!, pFake: score.pFake, videoID: item.videoID))
            }
        }
        return faces
    }
}
