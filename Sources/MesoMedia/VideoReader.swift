import CFFmpeg
import Foundation

/// Decodes a video's frames to upright RGB, one at a time, with libavformat, libavcodec and
/// libswscale. This file is the only place MesoMedia decodes with libav*; its pointers stay here.
///
/// Memory stays bounded: frames are decoded as a stream and only the current one is held, so
/// an hour-long video costs no more than a short one. Not thread-safe; open one reader per
/// video (libavcodec is told to use one thread, since the app parallelises across videos).
public final class VideoReader {
    public let info: VideoInfo
    private let path: String
    private let context: Context
    private let streamIndex: Int32
    /// The stream's time base, seconds per timestamp tick.
    private let timeBase: Double
    /// The first frame's time in seconds, which is frame 0.
    private let startSeconds: Double
    /// True when ``VideoInfo/frameCount`` is the container's own count, so a stream that ends
    /// sooner was cut off; false when it is estimated from the duration and may simply be wrong.
    private let frameCountIsExact: Bool

    /// The index the next decoded frame is expected to have: one past the last one decoded.
    private var position = 0
    /// Whether decoded frames carry timestamps; until the first frame is seen, unknown.
    private var hasTimestamps: Bool?
    /// The demuxer reached the end and the decoder was told to drain.
    private var draining = false
    /// The highest frame index among the packets read, to tell a cut-off file at its end.
    private var lastPacketIndex = -1
    /// How many times ``forEachFrame(at:_:)`` has sought; tests check that seeking happened.
    private(set) var seekCount = 0
    /// Whether any frame has been decoded since the file was opened (seeking does not reset it).
    private var decodedAny = false

    /// The most frames a header may claim: 100 million, over 40 days at 25 frames per second.
    public static let maximumFrameCount = 100_000_000

    /// Opens the video at `path` and reads its header; no frame is decoded yet.
    public init(contentsOf path: String) throws(MediaError) {
        self.path = path
        try Self.checkFile(path)
        context = Context()
        guard context.packet != nil, context.frame != nil else {
            throw MediaError(code: .tooLarge, path: path, message: "out of memory opening the video")
        }
        _ = libavLogging
        var format: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&format, path, nil, nil)
        guard opened >= 0, let format else {
            if opened == -ENOENT || opened == -EACCES { throw ImageDecoder.openFailure(errno: -opened, path: path) }
            throw MediaError(code: .notAVideo, path: path,
                             message: "not a video file libavformat recognises (\(Self.describe(opened))); "
                                 + "Mesoscope reads MP4, MOV, MKV, WebM, AVI and other common formats")
        }
        context.format = format
        let probed = avformat_find_stream_info(format, nil)
        guard probed >= 0 else {
            throw MediaError(code: .corrupt, path: path,
                             message: "cannot read the video's streams (\(Self.describe(probed))); the file may be damaged")
        }
        guard format.pointee.nb_streams > 0 else {
            throw MediaError(code: .corrupt, path: path,
                             message: "the container holds no streams at all; the file is cut off or damaged")
        }
        var codec: UnsafePointer<AVCodec>?
        let found = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
        guard found >= 0, let stream = format.pointee.streams[Int(found)],
              stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
        else {
            if found == cffmpeg_error_decoder_not_found() {
                throw MediaError(code: .unsupported, path: path,
                                 message: "a video in a codec this FFmpeg build cannot decode; convert it to H.264 MP4 first")
            }
            throw MediaError(code: .notAVideo, path: path, message: "the file has no video stream (audio only, or subtitles)")
        }
        guard let codec else { preconditionFailure("av_find_best_stream found a stream without its decoder") }
        streamIndex = found
        let parameters = stream.pointee.codecpar.pointee
        let codedWidth = Int(parameters.width)
        let codedHeight = Int(parameters.height)
        guard codedWidth > 0, codedHeight > 0 else {
            throw MediaError(code: .corrupt, path: path, message: "the video stream has no frame size; the file may be damaged")
        }
        guard codedWidth * codedHeight <= ImageDecoder.maximumPixelCount else {
            throw ImageDecoder.tooLarge(width: codedWidth, height: codedHeight, format: "video", path: path)
        }
        try Self.openDecoder(codec, stream: stream, into: context, path: path)

