import MesoMedia

/// An image of Float samples, rows top to bottom, channels interleaved (HWC, as Keras'
/// channels_last arrays): what augmentation and standardisation work on.
public struct FloatImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// `height * width * channels` samples; sample (row, col, channel) is at
    /// `(row * width + col) * channels + channel`.
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0 && channels > 0, "an image needs pixels, not \(width)×\(height)×\(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(width)×\(height)×\(channels) needs \(width * height * channels) samples, not \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The RGB bytes as Floats 0…255, not rescaled: Keras augments the loaded values as they
    /// are and rescales afterwards, in `standardize`.
    public init(_ rgb: RGBImage) {
        self.init(width: rgb.width, height: rgb.height, channels: 3, pixels: rgb.pixels.map(Float.init))
    }

    /// The samples rounded to the nearest integer and clamped to 0…255, as 8-bit RGB
    /// (for JPEG recompression, or to look at an augmented sample). Needs 3 channels.
    public func rgbImage() -> RGBImage {
        precondition(channels == 3, "an RGB image needs 3 channels, not \(channels)")
        return RGBImage(width: width, height: height,
                        pixels: pixels.map { UInt8(min(max($0, 0), 255).rounded()) })
    }

    /// Copies the samples, in HWC order, to `destination` (for example one image's slot in an
    /// NHWC batch tensor), which must have room for `pixels.count` Floats.
    public func write(into destination: UnsafeMutablePointer<Float>) {
        pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: $0.count) }
    }
}
