import CFFmpeg
import Foundation

/// Writes RGB frames to an MP4 file, for annotated copies of analysed videos. This file is the
/// only place MesoMedia encodes with libav*; its pointers stay here.
///
/// H.264 through libx264 (CRF 20, preset veryfast) when FFmpeg has it, else MPEG-4 Part 2, which
/// every FFmpeg build has. A keyframe every 2 seconds keeps the copy quick to seek in players.
/// The file is written under a temporary name beside `path` and renamed by ``finish()``, so an
/// interrupted run never leaves a half-written video under the final name.
public final class VideoWriter {
    private let path: String
    private let temporaryPath: String
    private let width: Int
    private let height: Int
    private let context: WriterContext
    private var frameCount: Int64 = 0
    private var finished = false

    /// Starts an MP4 of `width`×`height` frames at `fps`. `rotation` (0, 90, 180 or 270) is stored
    /// as display metadata: players, and ``VideoReader``, turn the frames that many degrees
    /// clockwise. YUV 4:2:0 needs even sizes, so an odd width or height is padded by one pixel,
    /// a copy of the last column or row; the file is then one pixel wider or taller.
    public init(path: String, width: Int, height: Int, fps: Double, rotation: Int = 0) throws(MediaError) {
        precondition(width > 0 && height > 0, "a video needs at least one pixel, not \(width)×\(height)")
        precondition(fps > 0 && fps.isFinite, "a video needs a positive frame rate, not \(fps)")
        precondition(rotation % 90 == 0, "rotation must be a multiple of 90°, not \(rotation)")
        guard width * height <= ImageDecoder.maximumPixelCount else {
            throw ImageDecoder.tooLarge(width: width, height: height, format: "video", path: path)
        }
        self.path = path
        self.width = width
        self.height = height
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).partial").path
        context = WriterContext()
        _ = libavLogging

        var format: UnsafeMutablePointer<AVFormatContext>?
        _ = avformat_alloc_output_context2(&format, nil, "mp4", temporaryPath)
        context.format = format
        guard let format, context.packet != nil, context.frame != nil else {
            throw Self.failure("cannot set up the MP4 muxer", path: path)
        }

