/// One decoded frame, upright, as RGB.
public struct VideoFrame: Sendable {
    /// Position in the video, counting from 0 at the first frame.
    public let index: Int
    /// Presentation time in seconds from the start of the video.
    public let time: Double
    public let image: RGBImage

    public init(index: Int, time: Double, image: RGBImage) {
        self.index = index
        self.time = time
        self.image = image
    }
}
