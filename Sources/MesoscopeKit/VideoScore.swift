/// One face track's scores.
public struct TrackScore: Sendable, Equatable {
    public let id: Int
    /// How many sampled frames the face was found on.
    public let faceCount: Int
    /// The track's p_fake under each aggregate.
    public let pFake: [Aggregate: Double]
    /// Whether the track was long enough to count towards the video's score.
    public let counted: Bool
}

/// A video's p_fake from its face tracks: a video is fake if anyone in it is.
///
/// The video's score is the highest track score among the tracks holding at least
/// max(3, 10% of the analysed frames) faces. Shorter tracks are usually false detections or
/// faces glimpsed at a border, so they are reported but ignored, unless no track is long
/// enough; then the longest tracks decide (the highest of them when several tie, as for a
/// photo with several faces).
public struct VideoScore: Sendable, Equatable {
    public let tracks: [TrackScore]
    /// The video's p_fake under each aggregate; nil when no face was found at all.
    public let pFake: [Aggregate: Double]?

    /// The least number of faces a track needs to count when `framesAnalyzed` frames were analysed.
    public static func minimumTrackLength(framesAnalyzed: Int) -> Int {
        max(3, Int((Double(framesAnalyzed) * 0.1).rounded(.up)))
    }

    /// Scores the faces of one video, each given as its track id and p_fake, in frame order.
    public init(faces: [(track: Int, pFake: Double)], framesAnalyzed: Int) {
        var byTrack: [Int: [Double]] = [:]
        for face in faces { byTrack[face.track, default: []].append(face.pFake) }
        let minimum = Self.minimumTrackLength(framesAnalyzed: framesAnalyzed)
        let longest = byTrack.values.map(\.count).max() ?? 0
        let anyLongEnough = longest >= minimum
        tracks = byTrack.keys.sorted().map { id in
            let scores = byTrack[id]!
            let counted = anyLongEnough ? scores.count >= minimum : scores.count == longest
            return TrackScore(id: id, faceCount: scores.count,
                              pFake: Dictionary(uniqueKeysWithValues: Aggregate.allCases.map { ($0, $0.combine(scores)) }),
                              counted: counted)
        }
        let counted = tracks.filter(\.counted)
        pFake = counted.isEmpty ? nil : Dictionary(uniqueKeysWithValues: Aggregate.allCases.map { aggregate in
            (aggregate, counted.map { $0.pFake[aggregate]! }.max()!)
        })
    }
}
