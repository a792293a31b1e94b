@testable import MesoFaces
import MesoMedia
import Testing

/// The same portrait at four resolutions must give the same crop: detection, landmarks and the
/// alignment geometry are all resolution-independent up to a pixel or two.
@Test func alignmentAgreesAcrossResolutions() throws {
    let finder = try FaceFinder(landmarks: sharedLandmarks)
    var faces: [(image: RGBImage, face: FoundFace, scale: Double)] = []
    for name in obamaPhotos {
        finder.reset()
        let image = try facePhoto(name)
        let found = finder.faces(in: image)
        try #require(found.count == 1, "\(name)")
        faces.append((image, found[0], 480 / Double(image.height)))
    }
    let reference = faces[1]  // 480p
    // Measured against 480p: centres within 0.7 px, sides within 0.5 %, angles within 0.006 rad,
    // landmarks within 2 px, 32×32 crops within 5.8 grey levels (1080p; 240p differs from 480p
    // by 3.6). The bounds leave about twice that or more.
    for (image, face, scale) in faces {
        let a = face.alignment, b = reference.face.alignment
        #expect(abs(a.center.x * scale - b.center.x) < 1.5 && abs(a.center.y * scale - b.center.y) < 1.5)
        #expect(abs(a.side * scale / b.side - 1) < 0.02)
        #expect(abs(a.angle - b.angle) < 0.02)
        let worst = zip(face.landmarks.points, reference.face.landmarks.points)
            .map { max(abs($0.x * scale - $1.x), abs($0.y * scale - $1.y)) }.max()!
        #expect(worst < 5, "\(image.width)×\(image.height): a landmark is \(worst) px off at 480p scale")
        let difference = meanAbsoluteDifference(
            image.alignedFace(a).resized(width: 32, height: 32),
            reference.image.alignedFace(b).resized(width: 32, height: 32))
        #expect(difference < 10, "\(image.width)×\(image.height): 32×32 crops differ by \(difference)")
    }
}

@Test func partialFaceIsPaddedByReflection() throws {
    let image = try facePhoto("obama_partial_face.jpg")
    let faces = try FaceFinder(landmarks: sharedLandmarks).faces(in: image)
    try #require(faces.count == 1)
    let face = faces[0]
    #expect(face.box.x == 0, "the face is cut by the left border: \(face.box)")
    let alignment = face.alignment
    #expect(alignment.center.x - alignment.side / 2 < -50, "the crop should reach well past the border")
    // The crop's left part lies outside the frame: reflected face, not black.
    let crop = image.alignedFace(alignment)
    var sum = 0
    for y in 0..<256 {
        for x in 0..<32 {
            let i = (y * 256 + x) * 3
            sum += Int(crop.pixels[i]) + Int(crop.pixels[i + 1]) + Int(crop.pixels[i + 2])
        }
    }
    #expect(Double(sum) / Double(256 * 32 * 3) > 60)
}

func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    precondition(a.width == b.width && a.height == b.height)
    return Double(zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(a.pixels.count)
}
