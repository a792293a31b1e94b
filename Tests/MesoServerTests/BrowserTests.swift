import Foundation
import MesoTestSupport
import Testing

/// Debian's headless Chromium uses the page as a person would: it opens it, chooses a shared
/// video in the page's file input, waits for the verdict and the timeline, and turns the heat
/// maps on (`scripts/page_check.py` speaks the DevTools protocol). The screenshot is kept in
/// `out/test-artifacts/serve-page.png`.
@Suite struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil, "Chromium is not installed: scripts/setup installs Debian's chromium package"))
    func theBrowserUploadsAVideoAndShowsTheVerdictAndTimeline() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let root = SharedData.repositoryRoot
        let screenshot = root.appendingPathComponent("out/test-artifacts/serve-page.png")
        try? FileManager.default.removeItem(at: screenshot)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/page_check.py").path,
                             "--chromium", Self.chromium!, "--url", server.base.absoluteString + "/",
                             "--upload", SharedData.path("media/df00204_noise_move_rotate_640x480.mp4"),
                             "--screenshot", screenshot.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        let shown = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any], "\(stderr)")

        #expect(shown["error"] is NSNull, "\(shown)")
        #expect(shown["verdict"] as? String == "⚠ FAKE")
        #expect((shown["p_fake"] as? String)?.hasPrefix("p_fake 0.79") == true, "\(shown)")
        // df00204: 25 analysed frames with the face on every one, one track.
        #expect(shown["timeline_points"] as? Int == 25)
        #expect(shown["timeline_lines"] as? Int == 1)
        #expect(shown["tracks"] as? Int == 1)
        #expect(shown["crops"] as? Int == 25)
        #expect(shown["heatmaps_loaded"] as? Int == 25, "every crop shown again under its heat map")
        #expect((shown["page_width"] as? Int ?? .max) <= (shown["window_width"] as? Int ?? 0), "no sideways scrolling on a phone: \(shown)")
        let states = shown["states"] as? [String] ?? []
        #expect(states.contains("analysing") && states.last == "done", "\(states)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && png.count > 10_000)
        #expect(server.temporaryFiles.isEmpty)
    }
}
