import Foundation
import MesoMedia

/// The file-system questions every reader asks, answered once, with errors that name the path.
enum DatasetFiles {
    /// `path` as an absolute, standardised path, so that items open from any working directory.
    static func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The folder's entries, sorted, hidden ones left out.
    static func entries(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Images and videos anywhere under `folder`, as absolute paths, sorted.
    static func media(under folder: String) -> [(path: String, kind: DatasetItem.Kind)] {
        let relative = (FileManager.default.subpaths(atPath: folder) ?? []).filter {
            !$0.split(separator: "/").contains { $0.hasPrefix(".") }
        }
        return relative.sorted().compactMap { name in
            DatasetItem.Kind(fileName: name).map { ("\(folder)/\(name)", $0) }
        }
    }

    /// The file name without its folder and extension: `a/071_054.mp4` → `071_054`.
    static func stem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The largest JSON label file read: DFDC's metadata for 100,000 videos is about 10 MB.
    static let maximumJSONSize = 256 << 20

    /// The JSON file at `path` decoded as `T`, or an error naming the file and what is wrong.
    ///
    /// The file is opened as a regular file and its size checked first (at most
    /// ``maximumJSONSize``), so a FIFO or a device named like a label file cannot hang the reader.
    static func decodeJSON<T: Decodable>(_ type: T.Type, at path: String, expected: String) throws(DatasetError) -> T {
        func readFailure(_ error: MediaError) -> DatasetError {
            DatasetError(code: error.code == .fileNotFound ? .notFound : .malformed, path: path, message: error.message)
        }
        let file: InputFile
        do { file = try InputFile(path, expected: "a JSON file") } catch { throw readFailure(error) }
        guard file.size <= maximumJSONSize else {
            throw DatasetError(code: .malformed, path: path,
                               message: "the file is \(file.size >> 20) MB; a label file may take \(maximumJSONSize >> 20) MB")
        }
        let data: Data
        do { data = Data(try file.read(upTo: file.size)) } catch { throw readFailure(error) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DatasetError {
            throw DatasetError(code: .malformed, path: path, message: error.message)
        } catch {
            throw DatasetError(code: .malformed, path: path, message: "not \(expected): \(Self.reason(error))")
        }
    }

    /// A decoding error in one line: what was wrong, and where in the file.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? context.debugDescription : "\(at): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
