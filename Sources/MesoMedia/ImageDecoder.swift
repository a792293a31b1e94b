import Foundation

/// Reads JPEG and PNG files into ``RGBImage``, exactly as Keras's `load_img` sees them.
///
/// Keras decodes with Pillow, `Image.open(path).convert("RGB")`, so this does what Pillow does:
/// JPEG through libjpeg-turbo with its default settings, PNG through libpng with the same
/// conversions Pillow applies (no gamma, no alpha compositing). The format is sniffed from the
/// first bytes, never from the file name: face crops and downloads are often misnamed.
public enum ImageDecoder {
    /// The file name extensions of the formats decoded here.
    public static let fileExtensions: Set<String> = ["jpg", "jpeg", "png"]

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
        guard let file = try? InputFile(path, expected: "an image") else { return false }
        let start = (try? file.read(upTo: 8)) ?? []
        return start.count == 8 && (try? ImageFormat(sniffing: start, path: path)) != nil
    }

    /// The largest image file read: far above any 100-megapixel JPEG or compressed PNG, and
    /// checked before reading, so a huge or sparse file named .jpg is not read into memory.
    public static let maximumFileSize = 512 << 20

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

    /// The whole file, with the failure named precisely (missing, not a regular file, no
    /// permission, too large).
    private static func readFile(_ path: String) throws(MediaError) -> [UInt8] {
        let file = try InputFile(path, expected: "an image")
        guard file.size <= maximumFileSize else {
            throw MediaError(code: .tooLarge, path: path,
                             message: "the file is \(file.size >> 20) MB, more than the \(maximumFileSize >> 20) MB an image may take")
        }
        return try file.read(upTo: file.size)
    }
}
