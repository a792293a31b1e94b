import Foundation
import MesoMedia
import MesoTestSupport
import Testing

/// Inputs a careless or hostile user gives: each is an error naming the file and the problem,
/// never a hang, a crash, unbounded memory or a verdict, and the good inputs beside it are
/// still processed.
@Suite struct HostileInputTests {
    static let env = ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")]
    static let face = SharedData.path("mesonet/test_images/df/df00204.jpg")
    static let video = SharedData.path("media/df00204_noise_move_rotate_640x480.mp4")

    /// A folder holding a FIFO, a link to /dev/zero and a 3 GB sparse file, all named .jpg,
    /// beside one real face, and a FIFO named directly: no command blocks or reads without end.
    @Test(.timeLimit(.minutes(2))) func pipesDevicesAndHugeFilesAreRefusedUnread() throws {
        let folder = try SharedData.scratchDirectory("hostile")
        let inner = folder.appendingPathComponent("faces")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        #expect(mkfifo(inner.appendingPathComponent("pipe.jpg").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: inner.appendingPathComponent("zero.jpg").path,
                                                   withDestinationPath: "/dev/zero")
        let sparse = inner.appendingPathComponent("sparse.jpg").path
        #expect(FileManager.default.createFile(atPath: sparse, contents: nil) && truncate(sparse, 3 << 30) == 0)
        try FileManager.default.copyItem(atPath: Self.face, toPath: inner.appendingPathComponent("face.jpg").path)
        let fifo = folder.appendingPathComponent("clip.mp4").path
        #expect(mkfifo(fifo, 0o600) == 0)

