import CJPEG

/// The one place MesoMedia calls libjpeg: `meso_jpeg_decode` in the CJPEG shim does the whole
/// decode (setjmp/longjmp must stay in C), and its status becomes a ``MediaError`` here.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], path: String) throws(MediaError) -> RGBImage {
        var width: Int32 = 0
        var height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        let (status, message) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(MESO_JPEG_MESSAGE_LENGTH)) {
            message in
            let status = bytes.withUnsafeBufferPointer {
                meso_jpeg_decode($0.baseAddress, UInt(bytes.count), UInt64(ImageDecoder.maximumPixelCount),
                                 &width, &height, &pixels, message.baseAddress)
            }
            return (status, String(cString: message.baseAddress!))
        }
        switch status {
        case MESO_JPEG_OK:
            guard let pixels else { preconditionFailure("meso_jpeg_decode succeeded without pixels") }
            let count = Int(width) * Int(height) * 3
            return RGBImage(width: Int(width), height: Int(height), pixels: adoptMallocBuffer(pixels, count: count))
        case MESO_JPEG_TRUNCATED:
            throw MediaError(code: .truncated, path: path,
                             message: "the JPEG data stops before the image is complete (libjpeg: \(message)); "
                                 + "the file was cut off, so download or copy it again")
        case MESO_JPEG_TOO_LARGE where message.isEmpty:
            throw ImageDecoder.tooLarge(width: Int(width), height: Int(height), format: "JPEG", path: path)
        case MESO_JPEG_TOO_LARGE, MESO_JPEG_NO_MEMORY:
            throw MediaError(code: .tooLarge, path: path, message: "the JPEG is too large to decode (\(message))")
        case MESO_JPEG_UNSUPPORTED:
            throw MediaError(code: .unsupported, path: path,
                             message: "a JPEG that Mesoscope does not decode (\(message)); it reads greyscale, "
                                 + "RGB/YCbCr and CMYK JPEGs, so convert it to an RGB JPEG or PNG first")
        default:
            throw MediaError(code: .corrupt, path: path,
                             message: "corrupt JPEG data (libjpeg: \(message)); re-export the image or find another copy")
        }
    }
}