        timeBase = av_q2d(stream.pointee.time_base)
        let start = stream.pointee.start_time
        startSeconds = start == cffmpeg_no_pts() ? 0 : Double(start) * timeBase
        let fps = Self.frameRate(stream)
        guard fps > 0 else {
            throw MediaError(code: .unsupported, path: path, message: "the video stream has no frame rate")
        }
        guard (1e-3...1e6).contains(fps), timeBase > 0, timeBase.isFinite else {
            throw MediaError(code: .corrupt, path: path,
                             message: "the header gives a frame rate of \(fps) and a time base of \(timeBase); the file is damaged")
        }
        let duration: Double =
            if stream.pointee.duration != cffmpeg_no_pts() { Double(stream.pointee.duration) * timeBase }
            else if format.pointee.duration != cffmpeg_no_pts() { Double(format.pointee.duration) / Double(AV_TIME_BASE) }
            else { 0 }
        frameCountIsExact = stream.pointee.nb_frames > 0
        let frameCount = frameCountIsExact ? Double(stream.pointee.nb_frames) : (duration * fps).rounded()
        // A header's counts are whatever the file says: refused before they size any array.
        guard frameCount.isFinite, (0...Double(Self.maximumFrameCount)).contains(frameCount) else {
            throw MediaError(code: .corrupt, path: path,
                             message: "the header claims \(frameCount) frames, more than any real video holds; the file is damaged")
        }
        let rotation = Self.rotation(stream)
        let sideways = rotation % 180 != 0
        info = VideoInfo(width: sideways ? codedHeight : codedWidth, height: sideways ? codedWidth : codedHeight,
                         frameCount: Int(frameCount), fps: fps, duration: duration, rotation: rotation,
                         codec: String(cString: avcodec_get_name(parameters.codec_id)))
    }

    /// Calls `body` with each frame whose index is in `indices`, in order, decoding as a stream.
    ///
    /// `indices` must be ascending without repeats. Far-ahead frames are reached by seeking to the
    /// keyframe before them and decoding forward, which gives the same pixels as decoding every
    /// frame. A frame is delivered for each wanted index that the stream reaches; where frames are
    /// missing (variable frame rate), the next frame after the index stands in, with its own
    /// ``VideoFrame/index``. If the video ends before an index (the header overstated its length),
    /// the calls simply stop. Decoding errors and a file cut off mid-stream throw ``MediaError``
    /// after the frames before them were delivered; `body`'s own errors are rethrown.
    public func forEachFrame(at indices: [Int], _ body: (VideoFrame) throws -> Void) throws {
        precondition(indices.allSatisfy { $0 >= 0 }, "frame indices cannot be negative")
        precondition(zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 },
                     "frame indices must be ascending without repeats")
        var remaining = indices[...]
        while let target = remaining.first {
            var index: Int?
            if target < position || shouldSeekForward(to: target) {
                try seek(toward: target, rewind: target < position && hasTimestamps != true)
                index = try decodeFrame()
                if let landed = index, landed > target {
                    // The keyframe found is displayed after the target: start over from the beginning.
                    try seek(toward: 0, rewind: true)
                    index = try decodeFrame()
                }
            } else {
                index = try decodeFrame()
            }
            while let current = index, current < target { index = try decodeFrame() }
            guard let index else { return }
            while let next = remaining.first, next <= index { remaining.removeFirst() }
            try body(VideoFrame(index: index, time: Double(index) / info.fps, image: try convertFrame()))
        }
    }

    /// Calls `body` with every frame from the first, as for ``forEachFrame(at:_:)``.
    public func forEachFrame(_ body: (VideoFrame) throws -> Void) throws {
        if position > 0 { try seek(toward: 0, rewind: true) }
        while let index = try decodeFrame() {
            try body(VideoFrame(index: index, time: Double(index) / info.fps, image: try convertFrame()))
        }
    }

    // MARK: - Decoding

    /// Decodes the next frame into `context.frame` and returns its index, or nil at the end.
    private func decodeFrame() throws(MediaError) -> Int? {
        let decoder = context.decoder!
        let frame = context.frame!
        while true {
            let received = avcodec_receive_frame(decoder, frame)
            if received == 0 {
                decodedAny = true
                return indexOfDecodedFrame()
            }
            if received == cffmpeg_error_eof() {
                try checkAnyDecoded()
                try checkComplete()
                return nil
            }
            guard received == cffmpeg_error_again() else { throw decodingError(received) }
            if draining {
                try checkAnyDecoded()
                return nil
            }
            try sendPacket()
        }
    }

    /// Reads the next packet of the video stream and gives it to the decoder; at the end of the
    /// file, tells the decoder to drain instead.
    private func sendPacket() throws(MediaError) {
        let packet = context.packet!
        while true {
            let read = av_read_frame(context.format, packet)
            if read == cffmpeg_error_eof() {
                draining = true
                _ = avcodec_send_packet(context.decoder, nil)
                return
            }
            guard read >= 0 else { throw decodingError(read) }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            if packet.pointee.pts != cffmpeg_no_pts() {
                lastPacketIndex = max(lastPacketIndex, index(ofTimestamp: packet.pointee.pts))
            }
            let sent = avcodec_send_packet(context.decoder, packet)
            guard sent >= 0 else { throw decodingError(sent) }
            return
        }
    }

    /// The decoded frame's index, from its timestamp when it has one, else by counting.
    private func indexOfDecodedFrame() -> Int {
        let timestamp = context.frame!.pointee.best_effort_timestamp
        if hasTimestamps == nil { hasTimestamps = timestamp != cffmpeg_no_pts() }
        let index = hasTimestamps! && timestamp != cffmpeg_no_pts() ? index(ofTimestamp: timestamp) : position
        position = index + 1
        return index
    }

    private func index(ofTimestamp timestamp: Int64) -> Int {
        // A damaged stream's timestamps can be anything: clamped before the conversion can trap.
        let index = ((Double(timestamp) * timeBase - startSeconds) * info.fps).rounded()
        return index.isFinite ? Int(max(-1e15, min(1e15, index))) : 0
    }

    /// At the end of the stream: a file that the container says holds more frames than the demuxer
    /// found packets for was cut off. (Only a container's exact count can say so.)
    private func checkComplete() throws(MediaError) {
        guard frameCountIsExact, lastPacketIndex >= 0, lastPacketIndex + 1 < info.frameCount else { return }
        throw MediaError(code: .truncated, path: path,
                         message: "the video stops at frame \(lastPacketIndex + 1) of the \(info.frameCount) its header "
                             + "lists; the file was cut off, so download or copy it again")
    }

    /// At the end of the stream: one that ends without a single decodable frame is damaged (a
    /// corrupt sample table gives no packets at all), and must not pass for a video without faces.
    private func checkAnyDecoded() throws(MediaError) {
        guard !decodedAny else { return }
        throw MediaError(code: .corrupt, path: path,
                         message: "no frame of the video can be decoded (its header lists \(info.frameCount)); the file is damaged")
    }

    /// The error for a failed read or decode. When the demuxer has read to the end of the file,
    /// the damage is a cut-off file: the last packet was short.
    private func decodingError(_ code: Int32) -> MediaError {
        if let io = context.format!.pointee.pb, io.pointee.eof_reached != 0 {
            return MediaError(code: .truncated, path: path,
                              message: "the video data stops at frame \(position) (\(Self.describe(code))); "
                                  + "the file was cut off, so download or copy it again")
        }
        return MediaError(code: .corrupt, path: path,
                          message: "cannot decode the video at frame \(position) (\(Self.describe(code))); the file is damaged")
    }

    // MARK: - Seeking
    /// Whether seeking gets to `target` sooner than decoding on: true when the keyframe before it
    /// lies past the current position. Without a seek index, when it is more than 2 s ahead.
    private func shouldSeekForward(to target: Int) -> Bool {
        guard hasTimestamps == true, target > position else { return false }
        let stream = context.format!.pointee.streams[Int(streamIndex)]!
        if avformat_index_get_entries_count(stream) > 0 {
            guard let keyframe = avformat_index_get_entry_from_timestamp(stream, seekTimestamp(for: target),
                                                                         AVSEEK_FLAG_BACKWARD)
            else { return false }
            return index(ofTimestamp: keyframe.pointee.timestamp) > position
        }
        return Double(target - position) > 2 * info.fps
    }

    /// The timestamp to seek to for `target`: half a frame before it, less the decoder's reordering
    /// delay, so that the keyframe found is displayed at or before the target.
    private func seekTimestamp(for target: Int) -> Int64 {
        let margin = 0.5 + Double(context.decoder!.pointee.has_b_frames)
        let seconds = startSeconds + (Double(target) - margin) / info.fps
        return Int64((seconds / timeBase).rounded(.down))
    }

    /// Seeks to the keyframe at or before `target` (with `rewind`, to the start of the stream) and
    /// resets the decoder, so that decoding resumes from there.
    private func seek(toward target: Int, rewind: Bool) throws(MediaError) {
        let start = Int64((startSeconds / timeBase).rounded())
        let timestamp = rewind ? start : max(start, seekTimestamp(for: target))
        let sought = av_seek_frame(context.format, streamIndex, timestamp, AVSEEK_FLAG_BACKWARD)
        if sought < 0, !rewind {
            try seek(toward: 0, rewind: true)
            return
        }
        guard sought >= 0 else {
            throw MediaError(code: .unsupported, path: path,
                             message: "cannot seek back in the video (\(Self.describe(sought))); open it again to reread it")
        }
        avcodec_flush_buffers(context.decoder)
        draining = false
        position = 0
        if rewind { hasTimestamps = nil }
        seekCount += 1
    }

    // MARK: - Conversion

    /// The decoded frame as upright RGB: libswscale converts from the decoder's pixel format, using
    /// the frame's colour matrix and range as FFmpeg's own tools do, then the display rotation applies.
    private func convertFrame() throws(MediaError) -> RGBImage {
        let frame = context.frame!.pointee
        let width = Int(frame.width)
        let height = Int(frame.height)
        guard width > 0, height > 0, width * height <= ImageDecoder.maximumPixelCount else {
            throw ImageDecoder.tooLarge(width: width, height: height, format: "video frame", path: path)
        }
        // Bicubic is FFmpeg's default, so the pixels match what its command-line tools produce.
        context.scaler = sws_getCachedContext(context.scaler, frame.width, frame.height, AVPixelFormat(frame.format),
                                              frame.width, frame.height, AV_PIX_FMT_RGB24, SWS_BICUBIC, nil, nil, nil)
        guard let scaler = context.scaler else {
            throw MediaError(code: .unsupported, path: path,
                             message: "cannot convert the video's pixel format \(frame.format) to RGB")
        }
        let fullRange: Int32 = frame.color_range == AVCOL_RANGE_JPEG ? 1 : 0
        _ = sws_setColorspaceDetails(scaler, sws_getCoefficients(Int32(frame.colorspace.rawValue)), fullRange,
                                     sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        let rowBytes = width * 3
        var sourceData = frame.data
        var sourceLines = frame.linesize
        let pixels = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { buffer, count in
            var target: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            var targetLine = Int32(rowBytes)
            withUnsafePointer(to: &sourceData) { data in
                withUnsafePointer(to: &sourceLines) { lines in
                    data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { data in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { lines in
                            _ = sws_scale(scaler, data, lines, 0, frame.height, &target, &targetLine)
                        }
                    }
                }
            }
            count = rowBytes * height
        }
        return RGBImage(width: width, height: height, pixels: pixels).rotatedClockwise(info.rotation)
    }

    // MARK: - Opening

    /// Refuses a missing, unreadable, empty or irregular file (a folder, FIFO or device) with its
    /// own message, before libavformat turns them into "invalid data" or blocks opening a FIFO.
    private static func checkFile(_ path: String) throws(MediaError) {
        let file = try InputFile(path, expected: "a video")
        if file.size == 0 {
            throw MediaError(code: .empty, path: path,
                             message: "the file is empty (0 bytes); it was probably not fully written, downloaded or copied")
        }
    }

    private static func openDecoder(_ codec: UnsafePointer<AVCodec>, stream: UnsafeMutablePointer<AVStream>,
                                    into context: Context, path: String) throws(MediaError) {
        guard let decoder = avcodec_alloc_context3(codec) else {
            throw MediaError(code: .tooLarge, path: path, message: "out of memory opening the video decoder")
        }
        context.decoder = decoder
        var status = avcodec_parameters_to_context(decoder, stream.pointee.codecpar)
        if status >= 0 {
            decoder.pointee.thread_count = 1
            decoder.pointee.pkt_timebase = stream.pointee.time_base
            status = avcodec_open2(decoder, codec, nil)
        }
        guard status >= 0 else {
            throw MediaError(code: .corrupt, path: path,
                             message: "cannot open the \(String(cString: codec.pointee.name)) decoder (\(describe(status)))")
        }
    }

    /// Average frame rate, else the stream's base rate; 0 if neither is known.
    private static func frameRate(_ stream: UnsafeMutablePointer<AVStream>) -> Double {
        for rate in [stream.pointee.avg_frame_rate, stream.pointee.r_frame_rate] where rate.num > 0 && rate.den > 0 {
            return av_q2d(rate)
        }
        return 0
    }

    /// Degrees clockwise to turn the frames for display: from the display matrix, else from the
    /// "rotate" tag older muxers wrote. (A matrix's mirroring, which phones do not write, is ignored.)
    private static func rotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        var degrees = 0.0
        if let matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nil) {
            // av_display_rotation_get is counter-clockwise.
            let angle = matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
            if angle.isFinite { degrees = -angle }
        } else if let tag = av_dict_get(stream.pointee.metadata, "rotate", nil, 0),
                  let value = Double(String(cString: tag.pointee.value)) {
            degrees = value
        }
        let quarter = Int((degrees / 90).rounded())
        return ((quarter % 4 + 4) % 4) * 90
    }

    static func describe(_ code: Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(AV_ERROR_MAX_STRING_SIZE)) {
            String(cString: cffmpeg_error_string(code, $0.baseAddress!))
        }
    }
}

/// The libav* objects of one open video. Freeing them here also cleans up after a failed open.
private final class Context {
    var format: UnsafeMutablePointer<AVFormatContext>?
    var decoder: UnsafeMutablePointer<AVCodecContext>?
    var packet: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
    var frame: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
    var scaler: OpaquePointer?

    deinit {
        sws_freeContext(scaler)
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&decoder)
        avformat_close_input(&format)
    }
}

/// libav* logs its complaints to stderr; MesoMedia reports failures as ``MediaError`` instead,
/// so libav* is silenced once, on first use.
let libavLogging: Void = av_log_set_level(AV_LOG_QUIET)
