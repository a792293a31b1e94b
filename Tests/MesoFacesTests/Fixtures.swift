import MesoFaces
import MesoMedia
import MesoTestSupport

/// The landmark model, loaded once per test process (it takes about a second).
let sharedLandmarks: LandmarkModel = {
    do { return try LandmarkModel() } catch { fatalError("\(error)") }
}()

/// A photo from `shared/faces`.
func facePhoto(_ name: String) throws -> RGBImage {
    try ImageDecoder.decode(contentsOf: SharedData.path("faces/\(name)"))
}

/// The four resolutions of the same portrait, smallest first.
let obamaPhotos = ["obama-240p.jpg", "obama-480p.jpg", "obama-720p.jpg", "obama-1080p.jpg"]
