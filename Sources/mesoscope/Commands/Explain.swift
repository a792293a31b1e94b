import ArgumentParser
import Foundation
import MesoFaces
import MesoMedia
import MesoscopeKit

/// `mesoscope explain`: why a face was flagged, as a Grad-CAM heat map over its aligned crop.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which regions of a face drove its p_fake: a Grad-CAM heat map over the aligned crop, as PNG.",
        discussion: """
        IMAGE is a photo (JPEG or PNG). Its largest face is found and aligned as `detect` does; with no face, \
        the whole image is stretched to 256×256 and explained instead (said on stderr). The output is the \
        256×256 crop with the heat map laid over it in the cividis colour map: yellow where the evidence for \
        p_fake is strongest, dark blue where there is none. The map is Grad-CAM (Selvaraju et al., 2017) on \
        the last convolutional block, 8×8 cells upsampled; see README.md. \
        Exit code 0: written; 1: the image could not be read or the PNG not written; 2: usage, weights or \
        landmark-model error.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "Where to write the overlay PNG.")
    var out: String = "heatmap.png"

    @Option(help: "How strongly the heat map covers the face, 0 to 1.")
    var opacity: Float = 0.45

    @Argument(help: "A photo (JPEG or PNG).")
    var image: String

    func validate() throws {
        guard (0...1).contains(opacity) else { throw ValidationError("--opacity must be between 0 and 1") }
    }

    func run() throws {
        threadOptions.apply()
        let detector = try modelOptions.loadDetector()
        let landmarks = try SamplingOptions.loadLandmarks()
        let finder: FaceFinder
        do { finder = try FaceFinder(landmarks: landmarks) } catch { throw UsageError("face detector: \(error)") }

        let photo: RGBImage
        do { photo = try ImageDecoder.decode(contentsOf: image) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let crop = Self.face(in: photo, path: image, finder: finder)
        let explanation = try detector.explain(crop)
        if explanation.isBlank {
            FileHandle.standardError.write(Data("note: the Grad-CAM map is zero: no region of this face raises p_fake at \(explanation.layer), so the overlay shows no heat\n".utf8))
        }
        do {
            let overlay = explanation.heatmap.overlay(on: crop, opacity: opacity)
            try Data(overlay.pngData()).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("error: \(WriteFailure(path: out, error: error))\n".utf8))
            throw ExitCode(1)
        }
        let score = explanation.score
        print("p_fake: \(String(format: "%.4f", score.pFake)) \(score.verdict(threshold: modelOptions.threshold).rawValue)")
        print("heatmap: \(out) (Grad-CAM on \(explanation.layer))")
    }

    /// The largest face of `photo`, aligned as `detect` aligns it; the whole photo stretched to
    /// 256×256 when no face is found.
    static func face(in photo: RGBImage, path: String, finder: FaceFinder) -> RGBImage {
        let faces = finder.faces(in: photo)
        let side = FaceExtractor.cropSide
        guard let largest = faces.max(by: { $0.box.area < $1.box.area }) else {
            FileHandle.standardError.write(Data("note: \(path): no face found; explaining the whole image stretched to \(side)×\(side)\n".utf8))
            return photo.resizedNearest(width: side, height: side)
        }
        if faces.count > 1 {
            FileHandle.standardError.write(Data("note: \(path): \(faces.count) faces found; explaining the largest\n".utf8))
        }
        return photo.alignedFace(largest.alignment, side: side)
    }
}
