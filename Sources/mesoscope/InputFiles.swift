import Foundation
import MesoData
import MesoMedia

/// Expands command-line inputs into files, and names the folders that could not be read.
///
/// A folder that cannot be listed is an input failure, reported like a file that cannot be
/// decoded: skipping it silently would make a folder of unreadable evidence look empty.
struct InputFiles {
    /// The files, in order: inputs named directly as given, folders' files sorted.
    private(set) var files: [String] = []
    /// The folders (or sub-folders) that could not be listed, each with its reason.
    private(set) var unreadableFolders: [MediaError] = []

    /// Images in `paths`. Files named directly are kept whatever their extension (their content
    /// decides); folders are walked recursively, in sorted order, for image extensions. A found
    /// file's path is the folder as given joined with its path relative to the folder. Symbolic
    /// links are read as files, never walked as folders, so a link loop cannot recurse.
    static func images(in paths: [String]) -> InputFiles {
        InputFiles(paths, extensions: DatasetItem.Kind.imageExtensions)
    }

    /// As ``images(in:)``, with videos too.
    static func media(in paths: [String]) -> InputFiles {
        InputFiles(paths, extensions: DatasetItem.Kind.imageExtensions.union(DatasetItem.Kind.videoExtensions))
    }

    private init(_ paths: [String], extensions: Set<String>) {
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            var relative: [String] = []
            walk(base, under: "", extensions: extensions, into: &relative)
            files += relative.sorted().map { "\(base)/\($0)" }
        }
    }

    /// Adds the files under `base/folder` whose extension is wanted, as paths relative to `base`.
    private mutating func walk(_ base: String, under folder: String, extensions: Set<String>, into found: inout [String]) {
        let full = folder.isEmpty ? base : "\(base)/\(folder)"
        guard let directory = opendir(full) else {
            unreadableFolders.append(MediaError(
                code: .unreadable, path: full,
                message: "cannot list this folder (\(String(cString: strerror(errno)))); the files in it were not read"))
            return
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let relative = folder.isEmpty ? name : "\(folder)/\(name)"
            var status = stat()
            if lstat("\(base)/\(relative)", &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                walk(base, under: relative, extensions: extensions, into: &found)
            } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                found.append(relative)
            }
        }
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
