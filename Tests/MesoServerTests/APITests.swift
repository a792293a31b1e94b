import Foundation
import MesoTestSupport
import Testing

/// The JSON API against a running server, through a real HTTP client over loopback.
@Suite(.serialized) struct APITests {
    static let photo = "mesonet/test_images/df/df00204.jpg"
    static let video = "media/df01254_exit_reenter_640x480.mp4"

    @Test func healthzAndThePage() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let health = try await server.get("healthz")
        #expect(health.status == 200)
        let json = try health.json
        #expect(json["status"] as? String == "ok")
        #expect(json["weights"] as? String == "Meso4_DF")
        let page = try await server.get("")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("<script src=\"/app.js\">") && !html.contains("http://") && !html.contains("https://"),
                "the page loads nothing from elsewhere")
        for asset in ["app.js", "style.css"] {
            let reply = try await server.get(asset)
            #expect(reply.status == 200 && reply.body.count > 1000, "\(asset)")
        }
    }

    @Test func aPhotoIsAnsweredAtOnceWithItsVerdictCropAndHeatmap() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let reply = try await server.upload(try Data(contentsOf: SharedData.url(Self.photo)), name: "../../etc/df00204.jpg")
        #expect(reply.status == 200)
        let job = try reply.json
        #expect(job["state"] as? String == "done")
        #expect(job["kind"] as? String == "image")
        #expect(job["name"] as? String == "df00204.jpg", "the client's name is shown without its folders")
        let result = try #require(job["result"] as? [String: Any])
        #expect(result["verdict"] as? String == "fake")
        // The README's `mesoscope detect` figure for this photo.
        #expect(abs((result["p_fake"] as? Double ?? 0) - 0.8237) < 0.0001)
        #expect(result["faces_found"] as? Int == 1)
        #expect(server.temporaryFiles.isEmpty, "left behind: \(server.temporaryFiles)")

        let id = try #require(job["id"] as? String)
        let crop = try await server.get("api/v1/jobs/\(id)/crops/0-0.jpg")
        #expect(crop.status == 200)
        #expect(crop.headers["content-type"] == "image/jpeg")
        #expect(crop.body.prefix(3) == Data([0xFF, 0xD8, 0xFF]))
        let heatmap = try await server.get("api/v1/jobs/\(id)/crops/0-0-heatmap.jpg")
        #expect(heatmap.status == 200)
        #expect(heatmap.body.prefix(3) == Data([0xFF, 0xD8, 0xFF]) && heatmap.body != crop.body)
        #expect(try await server.get("api/v1/jobs/\(id)/crops/3-0.jpg").status == 404)
    }

    @Test func aVideoJobEndsWithTheSameJSONAsDetect() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        // A raw body this time, as `curl --data-binary` sends it.
        let reply = try await server.request("POST", "api/v1/detect", body: try Data(contentsOf: SharedData.url(Self.video)),
                                             contentType: "video/mp4")
        #expect(reply.status == 202)
        let accepted = try reply.json
        let id = try #require(accepted["id"] as? String)
        #expect(reply.headers["location"] == "/api/v1/jobs/\(id)")
        #expect(["queued", "running"].contains(accepted["state"] as? String))
        let job = try await server.waitForJob(id)
        #expect(job["state"] as? String == "done", "\(job)")
        var result = try #require(job["result"] as? [String: Any])
        #expect(result["path"] as? String == "upload", "a raw body has no name")
        #expect(server.temporaryFiles.isEmpty, "left behind: \(server.temporaryFiles)")

        let cli = try CommandRunner.mesoscope(["detect", "--json", SharedData.path(Self.video)],
                                              environment: ["MESOSCOPE_WEIGHTS": SharedData.path("mesonet/weights")])
        #expect(cli.status == 0, "\(cli.stderr)")
        var expected = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        expected["path"] = nil
        result["path"] = nil
        #expect(NSDictionary(dictionary: result).isEqual(to: expected), "API: \(result)\nCLI: \(expected)")
        #expect((result["tracks"] as? [Any])?.count == 2, "the face leaves and comes back: two tracks")
        let progress = try #require(job["progress"] as? [String: Any])
        #expect(progress["frames_done"] as? Int == 25 && progress["frames_total"] as? Int == 25)
    }

    /// An MP4 whose sample table points past the file opens, but no frame of it decodes: the
    /// job fails saying so, instead of ending `done` with `no_face` over 0 frames.
    @Test func aVideoWithoutADecodableFrameFailsItsJob() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        let reply = try await server.upload(try HostileFixtures.videoWithSampleTablePastTheEnd(), name: "bad-table.mp4")
        #expect(reply.status == 202)
        let job = try await server.waitForJob(try #require(try reply.json["id"] as? String))
        #expect(job["state"] as? String == "failed", "\(job)")
        #expect((job["error"] as? String)?.contains("no frame of the video can be decoded") == true, "\(job)")
        #expect(job["result"] is NSNull)
    }

    @Test func refusedUploadsGetTheirStatusAndAMessage() async throws {
        let server = try await TestServer.start { $0.maxUploadBytes = 1_048_576 }
        defer { server.stop() }
        let jpeg = try Data(contentsOf: SharedData.url(Self.photo))

        func expectError(_ reply: TestServer.Reply, _ status: Int, _ words: String) throws {
            #expect(reply.status == status)
            let message = try #require(try reply.json["error"] as? String)
            #expect(message.contains(words), "\(message)")
        }
        var big = jpeg
        big += Data(repeating: 7, count: 2 * 1_048_576)
        try expectError(try await server.upload(big, name: "big.jpg"), 413, "limit of 1 MB")
        try expectError(try await server.request("POST", "api/v1/detect", body: big, contentType: "image/jpeg"), 413, "limit of 1 MB")
        try expectError(try await server.request("POST", "api/v1/detect", body: big, contentType: "image/jpeg", streamed: true),
                        413, "limit of 1 MB")
        try expectError(try await server.upload(Data("just some text\n".utf8), name: "notes.mp4"), 415, "neither a photo")
        try expectError(try await server.upload(Data("GIF89a....".utf8), name: "cat.jpg"), 415, "GIF")
        try expectError(try await server.upload(jpeg.prefix(jpeg.count / 2), name: "cut.jpg"), 422, "cut off")
        try expectError(try await server.upload(Data(), name: "empty.jpg"), 400, "empty")
        let video = try Data(contentsOf: SharedData.url("media/df00204_noise_move_rotate_640x480.mp4"))
        try expectError(try await server.upload(video.prefix(2000), name: "cut.mp4"), 422, "starts as a video but cannot be read")
        let boundary = "cut-form"
        try expectError(try await server.request("POST", "api/v1/detect",
                                                 body: TestServer.form(jpeg, name: "a.jpg", boundary: boundary, closed: false),
                                                 contentType: "multipart/form-data; boundary=\(boundary)"), 400, "cut off")
        try expectError(try await server.get("api/v1/jobs/nope"), 404, "no job nope")
        #expect(server.temporaryFiles.isEmpty, "left behind: \(server.temporaryFiles)")
    }

    @Test func aFullQueueAnswers429AndACancelledJobCleansUp() async throws {
        let server = try await TestServer.start { $0.queueLimit = 0 }
        defer { server.stop() }
        let video = try Data(contentsOf: SharedData.url("media/df00204_noise_move_rotate_640x480.mp4"))
        let first = try await server.upload(video, name: "a.mp4")
        #expect(first.status == 202)
        let id = try #require(try first.json["id"] as? String)
        let second = try await server.upload(video, name: "b.mp4")
        #expect(second.status == 429)
        #expect(second.headers["retry-after"] == "5")
        #expect(try second.json["error"] as? String != nil)
        #expect(server.temporaryFiles.count <= 1, "the refused upload is not kept")

        let cancel = try await server.request("DELETE", "api/v1/jobs/\(id)")
        #expect(cancel.status == 200)
        let job = try await server.waitForJob(id)
        #expect(job["state"] as? String == "cancelled")
        #expect(server.temporaryFiles.isEmpty, "left behind: \(server.temporaryFiles)")
        #expect(try await server.upload(video, name: "c.mp4").status == 202, "the place is free again")
    }

    @Test func aJobOverItsTimeIsStoppedAndFinishedJobsExpire() async throws {
        let server = try await TestServer.start {
            $0.jobTimeout = 0.05
            $0.retention = 1
        }
        defer { server.stop() }
        let video = try Data(contentsOf: SharedData.url("media/real00240_plain_move_rotate_1280x720.mp4"))
        let reply = try await server.upload(video, name: "slow.mp4")
        let id = try #require(try reply.json["id"] as? String)
        let job = try await server.waitForJob(id)
        #expect(job["state"] as? String == "failed")
        #expect((job["error"] as? String)?.contains("--job-timeout") == true, "\(job)")
        #expect(server.temporaryFiles.isEmpty, "left behind: \(server.temporaryFiles)")
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try await server.get("api/v1/jobs/\(id)").status == 404, "dropped after the retention time")
    }
}
