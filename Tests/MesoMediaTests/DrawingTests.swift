import MesoMedia
import Testing

@Suite struct DrawingTests {
    static func black(_ width: Int, _ height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }

    /// The set of (x, y) whose pixel is not black.
    static func drawn(_ image: RGBImage) -> Set<[Int]> {
        var points: Set<[Int]> = []
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixels[((y * image.width + x) * 3)..<((y * image.width + x) * 3 + 3)] != [0, 0, 0] {
                points.insert([x, y])
            }
        }
        return points
    }

    @Test func rectangleSetsExactlyItsBorder() {
        var image = Self.black(50, 40)
        image.drawRectangle(x: 10, y: 5, width: 20, height: 15, color: (255, 0, 0), thickness: 2)
        var expected: Set<[Int]> = []
        for y in 5..<20 {
            for x in 10..<30 where !((12..<28).contains(x) && (7..<18).contains(y)) { expected.insert([x, y]) }
        }
        #expect(Self.drawn(image) == expected)
        #expect(Array(image.pixels[((5 * 50 + 10) * 3)..<((5 * 50 + 10) * 3 + 3)]) == [255, 0, 0])
    }

    @Test func thickRectangleFills() {
        var image = Self.black(10, 10)
        image.drawRectangle(x: 2, y: 2, width: 3, height: 4, color: (1, 2, 3), thickness: 5)
        #expect(Self.drawn(image).count == 12)
    }

    @Test func rectanglesOffTheImageAreClipped() {
        var image = Self.black(20, 20)
        image.drawRectangle(x: -5, y: -5, width: 10, height: 10, color: (9, 9, 9), thickness: 1)
        #expect(Self.drawn(image) == Set((0..<5).flatMap { [[$0, 4], [4, $0]] }))
        for (x, y, w, h) in [(100, 100, 5, 5), (-50, -50, 10, 10), (Int.max - 1, 0, Int.max, 5),
                             (Int.min, Int.min, Int.max, Int.max), (0, 0, 0, 5), (3, 3, -4, 8)] {
            image.drawRectangle(x: x, y: y, width: w, height: h, color: (9, 9, 9), thickness: 3)
        }
        image.drawText("off", x: -1000, y: 19, color: (9, 9, 9), background: (1, 1, 1), scale: 3)
        image.drawText("far", x: Int.max - 10, y: Int.max - 10, color: (9, 9, 9), background: nil, scale: 2)
    }

    @Test func textSize() {
        #expect(RGBImage.textSize("", scale: 2) == (0, 0))
        #expect(RGBImage.textSize("A", scale: 1) == (5, 7))
        #expect(RGBImage.textSize("FAKE 97.5%", scale: 2) == (118, 14))
    }

    /// Every character of the font draws something, inside its text box and nowhere else.
    @Test(arguments: ["0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", ".:_-%/()", "é\u{1F600}"])
    func textStaysInsideItsBox(text: String) {
        let scale = 2
        let (width, height) = RGBImage.textSize(text, scale: scale)
        var image = Self.black(width + 20, height + 20)
        image.drawText(text, x: 10, y: 10, color: (255, 255, 255), background: nil, scale: scale)
        let points = Self.drawn(image)
        #expect(points.allSatisfy { (10..<(10 + width)).contains($0[0]) && (10..<(10 + height)).contains($0[1]) })
        for (i, _) in text.enumerated() {
            let left = 10 + i * 6 * scale
            #expect(points.contains { (left..<(left + 5 * scale)).contains($0[0]) }, "character \(i) of \(text)")
        }
    }

    @Test func textBackgroundFillsTheBox() {
        var image = Self.black(40, 20)
        image.drawText("a b", x: 3, y: 4, color: (255, 255, 255), background: (0, 0, 200), scale: 1)
        let (width, height) = RGBImage.textSize("a b", scale: 1)
        var box: Set<[Int]> = []
        for y in 4..<(4 + height) { for x in 3..<(3 + width) { box.insert([x, y]) } }
        #expect(Self.drawn(image) == box)
    }
}
