import Dispatch
import Foundation
import MesoMedia

/// One aligned face found on a sampled frame.
public struct ExtractedFace: Sendable {
    /// The face's box in frame pixels, as the detector drew it.
    public let box: FaceBox
    /// Which face track it belongs to (see ``FaceTracker``).
    public let track: Int
    /// The aligned crop, ``FaceExtractor/cropSide`` pixels square.
    public let crop: RGBImage
}

/// The faces of one sampled frame.
public struct ExtractedFrame: Sendable {
    public let index: Int
    /// Seconds from the start of the video (0 for a photo).
    public let time: Double
    public let faces: [ExtractedFace]
}

/// What was read from one input.
public struct MediaSummary: Sendable {
    /// The frames the file holds (1 for a photo).
    public let framesTotal: Int
    /// The frames sampled and searched for faces.
    public let framesAnalyzed: Int
    /// Frames per second; nil for a photo.
    public let fps: Double?
    /// The frames' size as displayed.
    public let width: Int
    public let height: Int
    /// Seconds; nil for a photo.
    public let duration: Double?
    /// Degrees clockwise the frames were turned to stand upright (the video's rotation metadata).
    public let rotation: Int
}

/// Seconds spent in each stage of the face pipeline, summed over everything extracted.
public struct StageTimings: Sendable {
    public var decode = 0.0
    public var detection = 0.0
    public var landmarks = 0.0
    public var alignment = 0.0
    public var classification = 0.0

    public init() {}

    public var total: Double { decode + detection + landmarks + alignment + classification }

    /// Adds another pipeline's times, stage by stage.
    public mutating func add(_ other: StageTimings) {
        decode += other.decode
        detection += other.detection
        landmarks += other.landmarks
        alignment += other.alignment
        classification += other.classification
    }
}

/// The write-up's preprocessing: sample frames, find every face, align it and link it into tracks.
///
/// A photo (JPEG or PNG, recognised by its first bytes) counts as a one-frame video. Frames
/// are decoded one at a time and crops handed to the caller as each frame is done, so memory
/// stays bounded however long the video is. One extractor works on one input at a time; make
/// one per thread to process several at once (they may share the ``LandmarkModel``).
public final class FaceExtractor {
    /// The side of an aligned crop: MesoNet's input.
    public static let cropSide = 256

    public private(set) var timings = StageTimings()
    private let finder: FaceFinder

    public init(landmarks: LandmarkModel, options: FaceFinder.Options = .init()) throws(FaceError) {
        finder = try FaceFinder(landmarks: landmarks, options: options)
    }

    /// Extracts the faces of the photo or video at `path`, calling `body` once per sampled frame
    /// (faces or not), in frame order. `largestFaceOnly` keeps one face per frame, as the original
    /// pipeline did. `progress` is told how many sampled frames are done out of how many;
    /// an error it throws stops the extraction there (the server's job timeout and cancel).
    @discardableResult
    public func extract(_ path: String, sampling: FrameSampling, largestFaceOnly: Bool = false,
                        progress: ((Int, Int) throws -> Void)? = nil,
                        _ body: (ExtractedFrame) throws -> Void) throws -> MediaSummary {
        finder.reset()   // also zeroes its timings, which then count this input only
        var tracker = FaceTracker()
        defer {
            timings.detection += finder.timings.detectionSeconds
            timings.landmarks += finder.timings.landmarkSeconds
        }
        func process(index: Int, time: Double, image: RGBImage) throws {
            var found = finder.faces(in: image)
            if largestFaceOnly, let largest = found.max(by: { $0.box.area < $1.box.area }) { found = [largest] }
            let tracks = tracker.assign(found.map(\.box))
            let start = DispatchTime.now()
            let faces = zip(found, tracks).map { face, track in
                ExtractedFace(box: face.box, track: track, crop: image.alignedFace(face.alignment, side: Self.cropSide))
            }
            timings.alignment += seconds(since: start)
            try body(ExtractedFrame(index: index, time: time, faces: faces))
        }

        // A file named as a photo is decoded as one, so a broken .jpg gets the image decoder's
        // error instead of whatever libavformat's still-image demuxer makes of it.
        let namedAsPhoto = ImageDecoder.fileExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
        if namedAsPhoto || ImageDecoder.recognises(path) {
            let start = DispatchTime.now()
            let image = try ImageDecoder.decode(contentsOf: path)
            timings.decode += seconds(since: start)
            try process(index: 0, time: 0, image: image)
            try progress?(1, 1)
            return MediaSummary(framesTotal: 1, framesAnalyzed: 1, fps: nil, width: image.width, height: image.height,
                                duration: nil, rotation: 0)
        }

        var start = DispatchTime.now()
        let reader = try VideoReader(contentsOf: path)
        let info = reader.info
        let indices = sampling.frameIndices(frameCount: info.frameCount, fps: info.fps)
        var analyzed = 0
        // Decoding time is the time spent outside `process`, which times its own stages.
        try reader.forEachFrame(at: indices) { frame in
            timings.decode += seconds(since: start)
            try process(index: frame.index, time: frame.time, image: frame.image)
            analyzed += 1
            try progress?(analyzed, indices.count)
            start = DispatchTime.now()
        }
        timings.decode += seconds(since: start)
        return MediaSummary(framesTotal: info.frameCount, framesAnalyzed: analyzed, fps: info.fps,
                            width: info.width, height: info.height, duration: info.duration, rotation: info.rotation)
    }
}
