import Foundation
import MesoTestSupport
import Testing

/// The server's temporary folder is its own: made inside --temp-dir, private, and the only
/// thing it deletes.
@Suite(.serialized) struct TemporaryFolderTests {
    @Test func aFileInTheTempDirSurvivesStartAndStopAndTheServersFolderGoes() async throws {
        let parent = try SharedData.scratchDirectory("serve-parent")
        let keep = parent.appendingPathComponent("keep.txt")
        try Data("not the server's".utf8).write(to: keep)
        let server = try await TestServer.start { $0.temporaryDirectory = parent.path }
        #expect(FileManager.default.fileExists(atPath: keep.path), "start-up left --temp-dir alone")
        #expect(server.folder.deletingLastPathComponent().standardizedFileURL == parent.standardizedFileURL)
        server.stop()
        #expect(try await TestServer.eventually(within: 30) { !FileManager.default.fileExists(atPath: server.folder.path) },
                "the server deletes its own folder when it stops")
        #expect(try String(contentsOf: keep, encoding: .utf8) == "not the server's")
    }

    @Test func aSymlinkedTempDirsTargetSurvives() async throws {
        let victim = try SharedData.scratchDirectory("serve-victim")
        let precious = victim.appendingPathComponent("precious.txt")
        try Data("keep me".utf8).write(to: precious)
        let parent = try SharedData.scratchDirectory("serve-planted")
        let link = parent.appendingPathComponent("mesoscope-tmp")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)

        let server = try await TestServer.start { $0.temporaryDirectory = link.path }
        let photo = try Data(contentsOf: SharedData.url(APITests.photo))
        #expect(try await server.upload(photo, name: "a.jpg").status == 200)
        server.stop()
        #expect(try await TestServer.eventually(within: 30) { !FileManager.default.fileExists(atPath: server.folder.path) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim.path) == ["precious.txt"])
        #expect(try String(contentsOf: precious, encoding: .utf8) == "keep me")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == victim.path)
    }

    @Test func anUploadIsPrivateWhileItArrivesAndGoneWhenTheClientHangsUp() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        #expect(try Self.permissions(server.folder) == 0o700)
        let connection = try RawConnection(port: server.port)
        await connection.send("POST /api/v1/detect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
                              + "Content-Length: 100000\r\n\r\n" + String(repeating: "x", count: 1000))
        #expect(try await TestServer.eventually(within: 30) { server.temporaryFiles.count == 1 })
        let file = try #require(server.temporaryFiles.first)
        #expect(try Self.permissions(server.folder.appendingPathComponent(file)) == 0o600)
        connection.hangUp()
        #expect(try await TestServer.eventually(within: 30) { server.temporaryFiles.isEmpty }, "left behind: \(server.temporaryFiles)")
    }

    private static func permissions(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }
}
