import Foundation
import MesoMedia
import MesoTestSupport
import Testing

/// `mesoscope explain` run as a user runs it: the PNG it writes, what it prints, its errors.
@Suite struct ExplainCommandTests {
    static let env = ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")]

    @Test func writesADecodableOverlayOfTheCrop() throws {
        let scratch = try SharedData.scratchDirectory("explain")
        let out = scratch.appendingPathComponent("heat.png").path
        let image = SharedData.path("mesonet/test_images/df/df00204.jpg")
        let run = try CommandRunner.mesoscope(["explain", image, "--out", out], environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("p_fake: ") == true && lines.first?.hasSuffix(" fake") == true, "\(lines)")
        #expect(lines.last == "heatmap: \(out) (Grad-CAM on max_pooling2d_4)")
        let png = try ImageDecoder.decode(contentsOf: out)
        #expect(png.width == 256 && png.height == 256)
    }

    @Test func aPhotoWithoutAFaceIsExplainedWholeAndSaysSo() throws {
        let scratch = try SharedData.scratchDirectory("explain")
        let noFace = scratch.appendingPathComponent("grey.png")
        let grey = RGBImage(width: 320, height: 200, pixels: [UInt8](repeating: 128, count: 320 * 200 * 3))
        try Data(grey.pngData()).write(to: noFace)
        let out = scratch.appendingPathComponent("grey-heat.png").path
        let run = try CommandRunner.mesoscope(["explain", "--model", "mesoinception4", noFace.path, "--out", out],
                                              environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no face found"))
        #expect(run.stderr.contains(noFace.path))
        let png = try ImageDecoder.decode(contentsOf: out)
        #expect(png.width == 256 && png.height == 256)
    }

    @Test func aCorruptImageIsACleanErrorNamingTheFile() throws {
        let scratch = try SharedData.scratchDirectory("explain")
        let corrupt = scratch.appendingPathComponent("corrupt.jpg")
        let jpeg = try Data(contentsOf: SharedData.url("mesonet/test_images/real/real00240.jpg"))
        try jpeg.prefix(jpeg.count / 2).write(to: corrupt)
        let out = scratch.appendingPathComponent("never.png")
        let run = try CommandRunner.mesoscope(["explain", corrupt.path, "--out", out.path], environment: Self.env)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("error: \(corrupt.path): "), "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let missing = try CommandRunner.mesoscope(["explain", scratch.appendingPathComponent("nope.jpg").path,
                                                   "--out", out.path], environment: Self.env)
        #expect(missing.status == 1 && missing.stderr.contains("nope.jpg"))
        let unwritable = try CommandRunner.mesoscope(
            ["explain", SharedData.path("mesonet/test_images/df/df00204.jpg"), "--out", scratch.appendingPathComponent("no/such/dir.png").path],
            environment: Self.env)
        #expect(unwritable.status == 1 && unwritable.stderr.contains("no/such/dir.png"), "\(unwritable.stderr)")
    }
}
