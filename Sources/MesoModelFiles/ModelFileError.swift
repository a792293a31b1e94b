/// A weight file that cannot be used, with the file, what is wrong, and what to do.
///
/// Modelled on swift-nio's `FileSystemError`: a code to switch on, a path, a message for people.
public struct ModelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case notFound, notRegularFile, empty, notHDF5, truncated, missingLayer, wrongArchitecture, shapeMismatch
        case nonFinite, malformed, writeFailed
    }

    public var code: Code
    public var path: String
    public var message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
