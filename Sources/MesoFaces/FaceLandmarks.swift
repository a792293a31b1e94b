/// The 68 points dlib's shape predictor places on a face (the iBUG 300-W layout), in frame pixels.
///
/// The named groups are the means face_recognition's `face_landmarks` groups reduce to, which is
/// what MesoNet's `find_coordinates` uses to centre, size and level the face crop.
public struct FaceLandmarks: Sendable, Equatable {
    /// The 68 points in dlib's order: jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67.
    public let points: [Point]

    public init(points: [Point]) {
        precondition(points.count == 68, "dlib's face layout has 68 landmarks, not \(points.count)")
        self.points = points
    }

    /// The centre of the eye on the image's left (the subject's right eye): points 36–41.
    public var leftEye: Point { mean(36..<42) }
    /// The centre of the eye on the image's right: points 42–47.
    public var rightEye: Point { mean(42..<48) }
    /// The lower nose, nostrils included: points 31–35.
    public var noseTip: Point { mean(31..<36) }
    /// The nose ridge: points 27–30.
    public var noseBridge: Point { mean(27..<31) }
    /// face_recognition's `top_lip`: the outer upper lip 48–54 and the inner upper lip 64–60.
    public var topLip: Point { mean(Array(48...54) + [64, 63, 62, 61, 60]) }
    /// face_recognition's `bottom_lip`: the outer lower lip 54–59, the corners and the inner lower lip.
    public var bottomLip: Point { mean(Array(54...59) + [48, 60, 67, 66, 65, 64]) }

    private func mean(_ indices: some Sequence<Int>) -> Point {
        Point.mean(indices.map { points[$0] })
    }
}
