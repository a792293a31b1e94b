import Foundation

/// Where MesoNet cuts a face out of a frame: a square centred on the nose, sized from the eyes and
/// mouth, and turned so the eyes are level and the mouth is straight below them.
///
/// This is `find_coordinates` plus the geometry of `get_aligned_face` in MesoNet's `pipeline.py`.
/// With E the midpoint of the eye centres, N the midpoint of the nose tip and bridge and B the
/// midpoint of the lips, the crop is centred on N and its side is
/// `K × max(|E1 − E2|, |B − E|) × 1.3`. Differences from the original, all below a pixel or
/// deliberate:
/// - the original floors the centre and the length twice (`floor(l)`, then `int(l) * 1.3` and
///   `l // 2`); here they stay `Double`;
/// - the original rotates by `atan((B.x − E.x) / (B.y − E.y))`, which flips an upside-down face
///   the wrong way up; here the crop's downward axis is the direction from E to B, which is the
///   same for an upright face and still right for an upside-down one.
public struct FaceAlignment: Sendable, Equatable {
    /// The centre of the crop in continuous frame coordinates, where pixel `k` spans `k ..< k + 1`.
    ///
    /// It is the landmark N taken as is. dlib's landmarks are pixel indices, so the crop centre
    /// falls at index `N − 0.5`, as the original's centre `floor(N)` falls at `floor(N) − 0.5`
    /// in its even-sized slices.
    public var center: Point
    /// The crop's side in frame pixels (already multiplied by `scale`).
    public var side: Double
    /// The tilt in radians of the eyes-to-mouth axis from straight down: positive when the mouth
    /// is to the right of the eyes (B.x > E.x); ±π for an upside-down face.
    public var angle: Double

    public init(center: Point, side: Double, angle: Double) {
        self.center = center
        self.side = side
        self.angle = angle
    }

    /// MesoNet's alignment for `landmarks`: `k` is `find_coordinates`'s K and `scale` is
    /// `get_aligned_face`'s `l_factor`.
    public init(landmarks: FaceLandmarks, k: Double = 2.2, scale: Double = 1.3) {
        let eye1 = landmarks.leftEye, eye2 = landmarks.rightEye
        let eyes = Point.midpoint(eye1, eye2)
        let nose = Point.midpoint(landmarks.noseTip, landmarks.noseBridge)
        let mouth = Point.midpoint(landmarks.topLip, landmarks.bottomLip)
        let length = k * max(Point.distance(eye1, eye2), Point.distance(mouth, eyes))
        self.init(center: nose, side: length * scale, angle: atan2(mouth.x - eyes.x, mouth.y - eyes.y))
    }
}
