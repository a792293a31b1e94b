/// One entry of DFDC's `metadata.json` or the write-up's `traindata.json`: a file's label and
/// split. The two say the label differently: DFDC as "FAKE"/"REAL", the write-up as 1 for fake
/// and 0 for real; both are accepted, and anything else is an error rather than a guess.
struct MetadataEntry: Decodable {
    var label: Label
    var split: Split?

    private enum CodingKeys: String, CodingKey { case label, split }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let number = try? c.decode(Int.self, forKey: .label) {
            guard let label = [1: Label.fake, 0: .real][number] else {
                throw DecodingError.dataCorruptedError(forKey: .label, in: c, debugDescription: "label \(number) is neither 1 (fake) nor 0 (real)")
            }
            self.label = label
        } else {
            let text = try c.decode(String.self, forKey: .label)
            guard let label = Label(rawValue: text.lowercased()) else {
                throw DecodingError.dataCorruptedError(forKey: .label, in: c, debugDescription: "label \"\(text)\" is neither FAKE nor REAL")
            }
            self.label = label
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .split) {
            guard let split = Split(datasetName: text) else {
                throw DecodingError.dataCorruptedError(forKey: .split, in: c, debugDescription: "split \"\(text)\" is not train, val or test")
            }
            self.split = split
        }
    }

    /// The items of a `{"file name": entry}` file whose names are relative to `folder`, sorted by
    /// name. A name's stem is its video id: DFDC and the write-up name one video per file.
    static func items(_ entries: [String: MetadataEntry], in folder: String) -> [DatasetItem] {
        entries.keys.sorted().map { name in
            let entry = entries[name]!
            return DatasetItem(path: "\(folder)/\(name)", label: entry.label, split: entry.split,
                               videoID: DatasetFiles.stem(name), kind: DatasetItem.Kind(fileName: name) ?? .video)
        }
    }
}
