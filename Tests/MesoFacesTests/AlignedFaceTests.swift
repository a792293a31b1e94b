@testable import MesoFaces
import MesoMedia
import Testing

/// A `width`×`height` image of pseudo-random bytes: noise is the hardest case for exactness,
/// since a spline only passes through it if its prefilter is right.
func noiseImage(width: Int, height: Int, seed: UInt64 = 1) -> RGBImage {
    var state = seed
    let pixels = (0..<width * height * 3).map { _ -> UInt8 in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
    let i = (y * image.width + x) * 3
    return Array(image.pixels[i..<i + 3])
}

@Test func reflectIndexesLikeNumpy() {
    // numpy.pad(np.arange(4), 9, 'reflect') == [3 2 1 0 1 2 3 2 1 | 0 1 2 3 | 2 1 0 1 2 3 2 1 0]
    #expect((-9..<13).map { reflect($0, count: 4) } == [3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0])
    #expect((-3..<4).map { reflect($0, count: 1) } == Array(repeating: 0, count: 7))
}

@Test func unrotatedCropAtScaleOneIsThePlainCrop() {
    let image = noiseImage(width: 512, height: 512)
    let crop = image.alignedFace(FaceAlignment(center: Point(x: 256, y: 256), side: 256, angle: 0))
    var worst = 0
    for y in 0..<256 {
        for x in 0..<256 {
            for (a, b) in zip(pixel(crop, x, y), pixel(image, x + 128, y + 128)) { worst = max(worst, abs(Int(a) - Int(b))) }
        }
    }
    #expect(worst <= 1)
}

@Test(arguments: [Point(x: 1, y: 1), Point(x: -10, y: 3), Point(x: 12, y: 40)])
func cropsBeyondTheFrameReadReflectedPixels(center: Point) {
    let image = noiseImage(width: 7, height: 5, seed: 3)
    let side = 6
    let crop = image.alignedFace(FaceAlignment(center: center, side: Double(side), angle: 0), side: side)
    // Output pixel i samples frame index center − side/2 + i.
    let x0 = Int(center.x) - side / 2, y0 = Int(center.y) - side / 2
    for y in 0..<side {
        for x in 0..<side {
            let expected = pixel(image, reflect(x0 + x, count: 7), reflect(y0 + y, count: 5))
            for (a, b) in zip(pixel(crop, x, y), expected) { #expect(abs(Int(a) - Int(b)) <= 1, "(\(x), \(y))") }
        }
    }
}

@Test func oneColumnImagesReflectOntoThemselves() {
    let image = noiseImage(width: 1, height: 5, seed: 7)
    let crop = image.alignedFace(FaceAlignment(center: Point(x: 0.5, y: 2.5), side: 5, angle: 0), side: 5)
    for y in 0..<5 {
        for x in 0..<5 {
            for (a, b) in zip(pixel(crop, x, y), pixel(image, 0, y)) { #expect(abs(Int(a) - Int(b)) <= 1) }
        }
    }
}

@Test func aQuarterTurnMovesTheMouthBelowTheEyes() {
    // A face lying on its side, mouth to the right of the eyes: angle +90°. The crop's row axis
    // then runs along the frame's +x, so output (x, y) reads frame (center.x + y', center.y − x').
    let image = noiseImage(width: 64, height: 64, seed: 5)
    let crop = image.alignedFace(FaceAlignment(center: Point(x: 32, y: 32), side: 16, angle: .pi / 2), side: 16)
    for (y, x) in [(0, 0), (3, 11), (15, 15)] {
        // Index position: x' = (x + 0.5) − 8 along the crop's right axis (0, −1), y' along (1, 0).
        let frameX = 32 + y - 8, frameY = 32 - (x - 8) - 1
        for (a, b) in zip(pixel(crop, x, y), pixel(image, frameX, frameY)) { #expect(abs(Int(a) - Int(b)) <= 1, "(\(x), \(y))") }
    }
}
