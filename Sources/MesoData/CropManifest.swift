import Foundation
import MesoFaces
import MesoMedia

/// One aligned face crop on disk: a line of `manifest.jsonl`, written by `extract-faces` and
/// `prepare`, and the input of training.
public struct CropRecord: Decodable, Sendable, Equatable {
    /// The crop's PNG, relative to the manifest's folder and inside it (``CropManifest/records()``
    /// refuses any other row).
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

    /// Where a crop goes under its folder: `<video folder>/frame<index>_track<id>.png`, the video
    /// folder being ``folderName(videoID:)``.
    public static func cropPath(videoID: String, frame: Int, track: Int) -> String {
        "\(folderName(videoID: videoID))/" + String(format: "frame%06d_track%d.png", frame, track)
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
        guard !videoID.isEmpty else {
            throw DatasetError(code: .malformed, path: folder, message: "a video with an empty id has no folder for its crops; rename its file")
        }
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

    /// Every record in file order, each crop once; a missing manifest has none. A last line
    /// without its newline (a write cut short) is ignored.
    ///
    /// A row repeated word for word (two writers on one folder, a rerun of `extract-faces`) is
    /// kept once, so nothing is counted twice. A row is refused, naming the manifest and its line,
    /// when it cannot be read, repeats a crop with different fields, or names a file outside the
    /// folder: an absolute path, a `..` component, or a symbolic link leading out. A manifest is
    /// data anyone may hand over, and its rows must not make training or evaluation read (and
    /// quote) files elsewhere on the machine.
    public func records() throws(DatasetError) -> [CropRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        let decoder = JSONDecoder()
        let root = canonical(folder)
        var records: [CropRecord] = []
        var firstListing: [String: (row: Int, index: Int)] = [:]
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let row = index + 1
            func refuse(_ problem: String) -> DatasetError {
                DatasetError(code: .malformed, path: path, message: "row \(row): \(problem)")
            }
            let record: CropRecord
            do { record = try decoder.decode(CropRecord.self, from: Data(line)) } catch {
                throw refuse("not a crop record: \(DatasetFiles.reason(error))")
            }
            if let problem = escape(of: record.crop, root: root) {
                throw refuse("the crop \"\(record.crop)\" \(problem); a row names a file inside \(folder)")
            }
            if let first = firstListing[record.crop] {
                guard records[first.index] == record else {
                    throw refuse("the crop \"\(record.crop)\" is listed again with other fields than on row \(first.row)")
                }
                continue
            }
            firstListing[record.crop] = (row, records.count)
            records.append(record)
        }
        return records
    }

    /// Why `crop` is not a file inside the folder whose real path is `root`, or nil when it is.
    /// A crop that does not exist yet is judged by its words alone: there is nothing to read.
    private func escape(of crop: String, root: String?) -> String? {
        if crop.isEmpty || crop.contains("\0") { return "is not a file name" }
        if crop.hasPrefix("/") { return "is an absolute path" }
        if crop.split(separator: "/").contains("..") { return "climbs out with .." }
        guard let root, let resolved = canonical("\(folder)/\(crop)") else { return nil }
        return resolved.hasPrefix(root == "/" ? "/" : root + "/") ? nil : "leads out of the folder through a symbolic link"
    }

    /// The canonical path of an existing file, links resolved; nil when it does not exist.
    private func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