        for command in ["predict", "detect"] {
            let run = try CommandRunner.mesoscope([command, inner.path, fifo], environment: Self.env)
            #expect(run.status == 1, "\(command): \(run.stderr)")
            for name in ["pipe.jpg", "zero.jpg"] {
                #expect(run.stderr.contains("\(inner.path)/\(name): not a regular file"), "\(command): \(run.stderr)")
            }
            #expect(run.stderr.contains("\(sparse): the file is 3072 MB"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("\(fifo): not a regular file"), "\(command): \(run.stderr)")
            #expect(run.stdout.contains("\(inner.path)/face.jpg"), "\(command) scored the good face: \(run.stdout)")
        }
        let explain = try CommandRunner.mesoscope(["explain", fifo, "--out", folder.appendingPathComponent("h.png").path],
                                                  environment: Self.env)
        #expect(explain.status == 1 && explain.stderr.contains("not a regular file"), "\(explain.stderr)")
    }

    /// A sub-folder that cannot be listed is a failed input, not an empty folder. Root lists
    /// every folder, so as root the command runs as `nobody`.
    @Test func unreadableSubfolderIsAFailure() throws {
        let folder = try SharedData.scratchDirectory("unlistable")
        let locked = folder.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.face, toPath: folder.appendingPathComponent("face.jpg").path)
        try FileManager.default.copyItem(atPath: Self.face, toPath: locked.appendingPathComponent("hidden.jpg").path)
        #expect(chmod(locked.path, 0o000) == 0)
        defer { chmod(locked.path, 0o755) }
        let asNobody = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : []
        for command in ["predict", "detect"] {
            let run = try CommandRunner.mesoscope([command, folder.path], environment: Self.env, launcher: asNobody)
            #expect(run.status == 1, "\(command): \(run.stdout) \(run.stderr)")
            #expect(run.stderr.contains("\(locked.path): cannot list this folder (Permission denied)"), "\(command): \(run.stderr)")
            #expect(run.stdout.contains("\(folder.path)/face.jpg"))
        }
    }

    /// Broken videos and misnamed files each get their own cause: a corrupt sample table is not
    /// a video without faces, 100 bytes of an MP4 are not "audio only", and text named .jpg is
    /// not a video stream without a frame size.
    @Test func brokenMediaNamesTheRealProblem() throws {
        let folder = try SharedData.scratchDirectory("broken-media")
        let badTable = folder.appendingPathComponent("bad-table.mp4")
        try HostileFixtures.videoWithSampleTablePastTheEnd().write(to: badTable)
        let stub = folder.appendingPathComponent("stub.mp4")
        try Data(try Data(contentsOf: URL(fileURLWithPath: Self.video)).prefix(100)).write(to: stub)
        let text = folder.appendingPathComponent("notes.jpg")
        try Data(String(repeating: "plain text, not a photo\n", count: 4).utf8).write(to: text)

        let run = try CommandRunner.mesoscope(["detect", "--json", badTable.path, stub.path, text.path], environment: Self.env)
        #expect(run.status == 1)
        let errors = run.stdout.split(separator: "\n").map(String.init)
        try #require(errors.count == 3, "\(run.stdout)")
        #expect(errors[0].contains("no frame of the video can be decoded"), "\(errors[0])")
        #expect(errors[1].contains("holds no streams"), "\(errors[1])")
        #expect(errors[2].contains("not a JPEG or PNG image"), "\(errors[2])")
        #expect(!run.stdout.contains("verdict"))
    }

    /// `--rate` must be a positive number; rates above the video's own take every frame at once
    /// (no spinning), and a tiny rate takes the first frame.
    @Test(.timeLimit(.minutes(2))) func extremeRatesNeitherTrapNorHang() throws {
        for bad in ["inf", "nan", "0", "-1"] {
            let run = try CommandRunner.mesoscope(["detect", "--rate", bad, Self.video], environment: Self.env)
            #expect(run.status == 2 && run.stderr.contains("--rate"), "--rate \(bad): \(run.stderr)")
        }
        for (rate, frames) in [("1e12", 125), ("1e-300", 1)] {
            let run = try CommandRunner.mesoscope(["detect", "--json", "--rate", rate, Self.video], environment: Self.env)
            #expect(run.status == 0, "--rate \(rate): \(run.stderr)")
            #expect(run.stdout.contains("\"frames_analyzed\":\(frames),"), "--rate \(rate): \(run.stdout.prefix(300))")
        }
    }

    /// Output paths that cannot be written are said plainly, not as Foundation's error text.
    @Test func unwritableOutputsAreSaidPlainly() throws {
        let folder = try SharedData.scratchDirectory("outputs")
        let explain = try CommandRunner.mesoscope(["explain", Self.face, "--out", folder.path], environment: Self.env)
        #expect(explain.status == 1)
        #expect(explain.stderr.contains("\(folder.path): cannot write: is a folder"), "\(explain.stderr)")
        #expect(!explain.stderr.contains("NSCocoaErrorDomain") && !explain.stderr.contains("The operation"))

        let file = folder.appendingPathComponent("annotated.mp4")
        try Data([1]).write(to: file)
        let detect = try CommandRunner.mesoscope(["detect", "--annotate", file.path, Self.face, Self.face], environment: Self.env)
        #expect(detect.status == 2)
        #expect(detect.stderr.contains("--annotate \(file.path): is a file"), "\(detect.stderr)")
    }

    /// Sixteen 100-megapixel PNGs (a few hundred KB each) are decoded one at a time: the decoded
    /// pixels in flight are bounded in total (one 300 MB image), not per batch slot (16 × 300 MB).
    @Test func hugeImagesAreDecodedOneAtATime() throws {
        let folder = try SharedData.scratchDirectory("huge-images")
        let side = 10_000
        let image = RGBImage(width: side, height: side, pixels: [UInt8](repeating: 128, count: side * side * 3))
        let png = folder.appendingPathComponent("huge00.png")
        try Data(image.pngData()).write(to: png)
        for index in 1..<16 {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(String(format: "huge%02d.png", index)).path,
                                                       withDestinationPath: png.path)
        }
        // Python's RUSAGE_CHILDREN is the peak of its one child: predict's own, in KB on Linux.
        let measure = """
            import resource, subprocess, sys
            run = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)
            print(run.returncode, run.stdout.count(b"\\n"), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """
        let printed = try CommandRunner.mesoscope(["predict", "--json", "--threads", "2", folder.path], environment: Self.env,
                                                  launcher: ["/usr/bin/env", "python3", "-c", measure]).stdout
        let numbers = printed.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(numbers.count == 3, "\(printed)")
        #expect(numbers[0] == 0 && numbers[1] == 16, "\(printed)")
        #expect(numbers[2] < 1_000_000, "peak RSS \(numbers[2] / 1024) MB")
    }
}
