#pragma once
// C interface to dlib's HOG frontal face detector and 68-point shape predictor.
//
// Swift cannot call C++ templates, so this header exposes a few prefixed functions over plain
// structs. Images are interleaved 8-bit RGB, row-major, width * 3 bytes per row. No C++
// exception ever crosses this boundary: failures return NULL or a negative count, and
// cdlib_last_error() says why.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A rectangle in dlib's convention: left, top, right, bottom, all inclusive.
typedef struct cdlib_rect {
    long left;
    long top;
    long right;
    long bottom;
} cdlib_rect;

typedef struct cdlib_detector cdlib_detector;
typedef struct cdlib_shape_model cdlib_shape_model;

/// The message of the last failure on this thread ("" if none); valid until the next call.
const char *cdlib_last_error(void);

/// dlib::get_frontal_face_detector(); NULL on failure. Not safe to share between threads.
cdlib_detector *cdlib_detector_create(void);
void cdlib_detector_free(cdlib_detector *detector);

/// Runs the HOG detector on the RGB image after `upsample` pyramid_up steps, as
/// face_recognition's number_of_times_to_upsample does, and writes up to `capacity` rectangles
/// in image pixels to `out` (and their detection scores to `scores` unless it is NULL).
/// Returns the number of faces found (which may exceed `capacity`) or -1 on failure.
int cdlib_detect(cdlib_detector *detector, const uint8_t *rgb, int width, int height, int upsample,
                 cdlib_rect *out, double *scores, int capacity);

/// Deserializes a shape predictor file such as shape_predictor_68_face_landmarks.dat; NULL on
/// failure. The model is read-only once loaded and may be shared between threads.
cdlib_shape_model *cdlib_shape_model_load(const char *path);
void cdlib_shape_model_free(cdlib_shape_model *model);

/// The number of landmarks the model predicts (68 for the standard model).
int cdlib_shape_model_parts(const cdlib_shape_model *model);

/// Predicts the model's landmarks for the face in `box` and writes x0, y0, x1, y1, … to `xy`,
/// which must hold 2 * cdlib_shape_model_parts(model) doubles. Returns the number of points
/// written or -1 on failure.
int cdlib_landmarks(const cdlib_shape_model *model, const uint8_t *rgb, int width, int height,
                    cdlib_rect box, double *xy);

#ifdef __cplusplus
}
#endif
