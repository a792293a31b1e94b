import Foundation
import MesoData
import MesoFaces
import MesoTestSupport
import Testing

@Test func manifestRoundTripKeepsNullsAndOrder() throws {
    let folder = try SharedData.scratchDirectory().path
    let manifest = CropManifest(folder: folder)
    let a = CropRecord(crop: CropRecord.cropPath(videoID: "v", frame: 5, track: 0), source: "in/v.mp4", videoID: "v",
                       frame: 5, time: 0.2, track: 0, box: FaceBox(x: 1, y: 2, width: 30, height: 40))
    var b = a
    b.crop = CropRecord.cropPath(videoID: "v", frame: 6, track: 0)
    b.label = "fake"
    b.split = "train"
    try manifest.append([a])
    try manifest.append([b])
    #expect(try manifest.records() == [a, b])
    let text = try String(contentsOfFile: manifest.path, encoding: .utf8)
    #expect(text.hasPrefix(#"{"crop":"v/frame000005_track0.png","source":"in/v.mp4","video_id":"v","frame":5,"time_s":0.2,"track":0,"box":[1,2,30,40],"label":null,"split":null}"#))
}

@Test func aCutOffLastLineIsIgnored() throws {
    let folder = try SharedData.scratchDirectory().path
    let manifest = CropManifest(folder: folder)
    let a = CropRecord(crop: "x.png", source: "x", videoID: "x", frame: 0, time: 0, track: 0, box: FaceBox(x: 0, y: 0, width: 1, height: 1))
    try manifest.append([a])
    let handle = try #require(FileHandle(forWritingAtPath: manifest.path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"crop":"y.png","sou"#.utf8))
    try handle.close()
    #expect(try manifest.records() == [a])
}
