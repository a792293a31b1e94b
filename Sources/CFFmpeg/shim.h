#pragma once
#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>

// Swift cannot import function-like or cast macros, so the ones MesoMedia needs are wrapped here.

/// AVERROR(EAGAIN): the codec wants input (or output drained) before it can go on.
static inline int cffmpeg_error_again(void) { return AVERROR(EAGAIN); }
/// AVERROR_EOF: end of the input, or a fully drained codec.
static inline int cffmpeg_error_eof(void) { return AVERROR_EOF; }
/// AVERROR_DECODER_NOT_FOUND: the FFmpeg build has no decoder for the stream's codec.
static inline int cffmpeg_error_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t cffmpeg_no_pts(void) { return AV_NOPTS_VALUE; }

/// The text of a libav* error code, like av_err2str (a macro with a compound literal).
/// `buffer` must hold AV_ERROR_MAX_STRING_SIZE bytes.
static inline const char *cffmpeg_error_string(int error, char *buffer) {
    av_strerror(error, buffer, AV_ERROR_MAX_STRING_SIZE);
    return buffer;
}