        guard let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_MPEG4),
              let encoder = avcodec_alloc_context3(codec)
        else { throw Self.failure("this FFmpeg build has neither an H.264 nor an MPEG-4 encoder", path: path) }
        context.encoder = encoder
        let frameRate = av_d2q(fps, 100_000)
        encoder.pointee.width = Int32(width + width % 2)
        encoder.pointee.height = Int32(height + height % 2)
        encoder.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        encoder.pointee.framerate = frameRate
        encoder.pointee.time_base = av_inv_q(frameRate)
        encoder.pointee.gop_size = Int32(max(1, (2 * fps).rounded()))
        encoder.pointee.thread_count = 1
        if String(cString: codec.pointee.name) == "libx264" {
            av_opt_set(encoder.pointee.priv_data, "crf", "20", 0)
            av_opt_set(encoder.pointee.priv_data, "preset", "veryfast", 0)
        } else {
            // MPEG-4 at fixed quantiser 3: about as faithful as CRF 20 H.264, in bigger files.
            encoder.pointee.flags |= AV_CODEC_FLAG_QSCALE
            encoder.pointee.global_quality = FF_QP2LAMBDA * 3
        }
        if format.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            encoder.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        var status = avcodec_open2(encoder, codec, nil)
        guard status >= 0 else { throw Self.failure("cannot open the encoder", status, path: path) }

        guard let stream = avformat_new_stream(format, nil) else { throw Self.failure("cannot add a stream", path: path) }
        stream.pointee.time_base = encoder.pointee.time_base
        stream.pointee.avg_frame_rate = frameRate
        status = avcodec_parameters_from_context(stream.pointee.codecpar, encoder)
        guard status >= 0 else { throw Self.failure("cannot describe the stream", status, path: path) }
        if rotation % 360 != 0 {
            guard let matrix = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * 4) else {
                throw Self.failure("cannot store the rotation", path: path)
            }
            // The matrix a phone writes for a clockwise turn (portrait iPhone video: [0 1; −1 0]),
            // built by hand: in FFmpeg 5.1 av_display_rotation_get(av_display_rotation_set(a)) is −a,
            // and the reader follows av_display_rotation_get, as FFmpeg's own tools do.
            let (cosine, sine): (Int32, Int32) = switch (rotation / 90 % 4 + 4) % 4 {
            case 1: (0, 1)
            case 2: (-1, 0)
            case 3: (0, -1)
            default: (1, 0)
            }
            let values: [Int32] = [cosine << 16, sine << 16, 0, -sine << 16, cosine << 16, 0, 0, 0, 1 << 30]
            matrix.withMemoryRebound(to: Int32.self, capacity: 9) { matrix in
                for (i, value) in values.enumerated() { matrix[i] = value }
            }
        }

        let frame = context.frame!
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointee.width = encoder.pointee.width
        frame.pointee.height = encoder.pointee.height
        status = av_frame_get_buffer(frame, 0)
        guard status >= 0 else { throw Self.failure("cannot allocate a frame", status, path: path) }
        context.scaler = sws_getContext(encoder.pointee.width, encoder.pointee.height, AV_PIX_FMT_RGB24,
                                        encoder.pointee.width, encoder.pointee.height, AV_PIX_FMT_YUV420P,
                                        SWS_BICUBIC, nil, nil, nil)
        guard context.scaler != nil else { throw Self.failure("cannot set up the RGB to YUV conversion", path: path) }

        status = avio_open(&format.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
        guard status >= 0 else {
            throw MediaError(code: .unreadable, path: path,
                             message: "cannot create the video file beside it (\(VideoReader.describe(status))); "
                                 + "check that the folder exists and is writable")
        }
        context.temporaryPath = temporaryPath
        status = avformat_write_header(format, nil)
        guard status >= 0 else { throw Self.failure("cannot write the MP4 header", status, path: path) }
    }

    /// Appends one frame, which must be `width`×`height` as given to the initialiser.
    public func write(_ image: RGBImage) throws(MediaError) {
        precondition(!finished, "VideoWriter.write after finish()")
        precondition(image.width == width && image.height == height,
                     "a \(width)×\(height) video cannot take a \(image.width)×\(image.height) frame")
        let frame = context.frame!
        var status = av_frame_make_writable(frame)
        guard status >= 0 else { throw Self.failure("cannot reuse the frame buffer", status, path: path) }
        let padded = paddedToEven(image)
        var sourceLine = Int32(padded.width * 3)
        padded.pixels.withUnsafeBufferPointer { pixels in
            var source: UnsafePointer<UInt8>? = pixels.baseAddress
            withUnsafePointer(to: &frame.pointee.data) { data in
                withUnsafePointer(to: &frame.pointee.linesize) { lines in
                    data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { data in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { lines in
                            _ = sws_scale(context.scaler, &source, &sourceLine, 0, Int32(padded.height), data, lines)
                        }
                    }
                }
            }
        }
        frame.pointee.pts = frameCount
        frameCount += 1
        status = avcodec_send_frame(context.encoder, frame)
        guard status >= 0 else { throw Self.failure("cannot encode frame \(frameCount - 1)", status, path: path) }
        try writePackets()
    }

    /// Flushes the encoder, completes the MP4 and moves it to `path`. Without it the video is discarded.
    public func finish() throws(MediaError) {
        precondition(!finished, "VideoWriter.finish called twice")
        finished = true
        let status = avcodec_send_frame(context.encoder, nil)
        guard status >= 0 else { throw Self.failure("cannot flush the encoder", status, path: path) }
        try writePackets()
        let trailer = av_write_trailer(context.format)
        guard trailer >= 0 else { throw Self.failure("cannot write the MP4 index", trailer, path: path) }
        let closed = avio_closep(&context.format!.pointee.pb)
        guard closed >= 0 else { throw Self.failure("cannot finish writing the file", closed, path: path) }
        guard rename(temporaryPath, path) == 0 else {
            throw MediaError(code: .encodingFailed, path: path,
                             message: "cannot move the finished video into place: \(String(cString: strerror(errno)))")
        }
        context.temporaryPath = nil
    }

    /// Moves every packet the encoder has ready into the file.
    private func writePackets() throws(MediaError) {
        let packet = context.packet!
        let stream = context.format!.pointee.streams[0]!
        while true {
            let received = avcodec_receive_packet(context.encoder, packet)
            if received == cffmpeg_error_again() || received == cffmpeg_error_eof() { return }
            guard received >= 0 else { throw Self.failure("the encoder failed", received, path: path) }
            if packet.pointee.duration == 0 { packet.pointee.duration = 1 }
            av_packet_rescale_ts(packet, context.encoder!.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            let written = av_interleaved_write_frame(context.format, packet)
            guard written >= 0 else { throw Self.failure("cannot write to the file", written, path: path) }
        }
    }

    /// `image` with its last column and/or row repeated to make both sides even, as YUV 4:2:0 needs.
    private func paddedToEven(_ image: RGBImage) -> RGBImage {
        if width % 2 == 0 && height % 2 == 0 { return image }
        let paddedWidth = width + width % 2
        var pixels: [UInt8] = []
        pixels.reserveCapacity(paddedWidth * (height + 1) * 3)
        for row in 0..<height {
            let start = row * width * 3
            pixels.append(contentsOf: image.pixels[start..<(start + width * 3)])
            if width % 2 == 1 { pixels.append(contentsOf: image.pixels[(start + width * 3 - 3)..<(start + width * 3)]) }
        }
        if height % 2 == 1 { pixels.append(contentsOf: pixels[(pixels.count - paddedWidth * 3)...]) }
        return RGBImage(width: paddedWidth, height: height + height % 2, pixels: pixels)
    }

    private static func failure(_ what: String, _ code: Int32? = nil, path: String) -> MediaError {
        let detail = code.map { " (\(VideoReader.describe($0)))" } ?? ""
        return MediaError(code: .encodingFailed, path: path, message: "\(what)\(detail) while writing the video")
    }
}

/// The libav* objects of one video being written, and its temporary file until it is renamed.
/// Freeing them here also cleans up after a failed open or an abandoned writer.
private final class WriterContext {
    var format: UnsafeMutablePointer<AVFormatContext>?
    var encoder: UnsafeMutablePointer<AVCodecContext>?
    var packet: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
    var frame: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
    var scaler: OpaquePointer?
    /// Set while the temporary file exists and has not been renamed into place.
    var temporaryPath: String?

    deinit {
        sws_freeContext(scaler)
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&encoder)
        if let format {
            if format.pointee.pb != nil { avio_closep(&format.pointee.pb) }
            avformat_free_context(format)
        }
        if let temporaryPath { unlink(temporaryPath) }
    }
}
