import Foundation
import MesoEngine
import MesoMedia

/// Augmentations that Keras' `ImageDataGenerator` lacks but the DFDC winners trained with:
/// recompression, blur, noise and brightness/contrast. Off unless listed.
///
/// They work on the loaded 0…255 image (before ``ImageDataGenerator/standardize(_:)``) and clamp
/// to 0…255. Their parameters come from a ``RandomGenerator`` (SplitMix64), never from the
/// ``NumpyRandomState``, so a Keras-exact stream of geometric draws stays exact whether or not
/// these are on. Each is applied with its `probability`, then draws its strength uniformly from
/// its range; the defaults are in the spirit of the winners' albumentations pipelines.
public enum ExtraAugmentation: Sendable, Equatable {
    case jpegRecompression(JPEGRecompression)
    case gaussianBlur(GaussianBlur)
    case gaussianNoise(GaussianNoise)
    case brightnessContrast(BrightnessContrast)

    /// The names of a CLI list, with their default settings.
    public static let named: KeyValuePairs<String, ExtraAugmentation> = [
        "jpeg": .jpegRecompression(JPEGRecompression()),
        "blur": .gaussianBlur(GaussianBlur()),
        "noise": .gaussianNoise(GaussianNoise()),
        "brightness": .brightnessContrast(BrightnessContrast()),
    ]

    /// A comma-separated list such as "jpeg,blur,noise,brightness", in order, with defaults.
    /// Unknown or repeated names are errors; "writeup" and "none" belong to ``AugmentationPlan``.
    public static func parse(_ list: String) throws(AugmentationListError) -> [ExtraAugmentation] {
        var result: [ExtraAugmentation] = []
        var seen: Set<String> = []
        for item in AugmentationListError.items(list) {
            guard let augmentation = named.first(where: { $0.key == item })?.value else {
                throw .unknown(item, known: named.map(\.key))
            }
            guard seen.insert(item).inserted else { throw .repeated(item) }
            result.append(augmentation)
        }
        return result
    }

    /// Applies the augmentation to `image` (3 channels, 0…255) with probability `probability`.
    public func apply(to image: inout FloatImage, using generator: inout RandomGenerator) throws(MediaError) {
        switch self {
        case let .jpegRecompression(augmentation): try augmentation.apply(to: &image, using: &generator)
        case let .gaussianBlur(augmentation): augmentation.apply(to: &image, using: &generator)
        case let .gaussianNoise(augmentation): augmentation.apply(to: &image, using: &generator)
        case let .brightnessContrast(augmentation): augmentation.apply(to: &image, using: &generator)
        }
    }
}

/// A list of augmentation names that could not be used.
public enum AugmentationListError: Error, Equatable, CustomStringConvertible {
    case unknown(String, known: [String])
    case repeated(String)
    case noneWithOthers

    public var description: String {
        switch self {
        case let .unknown(item, known):
            "unknown augmentation '\(item)'; known: \(known.joined(separator: ", "))"
        case let .repeated(item):
            "augmentation '\(item)' is listed twice"
        case .noneWithOthers:
            "'none' cannot be combined with other augmentations"
        }
    }

    /// The trimmed, lower-cased, non-empty items of a comma-separated list.
    static func items(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }
}

/// Encodes the image as a JPEG at a random quality and decodes it again.
public struct JPEGRecompression: Sendable, Equatable {
    public var qualityRange: ClosedRange<Int>
    public var probability: Double

    public init(qualityRange: ClosedRange<Int> = 60...100, probability: Double = 0.5) {
        precondition(qualityRange.lowerBound >= 1 && qualityRange.upperBound <= 100, "JPEG quality is 1...100")
        self.qualityRange = qualityRange
        self.probability = probability
    }

    public func apply(to image: inout FloatImage, using generator: inout RandomGenerator) throws(MediaError) {
        guard Double.random(in: 0..<1, using: &generator) < probability else { return }
        let quality = Int.random(in: qualityRange, using: &generator)
        let bytes = try JPEGEncoder.encode(image.rgbImage(), quality: quality)
        image = FloatImage(try ImageDecoder.decode(bytes: bytes, path: "recompressed JPEG (quality \(quality))"))
    }
}

