import Dispatch
import MesoMedia

/// Finds every face in the frames of a video, in order, the way MesoNet's `FaceFinder` does:
/// look for each face near where it was in the previous frame, and search the whole frame only
/// when that fails.
///
/// Searching a small patch around the last box is several times cheaper than searching the
/// frame, and most frames need nothing else. A full-frame search runs when there is nothing to
/// track, when a tracked face is not re-found, and every ``Options/fullSearchInterval`` frames
/// to catch faces that enter while others are tracked (the original only ever tracks one face).
/// Landmarks always run on the full-resolution frame.
///
/// Holds a detector, which must not be shared between threads: use one finder per video stream.
public final class FaceFinder {
    public struct Options: Sendable {
        /// A tracked face's patch is scaled so that the face's box is about this many pixels,
        /// then searched without upsampling. dlib's detector window is 80 px, so 120 px leaves
        /// room for the face to grow and shrink between frames while keeping the patch small.
        public var nearScaleFaceSide: Int
        /// How far the search patch extends beyond the last box on each side, as a fraction of
        /// the box's height: MesoNet's `expand_location_zone` margin.
        public var margin: Double
        /// The full-frame search's pyramid doublings; 1 finds faces down to about 40 px of the
        /// scaled frame.
        public var fullSearchUpsample: Int
        /// The full-frame search first shrinks the frame so its longer side is at most this.
        /// At 640 with 1 doubling it finds faces down to about 80 px in a 1280×720 frame, and a
        /// full search costs about 130–160 ms at 640×480 and at 1280×720 (release, one core);
        /// 960 would cost about 2.5× and 1280 about 3.5× at 720p.
        public var fullSearchMaxSide: Int
        /// A full-frame search also runs every this many frames while all faces are tracked.
        public var fullSearchInterval: Int

        public init(nearScaleFaceSide: Int = 120, margin: Double = 0.2, fullSearchUpsample: Int = 1,
                    fullSearchMaxSide: Int = 640, fullSearchInterval: Int = 10) {
            precondition(nearScaleFaceSide > 0 && margin >= 0 && fullSearchUpsample >= 0 && fullSearchMaxSide > 0
                         && fullSearchInterval > 0, "invalid face search options")
            self.nearScaleFaceSide = nearScaleFaceSide
            self.margin = margin
            self.fullSearchUpsample = fullSearchUpsample
            self.fullSearchMaxSide = fullSearchMaxSide
            self.fullSearchInterval = fullSearchInterval
        }
    }

    /// Where the time went since the finder was made or last reset.
    public struct Timings: Sendable {
        /// Calls to ``faces(in:)``.
        public var frames = 0
        /// How many of them searched the whole frame.
        public var fullSearches = 0
        /// Time spent finding boxes, cropping and scaling for the search included.
        public var detectionSeconds = 0.0
        /// Time spent placing landmarks.
        public var landmarkSeconds = 0.0
    }

    public let options: Options
    public private(set) var timings = Timings()
    private let landmarkModel: LandmarkModel
    private let detector: HOGFaceDetector
    private var previousBoxes: [FaceBox] = []

    public init(landmarks: LandmarkModel, options: Options = .init()) throws(FaceError) {
        self.landmarkModel = landmarks
        self.options = options
        self.detector = try HOGFaceDetector()
    }

    /// Forgets the faces being tracked and the timings, for a new video.
    public func reset() {
        previousBoxes = []
        timings = Timings()
    }

    /// The faces in `frame`, the next frame of the video, surest first.
    public func faces(in frame: RGBImage) -> [FoundFace] {
        var start = DispatchTime.now()
        var detections: [HOGFaceDetector.Detection] = []
        var lost = previousBoxes.isEmpty
        for box in previousBoxes {
            let near = searchNear(box, in: frame)
            lost = lost || near.isEmpty
            detections += near
        }
        if lost || timings.frames % options.fullSearchInterval == 0 {
            detections += searchWholeFrame(frame)
            timings.fullSearches += 1
        }
        let boxes = Self.withoutDuplicates(detections)
        timings.detectionSeconds += seconds(since: start)

        start = DispatchTime.now()
        let faces = boxes.map { box in
            let landmarks = landmarkModel.landmarks(in: frame, box: box)
            return FoundFace(box: box, landmarks: landmarks, alignment: FaceAlignment(landmarks: landmarks))
        }
        timings.landmarkSeconds += seconds(since: start)
        timings.frames += 1
        previousBoxes = boxes
        return faces
    }

    /// Faces in the patch around `box`, scaled so the face is ``Options/nearScaleFaceSide``.
    private func searchNear(_ box: FaceBox, in frame: RGBImage) -> [HOGFaceDetector.Detection] {
        guard let zone = box.expanded(by: options.margin).clamped(width: frame.width, height: frame.height) else {
            return []
        }
        let scale = Double(options.nearScaleFaceSide) / Double(max(box.width, box.height))
        return search(frame.cropped(to: zone), scale: scale, upsample: 0)
            .map { detection in
                var detection = detection
                detection.box.x += zone.x
                detection.box.y += zone.y
                return detection
            }
    }

    /// Faces anywhere in the frame, shrunk to ``Options/fullSearchMaxSide`` first.
    private func searchWholeFrame(_ frame: RGBImage) -> [HOGFaceDetector.Detection] {
        let scale = min(1, Double(options.fullSearchMaxSide) / Double(max(frame.width, frame.height)))
        return search(frame, scale: scale, upsample: options.fullSearchUpsample)
    }

    /// Detections in `image` resized by about `scale`, mapped back to `image` pixels.
    private func search(_ image: RGBImage, scale: Double, upsample: Int) -> [HOGFaceDetector.Detection] {
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        guard width != image.width || height != image.height else {
            return detector.detections(in: image, upsample: upsample)
        }
        let scaleX = Double(image.width) / Double(width), scaleY = Double(image.height) / Double(height)
        return detector.detections(in: image.resized(width: width, height: height), upsample: upsample)
            .compactMap { detection in
                let box = detection.box
                let left = Int((Double(box.x) * scaleX).rounded()), top = Int((Double(box.y) * scaleY).rounded())
                let right = Int((Double(box.x + box.width) * scaleX).rounded())
                let bottom = Int((Double(box.y + box.height) * scaleY).rounded())
                return FaceBox(x: left, y: top, width: right - left, height: bottom - top)
                    .clamped(width: image.width, height: image.height)
                    .map { HOGFaceDetector.Detection(box: $0, score: detection.score) }
            }
    }

    /// The surest of each group of boxes that overlap by more than 0.3 intersection over union:
    /// a face found both near its last box and in the full-frame search is one face.
    private static func withoutDuplicates(_ detections: [HOGFaceDetector.Detection]) -> [FaceBox] {
        var kept: [FaceBox] = []
        for detection in detections.sorted(by: { $0.score > $1.score }) {
            if kept.allSatisfy({ $0.intersectionOverUnion(detection.box) <= 0.3 }) {
                kept.append(detection.box)
            }
        }
        return kept
    }
}

/// Seconds elapsed since `start`, on the monotonic clock: the one stopwatch of the pipeline's stage timings.
public func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
