/// Why the face pipeline could not start, and which file it was about.
///
/// Shaped like `MediaError`: a small extensible ``Code`` to switch on, the ``path`` of the file
/// (or a label such as `dlib` when no file is involved), and a ``message`` that says what is
/// wrong and what to do. ``description`` starts with the path.
public struct FaceError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case modelNotFound, modelUnreadable, dlibFailed
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// There is no landmark model file at the path.
        public static let modelNotFound = Code(.modelNotFound)
        /// The file exists but dlib cannot deserialize a shape predictor from it.
        public static let modelUnreadable = Code(.modelUnreadable)
        /// dlib itself failed (out of memory, an internal error).
        public static let dlibFailed = Code(.dlibFailed)

        public var description: String {
            switch value {
            case .modelNotFound: "model not found"
            case .modelUnreadable: "model unreadable"
            case .dlibFailed: "dlib failed"
            }
        }
    }

    public var code: Code
    /// The file the error is about, or `dlib` when no file is involved.
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
