import Foundation

/// The server's folder for uploads being received or analysed.
///
/// Files are named by the server (a UUID), never by anything the client sent, so no upload can
/// reach outside the folder or clobber another. The folder is emptied when the server starts,
/// which removes whatever a killed server left behind, and every file is removed by the
/// request or job that made it, whether it succeeded, failed, timed out or was cancelled.
struct TemporaryFolder: Sendable {
    let url: URL

    /// Creates the folder, or empties it when it exists.
    init(path: String) throws {
        url = URL(fileURLWithPath: path, isDirectory: true)
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) {
            for name in try manager.contentsOfDirectory(atPath: url.path) {
                try manager.removeItem(at: url.appendingPathComponent(name))
            }
        } else {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        }
    }

    /// A fresh path inside the folder; nothing is created.
    func newFile() -> URL { url.appendingPathComponent(UUID().uuidString) }

    func remove(_ file: URL) { try? FileManager.default.removeItem(at: file) }
}
