/// Why an image or video could not be read or written, and which file it was.
///
/// Modelled on swift-nio's `FileSystemError`: a small extensible ``Code`` to switch on, the
/// ``path`` of the file, and a ``message`` that says what is wrong and, where it can, what to
/// do about it. ``description`` always starts with the path, so a log line or a CLI error names
/// the file without the caller having to add it.
public struct MediaError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case fileNotFound, unreadable, empty, truncated, notAnImage, notAVideo, corrupt, tooLarge, unsupported,
                encodingFailed
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// There is no file at the path.
        public static let fileNotFound = Code(.fileNotFound)
        /// The file exists but cannot be read (permissions, a directory, an I/O error).
        public static let unreadable = Code(.unreadable)
        /// The file has no bytes at all.
        public static let empty = Code(.empty)
        /// The file starts like an image or video but ends before it does.
        public static let truncated = Code(.truncated)
        /// The bytes are not in any image format this module recognises.
        public static let notAnImage = Code(.notAnImage)
        /// libavformat does not recognise the file as a container, or it holds no video stream.
        public static let notAVideo = Code(.notAVideo)
        /// A JPEG, PNG or video whose data the decoder rejects.
        public static let corrupt = Code(.corrupt)
        /// The image or video frame claims more pixels than ``ImageDecoder/maximumPixelCount``, or memory ran out.
        public static let tooLarge = Code(.tooLarge)
        /// A recognised image that this module does not decode (a 12-bit JPEG, GIF, WebP, …).
        public static let unsupported = Code(.unsupported)
        /// libpng failed while writing a PNG, or libav* while writing a video.
        public static let encodingFailed = Code(.encodingFailed)

        public var description: String {
            switch value {
            case .fileNotFound: "file not found"
            case .unreadable: "unreadable"
            case .empty: "empty"
            case .truncated: "truncated"
            case .notAnImage: "not an image"
            case .notAVideo: "not a video"
            case .corrupt: "corrupt"
            case .tooLarge: "too large"
            case .unsupported: "unsupported"
            case .encodingFailed: "encoding failed"
            }
        }
    }

    public var code: Code
    /// The file the error is about (for encoding, a label naming what was being written).
    public var path: String
    /// What is wrong and, when possible, what to do.
    public var message: String

    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `"<path>: <message>"`.
    public var description: String { "\(path): \(message)" }
}
