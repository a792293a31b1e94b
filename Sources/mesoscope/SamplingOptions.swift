import ArgumentParser
import MesoFaces
import MesoMedia

/// Which frames of a video are searched for faces, shared by `detect` and `extract-faces`.
struct SamplingOptions: ParsableArguments {
    @Option(help: "Frames spread evenly over each video, by the original's rule range(0, n, n / N + 1), which gives 24–29 for 30.")
    var frames: Int = 30

    @Option(help: "Instead: every K-th frame.")
    var every: Int?

    @Option(help: "Instead: this many frames per second of video.")
    var rate: Double?

    @Flag(help: "Score only the largest face of each frame, as the original pipeline did.")
    var largestFaceOnly = false

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be at least 1") }
        if let every, every <= 0 { throw ValidationError("--every must be at least 1") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive number of frames per second") }
        if every != nil && rate != nil { throw ValidationError("give --every or --rate, not both") }
    }

    var sampling: FrameSampling {
        if let every { return .everyKth(every) }
        if let rate { return .rate(rate) }
        return .evenly(frames)
    }

    /// The dlib landmark model, or a usage error saying how to install it.
    static func loadLandmarks() throws -> LandmarkModel {
        do { return try LandmarkModel() } catch { throw UsageError("landmarks: \(error)") }
    }
}
