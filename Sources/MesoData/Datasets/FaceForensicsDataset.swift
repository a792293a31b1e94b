/// FaceForensics++ as its download script lays it out:
/// `original_sequences/youtube/<c>/videos/071.mp4` (real) and
/// `manipulated_sequences/<method>/<c>/videos/071_054.mp4` (fake: target 071's face replaced by
/// source 054's), with the official splits in `splits/{train,val,test}.json`.
///
/// The splits are by identity, so that no person is on both sides: an original `071` is in the
/// split listing 071, a manipulated `071_054` in its target 071's split. A video whose id no
/// split lists (DeepFakeDetection's actor videos) gets none. Video ids are the original's stem
/// (`071`) and the method with the stem for manipulated ones (`Deepfakes/071_054`), unique
/// across methods.
public enum FaceForensicsDataset {
    public static let allMethods = ["Deepfakes", "Face2Face", "FaceSwap", "NeuralTextures", "FaceShifter", "DeepFakeDetection"]

    public struct Options: Sendable, Equatable {
        /// `raw`, `c23` or `c40`.
        public var compression: String
        /// The manipulation methods to read; nil for every one present.
        public var methods: [String]?
        /// The folder holding train.json, val.json and test.json; nil for `<root>/splits`.
        public var splitsFolder: String?

        public init(compression: String = "c23", methods: [String]? = nil, splitsFolder: String? = nil) {
            self.compression = compression
            self.methods = methods
            self.splitsFolder = splitsFolder
        }
    }

    /// The originals, then each method's videos, each sorted by name.
    public static func items(root folder: String, options: Options = .init()) throws(DatasetError) -> [DatasetItem] {
        let root = DatasetFiles.absolute(folder)
        let splits = try identitySplits(folder: options.splitsFolder.map(DatasetFiles.absolute) ?? "\(root)/splits")
        var items: [DatasetItem] = []
        let originals = "\(root)/original_sequences/youtube/\(options.compression)/videos"
        if DatasetFiles.isDirectory(originals) {
            items += videos(in: originals).map { stem in
                DatasetItem(path: "\(originals)/\(stem.file)", label: .real, split: splits[stem.id],
                            videoID: stem.id, kind: .video)
            }
        }
        let manipulated = "\(root)/manipulated_sequences"
        let present = allMethods.filter { DatasetFiles.isDirectory("\(manipulated)/\($0)/\(options.compression)/videos") }
        for method in options.methods ?? present {
            let folder = "\(manipulated)/\(method)/\(options.compression)/videos"
            guard DatasetFiles.isDirectory(folder) else {
                throw DatasetError(code: .notFound, path: folder,
                                   message: "no \(method) videos at \(options.compression) (present: \(present.joined(separator: ", ")))")
            }
            items += videos(in: folder).map { stem in
                let target = String(stem.id.prefix { $0 != "_" })
                return DatasetItem(path: "\(folder)/\(stem.file)", label: .fake, split: splits[target],
                                   videoID: "\(method)/\(stem.id)", kind: .video)
            }
        }
        guard !items.isEmpty else {
            throw DatasetError(code: .notFound, path: root, message: "no FaceForensics++ videos at compression \(options.compression)")
        }
        return items
    }

    private static func videos(in folder: String) -> [(file: String, id: String)] {
        DatasetFiles.entries(of: folder).filter { DatasetItem.Kind(fileName: $0) == .video }.map { ($0, DatasetFiles.stem($0)) }
    }

    /// Each identity's split, from the split files present in `folder` (none: no splits).
    private static func identitySplits(folder: String) throws(DatasetError) -> [String: Split] {
        var splits: [String: Split] = [:]
        for split in Split.allCases {
            let file = "\(folder)/\(split.rawValue).json"
            guard DatasetFiles.exists(file) else { continue }
            let pairs = try DatasetFiles.decodeJSON([[String]].self, at: file, expected: #"a list of ["target", "source"] pairs"#)
            for id in pairs.joined() { splits[id] = split }
        }
        return splits
    }
}
