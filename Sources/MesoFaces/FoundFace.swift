/// One face ``FaceFinder`` found in a frame, with what MesoNet needs to crop it.
public struct FoundFace: Sendable, Equatable {
    /// The detector's box in frame pixels, clamped to the frame.
    public let box: FaceBox
    /// The 68 landmarks in frame pixels.
    public let landmarks: FaceLandmarks
    /// MesoNet's crop for the face; pass it to `RGBImage.alignedFace(_:side:)`.
    public let alignment: FaceAlignment

    public init(box: FaceBox, landmarks: FaceLandmarks, alignment: FaceAlignment) {
        self.box = box
        self.landmarks = landmarks
        self.alignment = alignment
    }
}
