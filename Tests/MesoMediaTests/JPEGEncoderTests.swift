import MesoMedia
import MesoTestSupport
import Testing

@Suite struct JPEGEncoderTests {
    static func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
    }

    /// decode(encode(x, 95)) is close to x, and lower quality means fewer bytes and more error.
    @Test func roundTrip() throws {
        let array = try NPYArray(contentsOf: SharedData.url("reference/inputs/real00240_u8.npy"))
        let image = RGBImage(width: array.shape[1], height: array.shape[0], pixels: array.uint8)
        let high = try JPEGEncoder.encode(image, quality: 95)
        let low = try JPEGEncoder.encode(image, quality: 30)
        #expect(high.starts(with: [0xFF, 0xD8]) && high.suffix(2) == [0xFF, 0xD9])
        let decodedHigh = try ImageDecoder.decode(bytes: high, path: "q95.jpg")
        let decodedLow = try ImageDecoder.decode(bytes: low, path: "q30.jpg")
        #expect(decodedHigh.width == image.width && decodedHigh.height == image.height)
        let errorHigh = Self.meanAbsoluteDifference(image, decodedHigh)
        let errorLow = Self.meanAbsoluteDifference(image, decodedLow)
        print("JPEG round trip 256×256: q95 \(high.count) bytes, mean abs diff \(errorHigh); "
            + "q30 \(low.count) bytes, mean abs diff \(errorLow)")
        #expect(errorHigh < 2)
        #expect(low.count < high.count && errorLow > errorHigh)
    }

    /// Sizes that are not multiples of the 16×16 MCU, and a single pixel.
    @Test func oddSizes() throws {
        for (width, height) in [(1, 1), (17, 5), (33, 40)] {
            let pixels = (0..<(width * height * 3)).map { UInt8(($0 * 7) % 256) }
            let image = RGBImage(width: width, height: height, pixels: pixels)
            let decoded = try ImageDecoder.decode(bytes: try JPEGEncoder.encode(image, quality: 90), path: "odd.jpg")
            #expect(decoded.width == width && decoded.height == height)
        }
    }
}
