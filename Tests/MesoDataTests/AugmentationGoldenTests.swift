import Foundation
import MesoData
import MesoTestSupport
import Testing

/// `shared/reference/augment`: Keras 3.15 / SciPy 1.17 outputs of `apply_transform` and the
/// manifest that lists their parameters, matrices and offsets.
enum AugmentGoldens {
    static let folder = "reference/augment"

    /// Parsed on each use: `[String: Any]` cannot be a shared constant under strict concurrency.
    static var manifest: [String: Any] {
        let data = try! Data(contentsOf: SharedData.url("\(folder)/manifest.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func load(_ relative: String) throws -> FloatImage {
        let array = try NPYArray(contentsOf: SharedData.url(relative))
        return FloatImage(width: array.shape[1], height: array.shape[0], channels: array.shape[2], pixels: array.floats)
    }

    /// real00240 as the manifest defines it: the u8 array as float32 times float32(1/255).
    static let real00240: FloatImage = {
        var image = try! load("reference/inputs/real00240_u8.npy")
        image.pixels = image.pixels.map { $0 * ImageDataGenerator.rescaleToUnit }
        return image
    }()

    static let crop: FloatImage = try! load("\(folder)/input_df00204_crop.npy")

    static func parameters(_ json: [String: Any]) -> TransformParameters {
        func number(_ key: String, _ fallback: Double) -> Double { (json[key] as? NSNumber)?.doubleValue ?? fallback }
        return TransformParameters(theta: number("theta", 0), tx: number("tx", 0), ty: number("ty", 0),
                                   shear: number("shear", 0), zx: number("zx", 1), zy: number("zy", 1),
                                   flipHorizontal: number("flip_horizontal", 0) != 0,
                                   flipVertical: number("flip_vertical", 0) != 0)
    }

    static var outputs: [[String: Any]] { manifest["outputs"] as! [[String: Any]] }
}

@Suite struct AugmentationGoldenTests {
    /// Every stored output: our matrix and offset equal the manifest's, and our pixels the
    /// golden's to well under 1e-5 (SciPy's arithmetic is reproduced, so mostly bit for bit).
    @Test(arguments: AugmentGoldens.outputs.map { "\($0["source"]!)__\($0["case"]!)" })
    func matchesKeras(_ name: String) throws {
        let entry = AugmentGoldens.outputs.first { "\($0["source"]!)__\($0["case"]!)" == name }!
        let input = entry["source"] as! String == "real00240" ? AugmentGoldens.real00240 : AugmentGoldens.crop
        let parameters = AugmentGoldens.parameters(entry["params"] as! [String: Any])

        let resampling = parameters.resampling(height: input.height, width: input.width)
        if let scipy = entry["scipy_affine_transform"] as? [String: Any] {
            let matrix = scipy["matrix_rowcol"] as! [[Double]]
            let offset = scipy["offset_rowcol"] as! [Double]
            let ours = try #require(resampling)
            for i in 0..<2 {
                for j in 0..<2 { #expect(abs(ours.matrix[i][j] - matrix[i][j]) < 1e-12) }
                #expect(abs(ours.offset[i] - offset[i]) < 1e-9)
            }
        } else {
            #expect(resampling == nil)
        }

        let golden = try AugmentGoldens.load("\(AugmentGoldens.folder)/\(entry["file"] as! String)")
        let output = ImageDataGenerator().transformed(input, parameters)
        #expect(output.width == golden.width && output.height == golden.height)
        let maxDiff = zip(output.pixels, golden.pixels).map { abs($0 - $1) }.max()!
        let exact = zip(output.pixels, golden.pixels).filter { $0 == $1 }.count
        print("augment golden \(name): max abs diff \(maxDiff), \(exact)/\(golden.pixels.count) bit-exact")
        #expect(maxDiff <= 1e-5)
    }

    /// No rotation, shift, shear or zoom: the image comes back bit for bit (Keras skips SciPy).
    @Test func identityIsUntouched() {
        let input = AugmentGoldens.crop
        #expect(ImageDataGenerator().transformed(input, .identity) == input)
        #expect(TransformParameters.identity.resampling(height: 5, width: 7) == nil)
    }

    /// The README's convention probes, on images small enough to check by hand.
    @Test func conventionProbes() {
        let generator = ImageDataGenerator()
        // 6×10: a pure shift samples in[clamp(r + ty), clamp(c + tx)].
        let ramp = FloatImage(width: 10, height: 6, channels: 1, pixels: (0..<60).map { Float($0) })
        let shifted = generator.transformed(ramp, TransformParameters(tx: 2, ty: 1))
        for r in 0..<6 {
            for c in 0..<10 {
                #expect(shifted.pixels[r * 10 + c] == ramp.pixels[min(r + 1, 5) * 10 + min(c + 2, 9)])
            }
        }
        // theta = 90 on 4×4 is np.rot90(img, 1): out[r][c] = in[c][3 - r] (cos 90° is 6e-17, not 0).
        let square = FloatImage(width: 4, height: 4, channels: 1, pixels: (0..<16).map { Float($0) })
        let turned = generator.transformed(square, TransformParameters(theta: 90))
        let rot90: [Float] = (0..<16).map { index in square.pixels[(index % 4) * 4 + 3 - index / 4] }
        #expect(zip(turned.pixels, rot90).allSatisfy { abs($0 - $1) < 1e-6 })
        // theta = 180 on 6×10: centres swapped, offset = 2 · ((W−1)/2, (H−1)/2).
        let offset = TransformParameters(theta: 180).resampling(height: 6, width: 10)!.offset
        #expect(abs(offset[0] - 9) < 1e-12 && abs(offset[1] - 5) < 1e-12)
        // zx scales the column step.
        #expect(TransformParameters(zx: 0.5).resampling(height: 8, width: 8)!.matrix == [[1, 0], [0, 0.5]])
    }
}
