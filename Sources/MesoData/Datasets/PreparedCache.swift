import Foundation

/// The folder `prepare` writes: crops, `manifest.jsonl` (``CropManifest``) and `videos.jsonl`
/// (``PreparedVideo``, one line per finished video).
///
/// A video is finished when its `videos.jsonl` line is on disk; its crop rows are appended just
/// before. A run killed between the two leaves rows of an unfinished video, which
/// ``resume()`` drops, so that redoing the video does not duplicate them.
public struct PreparedCache: Sendable {
    public static let logFileName = "videos.jsonl"
    public let folder: String
    public var manifest: CropManifest { CropManifest(folder: folder) }
    public var logPath: String { "\(folder)/\(Self.logFileName)" }

    public init(folder: String) { self.folder = folder }

    /// Every line of `videos.jsonl`, in file order; a last line cut short is ignored.
    public func videos() throws(DatasetError) -> [PreparedVideo] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        let decoder = JSONDecoder()
        return try Self.wholeLines(data).map { line throws(DatasetError) in
            do { return try decoder.decode(PreparedVideo.self, from: Data(line)) } catch {
                throw DatasetError(code: .malformed, path: logPath, message: "unreadable line \(String(decoding: line, as: UTF8.self))")
            }
        }
    }

    /// Makes the folder ready to go on: keeps only the crop rows of finished videos, each crop
    /// once, and only whole lines in both files (rewriting each atomically when anything goes),
    /// and returns the finished videos by id. A video that failed is not finished: the latest
    /// line of an id wins, and an `error` line means try again. The caller holds the folder's
    /// ``FolderLock``, so no other writer appends meanwhile.
    public func resume() throws -> [String: PreparedVideo] {
        var latest: [String: PreparedVideo] = [:]
        let logged = try videos()
        for video in logged { latest[video.videoID] = video }
        let finished = latest.filter { $0.value.status != .error }
        let kept = try manifest.records().filter { finished[$0.videoID] != nil }
        try Self.rewrite(manifest.path, lines: kept.map { $0.jsonLine() })
        try Self.rewrite(logPath, lines: logged.map { $0.jsonLine() })
        return finished
    }

    /// Appends a finished video's line.
    public func log(_ video: PreparedVideo) throws {
        let line = Data((video.jsonLine() + "\n").utf8)
        let descriptor = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: logPath]) }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: logPath]) }
    }

    private static func wholeLines(_ data: Data) -> [Data.SubSequence] {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    /// Replaces the file by `lines` at once (a temporary file renamed over it) when its bytes
    /// differ from them: a cut-off last line, a dropped or repeated row.
    private static func rewrite(_ path: String, lines: [String]) throws {
        let bytes = Data(lines.map { $0 + "\n" }.joined().utf8)
        guard FileManager.default.contents(atPath: path) ?? Data() != bytes else { return }
        try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
