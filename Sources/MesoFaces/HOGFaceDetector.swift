import CDlib
import MesoMedia

/// dlib's HOG frontal face detector, as face_recognition's `face_locations(model="hog")` runs it.
///
/// dlib's detector keeps scratch state while it scans, so an instance must not be used from two
/// threads at once: make one per thread. The first costs about 0.4 s to decode dlib's model;
/// later ones copy it.
public final class HOGFaceDetector {
    /// A detected face and dlib's detection score (larger is surer; the threshold is 0).
    struct Detection {
        var box: FaceBox
        var score: Double
    }

    private let detector: OpaquePointer

    public init() throws(FaceError) {
        guard let detector = cdlib_detector_create() else {
            throw FaceError(code: .dlibFailed, path: "dlib",
                            message: "cannot create the frontal face detector: \(String(cString: cdlib_last_error()))")
        }
        self.detector = detector
    }

    deinit { cdlib_detector_free(detector) }

    /// The faces in `image`, found after `upsample` doublings of the image (each finds faces half
    /// as large, about 40 px instead of 80 px, and costs about four times as much).
    ///
    /// Boxes are in `image` pixels and clamped to the image, like face_recognition's
    /// `_trim_css_to_bounds`; dlib's rectangles may stick out of it for faces cut by the border.
    public func detect(in image: RGBImage, upsample: Int) -> [FaceBox] {
        detections(in: image, upsample: upsample).map(\.box)
    }

    /// ``detect(in:upsample:)`` with dlib's scores.
    func detections(in image: RGBImage, upsample: Int) -> [Detection] {
        precondition(upsample >= 0, "upsample must be 0 or more, not \(upsample)")
        var capacity = 16
        while true {
            var rects = [cdlib_rect](repeating: cdlib_rect(), count: capacity)
            var scores = [Double](repeating: 0, count: capacity)
            let count = image.pixels.withUnsafeBufferPointer { rgb in
                cdlib_detect(detector, rgb.baseAddress, Int32(image.width), Int32(image.height), Int32(upsample),
                             &rects, &scores, Int32(capacity))
            }
            // Only allocation can fail here: the arguments were validated on the way in.
            guard count >= 0 else { fatalError("dlib face detection failed: \(String(cString: cdlib_last_error()))") }
            guard Int(count) <= capacity else {
                capacity = Int(count)
                continue
            }
            return (0..<Int(count)).compactMap { i in
                FaceBox(dlibRect: rects[i]).clamped(width: image.width, height: image.height)
                    .map { Detection(box: $0, score: scores[i]) }
            }
        }
    }
}
