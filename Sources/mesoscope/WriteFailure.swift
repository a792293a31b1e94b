import Foundation
import MesoMedia

/// An output file or folder the command could not write, said plainly: Foundation's own error
/// text names neither the file nor the reason.
struct WriteFailure: Error, CustomStringConvertible {
    let path: String
    let reason: String

    init(path: String, error: any Error) {
        self.path = path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let parent = (path as NSString).deletingLastPathComponent
        if let media = error as? MediaError {
            reason = media.message
        } else if exists && isDirectory.boolValue {
            reason = "is a folder; give a file name"
        } else if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            reason = "the folder \(parent) does not exist"
        } else if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(posix.code)))
        } else {
            reason = error.localizedDescription
        }
    }

    var description: String { "\(path): cannot write: \(reason)" }
}
