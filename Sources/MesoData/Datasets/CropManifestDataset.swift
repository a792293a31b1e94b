/// A crops folder: the `manifest.jsonl` that `extract-faces` and `prepare` write, one item per
/// crop with the label, split and video id of its row.
///
/// Every row names a file inside the folder, each crop once (``CropManifest/records()``).
public enum CropManifestDataset {
    /// The crops in manifest order.
    public static func items(folder: String) throws(DatasetError) -> [DatasetItem] {
        let root = DatasetFiles.absolute(folder)
        let manifest = CropManifest(folder: root)
        return try manifest.records().map { record throws(DatasetError) in
            func bad(_ what: String) -> DatasetError {
                DatasetError(code: .malformed, path: manifest.path, message: "crop \(record.crop): \(what)")
            }
            let label = try record.label.map { text throws(DatasetError) in
                guard let label = Label(rawValue: text) else { throw bad("label \"\(text)\" is neither fake nor real") }
                return label
            }
            let split = try record.split.map { text throws(DatasetError) in
                guard let split = Split(rawValue: text) else { throw bad("split \"\(text)\" is not train, val or test") }
                return split
            }
            return DatasetItem(path: "\(root)/\(record.crop)", label: label, split: split, videoID: record.videoID, kind: .image)
        }
    }
}
