import ArgumentParser
import Foundation
import MesoData
import MesoEngine
import MesoFaces
import MesoMedia
import MesoscopeKit

/// `mesoscope detect`: the whole pipeline on videos and photos: find, align and score every
/// face, link faces into tracks, and give each input a p_fake.
struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find, align and score every face in videos and photos: p_fake per face, per track and per input.",
        discussion: """
        INPUT is a video, a photo (one-frame video) or a folder of them. Faces on the sampled frames are \
        linked into tracks; an input's p_fake is the highest track score among tracks holding at least \
        max(3, 10% of the analysed frames) faces: a video is fake if anyone in it is. \
        No face anywhere is the verdict no_face, not an error. \
        Exit code 0: all processed; 1: some inputs failed; 2: usage, weights or landmark-model error.
        """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var samplingOptions: SamplingOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "How a track's frame scores combine: mean (DeepfakeBench), vote (share of fake frames) or confident (DFDC winner).")
    var aggregate: Aggregate = .mean

    @Flag(help: "Print one JSON object per input.")
    var json = false

    @Option(help: "Write each aligned face crop as PNG to DIR/<input name>/frame<index>_track<id>.png.")
    var saveCrops: String?

    @Option(help: "Write a copy of the video with each face boxed, coloured and labelled by p_fake (MP4; a folder when several inputs are given; photos become PNG).")
    var annotate: String?

    @Flag(help: "Print the time spent per stage and the peak memory to stderr at the end.")
    var timings = false

    @Argument(help: "Videos, photos or folders.")
    var inputs: [String]

    @Option(help: "Inputs analysed at once (default: one per thread, at most 2). Face finding is single-threaded.")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        threadOptions.apply()
        let detector = try modelOptions.loadDetector()
        let landmarks = try SamplingOptions.loadLandmarks()
        let inputFiles = InputFiles.media(in: inputs)
        let files = inputFiles.files
        var isDirectory: ObjCBool = false
        if let annotate, files.count > 1, FileManager.default.fileExists(atPath: annotate, isDirectory: &isDirectory),
           !isDirectory.boolValue {
            throw UsageError("--annotate \(annotate): is a file; with several inputs give a folder for the annotated copies")
        }
        let workers = try (0..<max(1, min(jobs ?? min(2, Parallelism.threads), files.count))).map { _ in
            try VideoAnalyzer(detector: detector, landmarks: landmarks)
        }
        var report = DetectReport(json: json, threshold: modelOptions.threshold, aggregate: aggregate)
        for folder in inputFiles.unreadableFolders { report.failed(path: folder.path, error: folder) }
        let started = Date()
        // One input: a bar over its frames. Several: a bar over the inputs.
        let overall = files.count > 1 ? ProgressBar("inputs") : nil
        var done = 0
        OrderedWork.run(files, workers: workers, work: { analyzer, path in
            let progress = overall == nil ? ProgressBar(path) : nil
            defer { progress?.finish() }
            return try analyze(path, of: files.count, with: analyzer, progress: progress)
        }, deliver: { path, result in
            overall?.finish()
            switch result {
            case .success(let analysis): report.analyzed(analysis)
            case .failure(let error): report.failed(path: path, error: error)
            }
            done += 1
            overall?.update(done, of: files.count)
        })
        overall?.finish()
        report.finish()
        if timings {
            let total = workers.map(\.timings).reduce(into: StageTimings()) { $0.add($1) }
            Self.printTimings(total, frames: report.framesAnalyzed, wall: Date().timeIntervalSince(started))
        }
        if report.failures > 0 { throw ExitCode(1) }
    }

    /// The analysis of one input, with its crops and annotated copy written when asked for.
    private func analyze(_ path: String, of inputCount: Int, with analyzer: VideoAnalyzer,
                         progress: ProgressBar?) throws -> VideoAnalysis {
        let analysis = try analyzer.analyze(
            path, sampling: samplingOptions.sampling, largestFaceOnly: samplingOptions.largestFaceOnly,
            progress: { progress?.update($0, of: $1) },
            scored: { frame, face, _ in
                guard let saveCrops else { return }
                _ = try CropManifest(folder: saveCrops).writeCrop(face.crop, videoID: Self.stem(path), frame: frame.index,
                                                                   track: face.track)
            })
        if let annotate {
            let output = try annotationPath(annotate, for: path, count: inputCount)
            do { try writeAnnotation(analysis, to: output) } catch { throw WriteFailure(path: output, error: error) }
        }
        return analysis
    }

    static func stem(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    private func annotationPath(_ output: String, for input: String, count: Int) throws -> String {
        guard count > 1 else { return output }
        do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
            throw WriteFailure(path: output, error: error)
        }
        return "\(output)/\(Self.stem(input)).mp4"
    }

    private func writeAnnotation(_ analysis: VideoAnalysis, to output: String) throws {
        guard analysis.summary.fps == nil else { return try Annotation.writeVideo(analysis, to: output) }
        var image = try ImageDecoder.decode(contentsOf: analysis.path)
        Annotation.draw(analysis.frames.first?.faces ?? [], on: &image)
        let png = URL(fileURLWithPath: output).deletingPathExtension().appendingPathExtension("png")
        try Data(image.pngData()).write(to: png, options: .atomic)
    }

    /// The stages of ``printTimings(_:frames:wall:)``, in the pipeline's order.
    static let stageNames = ["decode", "detection", "landmarks", "alignment", "classification"]

    /// Stage timings, frames per second and peak resident memory, as one JSON line on stderr
    /// (`timings: {"frames_analyzed", "wall_s", "frames_per_s", "stages_s": {...}, "peak_rss_mb"}`;
    /// `bench` reads it).
    static func printTimings(_ timings: StageTimings, frames: Int, wall: Double) {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let seconds = [timings.decode, timings.detection, timings.landmarks, timings.alignment, timings.classification]
        let line = JSONValue.object([
            ("frames_analyzed", .integer(frames)),
            ("wall_s", .number(wall)),
            ("frames_per_s", .number(Double(frames) / wall)),
            ("stages_s", .object(zip(stageNames, seconds).map { ($0, .number($1)) })),
            ("peak_rss_mb", .number(MeasuredRun.megabytes(maxRSS: usage.ru_maxrss))),
        ]).serialized()
        FileHandle.standardError.write(Data("timings: \(line)\n".utf8))
    }
}

extension Aggregate: ExpressibleByArgument {}
