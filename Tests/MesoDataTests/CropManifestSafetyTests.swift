import Foundation
import MesoData
import MesoFaces
import MesoMedia
import MesoTestSupport
import Testing

/// A manifest is data anyone may hand over: its rows and video ids must not reach outside the
/// folder, over its own files, or count a crop twice.
@Suite struct CropManifestSafetyTests {
    func record(_ crop: String, label: String? = "fake") -> CropRecord {
        CropRecord(crop: crop, source: "v.mp4", videoID: "v", frame: 0, time: 0, track: 0, box: DatasetFixtures.box, label: label)
    }

    @Test func videoIDsBecomeFolderNamesThatStayInsideAndNeverCollide() throws {
        let names = ["aaa": "aaa", "071_054": "071_054", ".": "%2E", "..": "%2E.", ".hidden": "%2Ehidden", "a/b": "a%2Fb",
                     "../../etc": "%2E.%2F..%2Fetc", "a\0b": "a%00b", "50%": "50%25", "a%2Fb": "a%252Fb",
                     "manifest.jsonl": "%6Danifest.jsonl", "videos.jsonl": "%76ideos.jsonl", FolderLock.fileName: "%2Emesoscope.lock"]
        for (id, name) in names { #expect(CropRecord.folderName(videoID: id) == name, "\(id)") }
        #expect(Set(names.values).count == names.count)

        let folder = try SharedData.scratchDirectory("crop-ids")
        let cache = folder.appendingPathComponent("cache")
        let manifest = CropManifest(folder: cache.path)
        let image = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 7, count: 12))
        for id in ["..", "manifest.jsonl"] {
            let crop = try manifest.writeCrop(image, videoID: id, frame: 0, track: 0)
            #expect(crop.hasPrefix(CropRecord.folderName(videoID: id) + "/"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["cache"], "nothing lands beside the cache")
        try manifest.append([record("x.png")])
        #expect(try manifest.records().count == 1, "the manifest is still a file")
        let empty = try #require(throws: DatasetError.self) { try manifest.writeCrop(image, videoID: "", frame: 0, track: 0) }
        #expect(empty.path == cache.path && empty.message.contains("empty id"))
    }

    @Test func rowsNamingFilesOutsideTheFolderAreRefusedByRow() throws {
        let (secret, cache) = try HostileFixtures.cacheBesideASecret("crop-escape")
        let cases = [(secret.path, "is an absolute path"), ("../secret.png", "climbs out with .."),
                     ("v/../../secret.png", "climbs out with .."), ("out/secret.png", "leads out of the folder through a symbolic link")]
        for (crop, problem) in cases {
            let manifest = CropManifest(folder: cache.path)
            try? FileManager.default.removeItem(atPath: manifest.path)
            try manifest.append([record("v/frame000000_track0.png"), record(crop)])
            let error = try #require(throws: DatasetError.self) { try manifest.records() }
            #expect(error.path == manifest.path)
            #expect(error.message == "row 2: the crop \"\(crop)\" \(problem); a row names a file inside \(cache.path)")
            #expect(throws: DatasetError.self) { try Dataset.open(path: cache.path) }
        }
    }

    @Test func aRepeatedRowCountsOnceAndAConflictingOneIsRefused() throws {
        let manifest = CropManifest(folder: try SharedData.scratchDirectory("crop-repeats").path)
        try manifest.append([record("a.png"), record("b.png")])
        try manifest.append([record("a.png"), record("b.png")])
        #expect(try manifest.records() == [record("a.png"), record("b.png")])
        #expect(try Dataset.open(path: manifest.folder).items.count == 2)
        try manifest.append([record("b.png", label: "real")])
        let error = try #require(throws: DatasetError.self) { try manifest.records() }
        #expect(error.message == "row 5: the crop \"b.png\" is listed again with other fields than on row 2")
    }

    @Test func resumeRewritesAManifestWithRepeatedRows() throws {
        let cache = PreparedCache(folder: try SharedData.scratchDirectory("cache-repeats").path)
        let rows = [record("v/frame000000_track0.png"), record("v/frame000005_track0.png")]
        try cache.manifest.append(rows)
        try cache.log(PreparedVideo(videoID: "v", source: "v.mp4", status: .ok, crops: 2))
        let once = try String(contentsOfFile: cache.manifest.path, encoding: .utf8)
        try cache.manifest.append(rows)   // a second prepare on the same cache
        #expect(try cache.resume().keys.sorted() == ["v"])
        #expect(try String(contentsOfFile: cache.manifest.path, encoding: .utf8) == once)
    }
}
