#if os(Linux)
import Glibc
#else
import Darwin
#endif

/// An input file opened for reading: a regular file, opened without blocking.
///
/// `open(2)` of a FIFO blocks until a writer appears, and a device such as /dev/zero never
/// ends, so a path is opened non-blocking and refused unless it is a regular file. Its size is
/// known before anything is read, so callers can refuse a file too large to hold.
public final class InputFile {
    public let path: String
    public let size: Int
    private let descriptor: Int32

    /// Opens `path`; `expected` ("an image", "a video") names what it should be in the errors.
    public init(_ path: String, expected: String) throws(MediaError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw ImageDecoder.openFailure(errno: errno, path: path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let number = errno
            close(descriptor)
            throw ImageDecoder.openFailure(errno: number, path: path)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            close(descriptor)
            throw MediaError(code: .unreadable, path: path, message: "is a directory, not \(expected) file")
        default:
            close(descriptor)
            throw MediaError(code: .unreadable, path: path,
                             message: "not a regular file (a pipe, socket or device); give \(expected) file")
        }
        self.path = path
        self.descriptor = descriptor
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes from the start (fewer if the file is shorter).
    public func read(upTo count: Int) throws(MediaError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(filled)) }
            if got > 0 {
                filled += got
            } else if got == 0 {
                break
            } else if case let number = errno, number != EINTR {
                throw MediaError(code: .unreadable, path: path, message: "cannot read: \\(String(cString: strerror(number)))")
            }
        }
        return Array(bytes[..<filled])
    }
}
