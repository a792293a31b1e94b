import MesoFaces
import MesoMedia
import MesoTestSupport
import Testing

@Test(arguments: obamaPhotos)
func finderFindsOneFaceAndReFindsItNearby(_ name: String) throws {
    let image = try facePhoto(name)
    let finder = try FaceFinder(landmarks: sharedLandmarks)
    let first = finder.faces(in: image)
    let second = finder.faces(in: image)
    #expect(first.count == 1, "\(name): \(first.map(\.box))")
    // The second call tracks the face: no full-frame search, and the same face comes back.
    #expect(finder.timings.frames == 2 && finder.timings.fullSearches == 1)
    #expect(second.count == 1, "\(name): \(second.map(\.box))")
    if let a = first.first, let b = second.first {
        #expect(a.box.intersectionOverUnion(b.box) > 0.6, "\(a.box) vs \(b.box)")
        expectPlausible(a.landmarks, in: a.box)
        expectPlausible(b.landmarks, in: b.box)
    }
}

@Test func resetForgetsTrackedFacesAndTimings() throws {
    let finder = try FaceFinder(landmarks: sharedLandmarks)
    _ = finder.faces(in: try facePhoto("obama-240p.jpg"))
    finder.reset()
    #expect(finder.timings.frames == 0 && finder.timings.detectionSeconds == 0)
    _ = finder.faces(in: try facePhoto("obama-240p.jpg"))
    #expect(finder.timings.fullSearches == 1)
}

@Test func aFullSearchRunsAtTheIntervalWhileTracking() throws {
    let finder = try FaceFinder(landmarks: sharedLandmarks, options: .init(fullSearchInterval: 3))
    let image = try facePhoto("obama-240p.jpg")
    for _ in 0..<7 { #expect(finder.faces(in: image).count == 1) }
    // Frames 0, 3 and 6.
    #expect(finder.timings.fullSearches == 3)
}

@Test(arguments: [(1, 1), (3, 500), (500, 3), (2, 2), (81, 81)])
func tinyAndThinImagesHaveNoFaces(width: Int, height: Int) throws {
    let image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 128, count: width * height * 3))
    #expect(try HOGFaceDetector().detect(in: image, upsample: 2).isEmpty)
    #expect(try FaceFinder(landmarks: sharedLandmarks).faces(in: image).isEmpty)
}

/// 32bit.png is an RGBA photo of one speaker (plus half a face cut by the right border, which
/// HOG does not find): the alpha channel is dropped by the decoder and the face is found.
@Test func rgbaPhotoFindsTheSpeaker() throws {
    let image = try facePhoto("32bit.png")
    let faces = try FaceFinder(landmarks: sharedLandmarks).faces(in: image)
    #expect(faces.count == 1, "\(faces.map(\.box))")
    for face in faces { expectPlausible(face.landmarks, in: face.box) }
}

/// The MesoNet test images are tight crops, so the face nearly fills the frame. With the default
/// options all four are found today (boxes of 150–190 px); the test only pins "no crash, at most one face".
@Test(arguments: SharedData.testImages)
func tightFaceCropsDoNotConfuseTheFinder(_ name: String) throws {
    let image = try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/\(name)"))
    let faces = try FaceFinder(landmarks: sharedLandmarks).faces(in: image)
    #expect(faces.count <= 1)
    for face in faces { _ = image.alignedFace(face.alignment) }
}

@Test func missingLandmarkModelNamesThePath() {
    let path = "/nonexistent/shape_predictor_68_face_landmarks.dat"
    #expect {
        try LandmarkModel(path: path)
    } throws: { error in
        guard let error = error as? FaceError else { return false }
        return error.code == .modelNotFound && error.path == path && error.description.hasPrefix(path)
            && error.description.contains("MESOSCOPE_LANDMARKS")
    }
}

@Test func aFileThatIsNotAModelIsRefused() throws {
    let path = SharedData.path("faces/README.md")
    #expect {
        try LandmarkModel(path: path)
    } throws: { error in
        (error as? FaceError)?.code == .modelUnreadable
    }
}
