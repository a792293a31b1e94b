import ArgumentParser
import Foundation
import MesoData
import MesoEngine
import MesoFaces
import MesoMedia

/// `mesoscope prepare`: a dataset's face crops, extracted once, labelled and ready to train on.
///
/// Face finding is the slow part of training on videos, so it is done once into a cache that
/// every training run reads. A long run can be stopped and started again: finished videos are
/// skipped (see ``PreparedCache``). One process at a time writes a cache (``FolderLock``).
struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract the aligned face crops of a dataset's videos once, with labels and splits, into a cache for training.",
        discussion: """
        DATASET is a folder of class folders (df/fake/manipulated, real/original), a DFDC folder with \
        metadata.json, the write-up's traindata.json/testdata.json, or a FaceForensics++ root. \
        Each video's crops go to OUT/<video id>/frame<index>_track<id>.png with a row each in OUT/manifest.jsonl \
        (label, split and video_id filled in from the dataset; split null when it has none). Images are taken as \
        aligned crops already and copied into the cache as OUT/<id>/frame000000_track0.png (PNG, same pixels). A video id that is not a \
        plain folder name (.., a/b, manifest.jsonl) gets a percent-encoded folder. OUT/videos.jsonl gets a line per \
        finished video ({"video_id","source","status": ok|no_face|error,"crops","error"}); a rerun skips finished \
        videos, retries failed ones and drops repeated rows. The cache is locked while prepare writes it: a second \
        prepare on it stops with the first one's pid. \
        Exit code 0: all processed; 1: some videos failed; 2: usage, dataset or landmark-model error.
        """
    )

    @Argument(help: "The dataset: a folder or a .json file.")
    var dataset: String

    @Option(help: "The cache folder.")
    var out: String

    @Option(help: "Frames spread evenly over each video, by the original's rule range(0, n, n / N + 1).")
    var frames = 10

    @Option(help: "Videos worked on at once (default: one per core, at most 2). Face finding is single-threaded.")
    var jobs: Int?

    @Option(help: "FaceForensics++: raw, c23 or c40.")
    var compression = "c23"

    @Option(help: "FaceForensics++: manipulation methods, comma-separated (default: every one present).")
    var methods: String?

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be at least 1") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard ["raw", "c23", "c40"].contains(compression) else { throw ValidationError("--compression must be raw, c23 or c40") }
        let unknown = methodList?.filter { !FaceForensicsDataset.allMethods.contains($0) } ?? []
        guard unknown.isEmpty else {
            throw ValidationError("unknown method \(unknown[0]) (known: \(FaceForensicsDataset.allMethods.joined(separator: ", ")))")
        }
    }

    private var methodList: [String]? {
        methods.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    func run() throws {
        let units = try openUnits()
        let cache = PreparedCache(folder: out)
        let lock: FolderLock
        let finished: [String: PreparedVideo]
        do {
            lock = try FolderLock(folder: out)
            finished = try cache.resume()
        } catch let error as FolderLockError {
            throw UsageError("\(error)")
        } catch let error as DatasetError {
            throw UsageError("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let todo = units.filter { finished[$0.id] == nil }
        let byID = Dictionary(uniqueKeysWithValues: todo.map { ($0.id, $0) })
        // Images need no face finding: without videos to do, no landmark model is loaded.
        let videoCount = todo.filter { $0.item.kind == .video }.count
        let landmarks = videoCount > 0 ? try SamplingOptions.loadLandmarks() : nil
        let workers: [FaceExtractor?] = try landmarks.map { model in
            try (0..<max(1, min(jobs ?? min(2, Parallelism.threads), videoCount))).map { _ in try FaceExtractor(landmarks: model) }
        } ?? [nil]

        var summary = Summary(skipped: units.count - todo.count)
        let progress = ProgressBar("videos")
        let fault = FaultHook()
        OrderedWork.run(todo.map(\.id), workers: workers, work: { extractor, id in
            try crops(of: byID[id]!, extractor: extractor)
        }, deliver: { id, result in
            let unit = byID[id]!
            do {
                let records = try result.get()
                try cache.manifest.append(records)
                fault.rowsWritten()
                let video = PreparedVideo(videoID: id, source: unit.item.path, status: records.isEmpty ? .noFace : .ok, crops: records.count)
                try cache.log(video)
                summary.add(video, kind: unit.item.kind)
            } catch {
                try? cache.log(PreparedVideo(videoID: id, source: unit.item.path, status: .error, crops: 0, error: "\(error)"))
                summary.failures.append((id, "\(error)"))
            }
            fault.finished()
            progress.update(summary.done, of: todo.count)
        })
        progress.finish()
        summary.print(to: out)
        if !summary.failures.isEmpty { throw ExitCode(1) }
    }

    /// One dataset item and the id its crops and `videos.jsonl` line go by.
    private struct Unit {
        let item: DatasetItem
        let id: String
    }

    /// The dataset's items, each with a unique id: its video id, or for a lone image its path in
    /// the dataset without the extension (`df/df00204`), since image names may repeat across classes.
    private func openUnits() throws -> [Unit] {
        let options = Dataset.Options(faceForensics: .init(compression: compression, methods: methodList))
        let opened: Dataset
        do { opened = try Dataset.open(path: dataset, options: options) } catch { throw UsageError("\(error)") }
        guard opened.layout != .crops else {
            throw UsageError("\(opened.root): already prepared crops (\(CropManifest.fileName)); train on it directly")
        }
        let base = opened.layout == .writeup ? (opened.root as NSString).deletingLastPathComponent : opened.root
        let units = opened.items.map { item in
            let relative = item.path.hasPrefix(base + "/") ? String(item.path.dropFirst(base.count + 1)) : item.path
            return Unit(item: item, id: item.videoID ?? (relative as NSString).deletingPathExtension)
        }
        var seen: Set<String> = []
        for unit in units where !seen.insert(unit.id).inserted {
            throw UsageError("\(opened.root): two files share the video id \(unit.id); their crops would overwrite each other")
        }
        return units
    }

    /// A video's crops written as PNG, with their rows; an image copied as its one crop, since
    /// every row names a file inside the cache.
    private func crops(of unit: Unit, extractor: FaceExtractor?) throws -> [CropRecord] {
        let item = unit.item
        func record(crop: String, frame: Int, time: Double, track: Int, box: FaceBox) -> CropRecord {
            CropRecord(crop: crop, source: item.path, videoID: unit.id, frame: frame, time: time, track: track, box: box,
                       label: item.label?.rawValue, split: item.split?.rawValue)
        }
        let manifest = CropManifest(folder: out)
        guard item.kind == .video, let extractor else {
            let image = try ImageDecoder.decode(contentsOf: item.path)
            let crop = try manifest.writeCrop(image, videoID: unit.id, frame: 0, track: 0)
            return [record(crop: crop, frame: 0, time: 0, track: 0, box: FaceBox(x: 0, y: 0, width: image.width, height: image.height))]
        }
        var records: [CropRecord] = []
        try extractor.extract(item.path, sampling: .evenly(frames)) { frame in
            for face in frame.faces {
                let crop = try manifest.writeCrop(face.crop, videoID: unit.id, frame: frame.index, track: face.track)
                records.append(record(crop: crop, frame: frame.index, time: frame.time, track: face.track, box: face.box))
            }
        }
        return records
    }

    /// What the run did, printed at the end.
    private struct Summary {
        let skipped: Int
        var videos = 0
        var images = 0
        var crops = 0
        var noFace = 0
        var failures: [(id: String, error: String)] = []

        var done: Int { videos + images + failures.count }

        mutating func add(_ video: PreparedVideo, kind: DatasetItem.Kind) {
            if kind == .video { videos += 1 } else { images += 1 }
            crops += video.crops
            if video.status == .noFace { noFace += 1 }
        }

        func print(to out: String) {
            for failure in failures { FileHandle.standardError.write(Data("error: \(failure.id): \(failure.error)\n".utf8)) }
            func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
            Swift.print("\(count(videos, "video")) and \(count(images, "image")) prepared into \(out): \(count(crops, "crop")), "
                + "\(noFace) without a face, \(failures.count) failed; \(skipped) already done")
        }
    }
}

/// Stops the process as a kill would, for the resume tests: `MESOSCOPE_PREPARE_STOP_AFTER=N`
/// exits with code 3 once N videos are finished; `MESOSCOPE_PREPARE_STOP_BEFORE_LOG=N` exits
/// after the Nth video's crop rows are written but before its `videos.jsonl` line.
private final class FaultHook {
    private let stopAfter = ProcessInfo.processInfo.environment["MESOSCOPE_PREPARE_STOP_AFTER"].flatMap { Int($0) }
    private let stopBeforeLog = ProcessInfo.processInfo.environment["MESOSCOPE_PREPARE_STOP_BEFORE_LOG"].flatMap { Int($0) }
    private var rows = 0
    private var videos = 0

    func rowsWritten() {
        rows += 1
        if rows == stopBeforeLog { exit(3) }
    }

    func finished() {
        videos += 1
        if videos == stopAfter { exit(3) }
    }
}
