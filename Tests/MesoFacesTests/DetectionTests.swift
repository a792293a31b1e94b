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

/// The model only reads its weights, so threads may share it: concurrent predictions agree.
@Test func landmarkModelIsSharedAcrossThreads() async throws {
    let image = try facePhoto("obama-480p.jpg")
    let box = try #require(try HOGFaceDetector().detect(in: image, upsample: 0).first)
    let expected = sharedLandmarks.landmarks(in: image, box: box)
    let results = await withTaskGroup(of: FaceLandmarks.self) { group in
        for _ in 0..<8 { group.addTask { sharedLandmarks.landmarks(in: image, box: box) } }
        return await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.allSatisfy { $0 == expected })
}
