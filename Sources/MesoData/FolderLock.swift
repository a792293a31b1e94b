import Foundation

/// An exclusive lock on a folder that one process writes: a training run or a prepared cache.
///
/// Two writers on one folder interleave their files (a manifest with every row twice, a run
/// whose config, history and weights come from different runs) and both report success. The
/// lock is `flock(LOCK_EX | LOCK_NB)` on ``fileName`` inside the folder, which holds the
/// holder's pid for the message a second writer gets. The kernel drops an `flock` when its
/// descriptor closes, however the process ends (kill -9 included), so a lock file left behind
/// is never stale: the next writer simply takes it.
public final class FolderLock {
    public static let fileName = ".mesoscope.lock"
    public let folder: String
    private let descriptor: Int32

    /// Locks `folder`, creating it when missing, until the lock is released or deinitialised.
    public init(folder: String) throws(FolderLockError) {
        self.folder = folder
        let path = "\(folder)/\(Self.fileName)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FolderLockError(.unavailable, folder: folder, "cannot create the folder: \(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FolderLockError(.unavailable, folder: folder, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readPID(fd)
            close(fd)
            guard code == EWOULDBLOCK else {
                throw FolderLockError(.unavailable, folder: folder, "cannot lock \(path): \(String(cString: strerror(code)))")
            }
            throw FolderLockError(.busy, folder: folder, holder: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// The pid written by the process that holds the lock; nil while it has not written it yet.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A folder that cannot be locked: another process writes it, or the lock file cannot be made.
public struct FolderLockError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        /// Another process holds the lock.
        case busy
        /// The folder or its lock file cannot be created or locked.
        case unavailable
    }

    public var code: Code
    public var folder: String
    /// The pid of the process holding the lock, when it is known.
    public var holder: Int32?
    public var message: String

    init(_ code: Code, folder: String, holder: Int32? = nil, _ message: String? = nil) {
        self.code = code
        self.folder = folder
        self.holder = holder
        self.message = message ?? "in use by another mesoscope process (pid \(holder.map(String.init) ?? "unknown")); "
            + "wait for it to finish or stop it, or use another folder"
    }

    /// `"<folder>: <message>"`.
    public var description: String { "\(folder): \(message)" }
}
