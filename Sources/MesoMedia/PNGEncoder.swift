import CPNG

/// Writes PNG files in memory with libpng: for saving face crops, and for the decoder's test
/// fixtures (grey, 16-bit, alpha, palette and interlaced images that Pillow treats specially).
public enum PNGEncoder {
    /// The layout of the samples, which is the PNG colour type.
    public enum Format: Sendable, Equatable {
        case grey
        case greyAlpha
        case rgb
        case rgba
        /// Indexed colour: each sample is an index into the palette, given as flat R, G, B triples
        /// (at most 2^bitDepth entries). Indices past its end are allowed, as in PNG itself.
        case palette([UInt8])

        var channels: Int {
            switch self {
            case .grey, .palette: 1
            case .greyAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        var colorType: Int32 {
            switch self {
            case .grey: PNG_COLOR_TYPE_GRAY
            case .greyAlpha: PNG_COLOR_TYPE_GRAY_ALPHA
            case .rgb: PNG_COLOR_TYPE_RGB
            case .rgba: PNG_COLOR_TYPE_RGB_ALPHA
            case .palette: PNG_COLOR_TYPE_PALETTE
            }
        }

        /// The bit depths the PNG specification allows for this colour type, 16 aside.
        var byteBitDepths: Set<Int> {
            switch self {
            case .grey, .palette: [1, 2, 4, 8]
            case .greyAlpha, .rgb, .rgba: [8]
            }
        }
    }

    /// Encodes samples of 1, 2, 4 or 8 bits, one sample per byte, rows top to bottom with no
    /// padding: `width * height * format.channels` of them.
    public static func encode(width: Int, height: Int, format: Format, bitDepth: Int = 8, samples: [UInt8],
                              interlaced: Bool = false) throws(MediaError) -> [UInt8] {
        precondition(format.byteBitDepths.contains(bitDepth), "PNG \(format) cannot have \(bitDepth)-bit samples")
        precondition(bitDepth == 8 || samples.allSatisfy { Int($0) < 1 << bitDepth },
                     "\(bitDepth)-bit samples must be below \(1 << bitDepth)")
        return try write(width: width, height: height, format: format, bitDepth: bitDepth, bytes: samples,
                         interlaced: interlaced)
    }

    /// Encodes 16-bit samples (grey, grey with alpha, RGB or RGBA), laid out as for the 8-bit form.
    /// (A label of its own, so that an array literal cannot silently pick the wrong depth.)
    public static func encode(width: Int, height: Int, format: Format, samples16: [UInt16],
                              interlaced: Bool = false) throws(MediaError) -> [UInt8] {
        if case .palette = format { preconditionFailure("PNG palette images cannot have 16-bit samples") }
        // PNG stores 16-bit samples big-endian.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples16.count * 2)
        for sample in samples16 {
            bytes.append(UInt8(sample >> 8))
            bytes.append(UInt8(truncatingIfNeeded: sample))
        }
        return try write(width: width, height: height, format: format, bitDepth: 16, bytes: bytes,
                         interlaced: interlaced)
    }

    /// The one place MesoMedia writes with libpng, through `meso_png_encode` in the CPNG shim.
    private static func write(width: Int, height: Int, format: Format, bitDepth: Int, bytes: [UInt8],
                              interlaced: Bool) throws(MediaError) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max),
                     "a PNG is 1 to 2^31-1 pixels on a side, not \(width)×\(height)")
        let bytesPerSample = bitDepth == 16 ? 2 : 1
        precondition(bytes.count == width * height * format.channels * bytesPerSample,
                     "\(width)×\(height) \(format) needs \(width * height * format.channels) samples")
        var palette: [UInt8] = []
        if case .palette(let entries) = format {
            palette = entries
            precondition(!palette.isEmpty && palette.count % 3 == 0 && palette.count / 3 <= 1 << bitDepth,
                         "a \(bitDepth)-bit palette holds 1 to \(1 << bitDepth) R, G, B triples")
        }
        var encoded: UnsafeMutablePointer<UInt8>?
        var size = 0
        let (status, message) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(MESO_PNG_MESSAGE_LENGTH)) {
            message in
            let status = bytes.withUnsafeBufferPointer { samples in
                palette.withUnsafeBufferPointer { palette in
                    meso_png_encode(samples.baseAddress, Int32(width), Int32(height), Int32(format.channels),
                                    format.colorType, Int32(bitDepth), interlaced ? 1 : 0,
                                    palette.baseAddress, Int32(palette.count / 3), &encoded, &size, message.baseAddress)
                }
            }
            return (status, String(cString: message.baseAddress!))
        }
        guard status == MESO_PNG_OK, let encoded else {
            throw MediaError(code: .encodingFailed, path: "<PNG encoder>", message: "libpng could not write the PNG: \(message)")
        }
        return adoptMallocBuffer(encoded, count: size)
    }
}
