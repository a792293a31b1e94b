import MesoMedia
import Testing

@Suite struct JPEGDecodingTests {
    /// A one-component JPEG comes out with the grey level in R, G and B.
    @Test func greyscaleIsReplicated() throws {
        let jpeg = Fixtures.flatJPEG(blocksWide: 2, blocksHigh: 2, levels: [[5, -32, 100, -128]])
        let image = try Fixtures.decodeFile(jpeg, name: "grey.jpg")
        #expect(image.width == 16 && image.height == 16)
        let levels: [UInt8] = [133, 96, 228, 0]
        var expected: [UInt8] = []
        for y in 0..<16 {
            for x in 0..<16 {
                let level = levels[(y / 8) * 2 + x / 8]
                expected += [level, level, level]
            }
        }
        #expect(image.pixels == expected)
    }

    /// Pillow reads CMYK with Adobe's inverted polarity and converts it with cmyk2rgb; the
    /// expected bytes are Pillow 13's `convert("RGB")` of these files.
    @Test func cmykIsConvertedAsPillowDoes() throws {
        let levels = [[-128, 0, 60, 127], [-100, -20, 30, 100], [0, 64, -64, 10], [127, -128, 50, -50]]
        let jpeg = Fixtures.flatJPEG(blocksWide: 2, blocksHigh: 2, levels: levels)
        let image = try Fixtures.decodeFile(jpeg, name: "cmyk.jpg")
        // Block 2, worked by hand: stored c, m, y, k = 188, 158, 64, 178, so C = 255 - 188 = 67 and
        // R = 178 - MULDIV255(67, 178) = 178 - 47 = 131.
        #expect(Self.blockColours(image) == [[0, 28, 128], [0, 0, 0], [131, 110, 45], [78, 70, 42]])
    }

    @Test func ycckIsConvertedAsPillowDoes() throws {
        let levels = [[-128, 0, 60, 127], [-100, -20, 30, 100], [0, 64, -64, 10], [127, -128, 50, -50]]
        let jpeg = Fixtures.flatJPEG(blocksWide: 2, blocksHigh: 2, levels: levels, adobeTransform: 2)
        let image = try Fixtures.decodeFile(jpeg, name: "ycck.jpg")
        #expect(Self.blockColours(image) == [[255, 221, 255], [0, 0, 0], [110, 22, 10], [0, 13, 0]])
    }

    /// The colour of each flat 8×8 block (top-left pixel), checking the block is indeed flat.
    static func blockColours(_ image: RGBImage) -> [[UInt8]] {
        var colours: [[UInt8]] = []
        for by in 0..<(image.height / 8) {
            for bx in 0..<(image.width / 8) {
                let first = ((by * 8) * image.width + bx * 8) * 3
                let colour = Array(image.pixels[first..<(first + 3)])
                for y in (by * 8)..<(by * 8 + 8) {
                    for x in (bx * 8)..<(bx * 8 + 8) {
                        let p = (y * image.width + x) * 3
                        if Array(image.pixels[p..<(p + 3)]) != colour { return [] }
                    }
                }
                colours.append(colour)
            }
        }
        return colours
    }
}
