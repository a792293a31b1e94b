import Foundation

/// The write-up's `traindata.json` / `testdata.json`: `{"name": {"label": 1|0, "split", "original"}}`
/// with 1 for fake, 0 for real, names relative to the JSON file's folder.
public enum WriteupDataset {
    /// The file's videos, sorted by name.
    public static func items(file: String) throws(DatasetError) -> [DatasetItem] {
        let path = DatasetFiles.absolute(file)
        let entries = try DatasetFiles.decodeJSON([String: MetadataEntry].self, at: path,
                                                  expected: #"{"name": {"label": 1 (fake) or 0 (real), "split"}}"#)
        return MetadataEntry.items(entries, in: (path as NSString).deletingLastPathComponent)
    }
}
