import Foundation

/// Reads JPEG and PNG files into ``RGBImage``, exactly as Keras's `load_img` sees them.
///
/// Keras decodes with Pillow, `Image.open(path).convert("RGB")`, so this does what Pillow does:
/// JPEG through libjpeg-turbo with its default settings, PNG through libpng with the same
/// conversions Pillow applies (no gamma, no alpha compositing). The format is sniffed from the
/// first bytes, never from the file name: face crops and downloads are often misnamed.
public enum ImageDecoder {
    /// The most pixels an image may claim: 100 megapixels.
    ///
    /// Checked against the header before the pixel buffer is allocated, so a small hostile or
    /// broken file that claims 65000×65000 pixels is refused instead of asking for 12 GB.
    /// (Pillow warns above ~89 and refuses above ~179 megapixels.)
    public static let maximumPixelCount = 100_000_000

    /// Decodes the JPEG or PNG file at `path`.
    public static func decode(contentsOf path: String) throws(MediaError) -> RGBImage {
        try decode(bytes: readFile(path), path: path)
    }

    /// Decodes JPEG or PNG `bytes`; `path` only names the source in error messages.
    public static func decode(bytes: [UInt8], path: String) throws(MediaError) -> RGBImage {
        switch try ImageFormat(sniffing: bytes, path: path) {
        case .jpeg: try JPEGDecoder.decode(bytes, path: path)
        case .png: try PNGDecoder.decode(bytes, path: path)
        }
    }

    /// Whether the file at `path` starts like a JPEG or PNG, so that a caller holding either a
    /// photo or a video knows which decoder to use. Unreadable files answer false.
    public static func recognises(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        return start.count == 8 && (try? ImageFormat(sniffing: start, path: path)) != nil
    }

    /// The error for an image whose header claims more than ``maximumPixelCount`` pixels.
    static func tooLarge(width: Int, height: Int, format: String, path: String) -> MediaError {
        let megapixels = (width * height + 500_000) / 1_000_000
        return MediaError(
            code: .tooLarge, path: path,
            message: "the \(format) header claims \(width)×\(height) pixels (\(megapixels) MP), more than the "
                + "\(maximumPixelCount / 1_000_000)-megapixel limit; scale the image down first")
    }

    /// The error for a file that `open(2)` refused with `number`, named precisely (missing, no permission).
    static func openFailure(errno number: Int32, path: String) -> MediaError {
        switch number {
        case ENOENT, ENOTDIR:
            MediaError(code: .fileNotFound, path: path, message: "no such file; check the path")
        case EACCES, EPERM:
            MediaError(code: .unreadable, path: path,
                       message: "permission denied; make the file readable or copy it somewhere readable")
        default:
            MediaError(code: .unreadable, path: path, message: "cannot open: \(String(cString: strerror(number)))")
        }
    }

    /// The whole file, with the failure named precisely (missing, a directory, no permission).
    private static func readFile(_ path: String) throws(MediaError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw openFailure(errno: errno, path: path) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw MediaError(code: .unreadable, path: path, message: "is a directory, not an image file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                return bytes
            } else if case let number = errno, number != EINTR {
                throw MediaError(code: .unreadable, path: path, message: "cannot read: \(String(cString: strerror(number)))")
            }
        }
    }
}
