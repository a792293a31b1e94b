import MesoFaces
import MesoMedia
import MesoTestSupport
import Testing

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

/// The eyes left to right and above the nose, the nose above the mouth, the centre points inside the box.
func expectPlausible(_ landmarks: FaceLandmarks, in box: FaceBox, sourceLocation: SourceLocation = #_sourceLocation) {
    let eyes = (landmarks.leftEye.y + landmarks.rightEye.y) / 2
    #expect(landmarks.leftEye.x < landmarks.rightEye.x, sourceLocation: sourceLocation)
    #expect(eyes < landmarks.noseTip.y, sourceLocation: sourceLocation)
    #expect(landmarks.noseTip.y < landmarks.topLip.y, sourceLocation: sourceLocation)
    #expect(landmarks.topLip.y < landmarks.bottomLip.y, sourceLocation: sourceLocation)
    for point in [landmarks.leftEye, landmarks.rightEye, landmarks.noseTip, landmarks.topLip, landmarks.bottomLip] {
        #expect(Double(box.x) <= point.x && point.x <= Double(box.x + box.width), sourceLocation: sourceLocation)
        #expect(Double(box.y) <= point.y && point.y <= Double(box.y + box.height), sourceLocation: sourceLocation)
    }
}
