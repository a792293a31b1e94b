import Foundation
import MesoData
import MesoFaces
import MesoTestSupport
import Testing

@Suite struct DatasetReaderTests {
    @Test func imageFoldersGiveLabelsFromFolderNamesAndNoVideoIDs() throws {
        let root = try SharedData.scratchDirectory("images")
        for image in SharedData.testImages {
            let folder = image.hasPrefix("df/") ? "DF" : "Original"
            try DatasetFixtures.link("mesonet/test_images/\(image)", at: root.appendingPathComponent("\(folder)/\(SharedData.stem(image)).jpg"))
        }
        try DatasetFixtures.link(DatasetFixtures.real, at: root.appendingPathComponent("Original/clip.mp4"))
        try DatasetFixtures.write("not a dataset file", to: root.appendingPathComponent("Original/notes.txt"))
        try DatasetFixtures.link("mesonet/test_images/df/df00204.jpg", at: root.appendingPathComponent("other/x.jpg"))

        let dataset = try Dataset.open(path: root.path)
        #expect(dataset.layout == .imageFolders)
        let names = dataset.items.map { ($0.path as NSString).lastPathComponent }
        #expect(names == ["df00204.jpg", "df01254.jpg", "clip.mp4", "real00240.jpg", "real00772.jpg"], "sorted by path, other/ left out")
        #expect(dataset.items.map(\.label) == [.fake, .fake, .real, .real, .real])
        #expect(dataset.items.map(\.videoID) == [nil, nil, "clip", nil, nil])
        #expect(dataset.items.map(\.kind) == [.image, .image, .video, .image, .image])
        #expect(dataset.items.allSatisfy { $0.split == nil && $0.path.hasPrefix("/") })

        let custom = try ImageFolderDataset.items(folder: root.path, classes: ["other": .fake])
        #expect(custom.count == 1 && custom[0].label == .fake)
    }

    @Test func splitFoldersHoldingClassFoldersGiveTheSplit() throws {
        let root = try SharedData.scratchDirectory("split-images")
        try DatasetFixtures.link("mesonet/test_images/df/df00204.jpg", at: root.appendingPathComponent("train/df/a.jpg"))
        try DatasetFixtures.link("mesonet/test_images/real/real00240.jpg", at: root.appendingPathComponent("validation/real/b.jpg"))
        let items = try Dataset.open(path: root.path).items
        #expect(items.map(\.split) == [.train, .val])
        #expect(items.map(\.label) == [.fake, .real])
    }

    @Test func aFolderWithoutClassFoldersIsAnErrorNamingIt() throws {
        let root = try SharedData.scratchDirectory("no-classes")
        try DatasetFixtures.link("mesonet/test_images/df/df00204.jpg", at: root.appendingPathComponent("photos/a.jpg"))
        let error = try #require(throws: DatasetError.self) { try Dataset.open(path: root.path) }
        #expect(error.code == .unknownLayout)
        #expect(error.description.hasPrefix(root.standardizedFileURL.path))
        #expect(error.message.contains("no class folders") && error.message.contains("df") && error.message.contains("original"))
        let missing = try #require(throws: DatasetError.self) { try Dataset.open(path: root.appendingPathComponent("nope").path) }
        #expect(missing.code == .notFound)
    }

