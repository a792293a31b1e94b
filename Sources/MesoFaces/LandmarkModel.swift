import CDlib
import Foundation
import MesoMedia

/// dlib's 68-point shape predictor, loaded once and shared by every thread.
///
/// The model file is about 100 MB and takes a moment to deserialize, so load one per process and
/// pass it around; prediction only reads it, which makes concurrent use safe.
public final class LandmarkModel: @unchecked Sendable {
    /// Where Debian's libdlib-data package installs the model.
    public static let defaultPath = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

    /// The file the model was loaded from.
    public let path: String
    private let model: OpaquePointer

    /// Loads the model from `path`, or from `$MESOSCOPE_LANDMARKS`, or from ``defaultPath``.
    public init(path: String? = nil) throws(FaceError) {
        let environment = ProcessInfo.processInfo.environment["MESOSCOPE_LANDMARKS"].flatMap { $0.isEmpty ? nil : $0 }
        let path = path ?? environment ?? Self.defaultPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw FaceError(code: .modelNotFound, path: path,
                            message: "not found; install Debian's libdlib-data or set MESOSCOPE_LANDMARKS")
        }
        guard let model = cdlib_shape_model_load(path) else {
            throw FaceError(code: .modelUnreadable, path: path,
                            message: "not a dlib shape predictor: \(String(cString: cdlib_last_error()))")
        }
        let parts = cdlib_shape_model_parts(model)
        guard parts == 68 else {
            cdlib_shape_model_free(model)
            throw FaceError(code: .modelUnreadable, path: path,
                            message: "predicts \(parts) landmarks, not 68; use shape_predictor_68_face_landmarks.dat")
        }
        self.path = path
        self.model = model
    }

    deinit { cdlib_shape_model_free(model) }

    /// The 68 landmarks of the face in `box`, in `image` pixels.
    ///
    /// dlib places the points even when the box holds no face, so pass boxes from a detector.
    public func landmarks(in image: RGBImage, box: FaceBox) -> FaceLandmarks {
        var xy = [Double](repeating: 0, count: 136)
        let rect = box.dlibRect
        let count = image.pixels.withUnsafeBufferPointer { rgb in
            xy.withUnsafeMutableBufferPointer { xy in
                cdlib_landmarks(model, rgb.baseAddress, Int32(image.width), Int32(image.height), rect, xy.baseAddress)
            }
        }
        // Only allocation can fail here: the image and model were validated on the way in.
        guard count == 68 else { fatalError("dlib shape predictor failed: \(String(cString: cdlib_last_error()))") }
        return FaceLandmarks(points: (0..<68).map { Point(x: xy[2 * $0], y: xy[2 * $0 + 1]) })
    }
}
