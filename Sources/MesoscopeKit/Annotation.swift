import MesoFaces
import MesoMedia

/// Draws the verdicts onto the pictures: each face box coloured by its p_fake, from green
/// (real) through yellow to red (fake), and labelled with the score, as FaceForensics'
/// detect_from_video does.
public enum Annotation {
    /// The colour for `pFake`: green at 0, yellow at 0.5, red at 1.
    public static func colour(pFake: Double) -> (UInt8, UInt8, UInt8) {
        let p = min(max(pFake, 0), 1)
        let red = p < 0.5 ? p * 2 : 1
        let green = p < 0.5 ? 1 : (1 - p) * 2
        return (UInt8((red * 255).rounded()), UInt8((green * 220).rounded()), 0)
    }

    /// Draws `faces` onto `image`, the line and text scaled to the picture's size.
    public static func draw(_ faces: [AnalyzedFace], on image: inout RGBImage) {
        let scale = max(1, min(image.width, image.height) / 360)
        for face in faces {
            let colour = colour(pFake: face.score.pFake)
            let box = face.box
            image.drawRectangle(x: box.x, y: box.y, width: box.width, height: box.height, color: colour, thickness: 2 * scale)
            let label = "\(face.score.verdict().rawValue) \(String(format: "%.2f", face.score.pFake)) #\(face.track)"
            let height = RGBImage.textSize(label, scale: scale).height
            let above = box.y - height - 2 * scale
            image.drawText(label, x: box.x, y: above >= 0 ? above : box.y + box.height + 2 * scale,
                           color: (255, 255, 255), background: colour, scale: scale)
        }
    }

    /// Writes a copy of the analysed video to `output` (MP4) with every frame annotated. Frames
    /// between two analysed frames carry the boxes of the last analysed one.
    public static func writeVideo(_ analysis: VideoAnalysis, to output: String) throws {
        let reader = try VideoReader(contentsOf: analysis.path)
        let info = reader.info
        let writer = try VideoWriter(path: output, width: info.width, height: info.height, fps: info.fps)
        var next = analysis.frames.makeIterator()
        var upcoming = next.next()
        var shown: [AnalyzedFace] = []
        try reader.forEachFrame { frame in
            while let candidate = upcoming, candidate.index <= frame.index {
                shown = candidate.faces
                upcoming = next.next()
            }
            var image = frame.image
            draw(shown, on: &image)
            try writer.write(image)
        }
        try writer.finish()
    }
}
