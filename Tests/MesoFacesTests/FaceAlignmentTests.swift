@testable import MesoFaces
import MesoMedia
import Testing

@Test func uprightFaceHasLevelEyesAndASideFromTheLandmarks() throws {
    let image = try facePhoto("obama-480p.jpg")
    let box = try #require(try HOGFaceDetector().detect(in: image, upsample: 0).first)
    let landmarks = sharedLandmarks.landmarks(in: image, box: box)
    let alignment = FaceAlignment(landmarks: landmarks)
    let eyes = Point.midpoint(landmarks.leftEye, landmarks.rightEye)
    let mouth = Point.midpoint(landmarks.topLip, landmarks.bottomLip)
    let length = max(Point.distance(landmarks.leftEye, landmarks.rightEye), Point.distance(eyes, mouth))
    #expect(abs(alignment.side - 2.2 * 1.3 * length) < 1e-9)
    #expect(alignment.center == Point.midpoint(landmarks.noseTip, landmarks.noseBridge))
    #expect(abs(alignment.angle) < 0.05)
}

/// Turning the frame and the landmarks upside down must give the same upright crop: the crop's
/// down axis follows the eyes-to-mouth direction (MesoNet's arctan would leave it upside down).
@Test func upsideDownFaceIsCroppedUpright() throws {
    let image = try facePhoto("obama-480p.jpg")
    let box = try #require(try HOGFaceDetector().detect(in: image, upsample: 0).first)
    let landmarks = sharedLandmarks.landmarks(in: image, box: box)
    var turnedPixels = [UInt8](repeating: 0, count: image.pixels.count)
    let count = image.width * image.height
    for i in 0..<count {
        let j = count - 1 - i
        turnedPixels[3 * j..<3 * j + 3] = image.pixels[3 * i..<3 * i + 3]
    }
    let turned = RGBImage(width: image.width, height: image.height, pixels: turnedPixels)
    // Alignment treats landmarks as continuous positions, which turning maps x → n − x.
    let turnedLandmarks = FaceLandmarks(points: landmarks.points.map {
        Point(x: Double(image.width) - $0.x, y: Double(image.height) - $0.y)
    })
    let alignment = FaceAlignment(landmarks: turnedLandmarks)
    #expect(abs(abs(alignment.angle) - .pi) < 0.05)
    // Every sample of the turned crop is the turned sample of the upright one: equal but for rounding.
    let upright = image.alignedFace(FaceAlignment(landmarks: landmarks))
    let fromTurned = turned.alignedFace(alignment)
    #expect(zip(upright.pixels, fromTurned.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
}
