/// A checkpoint that cannot be written, read or restored: what went wrong, the file, and what to do.
///
/// Modelled on `ModelFileError` (and swift-nio's `FileSystemError`): a code to switch on, the
/// path, a message for people. `path` is nil only for a restore into a model or optimizer that
/// does not fit the checkpoint, which involves no file.
public struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// No file at the path.
        case notFound
        /// The file exists but cannot be opened or read.
        case unreadable
        /// The file has no bytes at all (a crash between create and write on a file system
        /// without atomic rename, or a copy gone wrong).
        case empty
        /// The file ends before the lengths in its own header say it should.
        case truncated
        /// Not a Mesoscope checkpoint: the magic bytes differ (e.g. an HDF5 weight file).
        case notACheckpoint
        /// A checkpoint of a format version this build does not know.
        case unsupportedVersion
        /// The checksum does not match: some byte changed after the file was written.
        case corrupt
        /// The bytes are intact but do not describe a consistent checkpoint.
        case malformed
        /// The model or optimizer differs from the one the checkpoint was taken from.
        case mismatch
        /// An optimizer whose state checkpoints do not know how to save (only Adam and SGD).
        case unsupportedOptimizer
        /// Creating, writing, syncing or renaming the file failed.
        case writeFailed
    }

    public var code: Code
    public var path: String?
    public var message: String

    public init(_ code: Code, path: String?, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String {
        guard let path else { return message }
        return "\(path): \(message)"
    }
}
