import MesoData

/// One scored face crop: its label, the network's p_fake, and the video it was cut from
/// (nil for a photo, or when the dataset does not say).
public struct ScoredFace: Sendable, Equatable {
    public var label: Label
    public var pFake: Double
    public var videoID: String?

    public init(label: Label, pFake: Double, videoID: String? = nil) {
        self.label = label
        self.pFake = pFake
        self.videoID = videoID
    }
}

/// A video's score: the mean p_fake of its faces.
public struct LabelledVideoScore: Sendable, Equatable {
    public var videoID: String
    public var label: Label
    public var pFake: Double
    /// How many faces the mean is over.
    public var faces: Int
}

/// Video-level evaluation: the decision a viewer cares about is per video, and averaging the
/// faces' p_fake is the write-up's (and MesoNet's) aggregation.
public enum VideoLevel {
    /// One score per video id, in order of first appearance. Faces without a video id are
    /// skipped. A video whose faces disagree on the label throws: it would be scored against
    /// no single truth.
    public static func scores(_ faces: [ScoredFace]) throws(EvaluationError) -> [LabelledVideoScore] {
        var videos: [LabelledVideoScore] = []
        var index: [String: Int] = [:]
        for face in faces {
            guard let id = face.videoID else { continue }
            if let i = index[id] {
                guard videos[i].label == face.label else { throw .inconsistentVideoLabel(videoID: id) }
                videos[i].pFake += face.pFake
                videos[i].faces += 1
            } else {
                index[id] = videos.count
                videos.append(LabelledVideoScore(videoID: id, label: face.label, pFake: face.pFake, faces: 1))
            }
        }
        for i in videos.indices { videos[i].pFake /= Double(videos[i].faces) }
        return videos
    }

    /// The metrics over the videos' mean scores; nil when no face has a video id.
    public static func metrics(_ faces: [ScoredFace]) throws(EvaluationError) -> BinaryMetrics? {
        let videos = try scores(faces)
        if videos.isEmpty { return nil }
        return try BinaryMetrics(videos.map { ($0.label, $0.pFake) }, level: .video)
    }
}
