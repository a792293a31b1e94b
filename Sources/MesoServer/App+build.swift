import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MesoFaces
import MesoscopeKit

/// The server: the page, the JSON API and `/healthz`, as hummingbird-project/template builds its app.
///
/// `onServerRunning` is told the port actually bound (the tests ask for port 0). The server's
/// temporary folder is made here and deleted, with whatever is left in it, when the server stops.
public func buildApplication(_ options: ServerOptions, detector: Detector, landmarks: LandmarkModel,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    let analyzers = try (0..<max(1, options.maxConcurrent)).map { _ in try VideoAnalyzer(detector: detector, landmarks: landmarks) }
    let folder = try TemporaryFolder(inside: options.temporaryDirectory ?? FileManager.default.temporaryDirectory.path)
    let service = DetectionService(options: options, folder: folder,
                                   queue: AnalysisQueue(analyzers: analyzers, queueLimit: max(0, options.queueLimit)),
                                   jobs: JobStore(retention: options.retention))
    var logger = Logger(label: "mesoscope-serve")
    logger.logLevel = .warning
    let connections = ConnectionCount(limit: options.maxConnections)
    return Application(router: buildRouter(service, detector: detector),
                       server: HTTPServerBuilder { responder in
                           LimitedHTTP1Channel(responder: responder, idleTimeout: options.idleTimeout, connections: connections)
                       },
                       configuration: .init(address: .hostname(options.host, port: options.port), serverName: "mesoscope"),
                       services: [folder],
                       onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? options.port) },
                       logger: logger)
}

/// The routes: `/` and its script and style, `/healthz`, and `/api/v1/...` (docs/api.md). Every
/// error is the API's JSON, an unknown path's 404 and a known path's 405 included.
func buildRouter(_ service: DetectionService, detector: Detector) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: UnknownRouteMiddleware())
    router.route("/", [.get: { _, _ in Page.html.response }])
    router.route("/app.js", [.get: { _, _ in Page.script.response }])
    router.route("/style.css", [.get: { _, _ in Page.style.response }])
    router.route("/healthz", [.get: { _, _ in
        let load = await service.queue.load
        return Response.json(.object([
            ("status", .string("ok")),
            ("model", .string(detector.architecture.rawValue)),
            ("weights", .string(URL(fileURLWithPath: detector.weightsPath).deletingPathExtension().lastPathComponent)),
            ("analyses_running", .integer(load.running)),
            ("analyses_waiting", .integer(load.waiting)),
        ]))
    }])
    router.route("/api/v1/detect", [.post: { request, _ in try await service.detect(request) }])
    router.route("/api/v1/jobs/:id", [
        .get: { _, context in
            let id = try context.parameters.require("id")
            guard let job = await service.jobs.job(id) else { throw APIError.noSuchJob(id) }
            return Response.json(job.json)
        },
        .delete: { _, context in
            let id = try context.parameters.require("id")
            guard let job = await service.jobs.cancel(id) else { throw APIError.noSuchJob(id) }
            return Response.json(job.json)
        },
    ])
    router.route("/api/v1/jobs/:id/crops/:face", [.get: { _, context in
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
    }])
    return router
}
