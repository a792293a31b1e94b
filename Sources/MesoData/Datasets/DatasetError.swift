/// Why a dataset could not be read, and which file or folder it was about.
///
/// Shaped like `FaceError`: a ``Code`` to switch on, the ``path`` at fault and a ``message``
/// that says what is wrong; ``description`` starts with the path.
public struct DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case notFound, unknownLayout, malformed }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No file or folder at the path.
        public static let notFound = Code(.notFound)
        /// The folder is none of the layouts the readers know.
        public static let unknownLayout = Code(.unknownLayout)
        /// A metadata, split or manifest file that cannot be understood.
        public static let malformed = Code(.malformed)

        public var description: String {
            switch value {
            case .notFound: "not found"
            case .unknownLayout: "unknown layout"
            case .malformed: "malformed"
            }
        }
    }

    public var code: Code
    public var path: String
    public var message: String

    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `"<path>: <message>"`.
    public var description: String { "\(path): \(message)" }
}