    /// A FIFO named like a label file would block the reader forever, and /dev/zero would fill
    /// memory: both are refused unread, naming the file.
    @Test(.timeLimit(.minutes(1))) func labelFilesThatAreNotRegularFilesAreRefusedUnread() throws {
        let root = try SharedData.scratchDirectory("label-pipes")
        let metadata = root.appendingPathComponent("metadata.json").path
        #expect(mkfifo(metadata, 0o600) == 0)
        let zero = root.appendingPathComponent("traindata.json").path
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
        for path in [root.path, zero] {
            #expect {
                try Dataset.open(path: path)
            } throws: { error in
                "\(error)".contains("not a regular file")
            }
        }
    }

    @Test func dfdcMetadataGivesLabelsSplitsAndStems() throws {
        let root = try SharedData.scratchDirectory("dfdc")
        try DatasetFixtures.link(DatasetFixtures.fake, at: root.appendingPathComponent("bqkdbnqbzo.mp4"))
        try DatasetFixtures.link(DatasetFixtures.real, at: root.appendingPathComponent("abcdefghij.mp4"))
        try DatasetFixtures.write("""
            {"bqkdbnqbzo.mp4": {"label": "FAKE", "split": "train", "original": "abcdefghij.mp4"},
             "abcdefghij.mp4": {"label": "REAL", "split": "train", "original": null}}
            """, to: root.appendingPathComponent("metadata.json"))
        let dataset = try Dataset.open(path: root.path)
        #expect(dataset.layout == .dfdc)
        #expect(dataset.items.map(\.videoID) == ["abcdefghij", "bqkdbnqbzo"])
        #expect(dataset.items.map(\.label) == [.real, .fake])
        #expect(dataset.items.map(\.split) == [.train, .train])
        #expect(dataset.items.map(\.kind) == [.video, .video])
        #expect(dataset.items[0].path == root.standardizedFileURL.path + "/abcdefghij.mp4")

        try DatasetFixtures.write(#"{"x.mp4": {"label": "MAYBE"}}"#, to: root.appendingPathComponent("metadata.json"))
        let error = try #require(throws: DatasetError.self) { try Dataset.open(path: root.path) }
        #expect(error.code == .malformed && error.path.hasSuffix("metadata.json") && error.message.contains("MAYBE"))
    }

    @Test func writeupJSONUsesOneForFakeAndPathsBesideTheFile() throws {
        let root = try SharedData.scratchDirectory("writeup")
        try DatasetFixtures.write("""
            {"videos/fake1.mp4": {"label": 1, "split": "test", "original": "videos/real1.mp4"},
             "videos/real1.mp4": {"label": 0, "split": "val"}, "videos/real2.mp4": {"label": 0}}
            """, to: root.appendingPathComponent("traindata.json"))
        let dataset = try Dataset.open(path: root.appendingPathComponent("traindata.json").path)
        #expect(dataset.layout == .writeup)
        #expect(dataset.items.map(\.label) == [.fake, .real, .real])
        #expect(dataset.items.map(\.split) == [.test, .val, nil])
        #expect(dataset.items.map(\.videoID) == ["fake1", "real1", "real2"])
        #expect(dataset.items[0].path == root.standardizedFileURL.path + "/videos/fake1.mp4")
    }

    @Test func faceForensicsFollowsTheOfficialSplitsByTarget() throws {
        let root = try SharedData.scratchDirectory("ffpp")
        for id in ["000", "001", "002"] {
            try DatasetFixtures.link(DatasetFixtures.real, at: root.appendingPathComponent("original_sequences/youtube/c23/videos/\(id).mp4"))
        }
        try DatasetFixtures.link(DatasetFixtures.real, at: root.appendingPathComponent("original_sequences/youtube/c40/videos/000.mp4"))
        for (method, name) in [("Deepfakes", "000_001"), ("Deepfakes", "002_000"), ("Face2Face", "001_000")] {
            try DatasetFixtures.link(DatasetFixtures.fake, at: root.appendingPathComponent("manipulated_sequences/\(method)/c23/videos/\(name).mp4"))
        }
        try DatasetFixtures.write(#"[["000", "001"]]"#, to: root.appendingPathComponent("splits/train.json"))
        try DatasetFixtures.write(#"[["002", "003"]]"#, to: root.appendingPathComponent("splits/test.json"))

        let dataset = try Dataset.open(path: root.path)
        #expect(dataset.layout == .faceForensics)
        #expect(dataset.items.map(\.videoID) == ["000", "001", "002", "Deepfakes/000_001", "Deepfakes/002_000", "Face2Face/001_000"])
        #expect(dataset.items.map(\.label) == [.real, .real, .real, .fake, .fake, .fake])
        #expect(dataset.items.map(\.split) == [.train, .train, .test, .train, .test, .train])

        let options = Dataset.Options(faceForensics: .init(compression: "c40", methods: []))
        #expect(try Dataset.open(path: root.path, options: options).items.map(\.videoID) == ["000"])
        let onlyF2F = Dataset.Options(faceForensics: .init(methods: ["Face2Face"]))
        #expect(try Dataset.open(path: root.path, options: onlyF2F).items.count == 4)
        let missing = Dataset.Options(faceForensics: .init(methods: ["NeuralTextures"]))
        let error = try #require(throws: DatasetError.self) { try Dataset.open(path: root.path, options: missing) }
        #expect(error.code == .notFound && error.path.contains("NeuralTextures/c23/videos"))
    }

    @Test func cropManifestItemsResolveUnderTheFolder() throws {
        let root = try SharedData.scratchDirectory("crops")
        let manifest = CropManifest(folder: root.path)
        let box = DatasetFixtures.box
        try manifest.append([
            CropRecord(crop: "v/frame000000_track0.png", source: "v.mp4", videoID: "v", frame: 0, time: 0, track: 0, box: box,
                       label: "fake", split: "train"),
            CropRecord(crop: "real%2Fx/frame000000_track0.png", source: "/data/real/x.jpg", videoID: "real/x", frame: 0, time: 0,
                       track: 0, box: box),
        ])
        let dataset = try Dataset.open(path: root.path)
        #expect(dataset.layout == .crops)
        let base = root.standardizedFileURL.path
        #expect(dataset.items.map(\.path) == [base + "/v/frame000000_track0.png", base + "/real%2Fx/frame000000_track0.png"])
        #expect(dataset.items.map(\.label) == [.fake, nil])
        #expect(dataset.items.map(\.split) == [.train, nil])
        #expect(dataset.items.map(\.videoID) == ["v", "real/x"])
    }
}

/// Miniature datasets in each layout, built in a scratch folder from the shared videos and test images.
enum DatasetFixtures {
    static let fake = "media/df00204_noise_move_rotate_640x480.mp4"
    static let real = "media/real00240_plain_move_rotate_1280x720.mp4"

    /// Links `shared/<source>` at `path`, making the folders on the way.
    static func link(_ source: String, at path: URL) throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: path, withDestinationURL: SharedData.url(source))
    }

    static let box = FaceBox(x: 1, y: 2, width: 30, height: 40)

    static func write(_ text: String, to path: URL) throws {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: path)
    }
}
