import Foundation
import MesoData
import MesoFaces
import MesoTestSupport
import Testing

@Suite struct DatasetPreparedCacheTests {
    func record(_ video: String, _ frame: Int) -> CropRecord {
        CropRecord(crop: CropRecord.cropPath(videoID: video, frame: frame, track: 0), source: "\(video).mp4", videoID: video,
                   frame: frame, time: 0, track: 0, box: DatasetFixtures.box, label: "fake", split: nil)
    }

    @Test func resumeDropsTheRowsOfUnfinishedVideosAndRetriesFailures() throws {
        let cache = PreparedCache(folder: try SharedData.scratchDirectory("cache").path)
        try cache.manifest.append([record("a", 0), record("a", 5)])
        try cache.log(PreparedVideo(videoID: "a", source: "a.mp4", status: .ok, crops: 2))
        try cache.log(PreparedVideo(videoID: "n", source: "n.mp4", status: .noFace, crops: 0))
        try cache.log(PreparedVideo(videoID: "e", source: "e.mp4", status: .error, crops: 0, error: "e.mp4: unreadable"))
        try cache.manifest.append([record("b", 0)])  // killed before b's line

        let finished = try cache.resume()
        #expect(Set(finished.keys) == ["a", "n"])
        #expect(try cache.manifest.records() == [record("a", 0), record("a", 5)])
        let text = try String(contentsOfFile: cache.logPath, encoding: .utf8)
        #expect(text.contains(#"{"video_id":"e","source":"e.mp4","status":"error","crops":0,"error":"e.mp4: unreadable"}"#))
        #expect(text.contains(#"{"video_id":"n","source":"n.mp4","status":"no_face","crops":0}"#))
    }

    @Test func cutOffLinesAreRemovedSoTheNextAppendStartsClean() throws {
        let cache = PreparedCache(folder: try SharedData.scratchDirectory("cache-cut").path)
        try cache.manifest.append([record("a", 0)])
        try cache.log(PreparedVideo(videoID: "a", source: "a.mp4", status: .ok, crops: 1))
        for path in [cache.manifest.path, cache.logPath] {
            let handle = try #require(FileHandle(forWritingAtPath: path))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"crop":"#.utf8))
            try handle.close()
        }
        #expect(try cache.resume().keys.sorted() == ["a"])
        try cache.manifest.append([record("c", 0)])
        try cache.log(PreparedVideo(videoID: "c", source: "c.mp4", status: .ok, crops: 1))
        #expect(try cache.manifest.records() == [record("a", 0), record("c", 0)])
        #expect(try cache.videos().map(\.videoID) == ["a", "c"])
    }
}
