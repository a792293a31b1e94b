/// A crops folder: the `manifest.jsonl` that `extract-faces` and `prepare` write, one item per
/// crop with the label, split and video id of its row.
///
/// A row's crop is relative to the folder, or absolute: `prepare` lists a dataset's own aligned
/// crops (image folders) where they are instead of copying them.
public enum CropManifestDataset {
    /// The crops in manifest order.
    public static func items(folder: String) throws(DatasetError) -> [DatasetItem] {
        let root = DatasetFiles.absolute(folder)
        let manifest = CropManifest(folder: root)
        let records: [CropRecord]
        do { records = try manifest.records() } catch {
            throw DatasetError(code: .malformed, path: manifest.path, message: "unreadable manifest line: \(error)")
        }
        return try records.map { record throws(DatasetError) in
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
            return DatasetItem(path: record.crop.hasPrefix("/") ? record.crop : "\(root)/\(record.crop)",
                               label: label, split: split, videoID: record.videoID, kind: .image)
        }
    }
}
