import Foundation
import MesoMedia

/// Which part of an experiment an item belongs to.
public enum Split: String, Sendable, Hashable, Codable, CaseIterable {
    case train
    case val
    case test

    /// The split a dataset's file names: `train`, `val`/`validation`, `test`, any case.
    init?(datasetName name: String) {
        switch name.lowercased() {
        case "train": self = .train
        case "val", "validation": self = .val
        case "test": self = .test
        default: return nil
        }
    }
}

/// One video, photo or face crop of a dataset, as every reader hands it over.
public struct DatasetItem: Sendable, Hashable, Codable {
    /// Whether the file is a still image (a photo or an aligned crop) or a video.
    public enum Kind: String, Sendable, Hashable, Codable {
        case image
        case video

        /// The file-name extensions (lower case) read as images and as videos, here and by the CLI's folder walks.
        public static let imageExtensions = ImageDecoder.fileExtensions
        public static let videoExtensions: Set<String> = ["mp4", "m4v", "mov", "avi", "mkv", "webm", "mpg", "mpeg", "wmv", "flv"]

        /// The kind a file name's extension says, or nil for files that are neither.
        init?(fileName: String) {
            let ext = (fileName as NSString).pathExtension.lowercased()
            if Self.imageExtensions.contains(ext) { self = .image } else if Self.videoExtensions.contains(ext) { self = .video } else { return nil }
        }
    }

    /// The file, as an absolute path: readers resolve the dataset's root first, so an item can be
    /// opened from any working directory and written into a manifest as it is.
    public var path: String
    /// nil when the dataset does not say.
    public var label: Label?
    /// The dataset's own split; nil when it has none (``DatasetSplit`` assigns one).
    public var split: Split?
    /// Groups the items of one video so that a split keeps them together; nil for a file that
    /// stands alone (a photo whose name carries no video).
    public var videoID: String?
    public var kind: Kind

    public init(path: String, label: Label?, split: Split? = nil, videoID: String? = nil, kind: Kind) {
        self.path = path
        self.label = label
        self.split = split
        self.videoID = videoID
        self.kind = kind
    }
}
