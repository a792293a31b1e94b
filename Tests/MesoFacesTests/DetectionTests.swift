import MesoFaces
import MesoMedia
import Testing

@Test(arguments: obamaPhotos)
func detectorFindsOneFace(_ name: String) throws {
    let image = try facePhoto(name)
    let boxes = try HOGFaceDetector().detect(in: image, upsample: 1)
    #expect(boxes.count == 1, "\(name): \(boxes)")
    for box in boxes {
        #expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= image.width && box.y + box.height <= image.height)
        let landmarks = sharedLandmarks.landmarks(in: image, box: box)
        expectPlausible(landmarks, in: box)
    }
}

/// Eyes level-ish and above the nose, the nose above the mouth, the centre points inside the box.
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
