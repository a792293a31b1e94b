import Foundation
import Hummingbird
import Logging
import MesoFaces
import MesoscopeKit

/// The server: the page, the JSON API and `/healthz`, as hummingbird-project/template builds its app.
///
/// `onServerRunning` is told the port actually bound (the tests ask for port 0). The temporary
/// folder is emptied here, before the first request can use it.
public func buildApplication(_ options: ServerOptions, detector: Detector, landmarks: LandmarkModel,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    let folder = try TemporaryFolder(path: options.temporaryDirectory ?? FileManager.default.temporaryDirectory
        .appendingPathComponent("mesoscope-serve-\(options.port)", isDirectory: true).path)
    let analyzers = try (0..<max(1, options.maxConcurrent)).map { _ in try VideoAnalyzer(detector: detector, landmarks: landmarks) }
    let service = DetectionService(options: options, folder: folder,
                                   queue: AnalysisQueue(analyzers: analyzers, queueLimit: max(0, options.queueLimit)),
                                   jobs: JobStore(retention: options.retention))
    var logger = Logger(label: "mesoscope-serve")
    logger.logLevel = .warning
    return Application(router: buildRouter(service, detector: detector),
                       configuration: .init(address: .hostname(options.host, port: options.port), serverName: "mesoscope"),
                       onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? options.port) },
                       logger: logger)
}

/// The routes: `/` and its script and style, `/healthz`, and `/api/v1/...` (docs/api.md).
func buildRouter(_ service: DetectionService, detector: Detector) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/") { _, _ in Page.html.response }
    router.get("/app.js") { _, _ in Page.script.response }
    router.get("/style.css") { _, _ in Page.style.response }
    router.get("/healthz") { _, _ in
        let load = await service.queue.load
        return Response.json(.object([
            ("status", .string("ok")),
            ("model", .string(detector.architecture.rawValue)),
            ("weights", .string(URL(fileURLWithPath: detector.weightsPath).deletingPathExtension().lastPathComponent)),
            ("analyses_running", .integer(load.running)),
            ("analyses_waiting", .integer(load.waiting)),
        ]))
    }
    let api = router.group("api/v1")
    api.post("detect") { request, _ in try await service.detect(request) }
    api.get("jobs/:id") { _, context in
        let id = try context.parameters.require("id")
        guard let job = await service.jobs.job(id) else { throw APIError.noSuchJob(id) }
        return Response.json(job.json)
    }
    api.delete("jobs/:id") { _, context in
        let id = try context.parameters.require("id")
        guard let job = await service.jobs.cancel(id) else { throw APIError.noSuchJob(id) }
        return Response.json(job.json)
    }
    api.get("jobs/:id/crops/:face") { _, context in
        let id = try context.parameters.require("id")
        let face = try context.parameters.require("face")
        guard let job = await service.jobs.job(id) else { throw APIError.noSuchJob(id) }
        let key = face.hasSuffix(".jpg") ? String(face.dropLast(4)) : face
        guard let jpeg = job.crops[key] else {
            throw APIError(status: .notFound,
                           message: "job \(id) has no face \(face): faces are <frame>-<track>.jpg, heat maps <frame>-<track>-heatmap.jpg")
        }
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }
    return router
}
