import Foundation
import MesoFaces
import MesoMedia

/// One aligned face crop on disk: a line of `manifest.jsonl`, written by `extract-faces` and
/// `prepare`, and the input of training.
public struct CropRecord: Decodable, Sendable, Equatable {
    /// The crop's PNG: relative to the manifest's folder, or absolute (an image dataset's own file).
    public var crop: String
    /// The video or photo it was cut from, as given.
    public var source: String
    /// Groups the crops of one video, so that no video has frames on both sides of a split.
    public var videoID: String
    public var frame: Int
    public var time: Double
    public var track: Int
    public var box: FaceBox
    /// "fake", "real" or nil when unknown.
    public var label: String?
    /// "train", "val", "test" or nil when the dataset has no split.
    public var split: String?

    public init(crop: String, source: String, videoID: String, frame: Int, time: Double, track: Int, box: FaceBox,
                label: String? = nil, split: String? = nil) {
        self.crop = crop
        self.source = source
        self.videoID = videoID
        self.frame = frame
        self.time = time
        self.track = track
        self.box = box
        self.label = label
        self.split = split
    }

    /// Where a crop goes under its folder: `<video id>/frame<index>_track<id>.png`.
    public static func cropPath(videoID: String, frame: Int, track: Int) -> String {
        "\(videoID)/" + String(format: "frame%06d_track%d.png", frame, track)
    }

    private enum CodingKeys: String, CodingKey {
        case crop, source, videoID = "video_id", frame, time = "time_s", track, box, label, split
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        crop = try c.decode(String.self, forKey: .crop)
        source = try c.decode(String.self, forKey: .source)
        videoID = try c.decode(String.self, forKey: .videoID)
        frame = try c.decode(Int.self, forKey: .frame)
        time = try c.decode(Double.self, forKey: .time)
        track = try c.decode(Int.self, forKey: .track)
        let xywh = try c.decode([Int].self, forKey: .box)
        guard xywh.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .box, in: c, debugDescription: "box must be [x, y, w, h]")
        }
        box = FaceBox(x: xywh[0], y: xywh[1], width: xywh[2], height: xywh[3])
        label = try c.decodeIfPresent(String.self, forKey: .label)
        split = try c.decodeIfPresent(String.self, forKey: .split)
    }

    /// The record as one line of JSON with its keys in the documented order (JSONEncoder does
    /// not keep the order), unknown label and split as null.
    public func jsonLine() -> String {
        JSONValue.object([
            ("crop", .string(crop)), ("source", .string(source)), ("video_id", .string(videoID)),
            ("frame", .integer(frame)), ("time_s", .number(time)), ("track", .integer(track)),
            ("box", .array([box.x, box.y, box.width, box.height].map { .integer($0) })),
            ("label", .string(orNull: label)), ("split", .string(orNull: split)),
        ]).serialized()
    }
}

/// `manifest.jsonl` in a crops folder: one ``CropRecord`` per line.
///
/// Records are appended one batch at a time with a single `write` on a file opened for
/// appending, so a run killed midway leaves whole lines only, and a resumed run can trust
/// every line it finds.
public struct CropManifest {
    public static let fileName = "manifest.jsonl"
    public let folder: String
    public var path: String { "\(folder)/\(Self.fileName)" }

    public init(folder: String) { self.folder = folder }

    /// Writes `image` as the PNG of a crop, at ``CropRecord/cropPath(videoID:frame:track:)``
    /// under the folder (its video folder made when missing), atomically so that a row never
    /// names a half-written file; returns that relative path for the crop's record.
    public func writeCrop(_ image: RGBImage, videoID: String, frame: Int, track: Int) throws -> String {
        let crop = CropRecord.cropPath(videoID: videoID, frame: frame, track: track)
        let file = URL(fileURLWithPath: "\(folder)/\(crop)")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(image.pngData()).write(to: file, options: .atomic)
        return crop
    }

    /// Appends `records`, all at once.
    public func append(_ records: [CropRecord]) throws {
        guard !records.isEmpty else { return }
        var bytes = Data()
        for record in records { bytes += Data((record.jsonLine() + "\n").utf8) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// Every record, in file order; a missing manifest has none. A last line without its newline
    /// (a write cut short) is ignored.
    public func records() throws -> [CropRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        return try lines.map { try decoder.decode(CropRecord.self, from: Data($0)) }
    }
}
