import Foundation
import MesoMedia
import MesoTestSupport
import Testing

/// The key check: the four MesoNet test images, decoded and resized here, give exactly the
/// bytes and floats the authors' Keras code fed the network.
@Suite struct ReferenceInputTests {
    static let sides = ["df00204": 342, "df01254": 264, "real00240": 256, "real00772": 208]

    @Test(arguments: SharedData.testImages)
    func decodesAndResizesToTheKerasBytes(image: String) throws {
        let stem = SharedData.stem(image)
        let decoded = try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/" + image))
        let side = try #require(Self.sides[stem])
        #expect(decoded.width == side)
        #expect(decoded.height == side)

        let reference = try NPYArray(contentsOf: SharedData.url("reference/inputs/\(stem)_u8.npy"))
        #expect(reference.shape == [256, 256, 3])
        let expected = reference.uint8
        let resized = decoded.resizedNearest(width: 256, height: 256)
        #expect(resized.width == 256 && resized.height == 256)
        #expect(resized.pixels.count == expected.count)
        let differing = zip(resized.pixels, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(expected.count) bytes differ from the Keras input")
    }

    @Test func kerasInputHasTheFloat32BitsKerasFedTheNetwork() throws {
        let image = try ImageDecoder.decode(contentsOf: SharedData.path("mesonet/test_images/df/df00204.jpg"))
        let input = image.kerasInput()
        let u8 = try NPYArray(contentsOf: SharedData.url("reference/inputs/df00204_u8.npy")).uint8
        #expect(input.count == 256 * 256 * 3)

        // Keras's own float32 input, dumped beside the activations.
        let keras = try NPYArray(contentsOf: SharedData.url("reference/activations/Meso4_DF__df00204/00_input.npy"))
        #expect(keras.shape == [1, 256, 256, 3])
        #expect(Self.differingBits(input, keras.floats) == 0)

        let multiplied = u8.map { Float($0) * Float(1.0 / 255.0) }
        #expect(Self.differingBits(input, multiplied) == 0)

        // Division rounds differently for 126 of the 256 byte values: the checks above can fail.
        let divided = u8.map { Float($0) / 255 }
        #expect(Self.differingBits(input, divided) > 50_000)
    }

    /// How many elements differ in their bits (or all of them, if the counts differ).
    static func differingBits(_ a: [Float], _ b: [Float]) -> Int {
        guard a.count == b.count else { return max(a.count, b.count) }
        return zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
    }
}
