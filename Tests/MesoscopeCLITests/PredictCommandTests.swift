import Foundation
import MesoTestSupport
import Testing

/// `mesoscope predict` run as a user runs it: output format, paths, exit codes.
@Suite struct PredictCommandTests {
    static let weightsFolder = SharedData.path("mesonet/weights")
    static let env = ["MESOSCOPE_WEIGHTS": weightsFolder]

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
    }

    @Test func jsonOverAFolderMatchesKeras() throws {
        let folder = SharedData.path("mesonet/test_images")
        let run = try CommandRunner.mesoscope(["predict", "--json", folder], environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try jsonLines(run.stdout)
        let golden = try Golden.load().results.filter { $0.weights == "Meso4_DF" }
        #expect(rows.count == 4)
        for row in rows {
            let path = try #require(row["path"] as? String)
            let image = String(path.dropFirst(folder.count + 1))
            #expect(path == "\(folder)/\(image)", "folder path joined with the relative path")
            let keras = try #require(golden.first { $0.image == image }).score
            let pReal = try #require(row["p_real"] as? Double), pFake = try #require(row["p_fake"] as? Double)
            #expect(abs(pReal - keras) <= 1e-5)
            #expect(abs(pFake - (1 - pReal)) <= 1e-12)
            #expect(row["verdict"] as? String == (image.hasPrefix("df/") ? "fake" : "real"))
            #expect(row["model"] as? String == "meso4" && row["weights"] as? String == "Meso4_DF")
        }
    }

    @Test func humanTableAndSummary() throws {
        let image = SharedData.path("mesonet/test_images/real/real00240.jpg")
        let run = try CommandRunner.mesoscope(["predict", "--model", "mesoinception4", image], environment: Self.env)
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "p_fake  verdict  path")
        #expect(lines.contains { $0.hasPrefix("0.0000  real     \(image)") })
        #expect(lines.last?.hasPrefix("1 image: 0 fake, 1 real, 0 failed") == true)
    }

    @Test func badFilesAreReportedAndTheRunGoesOn() throws {
        let scratch = try SharedData.scratchDirectory("cli")
        let corrupt = scratch.appendingPathComponent("corrupt.jpg")
        let jpeg = try Data(contentsOf: SharedData.url("mesonet/test_images/df/df00204.jpg"))
        try jpeg.prefix(jpeg.count / 2).write(to: corrupt)
        let empty = scratch.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let good = SharedData.path("mesonet/test_images/df/df01254.jpg")
        let run = try CommandRunner.mesoscope(["predict", "--json", corrupt.path, good, empty.path], environment: Self.env)
        #expect(run.status == 1)
        let rows = try jsonLines(run.stdout)
        #expect(rows.count == 3)
        #expect(rows[0]["path"] as? String == corrupt.path && (rows[0]["error"] as? String)?.contains("cut off") == true)
        #expect(rows[1]["verdict"] as? String == "fake")
        #expect(rows[2]["path"] as? String == empty.path && (rows[2]["error"] as? String)?.contains("empty") == true)
    }

    /// A folder larger than two batches, with a corrupt and an empty file among the good ones:
    /// one line per file in sorted order, every good file scored as Keras scores its source,
    /// each bad one an error naming it, whichever batch it falls in.
    @Test func folderStreamsThroughBatchesAndKeepsGoingPastBadFiles() throws {
        let folder = try SharedData.scratchDirectory("predict-stream")
        let golden = try Golden.load().results.filter { $0.weights == "Meso4_DF" }
        var expected: [String: Double] = [:]
        for index in 0..<70 {
            let source = SharedData.testImages[index % SharedData.testImages.count]
            let name = String(format: "face%03d.jpg", index)
            try FileManager.default.copyItem(at: SharedData.url("mesonet/test_images/\(source)"), to: folder.appendingPathComponent(name))
            expected[name] = try #require(golden.first { $0.image == source }).score
        }
        let jpeg = try Data(contentsOf: SharedData.url("mesonet/test_images/real/real00240.jpg"))
        try jpeg.prefix(jpeg.count / 2).write(to: folder.appendingPathComponent("face030x.jpg"))  // the first batch's end
        try Data().write(to: folder.appendingPathComponent("face040x.jpg"))                        // inside the second
        let run = try CommandRunner.mesoscope(["predict", "--json", "--threads", "2", folder.path], environment: Self.env)
        #expect(run.status == 1, "two files failed")
        let rows = try jsonLines(run.stdout)
        let names = try rows.map { try #require(($0["path"] as? String)?.split(separator: "/").last.map(String.init)) }
        #expect(names == (expected.keys + ["face030x.jpg", "face040x.jpg"]).sorted())
        for (name, row) in zip(names, rows) {
            if let keras = expected[name] {
                let pReal = try #require(row["p_real"] as? Double, "\(name): \(row)")
                #expect(abs(pReal - keras) <= 1e-5, "\(name)")
            } else {
                let error = try #require(row["error"] as? String, "\(name): \(row)")
                #expect(error.hasPrefix(folder.appendingPathComponent(name).path))
                #expect(error.contains(name == "face030x.jpg" ? "cut off" : "empty"))
            }
        }
    }

    @Test func threadsMustBePositive() throws {
        let image = SharedData.path("mesonet/test_images/df/df00204.jpg")
        let one = try CommandRunner.mesoscope(["predict", "--json", "--threads", "1", image], environment: Self.env)
        let every = try CommandRunner.mesoscope(["predict", "--json", image], environment: Self.env)
        #expect(one.status == 0 && one.stdout == every.stdout, "one thread scores as every core does")
        for bad in ["0", "-2", "many"] {
            let run = try CommandRunner.mesoscope(["predict", "--threads", bad, image], environment: Self.env)
            #expect(run.status == 2, "--threads \(bad)")
            #expect(run.stderr.contains("--threads"), "--threads \(bad): \(run.stderr)")
        }
    }

    /// Every command that runs the network takes the one shared `--threads` option.
    @Test func everyEngineCommandTakesThreads() throws {
        for command in [["predict"], ["detect"], ["evaluate"], ["train"], ["experiment", "table2"], ["explain"], ["bench"]] {
            let run = try CommandRunner.mesoscope(command + ["--help"])
            #expect(run.status == 0)
            #expect(run.stdout.contains("--threads <threads>"), "\(command) lacks --threads")
        }
        let detect = try CommandRunner.mesoscope(["detect", "--help"])
        #expect(detect.stdout.contains("--jobs"), "detect documents how --jobs and --threads combine")
    }

    @Test func thresholdDecidesTheVerdict() throws {
        let image = SharedData.path("mesonet/test_images/df/df00204.jpg")
        let run = try CommandRunner.mesoscope(["predict", "--json", "--threshold", "0.99", image], environment: Self.env)
        #expect(try jsonLines(run.stdout).first?["verdict"] as? String == "real")
    }

    @Test func weightsErrorsExitWith2() throws {
        let image = SharedData.path("mesonet/test_images/df/df00204.jpg")
        let wrong = try CommandRunner.mesoscope(["predict", "--weights", "MesoInception_DF", image], environment: Self.env)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("MesoInception weights given for Meso4"))
        let missing = try CommandRunner.mesoscope(["predict", image], environment: ["MESOSCOPE_WEIGHTS": "/nonexistent"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("scripts/fetch-weights"))
        let usage = try CommandRunner.mesoscope(["predict", "--model", "resnet", image], environment: Self.env)
        #expect(usage.status == 2)
        let threshold = try CommandRunner.mesoscope(["predict", "--threshold", "3", image], environment: Self.env)
        #expect(threshold.status == 2)
    }

    @Test func weightsPathIsAFile() throws {
        let image = SharedData.path("mesonet/test_images/real/real00772.jpg")
        let run = try CommandRunner.mesoscope(["predict", "--json", "--weights", Golden.weightsPath("Meso4_F2F"), image])
        #expect(run.status == 0)
        let pReal = try #require(try jsonLines(run.stdout).first?["p_real"] as? Double)
        #expect(abs(pReal - 0.9524387121200562) <= 1e-5)
    }

    @Test func helpListsTheOptions() throws {
        let run = try CommandRunner.mesoscope(["predict", "--help"])
        #expect(run.status == 0)
        for option in ["--model", "--weights", "--threshold", "--json", "meso4", "mesoinception4"] {
            #expect(run.stdout.contains(option), "help lacks \(option)")
        }
    }
}
