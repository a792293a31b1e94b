import CJPEG

/// Writes JPEG files in memory with libjpeg-turbo: for JPEG-recompression augmentation, which
/// trains the detector on the compression artefacts that videos and re-uploaded photos carry.
public enum JPEGEncoder {
    /// `image` as a baseline JPEG at `quality` (1...100), with libjpeg's default settings
    /// (4:2:0 chroma subsampling, as Pillow saves). `meso_jpeg_encode` in the CJPEG shim does the
    /// whole encode, because libjpeg's errors longjmp.
    public static func encode(_ image: RGBImage, quality: Int) throws(MediaError) -> [UInt8] {
        precondition((1...100).contains(quality), "JPEG quality is 1...100, not \(quality)")
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let (status, message) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(MESO_JPEG_MESSAGE_LENGTH)) {
            message in
            let status = image.pixels.withUnsafeBufferPointer {
                meso_jpeg_encode($0.baseAddress, Int32(image.width), Int32(image.height), Int32(quality),
                                 &output, &size, message.baseAddress)
            }
            return (status, String(cString: message.baseAddress!))
        }
        guard status == MESO_JPEG_OK, let output else {
            throw MediaError(code: .encodingFailed, path: "JPEG \(image.width)×\(image.height)",
                             message: "libjpeg could not encode the image (\(message))")
        }
        return adoptMallocBuffer(output, count: Int(size))
    }
}
