import Foundation
import ServiceLifecycle

/// The server could not make its temporary folder or a file in it.
public struct TemporaryFolderError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "cannot use the temporary folder \(path): \(reason)" }

    /// The failure `errno` names, read at once so that nothing in between overwrites it.
    static func system(_ path: String) -> TemporaryFolderError {
        TemporaryFolderError(path: path, reason: String(cString: strerror(errno)))
    }
}

/// The server's own folder for uploads being received or analysed.
///
/// It is a new folder made by `mkdtemp` (mode 0700, a name nobody can plant beforehand) inside
/// the folder it is given, which the server never empties or otherwise touches: a symlink
/// planted there cannot make the server delete anything, and other local users cannot read
/// uploads. Files are named by the server (a UUID), never by anything the client sent, and
/// created with `O_EXCL | O_NOFOLLOW` and mode 0600. The folder deletes only names it created:
/// each when its request or job ends, and the rest with the folder itself when the server stops.
/// A killed server leaves its folder behind, for the system's temp cleaning.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL
    private let lock = NSLock()
    /// Guarded by `lock`: the files made and not yet deleted, and whether the server stopped.
    private var files: Set<String> = []
    private var isClosed = false

    /// Makes a new folder inside `parent`, which must exist.
    init(inside parent: String) throws(TemporaryFolderError) {
        var template = Array(URL(fileURLWithPath: parent, isDirectory: true)
            .appendingPathComponent("mesoscope-serve-XXXXXX").path.utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw .system(parent)
        }
        url = URL(fileURLWithPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, isDirectory: true)
    }

    /// Creates a new, empty file that only this user can read, open for writing.
    func create() throws(TemporaryFolderError) -> (url: URL, handle: FileHandle) {
        let name = UUID().uuidString
        let file = url.appendingPathComponent(name)
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw TemporaryFolderError(path: url.path, reason: "the server is stopping") }
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system(file.path) }
        files.insert(name)
        return (file, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
    }

    /// Deletes a file this folder created; any other name is left alone.
    func remove(_ file: URL) {
        let name = file.lastPathComponent
        let owned = lock.withLock { files.remove(name) != nil }
        if owned { unlink(url.appendingPathComponent(name).path) }
    }

    /// Deletes the files still there and then the folder, and refuses new files from now on.
    /// `unlink` and `rmdir` never follow a symlink, and `rmdir` leaves a folder that holds
    /// anything the server did not make.
    func removeAll() {
        let names = lock.withLock {
            isClosed = true
            defer { files.removeAll() }
            return files
        }
        for name in names { unlink(url.appendingPathComponent(name).path) }
        rmdir(url.path)
    }
}

extension TemporaryFolder: Service {
    /// Deletes the folder when the server stops. As one of the application's services it is
    /// told to stop after the HTTP server has answered its last request.
    func run() async {
        try? await gracefulShutdown()
        removeAll()
    }
}
