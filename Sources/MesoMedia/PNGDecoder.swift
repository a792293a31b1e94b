import CPNG

/// The one place MesoMedia reads with libpng: `meso_png_decode` in the CPNG shim does the whole
/// decode (setjmp/longjmp must stay in C), and its status becomes a ``MediaError`` here.
///
/// It uses libpng's full API rather than the simplified `png_image` one, because that one
/// gamma-converts 16-bit samples and composites alpha, and Pillow does neither.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], path: String) throws(MediaError) -> RGBImage {
        var width: Int32 = 0
        var height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        let (status, message) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(MESO_PNG_MESSAGE_LENGTH)) {
            message in
            let status = bytes.withUnsafeBufferPointer {
                meso_png_decode($0.baseAddress, bytes.count, UInt64(ImageDecoder.maximumPixelCount),
                                &width, &height, &pixels, message.baseAddress)
            }
            return (status, String(cString: message.baseAddress!))
        }
        switch status {
        case MESO_PNG_OK:
            guard let pixels else { preconditionFailure("meso_png_decode succeeded without pixels") }
            let count = Int(width) * Int(height) * 3
            return RGBImage(width: Int(width), height: Int(height), pixels: adoptMallocBuffer(pixels, count: count))
        case MESO_PNG_TRUNCATED:
            throw MediaError(code: .truncated, path: path,
                             message: "the PNG data stops before the image is complete (libpng: \(message)); "
                                 + "the file was cut off, so download or copy it again")
        case MESO_PNG_TOO_LARGE:
            throw ImageDecoder.tooLarge(width: Int(width), height: Int(height), format: "PNG", path: path)
        case MESO_PNG_NO_MEMORY:
            throw MediaError(code: .tooLarge, path: path, message: "the PNG is too large to decode (\(message))")
        case MESO_PNG_UNSUPPORTED:
            throw MediaError(code: .unsupported, path: path, message: "a PNG that Mesoscope does not decode (\(message))")
        default:
            throw MediaError(code: .corrupt, path: path,
                             message: "corrupt PNG data (libpng: \(message)); re-export the image or find another copy")
        }
    }
}
