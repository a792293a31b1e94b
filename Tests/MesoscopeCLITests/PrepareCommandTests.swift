import Foundation
import MesoData
import MesoTestSupport
import Testing

/// `mesoscope prepare` on a three-video DFDC-style set (a fake, a second fake labelled real, no face), 3 frames each.
@Suite(.serialized) struct PrepareCommandTests {
    /// A DFDC folder of links to the shared videos: aaa (fake, train), bbb (real, val), ccc (no face, no split).
    func dfdcDataset() throws -> URL {
        let root = try SharedData.scratchDirectory("prepare-dfdc")
        let videos = ["aaa": "df00204_noise_move_rotate_640x480", "bbb": "df01254_exit_reenter_640x480", "ccc": "noface_noise_640x480"]
        for (name, video) in videos {
            try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("\(name).mp4"),
                                                       withDestinationURL: SharedData.url("media/\(video).mp4"))
        }
        try Data("""
            {"aaa.mp4": {"label": "FAKE", "split": "train"}, "bbb.mp4": {"label": "REAL", "split": "val"},
             "ccc.mp4": {"label": "REAL"}}
            """.utf8).write(to: root.appendingPathComponent("metadata.json"))
        return root
    }

    func lines(_ folder: URL, _ file: String) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func rows(_ folder: URL) throws -> [[String: Any]] {
        try lines(folder, "manifest.jsonl").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    func prepare(_ dataset: URL, into cache: URL, environment: [String: String] = [:]) throws -> CommandRunner.Result {
        try CommandRunner.mesoscope(["prepare", dataset.path, "--out", cache.path, "--frames", "3"], environment: environment)
    }

    @Test func rowsAreLabelledARerunSkipsAndAKilledRunResumesWithoutDuplicates() throws {
        let dataset = try dfdcDataset()
        let scratch = try SharedData.scratchDirectory("prepare-out")
        let whole = scratch.appendingPathComponent("whole")
        let run = try prepare(dataset, into: whole)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("3 videos and 0 images prepared") && run.stdout.contains("1 without a face, 0 failed"))
        let written = try rows(whole)
        #expect(Set(written.map { $0["video_id"] as? String }) == ["aaa", "bbb"])
        for row in written {
            let id = try #require(row["video_id"] as? String)
            #expect(row["label"] as? String == (id == "aaa" ? "fake" : "real"))
            #expect(row["split"] as? String == (id == "aaa" ? "train" : "val"))
            let crop = try #require(row["crop"] as? String)
            #expect(crop.hasPrefix("\(id)/frame") && FileManager.default.fileExists(atPath: whole.appendingPathComponent(crop).path))
        }
        let log = try lines(whole, "videos.jsonl")
        #expect(log.count == 3 && log[2].contains(#""video_id":"ccc""#) && log[2].contains(#""status":"no_face","crops":0"#))

        let rerun = try prepare(dataset, into: whole)
        #expect(rerun.status == 0 && rerun.stdout.contains("0 videos and 0 images prepared") && rerun.stdout.contains("3 already done"))
        #expect(try lines(whole, "manifest.jsonl") == lines(whole, "manifest.jsonl").uniqued() && rows(whole).count == written.count)

        // Killed after bbb's rows are written but before its videos.jsonl line: bbb is redone, its first rows dropped.
        let killed = scratch.appendingPathComponent("killed")
        let stopped = try prepare(dataset, into: killed, environment: ["MESOSCOPE_PREPARE_STOP_BEFORE_LOG": "2"])
        #expect(stopped.status == 3)
        #expect(try lines(killed, "videos.jsonl").count == 1)
        #expect(try rows(killed).contains { $0["video_id"] as? String == "bbb" }, "bbb's rows were written before the kill")
        let resumed = try prepare(dataset, into: killed)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("2 videos and 0 images prepared") && resumed.stdout.contains("1 already done"))
        #expect(try lines(killed, "manifest.jsonl") == lines(whole, "manifest.jsonl"))
        #expect(try lines(killed, "videos.jsonl") == lines(whole, "videos.jsonl"))
    }

    /// Class folders `df/` and `real/` holding the four shared test faces.
    func imageDataset() throws -> URL {
        let root = try SharedData.scratchDirectory("prepare-images")
        for image in SharedData.testImages {
            let folder = root.appendingPathComponent((image as NSString).deletingLastPathComponent)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: SharedData.url("mesonet/test_images/\(image)"),
                                             to: root.appendingPathComponent(image))
        }
        return root
    }

    @Test func imageFoldersAreCopiedIntoTheCacheAndStoppingAfterOneResumes() throws {
        let root = try imageDataset()
        let cache = try SharedData.scratchDirectory("prepare-images-out")
        let stopped = try prepare(root, into: cache, environment: ["MESOSCOPE_PREPARE_STOP_AFTER": "1"])
        #expect(stopped.status == 3)
        let run = try prepare(root, into: cache)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("0 videos and 3 images prepared") && run.stdout.contains("1 already done"))
        let written = try rows(cache)
        #expect(written.map { $0["video_id"] as? String } == SharedData.testImages.map { ($0 as NSString).deletingPathExtension })
        #expect(written.map { $0["label"] as? String } == ["fake", "fake", "real", "real"])
        let ids = SharedData.testImages.map { ($0 as NSString).deletingPathExtension }
        #expect(written.map { $0["crop"] as? String } == ids.map { $0.replacingOccurrences(of: "/", with: "%2F") + "/frame000000_track0.png" })
        #expect(written.map { $0["source"] as? String } == SharedData.testImages.map { root.standardizedFileURL.path + "/" + $0 })
        for crop in written.compactMap({ $0["crop"] as? String }) {
            #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent(crop).path), "\(crop)")
        }
        #expect(written.allSatisfy { $0["split"] is NSNull })
        #expect((written[0]["box"] as? [Int]) == [0, 0, 342, 342], "the whole image")
    }

    @Test func aCacheInUseIsRefusedWithTheHoldersPid() throws {
        let cache = try SharedData.scratchDirectory("prepare-locked")
        let lock = try FolderLock(folder: cache.path)
        let run = try prepare(try imageDataset(), into: cache)
        withExtendedLifetime(lock) {}
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(cache.path): in use by another mesoscope process (pid \(getpid()))"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent("manifest.jsonl").path))
    }

    @Test func repeatedRowsAreNeverCountedTwiceAndARerunRepairsThem() throws {
        let dataset = try imageDataset()
        let cache = try SharedData.scratchDirectory("prepare-repeats")
        #expect(try prepare(dataset, into: cache).status == 0)
        let once = try lines(cache, "manifest.jsonl")
        // What two prepare runs on one cache used to leave: every row twice.
        let manifest = cache.appendingPathComponent("manifest.jsonl")
        try Data((once + once).map { $0 + "\n" }.joined().utf8).write(to: manifest)

        let environment = ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")]
        let evaluation = try CommandRunner.mesoscope(["evaluate", "--data", cache.path, "--json"], environment: environment)
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        let frame = try #require(report["frame"] as? [String: Any])
        #expect(frame["n_fake"] as? Int == 2 && frame["n_real"] as? Int == 2)

        let rerun = try prepare(dataset, into: cache)
        #expect(rerun.status == 0 && rerun.stdout.contains("4 already done"), "\(rerun.stderr)")
        #expect(try lines(cache, "manifest.jsonl") == once)
    }

    @Test func videoIDsCannotLeaveTheCacheOrReplaceItsFiles() throws {
        let root = try SharedData.scratchDirectory("prepare-ids")
        let dataset = root.appendingPathComponent("dfdc")
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        for name in ["...mp4", "manifest.jsonl.mp4"] {
            try FileManager.default.createSymbolicLink(at: dataset.appendingPathComponent(name),
                                                       withDestinationURL: SharedData.url("media/df00204_noise_move_rotate_640x480.mp4"))
        }
        try Data(#"{"...mp4": {"label": "FAKE"}, "manifest.jsonl.mp4": {"label": "REAL"}}"#.utf8)
            .write(to: dataset.appendingPathComponent("metadata.json"))
        let cache = root.appendingPathComponent("cache")
        let run = try prepare(dataset, into: cache)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["cache", "dfdc"], "nothing beside the cache")
        let written = try rows(cache)
        #expect(Set(written.compactMap { $0["video_id"] as? String }) == ["..", "manifest.jsonl"])
        for row in written {
            let crop = try #require(row["crop"] as? String)
            #expect(crop.hasPrefix("%2E./frame") || crop.hasPrefix("%6Danifest.jsonl/frame"), "\(crop)")
            #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent(crop).path))
        }
    }

    @Test func manifestRowsOutsideTheCacheAreRefusedWithoutQuotingTheirFiles() throws {
        let (secret, cache) = try HostileFixtures.cacheBesideASecret("prepare-escape")
        let environment = ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")]
        for crop in [secret.path, "../secret.png", "out/secret.png"] {
            let row = #"{"crop":"\#(crop)","source":"x","video_id":"x","frame":0,"time_s":0,"track":0,"box":[0,0,1,1],"label":"fake","split":null}"#
            try Data((row + "\n").utf8).write(to: cache.appendingPathComponent("manifest.jsonl"))
            for command in [["evaluate", "--data", cache.path], ["train", "--data", cache.path, "--out", cache.deletingLastPathComponent().appendingPathComponent("run").path]] {
                let run = try CommandRunner.mesoscope(command, environment: environment)
                #expect(run.status == 2, "\(command[0]) \(crop): \(run.stderr)")
                #expect(run.stderr.contains("\(cache.path)/manifest.jsonl: row 1: the crop \"\(crop)\""), "\(run.stderr)")
                #expect(!run.stderr.contains("0x54") && !run.stderr.contains("SECRET"), "no byte of the file is quoted")
            }
        }
    }

    @Test func aFolderThatIsNoDatasetIsAUsageError() throws {
        let root = try SharedData.scratchDirectory("prepare-nothing")
        let run = try prepare(root, into: root.appendingPathComponent("out"))
        #expect(run.status == 2)
        #expect(run.stderr.contains("no class folders"))
    }
}

private extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
