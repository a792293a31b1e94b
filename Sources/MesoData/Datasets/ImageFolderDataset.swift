/// One subfolder per class, as Keras' `flow_from_directory` reads them: `df/`, `real/`, …
///
/// Images (.jpg, .jpeg, .png) and videos anywhere under a class folder are items. An image's
/// name carries no video, so it has no video id and stands alone in a split; a video's id is its
/// file stem. A root whose subfolders are `train/`, `val/` (or `validation/`) and `test/`, each
/// holding class folders, gives those items that split (the MesoNet authors' layout).
public enum ImageFolderDataset {
    /// Folder names (any case) and the label they mean.
    public static let defaultClasses: [String: Label] = [
        "df": .fake, "fake": .fake, "manipulated": .fake, "real": .real, "original": .real,
    ]

    /// The items under `folder`, sorted by path. `classes` maps lowercased folder names to labels;
    /// folders it does not name are left out.
    public static func items(folder: String, classes: [String: Label] = defaultClasses) throws(DatasetError) -> [DatasetItem] {
        let root = DatasetFiles.absolute(folder)
        guard DatasetFiles.isDirectory(root) else {
            throw DatasetError(code: .notFound, path: root, message: "no such folder")
        }
        let splitFolders = DatasetFiles.entries(of: root).compactMap { name in
            Split(datasetName: name).map { ("\(root)/\(name)", $0) }
        }.filter { DatasetFiles.isDirectory($0.0) }
        let items = splitFolders.isEmpty
            ? classItems(root, classes: classes, split: nil)
            : splitFolders.flatMap { classItems($0.0, classes: classes, split: $0.1) }
        guard !items.isEmpty else {
            let expected = classes.keys.sorted().joined(separator: ", ")
            throw DatasetError(code: .unknownLayout, path: root,
                               message: "no class folders with images or videos found (expected subfolders named \(expected))")
        }
        return items.sorted { $0.path < $1.path }
    }

    private static func classItems(_ folder: String, classes: [String: Label], split: Split?) -> [DatasetItem] {
        DatasetFiles.entries(of: folder).flatMap { name -> [DatasetItem] in
            guard let label = classes[name.lowercased()], DatasetFiles.isDirectory("\(folder)/\(name)") else { return [] }
            return DatasetFiles.media(under: "\(folder)/\(name)").map { file in
                DatasetItem(path: file.path, label: label, split: split,
                            videoID: file.kind == .video ? DatasetFiles.stem(file.path) : nil, kind: file.kind)
            }
        }
    }
}
