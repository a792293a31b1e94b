import Foundation
import MesoData

/// Expands command-line inputs into files.
enum InputFiles {
    private static let imageExtensions = DatasetItem.Kind.imageExtensions
    private static let videoExtensions = DatasetItem.Kind.videoExtensions

    /// Images in `paths`. Files named directly are kept whatever their extension (their content decides); folders
    /// are walked recursively, in sorted order, for image extensions. A found file's path is the
    /// folder as given joined with its path relative to the folder.
    static func images(in paths: [String]) -> [String] {
        files(in: paths, extensions: imageExtensions)
    }

    /// As ``images(in:)``, with videos too.
    static func media(in paths: [String]) -> [String] {
        files(in: paths, extensions: imageExtensions.union(videoExtensions))
    }

    private static func files(in paths: [String], extensions: Set<String>) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let relative = (FileManager.default.subpaths(atPath: path) ?? []).filter {
                extensions.contains(($0 as NSString).pathExtension.lowercased())
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            files += relative.sorted().map { "\(base)/\($0)" }
        }
        return files
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
