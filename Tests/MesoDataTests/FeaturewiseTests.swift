import Foundation
import MesoData
import MesoTestSupport
import Testing

@Suite struct FeaturewiseTests {
    static func testImage(_ stem: String) throws -> FloatImage {
        try AugmentGoldens.load("reference/inputs/\(stem)_u8.npy")
    }

    static var generator: ImageDataGenerator {
        ImageDataGenerator(rescale: ImageDataGenerator.rescaleToUnit, featurewiseCenter: true,
                           featurewiseStdNormalization: true)
    }

    /// `fit` on the four test images (0…255, rescale 1/255): `.numpyFloat32` gives Keras'
    /// float32 mean and std; `.double` the accurate values, which Keras' float32 totals miss by
    /// up to 2e-4.
    @Test func fitMatchesKeras() throws {
        let featurewise = AugmentGoldens.manifest["featurewise"] as! [String: Any]
        let expectedMean = (featurewise["mean"] as! [Double]).map(Float.init)
        let expectedStd = (featurewise["std"] as! [Double]).map(Float.init)
        let images = try SharedData.testImages.map { try Self.testImage(SharedData.stem($0)) }
        var generator = Self.generator
        for (summation, tolerance) in [(FeaturewiseStatistics.Summation.numpyFloat32, Float(1e-6)), (.double, 3e-4)] {
            generator.fit(images, summation: summation)
            let statistics = try #require(generator.statistics)
            for channel in 0..<3 {
                print("featurewise \(summation) channel \(channel): mean diff \(statistics.mean[channel] - expectedMean[channel]), "
                    + "std diff \(statistics.std[channel] - expectedStd[channel])")
                #expect(abs(statistics.mean[channel] - expectedMean[channel]) <= tolerance)
                #expect(abs(statistics.std[channel] - expectedStd[channel]) <= tolerance)
            }
        }

        // standardize with Keras' own statistics: the manifest's float64 sum of df00204.
        generator.statistics = FeaturewiseStatistics(mean: expectedMean, std: expectedStd)
        var image = try Self.testImage("df00204")
        generator.standardize(&image)
        let sum = image.pixels.reduce(0.0) { $0 + Double($1) }
        let expected = featurewise["standardized_df00204_sum_f64"] as! Double
        print("standardized df00204 sum \(sum), Keras \(expected), diff \(sum - expected)")
        #expect(abs(sum - expected) <= 1e-3)
    }

    /// rescale alone multiplies; nothing set leaves the image alone.
    @Test func standardizeOrder() {
        var image = FloatImage(width: 1, height: 1, channels: 3, pixels: [255, 51, 0])
        ImageDataGenerator(rescale: ImageDataGenerator.rescaleToUnit).standardize(&image)
        #expect(image.pixels == [255 * ImageDataGenerator.rescaleToUnit, 51 * ImageDataGenerator.rescaleToUnit, 0])
        var generator = Self.generator
        generator.statistics = FeaturewiseStatistics(mean: [0.5, 0.2, 0], std: [0.5, 0.1, 1])
        var normalised = FloatImage(width: 1, height: 1, channels: 3, pixels: [255, 51, 0])
        generator.standardize(&normalised)
        let expected: [Float] = [1, 0, 0]
        for channel in 0..<3 { #expect(abs(normalised.pixels[channel] - expected[channel]) < 1e-5) }
        var untouched = image
        ImageDataGenerator().standardize(&untouched)
        #expect(untouched == image)
    }

    /// normalization.json round trip, in the documented shape.
    @Test func normalizationJSON() throws {
        let statistics = FeaturewiseStatistics(mean: [0.5453083, 0.36394835, 0.3384309], std: [0.29829505, 0.25416166, 0.26008523])
        let path = try SharedData.scratchDirectory().appendingPathComponent("normalization.json").path
        try statistics.save(to: path)
        #expect(try FeaturewiseStatistics.load(from: path) == statistics)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(#"{"mean":["#) && text.contains(#"],"std":["#))
        try Data(#"{"mean":[1,2],"std":[1]}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try FeaturewiseStatistics.load(from: path) }
    }
}
