/// Whether a file is a photo or a video, told from its first bytes, never from its name: an
/// upload's name is whatever the client chose, and a renamed file must still be refused or read
/// for what it is.
public enum MediaKind: Sendable, Equatable {
    case image
    case video

    /// How many leading bytes ``init(sniffing:path:)`` looks at (an MPEG transport stream's second
    /// sync byte is at 188).
    public static let sniffLength = 189

    /// Sniffs the container or image signature. An empty file is `.empty`; a file that is
    /// neither a JPEG or PNG photo nor a known video container is `.unsupported`, the message
    /// naming what it is when known (GIF, WebP, ...) or its first bytes.
    public init(sniffing bytes: [UInt8], path: String) throws(MediaError) {
        if Self.isVideo(bytes) {
            self = .video
            return
        }
        do {
            _ = try ImageFormat(sniffing: bytes, path: path)
            self = .image
        } catch where error.code == .notAnImage {
            let start = bytes.prefix(8).map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return hex.count == 1 ? "0" + hex : hex
            }.joined(separator: " ")
            throw MediaError(code: .unsupported, path: path,
                             message: "neither a photo (JPEG, PNG) nor a video (MP4, MOV, WebM, MKV, AVI, FLV, MPEG); "
                                + "it starts with \(start)")
        }
    }

    /// The signatures of the containers FFmpeg's demuxers are commonly fed.
    private static func isVideo(_ bytes: [UInt8]) -> Bool {
        func has(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && bytes[offset...].starts(with: magic)
        }
        func has(_ magic: String, at offset: Int = 0) -> Bool { has(Array(magic.utf8), at: offset) }
        return has("ftyp", at: 4) || has("moov", at: 4) || has("wide", at: 4)   // ISO BMFF: MP4, MOV, M4V, 3GP
            || has([0x1A, 0x45, 0xDF, 0xA3])                                     // EBML: WebM, Matroska
            || (has("RIFF") && has("AVI ", at: 8))                               // AVI
            || has("FLV\u{1}")                                                    // Flash video
            || has([0x00, 0x00, 0x01, 0xBA])                                     // MPEG program stream
            || (has([0x47]) && has([0x47], at: 188))                             // MPEG transport stream
    }
}
