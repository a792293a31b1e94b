/// Links the faces found on successive sampled frames into tracks, one per person.
///
/// A video can hold several people, and a deepfake may swap only one of them, so each face is
/// scored on its own and a track's scores are combined per person. Matching is greedy on the
/// sampled frames: a face continues the track whose last box it overlaps most (intersection over
/// union), or failing any overlap, whose last centre is nearest within ``maximumCentreShift``
/// of that box's size, which covers fast motion between sparsely sampled frames. A track that
/// has not been seen on ``maximumMissedFrames`` consecutive sampled frames ends: a face that
/// leaves and comes back far away later is a new track.
public struct FaceTracker: Sendable {
    /// The least overlap that links a face to a track.
    public var minimumOverlap: Double
    /// How far, in units of the track's last box side, a centre may move between samples.
    public var maximumCentreShift: Double
    /// Sampled frames without the face after which its track ends.
    public var maximumMissedFrames: Int

    private struct Active: Sendable {
        let id: Int
        var box: FaceBox
        var missed: Int
    }

    private var active: [Active] = []
    private var nextID = 0

    public init(minimumOverlap: Double = 0.2, maximumCentreShift: Double = 1.0, maximumMissedFrames: Int = 3) {
        self.minimumOverlap = minimumOverlap
        self.maximumCentreShift = maximumCentreShift
        self.maximumMissedFrames = maximumMissedFrames
    }

    /// Assigns a track id to each of one sampled frame's `boxes`, in their order. Call once per
    /// sampled frame, in frame order, including frames with no face (they age the tracks).
    public mutating func assign(_ boxes: [FaceBox]) -> [Int] {
        // Every plausible (track, box) pair, best first: overlap beats centre distance.
        var candidates: [(affinity: Double, track: Int, box: Int)] = []
        for (t, track) in active.enumerated() {
            for (b, box) in boxes.enumerated() {
                if let affinity = affinity(track.box, box) { candidates.append((affinity, t, b)) }
            }
        }
        candidates.sort { $0.affinity > $1.affinity }
        var ids = [Int?](repeating: nil, count: boxes.count)
        var taken = Set<Int>()
        for candidate in candidates where ids[candidate.box] == nil && !taken.contains(candidate.track) {
            ids[candidate.box] = active[candidate.track].id
            active[candidate.track].box = boxes[candidate.box]
            active[candidate.track].missed = 0
            taken.insert(candidate.track)
        }
        for t in active.indices where !taken.contains(t) { active[t].missed += 1 }
        active.removeAll { $0.missed > maximumMissedFrames }
        for b in boxes.indices where ids[b] == nil {
            ids[b] = nextID
            active.append(Active(id: nextID, box: boxes[b], missed: 0))
            nextID += 1
        }
        return ids.map { $0! }
    }

    /// 1 + IoU for overlapping boxes above the threshold, else a value in (0, 1) that falls with
    /// the centre distance when it is within reach, else nil.
    private func affinity(_ last: FaceBox, _ box: FaceBox) -> Double? {
        let overlap = last.intersectionOverUnion(box)
        if overlap >= minimumOverlap { return 1 + overlap }
        let reach = maximumCentreShift * Double(max(last.width, last.height))
        let dx = last.centreX - box.centreX, dy = last.centreY - box.centreY
        let distance = (dx * dx + dy * dy).squareRoot()
        return distance <= reach && reach > 0 ? 1 - distance / reach * 0.999 : nil
    }
}
