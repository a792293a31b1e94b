import MesoMedia
import Testing

@Suite struct NearestResizeTests {
    /// The reference's formula, src = floor((dst + 0.5) * in / 256), in Double.
    @Test func indicesMatchTheReferenceFormulaFor256Outputs() {
        for inputSize in 2...699 {
            let indices = RGBImage.nearestSourceIndices(inputSize: inputSize, outputSize: 256)
            let expected = (0..<256).map { Int(((Double($0) + 0.5) * Double(inputSize) / 256).rounded(.down)) }
            #expect(indices == expected, "input size \(inputSize)")
        }
    }

    @Test func indicesWorkedByHand() {
        // 342 → 256 (df00204): (0.5 * 342 / 256) = 0.67 → 0; (1.5 * 342 / 256) = 2.004 → 2;
        // (255.5 * 342 / 256) = 341.33 → 341.
        let wide = RGBImage.nearestSourceIndices(inputSize: 342, outputSize: 256)
        #expect(wide[0] == 0 && wide[1] == 2 && wide[2] == 3 && wide[255] == 341)
        // 208 → 256 (real00772): (2.5 * 208 / 256) = 2.03 → 2, (3.5 * 208 / 256) = 2.84 → 2.
        let narrow = RGBImage.nearestSourceIndices(inputSize: 208, outputSize: 256)
        #expect(narrow[2] == 2 && narrow[3] == 2 && narrow[4] == 3)
        // Same size is the identity, as Pillow copies the image.
        #expect(RGBImage.nearestSourceIndices(inputSize: 256, outputSize: 256) == Array(0..<256))
    }

    /// Where Pillow's incremental Double sum departs from the ideal floor: Pillow 13 resizing a
    /// 2-pixel row to 299 copies input 0 to output 149 although (149.5 * 2 / 299) is exactly 1,
    /// and 26 → 299 differs at outputs 11, 34, 241, 264 and 287.
    @Test func indicesFollowPillowWhereItsRoundingDepartsFromTheIdeal() {
        let two = RGBImage.nearestSourceIndices(inputSize: 2, outputSize: 299)
        #expect(two[148] == 0 && two[149] == 0 && two[150] == 1)
        let twentySix = RGBImage.nearestSourceIndices(inputSize: 26, outputSize: 299)
        #expect([11, 34, 241, 264, 287].map { twentySix[$0] } == [0, 2, 20, 22, 24])
        let ideal = (0..<299).map { ((2 * $0 + 1) * 26) / (2 * 299) }
        #expect(zip(twentySix, ideal).filter { $0 != $1 }.count == 5)
    }

    @Test func resizeCopiesTheChosenPixels() {
        // 3×2 image, pixel (x, y) = (10x + y, 100 + x, 200 + y).
        var pixels: [UInt8] = []
        for y in 0..<2 { for x in 0..<3 { pixels += [UInt8(10 * x + y), UInt8(100 + x), UInt8(200 + y)] } }
        let image = RGBImage(width: 3, height: 2, pixels: pixels)
        let resized = image.resizedNearest(width: 2, height: 4)
        // Columns: floor((0.5, 1.5) * 3 / 2) = 0, 2. Rows: floor((0.5, 1.5, 2.5, 3.5) * 2 / 4) = 0, 0, 1, 1.
        #expect(resized.pixels == [0, 100, 200, 20, 102, 200,
                                   0, 100, 200, 20, 102, 200,
                                   1, 100, 201, 21, 102, 201,
                                   1, 100, 201, 21, 102, 201])
    }

    @Test func onePixelPNGResizesToAConstantImage() throws {
        let png = try PNGEncoder.encode(width: 1, height: 1, format: .rgb, samples: [12, 34, 56])
        let image = try Fixtures.decodeFile(png, name: "one-pixel.png")
        #expect(image == RGBImage(width: 1, height: 1, pixels: [12, 34, 56]))
        let resized = image.resizedNearest(width: 256, height: 256)
        #expect(resized.width == 256 && resized.height == 256)
        #expect((0..<(256 * 256)).allSatisfy { resized.pixels[(3 * $0)..<(3 * $0 + 3)] == [12, 34, 56] })
        let input = image.kerasInput()
        #expect(Set(input.map(\.bitPattern)).count == 3)
    }
}
