/// The image formats told apart by their first bytes.
enum ImageFormat {
    case jpeg
    case png

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Sniffs the format from the magic bytes. Fewer bytes than a signature that they do begin
    /// are a truncated file; anything else unrecognised is not an image.
    init(sniffing bytes: [UInt8], path: String) throws(MediaError) {
        if bytes.isEmpty {
            throw MediaError(code: .empty, path: path,
                             message: "the file is empty (0 bytes); it was probably not fully written, downloaded or copied")
        }
        for (format, signature) in [(ImageFormat.png, Self.pngSignature), (.jpeg, Self.jpegSignature)] {
            if bytes.starts(with: signature) {
                self = format
                return
            }
            if bytes.count < signature.count, signature.starts(with: bytes) {
                throw MediaError(code: .truncated, path: path,
                                 message: "only \(bytes.count) bytes, the start of a \(format.name) header; the file was cut off")
            }
        }
        if let other = Self.otherFormat(of: bytes) {
            throw MediaError(code: .unsupported, path: path,
                             message: "a \(other) image; Mesoscope reads JPEG and PNG, so convert it to PNG first")
        }
        let start = bytes.prefix(4).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return (hex.count == 1 ? "0x0" : "0x") + hex
        }.joined(separator: " ")
        throw MediaError(code: .notAnImage, path: path,
                         message: "not a JPEG or PNG image (it starts with \(start)); Mesoscope reads JPEG and PNG files")
    }

    /// The name of a format Pillow reads but Mesoscope does not, so the error can say what the file is.
    private static func otherFormat(of bytes: [UInt8]) -> String? {
        func has(_ magic: String, at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.utf8.count && bytes[offset...].starts(with: magic.utf8)
        }
        if has("GIF8") { return "GIF" }
        if has("BM") { return "BMP" }
        if has("II*\0") || has("MM\0*") { return "TIFF" }
        if has("RIFF") && has("WEBP", at: 8) { return "WebP" }
        return nil
    }

    var name: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        }
    }
}
