import Foundation
import Hummingbird
import MesoData
import MesoMedia
import MesoscopeKit

/// What one finished analysis leaves: the `detect --json` object, and each face's crop with and
/// without its Grad-CAM heat map.
struct AnalysisOutput: Sendable {
    let result: JSONValue
    /// JPEG bytes by ``cropKey(frame:track:heatmap:)``.
    let crops: [String: [UInt8]]

    /// A face is named by its frame and track (a track has at most one face per frame), and
    /// `-heatmap` for the crop under its heat map.
    static func cropKey(frame: Int, track: Int, heatmap: Bool) -> String {
        "\(frame)-\(track)" + (heatmap ? "-heatmap" : "")
    }
}

/// The API's work: take an upload, check what it is, and analyse it as a job.
///
/// A request is admitted to the queue (or refused, 429) from its headers, before its body is
/// stored, so a full server takes no more uploads onto its disk. A photo is answered when its
/// analysis ends; a video is answered at once with its job, which the client polls. Either way
/// the upload's temporary file is removed when the analysis ends, or as soon as the upload is
/// refused.
struct DetectionService: Sendable {
    let options: ServerOptions
    let folder: TemporaryFolder
    let queue: AnalysisQueue
    let jobs: JobStore

    func detect(_ request: Request) async throws -> Response {
        try Upload.checkDeclaredSize(request, limit: options.maxUploadBytes)
        try await queue.admit()
        let upload: Upload
        let job: Job
        do {
            upload = try await Upload.receive(request, limit: options.maxUploadBytes, timeout: options.readTimeout, into: folder)
            do {
                let kind = try await Self.check(upload)
                job = Job(kind: kind, name: upload.name ?? "upload", threshold: options.threshold)
            } catch {
                folder.remove(upload.file)
                throw error
            }
        } catch {
            await queue.withdraw()
            throw error
        }
        await jobs.add(job)
        let analysis = Task { try await analyze(job, upload: upload) }
        guard job.kind == .image else {
            var response = Response.json(job.json, status: .accepted)
            response.headers[.location] = "/api/v1/jobs/\(job.id)"
            return response
        }
        do {
            _ = try await analysis.value
        } catch let error as MediaError {
            throw APIError.unreadable(error.message)
        } catch {
            throw APIError(status: .serviceUnavailable, message: "\(error)")
        }
        return Response.json(await jobs.job(job.id)?.json ?? job.json)
    }

    /// Runs the job's analysis on a free analyzer and records how it ended; the upload's file
    /// is removed whatever happens.
    private func analyze(_ job: Job, upload: Upload) async throws -> AnalysisOutput {
        defer { folder.remove(upload.file) }
        let (options, control, name) = (options, job.control, job.name)
        do {
            let output = try await queue.run { analyzer in
                try control.check()
                control.start(timeout: options.jobTimeout)
                var crops: [String: [UInt8]] = [:]
                let analysis = try analyzer.analyze(
                    upload.file.path, sampling: options.sampling,
                    progress: { done, total in try control.update(done: done, of: total) },
                    scored: { frame, face, _ in
                        // Encoded now, so a job holds ~20 kB per picture instead of a 196 kB bitmap.
                        let heatmap = try analyzer.detector.explain(face.crop).heatmap.overlay(on: face.crop)
                        for (picture, isHeatmap) in [(face.crop, false), (heatmap, true)] {
                            crops[AnalysisOutput.cropKey(frame: frame.index, track: face.track, heatmap: isHeatmap)] =
                                try JPEGEncoder.encode(picture, quality: 90)
                        }
                    })
                return AnalysisOutput(result: analysis.detectJSON(aggregate: options.aggregate,
                                                                  threshold: options.threshold, path: name),
                                      crops: crops)
            }
            await jobs.finish(job.id, .done, result: output)
            return output
        } catch JobStop.cancelled {
            await jobs.finish(job.id, .cancelled, error: "cancelled")
            throw JobStop.cancelled
        } catch let error as MediaError {
            await jobs.finish(job.id, .failed, error: error.message)
            throw error
        } catch {
            await jobs.finish(job.id, .failed, error: "\(error)")
            throw error
        }
    }

    /// Sniffs the upload's first bytes, and opens a video's container, so that an upload that
    /// is not a photo or a readable video is refused before it takes a place in the queue: 415
    /// when the bytes are no known format, 422 when they start as one but cannot be read.
    private static func check(_ upload: Upload) async throws -> MediaKind {
        let path = upload.file.path
        guard upload.size > 0 else { throw APIError.badRequest("the upload is empty (0 bytes)") }
        let start = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: MediaKind.sniffLength) }
        let kind: MediaKind
        do {
            kind = try MediaKind(sniffing: [UInt8](start ?? Data()), path: path)
        } catch where error.code == .unsupported {
            throw APIError.unsupportedType(error.message)
        } catch {
            throw APIError.unreadable(error.message)
        }
        guard kind == .video else { return kind }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                DispatchQueue.global().async { continuation.resume(with: Result { _ = try VideoReader(contentsOf: path) }) }
            }
        } catch let error as MediaError {
            throw APIError.unreadable("it starts as a video but cannot be read: \(error.message)")
        }
        return kind
    }
}
