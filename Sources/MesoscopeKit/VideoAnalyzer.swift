import Dispatch
import MesoFaces
import MesoMedia

/// A scored face on an analysed frame.
public struct AnalyzedFace: Sendable {
    public let box: FaceBox
    public let track: Int
    public let score: FaceScore
}

/// An analysed frame and its scored faces (none when no face was found).
public struct AnalyzedFrame: Sendable {
    public let index: Int
    public let time: Double
    public var faces: [AnalyzedFace]
}

/// The verdict on one photo or video: every face scored, linked into tracks, and combined.
public struct VideoAnalysis: Sendable {
    public let path: String
    public let summary: MediaSummary
    public let frames: [AnalyzedFrame]
    public let score: VideoScore

    public var facesFound: Int { frames.reduce(0) { $0 + $1.faces.count } }

    /// The video's p_fake under `aggregate`; nil when no face was found.
    public func pFake(_ aggregate: Aggregate) -> Double? { score.pFake?[aggregate] }
}

/// Runs the whole pipeline on photos and videos: ``FaceExtractor`` finds and aligns the faces,
/// the ``Detector`` scores them in batches of ``batchSize``, and ``VideoScore`` combines them.
///
/// Crops are scored as soon as a batch fills, so a long video never holds more than one batch
/// of crops. One analyzer handles one input at a time.
public final class VideoAnalyzer {
    public static let batchSize = 32

    public let detector: Detector
    private let extractor: FaceExtractor
    private var classification = 0.0

    public init(detector: Detector, landmarks: LandmarkModel, options: FaceFinder.Options = .init()) throws(FaceError) {
        self.detector = detector
        extractor = try FaceExtractor(landmarks: landmarks, options: options)
    }

    /// Seconds per stage over every input analysed so far.
    public var timings: StageTimings {
        var timings = extractor.timings
        timings.classification = classification
        return timings
    }

    /// Analyses the photo or video at `path`. `progress` sees the sampled frames done out of how
    /// many, and stops the analysis by throwing. `scored` sees each face with its crop and score,
    /// in frame order, for callers that save crops.
    public func analyze(_ path: String, sampling: FrameSampling, largestFaceOnly: Bool = false,
                        progress: ((Int, Int) throws -> Void)? = nil,
                        scored: ((AnalyzedFrame, ExtractedFace, FaceScore) throws -> Void)? = nil) throws -> VideoAnalysis {
        var frames: [AnalyzedFrame] = []
        var pending: [(frame: Int, face: ExtractedFace)] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let start = DispatchTime.now()
            let scores = try detector.score(pending.map(\.face.crop))
            classification += seconds(since: start)
            for ((frame, face), score) in zip(pending, scores) {
                frames[frame].faces.append(AnalyzedFace(box: face.box, track: face.track, score: score))
                try scored?(frames[frame], face, score)
            }
            pending.removeAll(keepingCapacity: true)
        }
        let summary = try extractor.extract(path, sampling: sampling, largestFaceOnly: largestFaceOnly,
                                            progress: progress) { frame in
            frames.append(AnalyzedFrame(index: frame.index, time: frame.time, faces: []))
            pending += frame.faces.map { (frames.count - 1, $0) }
            if pending.count >= Self.batchSize { try flush() }
        }
        try flush()
        let faces = frames.flatMap { $0.faces.map { (track: $0.track, pFake: $0.score.pFake) } }
        return VideoAnalysis(path: path, summary: summary, frames: frames,
                             score: VideoScore(faces: faces, framesAnalyzed: summary.framesAnalyzed))
    }
}
