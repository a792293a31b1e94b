import MesoData
import MesoEngine
import MesoMedia
import Testing

@Suite struct ExtraAugmentationTests {
    /// A 64×48 RGB gradient with a sharp vertical edge in the middle, 0…255.
    static let image: FloatImage = {
        var pixels: [Float] = []
        for row in 0..<48 {
            for col in 0..<64 {
                pixels += [Float(col * 4), Float(row * 5), col < 32 ? 40 : 220]
            }
        }
        return FloatImage(width: 64, height: 48, channels: 3, pixels: pixels)
    }()

    @Test func parsesLists() throws {
        let extras = try ExtraAugmentation.parse(" jpeg, blur ,noise,brightness")
        #expect(extras == [.jpegRecompression(JPEGRecompression()), .gaussianBlur(GaussianBlur()),
                           .gaussianNoise(GaussianNoise()), .brightnessContrast(BrightnessContrast())])
        #expect(try ExtraAugmentation.parse("") == [])
        #expect(throws: AugmentationListError.unknown("sharpen", known: ["jpeg", "blur", "noise", "brightness"])) {
            try ExtraAugmentation.parse("jpeg,sharpen")
        }
        #expect(AugmentationListError.unknown("sharpen", known: ["jpeg", "blur"]).description
            == "unknown augmentation 'sharpen'; known: jpeg, blur")
        #expect(throws: AugmentationListError.repeated("blur")) { try ExtraAugmentation.parse("blur,blur") }
    }

    @Test func parsesPlans() throws {
        #expect(try AugmentationPlan.parse("writeup") == AugmentationPlan(generator: .writeup))
        #expect(try AugmentationPlan.parse("rotation,shift,shear,zoom,flip").generator == .writeup)
        let none = try AugmentationPlan.parse("none")
        #expect(none.generator == ImageDataGenerator(rescale: ImageDataGenerator.rescaleToUnit) && none.extras.isEmpty)
        let mixed = try AugmentationPlan.parse("writeup,jpeg,blur")
        #expect(mixed.generator == .writeup && mixed.extras == [.jpegRecompression(JPEGRecompression()), .gaussianBlur(GaussianBlur())])
        let flipOnly = try AugmentationPlan.parse("flip").generator
        #expect(flipOnly.horizontalFlip && flipOnly.verticalFlip && flipOnly.rotationRange == 0)
        #expect(throws: AugmentationListError.noneWithOthers) { try AugmentationPlan.parse("none,jpeg") }
        #expect(throws: AugmentationListError.self) { try AugmentationPlan.parse("writeup,twirl") }
    }

    /// The same seed gives the same result; the parameters come from the SplitMix64 generator only.
    @Test func deterministicPerSeed() throws {
        let extras = try ExtraAugmentation.parse("jpeg,blur,noise,brightness").map { extra -> ExtraAugmentation in
            switch extra {  // always apply, to exercise every path
            case var .jpegRecompression(a): a.probability = 1; return .jpegRecompression(a)
            case var .gaussianBlur(a): a.probability = 1; return .gaussianBlur(a)
            case var .gaussianNoise(a): a.probability = 1; return .gaussianNoise(a)
            case var .brightnessContrast(a): a.probability = 1; return .brightnessContrast(a)
            }
        }
        func run(seed: UInt64) throws -> FloatImage {
            var generator = RandomGenerator(seed: seed)
            var image = Self.image
            for extra in extras { try extra.apply(to: &image, using: &generator) }
            return image
        }
        let a = try run(seed: 1)
        #expect(try run(seed: 1) == a)
        #expect(try run(seed: 2) != a)
        #expect(a != Self.image && a.pixels.allSatisfy { (0...255).contains($0) })
    }

    @Test func jpegRecompressionStaysClose() throws {
        var image = Self.image
        var generator = RandomGenerator(seed: 3)
        try JPEGRecompression(qualityRange: 90...90, probability: 1).apply(to: &image, using: &generator)
        let meanDiff = zip(image.pixels, Self.image.pixels).reduce(0) { $0 + abs($1.0 - $1.1) } / Float(image.pixels.count)
        #expect(meanDiff > 0 && meanDiff < 4)
    }

    @Test func blurKeepsFlatAndSoftensEdges() {
        var flat = FloatImage(width: 9, height: 7, channels: 3, pixels: Array(repeating: 100, count: 9 * 7 * 3))
        var generator = RandomGenerator(seed: 4)
        GaussianBlur(sigmaRange: 1...1, probability: 1).apply(to: &flat, using: &generator)
        #expect(flat.pixels.allSatisfy { abs($0 - 100) < 1e-3 })
        var image = Self.image
        GaussianBlur(sigmaRange: 1.5...1.5, probability: 1).apply(to: &image, using: &generator)
        // Blue at the edge (columns 31 | 32) moves toward the middle; far from it stays.
        #expect(image.pixels[(10 * 64 + 31) * 3 + 2] > 60 && image.pixels[(10 * 64 + 32) * 3 + 2] < 200)
        #expect(abs(image.pixels[(10 * 64 + 5) * 3 + 2] - 40) < 1e-3)
    }

    @Test func noiseHasTheDrawnSpread() {
        var image = FloatImage(width: 64, height: 64, channels: 3, pixels: Array(repeating: 128, count: 64 * 64 * 3))
        var generator = RandomGenerator(seed: 5)
        GaussianNoise(stdRange: 8...8, probability: 1).apply(to: &image, using: &generator)
        let n = Double(image.pixels.count)
        let mean = image.pixels.reduce(0.0) { $0 + Double($1) } / n
        let std = (image.pixels.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
        #expect(abs(mean - 128) < 0.3 && abs(std - 8) < 0.3)
    }

    @Test func brightnessContrastIsAffine() {
        var image = FloatImage(width: 1, height: 1, channels: 3, pixels: [0, 100, 250])
        var generator = RandomGenerator(seed: 6)
        BrightnessContrast(brightnessRange: 0.1...0.1, contrastRange: 0.5...0.5, probability: 1)
            .apply(to: &image, using: &generator)
        #expect(image.pixels == [25.5, 175.5, 255])
        var untouched = image
        BrightnessContrast(probability: 0).apply(to: &untouched, using: &generator)
        #expect(untouched == image)
    }
}