/// A separable Gaussian blur with a random sigma (pixels), edges clamped.
public struct GaussianBlur: Sendable, Equatable {
    public var sigmaRange: ClosedRange<Double>
    public var probability: Double

    public init(sigmaRange: ClosedRange<Double> = 0.3...1.5, probability: Double = 0.2) {
        precondition(sigmaRange.lowerBound > 0, "a blur sigma must be positive")
        self.sigmaRange = sigmaRange
        self.probability = probability
    }

    public func apply(to image: inout FloatImage, using generator: inout RandomGenerator) {
        guard Double.random(in: 0..<1, using: &generator) < probability else { return }
        image.blur(sigma: Double.random(in: sigmaRange, using: &generator))
    }
}

/// Adds independent Gaussian noise to every sample, with a std (0…255 units) drawn per image.
public struct GaussianNoise: Sendable, Equatable {
    public var stdRange: ClosedRange<Double>
    public var probability: Double

    public init(stdRange: ClosedRange<Double> = 2...10, probability: Double = 0.2) {
        precondition(stdRange.lowerBound >= 0, "a noise std cannot be negative")
        self.stdRange = stdRange
        self.probability = probability
    }

    public func apply(to image: inout FloatImage, using generator: inout RandomGenerator) {
        guard Double.random(in: 0..<1, using: &generator) < probability else { return }
        let std = Double.random(in: stdRange, using: &generator)
        for index in image.pixels.indices {
            // Box–Muller; 1 − u keeps the logarithm finite.
            let u = 1 - Double.random(in: 0..<1, using: &generator)
            let v = Double.random(in: 0..<1, using: &generator)
            let normal = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
            image.pixels[index] = min(max(image.pixels[index] + Float(std * normal), 0), 255)
        }
    }
}

/// `x' = (1 + c)·x + b·255` with `b` and `c` drawn uniformly from their ranges (albumentations'
/// RandomBrightnessContrast with brightness by max), clamped to 0…255.
public struct BrightnessContrast: Sendable, Equatable {
    public var brightnessRange: ClosedRange<Double>
    public var contrastRange: ClosedRange<Double>
    public var probability: Double

    public init(brightnessRange: ClosedRange<Double> = -0.2...0.2, contrastRange: ClosedRange<Double> = -0.2...0.2,
                probability: Double = 0.5) {
        precondition(contrastRange.lowerBound > -1, "a contrast below −1 would invert the image")
        self.brightnessRange = brightnessRange
        self.contrastRange = contrastRange
        self.probability = probability
    }

    public func apply(to image: inout FloatImage, using generator: inout RandomGenerator) {
        guard Double.random(in: 0..<1, using: &generator) < probability else { return }
        let gain = Float(1 + Double.random(in: contrastRange, using: &generator))
        let bias = Float(255 * Double.random(in: brightnessRange, using: &generator))
        for index in image.pixels.indices {
            image.pixels[index] = min(max(gain * image.pixels[index] + bias, 0), 255)
        }
    }
}

extension FloatImage {
    /// Convolves rows then columns with a normalised Gaussian of radius ⌈3σ⌉, clamping at the edges.
    mutating func blur(sigma: Double) {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        pixels = convolved(kernel, alongRows: true)
        pixels = convolved(kernel, alongRows: false)
    }

    /// The samples convolved with `kernel` (odd length, centred) along each row or each column,
    /// the edge sample repeated beyond the border.
    private func convolved(_ kernel: [Float], alongRows: Bool) -> [Float] {
        let radius = kernel.count / 2
        var output = [Float](repeating: 0, count: pixels.count)
        for row in 0..<height {
            for col in 0..<width {
                for channel in 0..<channels {
                    var sum: Float = 0
                    for (k, weight) in kernel.enumerated() {
                        let x = alongRows ? min(max(col + k - radius, 0), width - 1) : col
                        let y = alongRows ? row : min(max(row + k - radius, 0), height - 1)
                        sum += weight * pixels[(y * width + x) * channels + channel]
                    }
                    output[(row * width + col) * channels + channel] = sum
                }
            }
        }
        return output
    }
}
