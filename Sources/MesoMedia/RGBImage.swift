/// An 8-bit RGB image: `height` rows of `width` pixels, each pixel three bytes R, G, B.
///
/// This is what Pillow's `Image.open(path).convert("RGB")` holds, which is what Keras feeds
/// MesoNet: ``ImageDecoder`` reproduces it byte for byte so that scores match the reference.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Interleaved R, G, B bytes, row-major, `width * height * 3` of them.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an image needs at least one pixel, not \(width)×\(height)")
        precondition(pixels.count == width * height * 3,
                     "\(width)×\(height) RGB needs \(width * height * 3) bytes, not \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The image as an 8-bit RGB PNG file's bytes.
    public func pngData() throws(MediaError) -> [UInt8] {
        try PNGEncoder.encode(width: width, height: height, format: .rgb, samples: pixels)
    }
}
