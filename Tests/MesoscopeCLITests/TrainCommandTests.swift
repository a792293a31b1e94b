import Foundation
import MesoData
import MesoTestSupport
import Testing

/// `mesoscope train`, `evaluate` and `experiment table2` on a few dozen crops cut by the test
/// from the four shared test faces, run as a user runs them.
@Suite(.serialized) struct TrainCommandTests {
    static let env = ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")]

    /// Class folders `df/` and `real/` with 12 crops each: every test face, shifted and cropped
    /// three ways and stretched back to 256 px by the reader.
    func crops() throws -> URL {
        let root = try SharedData.scratchDirectory("train-crops")
        for image in SharedData.testImages {
            let folder = root.appendingPathComponent(image.hasPrefix("df/") ? "df" : "real")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for variant in 0..<6 {
                // Duplicated files are fine: the reader stretches each to 256×256; six per face.
                try FileManager.default.copyItem(at: SharedData.url("mesonet/test_images/\(image)"),
                                                 to: folder.appendingPathComponent("\(SharedData.stem(image))_\(variant).jpg"))
            }
        }
        return root
    }

    func history(_ run: URL) throws -> [[String: Any]] {
        let data = try Data(contentsOf: run.appendingPathComponent("history.json"))
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["epochs"] as? [[String: Any]])
    }

    @Test func twoEpochsWriteEveryFileAndTheLossGoesDown() throws {
        let data = try crops()
        let run = try SharedData.scratchDirectory("train-run").appendingPathComponent("run")
        let result = try CommandRunner.mesoscope(["train", "--data", data.path, "--epochs", "3", "--batch", "8", "--augment", "none",
                                                  "--val-split", "0.25", "--lr", "0.001", "--out", run.path], environment: Self.env)
        #expect(result.status == 0, "\(result.stderr)")
        for file in ["best.h5", "last.h5", "checkpoints/latest.ckpt", "history.csv", "history.json", "loss.svg",
                     "accuracy.svg", "config.json"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("Epoch ") }.count == 3)
        #expect(lines.contains { $0.hasPrefix("Epoch 3/3") && $0.contains("val_loss") })
        let epochs = try history(run)
        let losses = epochs.compactMap { $0["loss"] as? Double }
        #expect(losses.count == 3 && losses[2] < losses[0], "loss \(losses)")
        let csv = try String(contentsOf: run.appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("epoch,loss,acc,val_loss,val_acc\n1,"))

        // The trained weights score with predict, and evaluate measures them.
        let evaluation = try CommandRunner.mesoscope(["evaluate", "--data", data.path, "--weights", run.appendingPathComponent("best.h5").path,
                                                      "--json"], environment: Self.env)
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        let frame = try #require(report["frame"] as? [String: Any])
        #expect(frame["n_real"] as? Int == 12 && frame["n_fake"] as? Int == 12)
        #expect(report["video"] is NSNull, "class folders carry no video ids")
    }

    @Test func theLabelsAreNotFlipped() throws {
        // The pretrained network outputs P(real); with the labels as they are it calls every test face right.
        let data = try crops()
        let run = try CommandRunner.mesoscope(["evaluate", "--data", data.path, "--json"], environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let frame = try #require(report["frame"] as? [String: Any])
        #expect(frame["acc"] as? Double == 1 && frame["auc"] as? Double == 1)
        // Fine-tuning from those weights keeps that: real crops are trained towards 1, not 0.
        let out = try SharedData.scratchDirectory("train-labels").appendingPathComponent("run")
        let train = try CommandRunner.mesoscope(["train", "--data", data.path, "--epochs", "2", "--batch", "8", "--augment", "none",
                                                 "--val-split", "0", "--out", out.path], environment: Self.env)
        #expect(train.status == 0, "\(train.stderr)")
        let after = try CommandRunner.mesoscope(["evaluate", "--data", data.path, "--json", "--weights",
                                                 out.appendingPathComponent("last.h5").path], environment: Self.env)
        let trained = try #require(JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        let accuracy = try #require((trained["frame"] as? [String: Any])?["acc"] as? Double)
        #expect(accuracy == 1, "flipped labels would train the head away from the weights")
    }

    @Test func aResumedRunEqualsTheUninterruptedOne() throws {
        let data = try crops()
        let scratch = try SharedData.scratchDirectory("train-resume")
        let arguments = ["--data", data.path, "--epochs", "3", "--batch", "8", "--val-split", "0.25"]
        let whole = scratch.appendingPathComponent("whole")
        #expect(try CommandRunner.mesoscope(["train"] + arguments + ["--out", whole.path], environment: Self.env).status == 0)
        let cut = scratch.appendingPathComponent("cut")
        let stopped = try CommandRunner.mesoscope(["train"] + arguments + ["--out", cut.path],
                                                  environment: Self.env.merging(["MESOSCOPE_TRAIN_STOP_AFTER_EPOCHS": "1"]) { $1 })
        #expect(stopped.status == 3)
        #expect(try history(cut).count == 1)
        let resumed = try CommandRunner.mesoscope(["train", "--resume", cut.path], environment: Self.env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try history(whole), b = try history(cut)
        #expect(a.count == 3 && b.count == 3)
        for key in ["loss", "accuracy", "validationLoss", "validationAccuracy"] {
            #expect(a.map { $0[key] as? Double } == b.map { $0[key] as? Double }, "\(key)")
        }
    }

    /// `train` on the test crops, one quick epoch by default, into `run`.
    func train(_ data: URL, into run: URL, _ options: [String] = [], environment: [String: String] = [:]) throws -> CommandRunner.Result {
        try CommandRunner.mesoscope(["train", "--data", data.path, "--epochs", "1", "--batch", "8", "--augment", "none",
                                     "--val-split", "0.25", "--out", run.path] + options,
                                    environment: Self.env.merging(environment) { $1 })
    }

    @Test func aResumeRewritesAMissingBestFileAndReportsTheBestEpoch() throws {
        let run = try SharedData.scratchDirectory("train-best").appendingPathComponent("run")
        #expect(try train(crops(), into: run, environment: ["MESOSCOPE_TRAIN_STOP_AFTER_EPOCHS": "1"]).status == 3)
        // As if killed after the checkpoint but before best.h5.
        try FileManager.default.removeItem(at: run.appendingPathComponent("best.h5"))
        let resumed = try CommandRunner.mesoscope(["train", "--resume", run.path], environment: Self.env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let loss = try #require(history(run).first?["validationLoss"] as? Double)
        #expect(resumed.stdout.contains("best epoch 1 (\(String(format: "%.4f", loss))); weights in \(run.path)/best.h5"), "\(resumed.stdout)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("best.h5").path))
    }

    @Test func aRunStoppedBeforeItsFirstCheckpointSaysSoAndStartsAgainWithOverwrite() throws {
        let data = try crops()
        let run = try SharedData.scratchDirectory("train-early").appendingPathComponent("run")
        #expect(try train(data, into: run, environment: ["MESOSCOPE_TRAIN_STOP_AFTER_STEPS": "1"]).status == 3)
        let resumed = try CommandRunner.mesoscope(["train", "--resume", run.path], environment: Self.env)
        #expect(resumed.status == 2)
        #expect(resumed.stderr.contains("\(run.path): the run has no checkpoint yet: it was stopped before its first epoch ended"),
                "\(resumed.stderr)")
        #expect(resumed.stderr.contains("start it again with `mesoscope train --data \(data.path) --out \(run.path) --overwrite`"),
                "\(resumed.stderr)")
        let again = try train(data, into: run, ["--overwrite"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try history(run).count == 1)
    }

    @Test func anExistingRunIsRefusedUnlessResumedOrOverwritten() throws {
        let data = try crops()
        let run = try SharedData.scratchDirectory("train-existing").appendingPathComponent("run")
        #expect(try train(data, into: run).status == 0)
        let config = try Data(contentsOf: run.appendingPathComponent("config.json"))
        let refused = try train(data, into: run, ["--epochs", "2", "--lr", "0.001"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(run.path): already holds a training run; continue it with --resume \(run.path), or replace it with --overwrite"),
                "\(refused.stderr)")
        #expect(try Data(contentsOf: run.appendingPathComponent("config.json")) == config && history(run).count == 1)
        let replaced = try train(data, into: run, ["--epochs", "2", "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try history(run).count == 2)
        let both = try CommandRunner.mesoscope(["train", "--resume", run.path, "--overwrite"], environment: Self.env)
        #expect(both.status == 2 && both.stderr.contains("--overwrite replaces the run in --out"))
    }

    @Test func aRunFolderInUseIsRefusedWithTheHoldersPid() throws {
        let run = try SharedData.scratchDirectory("train-locked").appendingPathComponent("run")
        let lock = try FolderLock(folder: run.path)
        let refused = try train(crops(), into: run)
        withExtendedLifetime(lock) {}
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(run.path): in use by another mesoscope process (pid \(getpid()))"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path) == [FolderLock.fileName])
    }

    @Test(arguments: [["--lr", "inf"], ["--lr", "nan"], ["--lr", "0"], ["--lr", "1e300"], ["--lr", "1e-50"], ["--val-split", "nan"],
                      ["--epochs", "0"]])
    func numericOptionsOutOfRangeAreUsageErrors(_ option: [String]) throws {
        let run = try SharedData.scratchDirectory("train-options").appendingPathComponent("run")
        let refused = try train(crops(), into: run, option)
        #expect(refused.status == 2 && refused.stderr.contains(option[0]), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.path))
    }

    @Test func aDivergingRunStopsWithAClearErrorAndWritesNoWeights() throws {
        let run = try SharedData.scratchDirectory("train-diverge").appendingPathComponent("run")
        let diverged = try train(crops(), into: run, ["--lr", "1e30", "--epochs", "2"])
        #expect(diverged.status == 1)
        #expect(diverged.stderr.contains("training diverged at epoch 1 step "), "\(diverged.stderr)")
        #expect(diverged.stderr.contains("; lower the learning rate (--lr)"))
        for file in ["best.h5", "last.h5", "checkpoints/latest.ckpt", "history.json"] {
            #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
    }

    @Test func table2RunsEveryRowAndWritesItsTable() throws {
        let data = try crops()
        let out = try SharedData.scratchDirectory("table2")
        let run = try CommandRunner.mesoscope(["experiment", "table2", "--data", data.path, "--out", out.path,
                                               "--epochs-short", "1", "--epochs-long", "2"], environment: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let table = try String(contentsOf: out.appendingPathComponent("table2.md"), encoding: .utf8)
        #expect(table.split(separator: "\n").count == 6)
        #expect(table.contains("| 0 epochs (pretrained weights) | 1.000 |"))
        #expect(table.contains("1 epochs (no pretrained weights)"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("table2.json").path))
        // Each trained row holds out its validation share of the training crops.
        #expect(try history(out.appendingPathComponent("pretrained-2")).allSatisfy { $0["validationLoss"] is Double })
    }

    @Test func unusableDataAndOptionsAreUsageErrors() throws {
        let data = try crops()
        let out = try SharedData.scratchDirectory("train-errors")
        let augment = try CommandRunner.mesoscope(["train", "--data", data.path, "--augment", "writeup,sharpen",
                                                   "--out", out.appendingPathComponent("a").path], environment: Self.env)
        #expect(augment.status == 2 && augment.stderr.contains("unknown augmentation 'sharpen'"))
        let videos = out.appendingPathComponent("videos/real")
        try FileManager.default.createDirectory(at: videos, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: videos.appendingPathComponent("v.mp4"),
                                                   withDestinationURL: SharedData.url("media/noface_noise_640x480.mp4"))
        let run = out.appendingPathComponent("b")
        let video = try CommandRunner.mesoscope(["train", "--data", out.appendingPathComponent("videos").path, "--out", run.path],
                                                environment: Self.env)
        #expect(video.status == 2 && video.stderr.contains("run `mesoscope prepare` first"))
        #expect(!FileManager.default.fileExists(atPath: run.path), "no run folder for a run that cannot start")
        let missing = try CommandRunner.mesoscope(["evaluate", "--data", "/nonexistent/crops"], environment: Self.env)
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/crops"))
    }
}
