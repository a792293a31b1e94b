/// What a video's container says about its video stream, as ``VideoReader`` reads it.
public struct VideoInfo: Sendable, Equatable {
    /// Frame size as displayed: after ``rotation``, so a portrait phone video is taller than wide.
    public let width: Int
    public let height: Int
    /// The stream's frame count when the container records it, else `round(duration × fps)`.
    /// An estimate in the second case; ``VideoReader`` stops quietly where the frames really end.
    public let frameCount: Int
    /// Average frame rate (falling back to the stream's base rate), frames per second.
    public let fps: Double
    /// Seconds.
    public let duration: Double
    /// Degrees clockwise (0, 90, 180 or 270) the coded frames are turned for display; frames from
    /// ``VideoReader`` are already turned.
    public let rotation: Int
    /// The decoder's short name, such as `h264`.
    public let codec: String

    public init(width: Int, height: Int, frameCount: Int, fps: Double, duration: Double, rotation: Int, codec: String) {
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.fps = fps
        self.duration = duration
        self.rotation = rotation
        self.codec = codec
    }
}
