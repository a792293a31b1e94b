/// A dataset on disk in any of the layouts the readers know, told apart by what the path holds.
public struct Dataset: Sendable {
    /// The layouts, in the order ``open(path:options:)`` tries them.
    public enum Layout: String, Sendable, CaseIterable {
        /// A folder with `manifest.jsonl`: crops already prepared.
        case crops
        /// A folder with `metadata.json`.
        case dfdc
        /// A `.json` file: the write-up's traindata.json / testdata.json.
        case writeup
        /// A folder with `original_sequences/` or `manipulated_sequences/`.
        case faceForensics
        /// A folder of class folders (`df/`, `real/`, …).
        case imageFolders
    }

    public struct Options: Sendable, Equatable {
        /// Class folder names (lowercased) and their labels, for image folders.
        public var classes: [String: Label]
        public var faceForensics: FaceForensicsDataset.Options

        public init(classes: [String: Label] = ImageFolderDataset.defaultClasses,
                    faceForensics: FaceForensicsDataset.Options = .init()) {
            self.classes = classes
            self.faceForensics = faceForensics
        }
    }

    /// The dataset's folder or JSON file, absolute.
    public let root: String
    public let layout: Layout
    public let items: [DatasetItem]

    /// Reads the dataset at `path`, whichever layout it is in.
    public static func open(path: String, options: Options = .init()) throws(DatasetError) -> Dataset {
        let root = DatasetFiles.absolute(path)
        let layout = try layout(of: root)
        let items: [DatasetItem] = switch layout {
        case .crops: try CropManifestDataset.items(folder: root)
        case .dfdc: try DFDCDataset.items(folder: root)
        case .writeup: try WriteupDataset.items(file: root)
        case .faceForensics: try FaceForensicsDataset.items(root: root, options: options.faceForensics)
        case .imageFolders: try ImageFolderDataset.items(folder: root, classes: options.classes)
        }
        return Dataset(root: root, layout: layout, items: items)
    }

    /// The layout of the dataset at `path`, from the files it holds.
    public static func layout(of path: String) throws(DatasetError) -> Layout {
        guard DatasetFiles.exists(path) else { throw DatasetError(code: .notFound, path: path, message: "no such file or folder") }
        guard DatasetFiles.isDirectory(path) else {
            guard path.lowercased().hasSuffix(".json") else {
                throw DatasetError(code: .unknownLayout, path: path, message: "a dataset is a folder or a .json file of labels")
            }
            return .writeup
        }
        if DatasetFiles.exists("\(path)/\(CropManifest.fileName)") { return .crops }
        if DatasetFiles.exists("\(path)/\(DFDCDataset.metadataFileName)") { return .dfdc }
        if DatasetFiles.isDirectory("\(path)/original_sequences") || DatasetFiles.isDirectory("\(path)/manipulated_sequences") {
            return .faceForensics
        }
        return .imageFolders
    }
}
