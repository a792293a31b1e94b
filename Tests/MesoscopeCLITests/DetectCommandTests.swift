import Foundation
import MesoTestSupport
import Testing

/// `mesoscope detect` and `extract-faces` on the shared videos and photos, run as a user runs them.
@Suite(.serialized) struct DetectCommandTests {
    static let env = ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")]

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
    }

    @Test func sharedVideosGetTheirLabelsAndTheBadFilesTheirErrors() throws {
        let scratch = try SharedData.scratchDirectory("detect")
        let empty = scratch.appendingPathComponent("empty.mp4")
        try Data().write(to: empty)
        let text = scratch.appendingPathComponent("notes.mp4")
        try Data("not a video\n".utf8).write(to: text)
        let video = try Data(contentsOf: SharedData.url("media/df00204_noise_move_rotate_640x480.mp4"))
        let truncated = scratch.appendingPathComponent("truncated.mp4")
        try video.prefix(video.count / 3).write(to: truncated)
        let inputs = [
            SharedData.path("media/df00204_noise_move_rotate_640x480.mp4"), empty.path,
            SharedData.path("media/real00240_plain_move_rotate_1280x720.mp4"), text.path,
            SharedData.path("media/noface_noise_640x480.mp4"), truncated.path,
            SharedData.path("media/df01254_exit_reenter_640x480.mp4"),
        ]
        let run = try CommandRunner.mesoscope(["detect", "--json"] + inputs, environment: Self.env)
        #expect(run.status == 1, "some inputs failed: \(run.stderr)")
        let rows = try jsonLines(run.stdout)
        try #require(rows.count == inputs.count)
        #expect(rows.map { $0["path"] as? String } == inputs, "one object per input, in order, path as given")
        for (row, bad) in [(rows[1], empty.path), (rows[3], text.path)] {
            let error = try #require(row["error"] as? String)
            #expect(error.hasPrefix(bad))
        }
        // A truncated MP4 either fails with its name or is scored on the frames it still has.
        if let error = rows[5]["error"] as? String { #expect(error.hasPrefix(truncated.path)) }

        let df00204 = rows[0]
        #expect(df00204["frames_total"] as? Int == 125 && df00204["frames_analyzed"] as? Int == 25)
        #expect(df00204["fps"] as? Double == 25)
        #expect(abs((df00204["duration_s"] as? Double ?? 0) - 5) < 0.05 && df00204["rotation"] as? Int == 0)
        #expect(df00204["width"] as? Int == 640 && df00204["height"] as? Int == 480)
        #expect(df00204["faces_found"] as? Int == 25)
        #expect(df00204["verdict"] as? String == "fake")
        #expect(df00204["aggregate"] as? String == "mean")
        let scores = try #require(df00204["scores"] as? [String: Double])
        #expect(Set(scores.keys) == ["mean", "vote", "confident"])
        #expect(df00204["p_fake"] as? Double == scores["mean"])
        let tracks = try #require(df00204["tracks"] as? [[String: Any]])
        #expect(tracks.count == 1 && tracks[0]["n_faces"] as? Int == 25)
        let frames = try #require(df00204["frames"] as? [[String: Any]])
        #expect(frames.map { $0["index"] as? Int } == Array(stride(from: 0, to: 125, by: 5)))
        let face = try #require((frames[0]["faces"] as? [[String: Any]])?.first)
        let box = try #require(face["box"] as? [Int])
        // On frame 0 the 240-px picture sits in a 339-px sprite drawn at (60, 60): its centre is at (230, 230).
        #expect(box.count == 4 && abs(box[0] + box[2] / 2 - 230) < 40 && abs(box[1] + box[3] / 2 - 230) < 50)

        #expect(rows[2]["verdict"] as? String == "real")
        #expect(rows[2]["frames_analyzed"] as? Int == 24)

        let noface = rows[4]
        #expect(noface["verdict"] as? String == "no_face")
        #expect(noface["p_fake"] is NSNull)
        #expect(noface["faces_found"] as? Int == 0)

        // The face leaves on the right and comes back from the left: no faces in between.
        let reentry = rows[6]
        let reentryFrames = try #require(reentry["frames"] as? [[String: Any]])
        for frame in reentryFrames {
            let index = try #require(frame["index"] as? Int)
            let found = (frame["faces"] as? [Any])?.count ?? 0
            if (54...78).contains(index) { #expect(found == 0, "frame \(index) has no face") }
            if index <= 30 || index >= 108 { #expect(found == 1, "frame \(index) has the face") }
        }
        #expect(reentry["verdict"] as? String == "fake")
    }

    @Test func aPhotoIsAOneFrameVideo() throws {
        let photo = SharedData.path("faces/obama-480p.jpg")
        let run = try CommandRunner.mesoscope(["detect", "--json", photo], environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let row = try #require(try jsonLines(run.stdout).first)
        #expect(row["frames_total"] as? Int == 1 && row["frames_analyzed"] as? Int == 1)
        #expect(row["fps"] is NSNull)
        #expect(row["faces_found"] as? Int == 1)
        #expect(row["p_fake"] is Double)
    }

    @Test func humanOutputAnnotationAndCrops() throws {
        let scratch = try SharedData.scratchDirectory("detect-out")
        let video = SharedData.path("media/df00204_noise_move_rotate_640x480.mp4")
        let annotated = scratch.appendingPathComponent("annotated.mp4").path
        let crops = scratch.appendingPathComponent("crops").path
        let run = try CommandRunner.mesoscope(["detect", "--frames", "5", "--aggregate", "vote", "--annotate", annotated,
                                               "--save-crops", crops, video], environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "p_fake  verdict  faces/frames  path")
        #expect(lines.count == 4 && lines[1].contains("fake") && lines[1].contains("5/5") && lines[2].contains("track 0"))
        #expect(lines.last == "1 input: 1 fake, 0 real, 0 without a face, 0 failed (vote, threshold 0.5)")
        // --frames 5 on 125 frames: step 125 / 5 + 1 = 26.
        let written = try FileManager.default.contentsOfDirectory(atPath: "\(crops)/df00204_noise_move_rotate_640x480").sorted()
        #expect(written == [0, 26, 52, 78, 104].map { String(format: "frame%06d_track0.png", $0) })
        let size = try #require(FileManager.default.attributesOfItem(atPath: annotated)[.size] as? Int)
        #expect(size > 10_000)
        let rerun = try CommandRunner.mesoscope(["detect", "--json", "--frames", "3", annotated], environment: Self.env)
        #expect(try jsonLines(rerun.stdout).first?["frames_total"] as? Int == 125, "the annotated copy has every frame")
    }

    @Test func extractFacesWritesCropsAndManifest() throws {
        let out = try SharedData.scratchDirectory("extract").path
        let inputs = [SharedData.path("media/df01254_exit_reenter_640x480.mp4"), SharedData.path("faces/obama-240p.jpg"),
                      "/nonexistent/video.mp4"]
        let run = try CommandRunner.mesoscope(["extract-faces", "--out", out, "--frames", "10"] + inputs)
        #expect(run.status == 1, "the missing file fails, the rest is written")
        #expect(run.stderr.contains("/nonexistent/video.mp4"))
        let rows = try jsonLines(try String(contentsOfFile: "\(out)/manifest.jsonl", encoding: .utf8))
        #expect(rows.count >= 6)
        #expect(rows.last?["video_id"] as? String == "obama-240p" && rows.last?["frame"] as? Int == 0)
        for row in rows {
            let crop = try #require(row["crop"] as? String)
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(crop)"))
            #expect(row["label"] is NSNull && row["split"] is NSNull)
            #expect((row["box"] as? [Int])?.count == 4)
        }
    }
}
