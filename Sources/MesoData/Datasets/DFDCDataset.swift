/// The DeepFake Detection Challenge layout: a folder of videos with `metadata.json` mapping each
/// file name to `{"label": "FAKE"|"REAL", "split", "original"}`.
///
/// The video id is the file stem; DFDC's names are unique across its parts.
public enum DFDCDataset {
    public static let metadataFileName = "metadata.json"

    /// The folder's videos, sorted by file name.
    public static func items(folder: String) throws(DatasetError) -> [DatasetItem] {
        let root = DatasetFiles.absolute(folder)
        let metadata = "\(root)/\(metadataFileName)"
        let entries = try DatasetFiles.decodeJSON([String: MetadataEntry].self, at: metadata,
                                                  expected: #"{"file name": {"label": "FAKE"|"REAL", "split"}}"#)
        return MetadataEntry.items(entries, in: root)
    }
}
