import Foundation

/// One line of a prepared cache's `videos.jsonl`: a video (or image) that `prepare` finished.
///
/// A video without a face writes no crop rows, so the manifest alone cannot tell "done, no
/// face" from "not started"; this line can. It is appended after the video's rows.
public struct PreparedVideo: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Crops were written.
        case ok
        /// The video was read to the end and no face was found: a result, not a failure.
        case noFace = "no_face"
        /// The video could not be read; ``PreparedVideo/error`` says why. Retried on resume.
        case error
    }

    public var videoID: String
    public var source: String
    public var status: Status
    public var crops: Int
    public var error: String?

    public init(videoID: String, source: String, status: Status, crops: Int, error: String? = nil) {
        self.videoID = videoID
        self.source = source
        self.status = status
        self.crops = crops
        self.error = error
    }

    private enum CodingKeys: String, CodingKey { case videoID = "video_id", source, status, crops, error }

    /// The line's JSON, keys in the documented order, `error` only when there is one.
    public func jsonLine() -> String {
        var fields: [(String, JSONValue)] = [("video_id", .string(videoID)), ("source", .string(source)),
                                             ("status", .string(status.rawValue)), ("crops", .integer(crops))]
        if let error { fields.append(("error", .string(error))) }
        return JSONValue.object(fields).serialized()
    }
}
