import ArgumentParser
import Foundation
import MesoData
import MesoFaces
import MesoMedia

/// `mesoscope extract-faces`: the aligned 256×256 crops of every face, as PNG, with a manifest
/// that training reads.
struct ExtractFaces: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-faces",
        abstract: "Write the aligned 256×256 face crops of videos and photos as PNG, with DIR/manifest.jsonl.",
        discussion: """
        Crops go to DIR/<video id>/frame<index>_track<id>.png, where the video id is the input's file name \
        without its extension (percent-encoded when it is not a plain folder name). DIR is locked while it is written. Each crop is a line of DIR/manifest.jsonl: \
        {"crop", "source", "video_id", "frame", "time_s", "track", "box": [x, y, w, h], "label", "split"}, \
        with label and split null (prepare fills them). \
        Exit code 0: all processed; 1: some inputs failed; 2: usage or landmark-model error.
        """
    )

    @OptionGroup var samplingOptions: SamplingOptions

    @Option(help: "The output folder.")
    var out: String

    @Argument(help: "Videos, photos or folders.")
    var inputs: [String]

    func run() throws {
        let extractor = try FaceExtractor(landmarks: SamplingOptions.loadLandmarks())
        let lock: FolderLock
        do { lock = try FolderLock(folder: out) } catch { throw UsageError("\(error)") }
        defer { withExtendedLifetime(lock) {} }
        let manifest = CropManifest(folder: out)
        let inputFiles = InputFiles.media(in: inputs)
        for folder in inputFiles.unreadableFolders { FileHandle.standardError.write(Data("error: \(folder)\n".utf8)) }
        var failures = inputFiles.unreadableFolders.count
        var crops = 0
        for path in inputFiles.files {
            let videoID = Detect.stem(path)
            let progress = ProgressBar(path)
            do {
                try extractor.extract(path, sampling: samplingOptions.sampling, largestFaceOnly: samplingOptions.largestFaceOnly,
                                      progress: { progress.update($0, of: $1) }) { frame in
                    let records = try frame.faces.map { face in
                        let crop = try manifest.writeCrop(face.crop, videoID: videoID, frame: frame.index, track: face.track)
                        return CropRecord(crop: crop, source: path, videoID: videoID, frame: frame.index, time: frame.time,
                                          track: face.track, box: face.box)
                    }
                    // The frame's crops are on disk before their lines are: a line always names a whole file.
                    try manifest.append(records)
                    crops += records.count
                }
                progress.finish()
            } catch {
                progress.finish()
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        print("\(crops) face crop\(crops == 1 ? "" : "s") written to \(out), \(failures) input\(failures == 1 ? "" : "s") failed")
        if failures > 0 { throw ExitCode(1) }
    }
}
