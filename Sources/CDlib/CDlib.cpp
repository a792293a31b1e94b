// The C interface in CDlib.h over dlib's C++ API.
//
// The caller's RGB bytes are handed to dlib in place, as an image of rgb_pixel (same byte layout)
// through dlib's generic image interface, rather than converted to grey: dlib's HOG takes the
// strongest gradient over the three channels of an RGB image and the shape predictor averages
// them, exactly as face_recognition calls them with numpy RGB arrays.

#include "CDlib.h"

#include <cstdio>
#include <exception>
#include <vector>

// Debian's dlib/config.h turns on BLAS and LAPACK, which would make the header templates
// instantiated here call cblas_dgemm and dgesvd_ directly and need -lblas -llapack at link time
// (Debian ships no unversioned libblas.so to link). The shape predictor's 2×2 similarity
// transforms do not need them, so use dlib's own code. config.h has no include guard and is
// included only by these two guarded headers: include them first, then undefine.
#include <dlib/assert.h>
#include <dlib/test_for_odr_violations.h>
#undef DLIB_USE_BLAS
#undef DLIB_USE_LAPACK

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/serialize.h>

struct cdlib_detector {
    dlib::frontal_face_detector detector;
};

struct cdlib_shape_model {
    dlib::shape_predictor predictor;
};

namespace {

thread_local char last_error[512] = "";

void set_error(const char *what) {
    std::snprintf(last_error, sizeof last_error, "%s", what);
}

// Runs `body`, turning any C++ exception into `failure` plus a message for cdlib_last_error().
template <typename Result, typename Body>
Result guarded(Result failure, Body body) {
    try {
        last_error[0] = '\0';
        return body();
    } catch (const std::exception &error) {
        set_error(error.what());
    } catch (...) {
        set_error("unknown C++ exception in dlib");
    }
    return failure;
}

} // namespace

namespace cdlib {

static_assert(sizeof(dlib::rgb_pixel) == 3, "rgb_pixel must be three bytes R, G, B");

// A read-only view of interleaved RGB bytes as a dlib image (dlib's generic image interface).
struct rgb_view {
    const uint8_t *data;
    long rows;
    long columns;
};

inline long num_rows(const rgb_view &view) { return view.rows; }
inline long num_columns(const rgb_view &view) { return view.columns; }
inline long width_step(const rgb_view &view) { return view.columns * 3; }
inline const void *image_data(const rgb_view &view) { return view.data; }

} // namespace cdlib

namespace dlib {
template <> struct image_traits<cdlib::rgb_view> {
    typedef rgb_pixel pixel_type;
};
} // namespace dlib

extern "C" const char *cdlib_last_error(void) { return last_error; }

extern "C" cdlib_detector *cdlib_detector_create(void) {
    return guarded<cdlib_detector *>(nullptr, [] {
        // get_frontal_face_detector() decodes and deserializes the model, about 0.4 s: do it
        // once (C++ makes the static's initialisation thread-safe) and hand out copies.
        static const dlib::frontal_face_detector prototype = dlib::get_frontal_face_detector();
        return new cdlib_detector{prototype};
    });
}

extern "C" void cdlib_detector_free(cdlib_detector *detector) { delete detector; }

extern "C" int cdlib_detect(cdlib_detector *detector, const uint8_t *rgb, int width, int height, int upsample,
                            cdlib_rect *out, double *scores, int capacity) {
    if (!detector || !rgb || width <= 0 || height <= 0 || upsample < 0 || capacity < 0) {
        set_error("cdlib_detect: invalid arguments");
        return -1;
    }
    return guarded(-1, [&] {
        const cdlib::rgb_view view{rgb, height, width};
        // As dlib's Python binding does: upsample with the pyramid the detector scans with,
        // detect, then map the rectangles back down the same number of levels.
        dlib::pyramid_down<2> pyramid;
        std::vector<dlib::rect_detection> detections;
        if (upsample == 0) {
            detector->detector(view, detections, 0.0);
        } else {
            dlib::array2d<dlib::rgb_pixel> image;
            dlib::pyramid_up(view, image, pyramid);
            for (int step = 1; step < upsample; ++step) {
                dlib::pyramid_up(image, pyramid);
            }
            detector->detector(image, detections, 0.0);
        }
        int count = (int)detections.size();
        for (int i = 0; i < count && i < capacity; ++i) {
            dlib::rectangle rect = detections[i].rect;
            for (int step = 0; step < upsample; ++step) {
                rect = pyramid.rect_down(rect);
            }
            out[i] = cdlib_rect{rect.left(), rect.top(), rect.right(), rect.bottom()};
            if (scores) scores[i] = detections[i].detection_confidence;
        }
        return count;
    });
}

extern "C" cdlib_shape_model *cdlib_shape_model_load(const char *path) {
    if (!path) {
        set_error("cdlib_shape_model_load: no path");
        return nullptr;
    }
    return guarded<cdlib_shape_model *>(nullptr, [&] {
        auto *model = new cdlib_shape_model;
        try {
            dlib::deserialize(path) >> model->predictor;
        } catch (...) {
            delete model;
            throw;
        }
        return model;
    });
}

extern "C" void cdlib_shape_model_free(cdlib_shape_model *model) { delete model; }

extern "C" int cdlib_shape_model_parts(const cdlib_shape_model *model) {
    return model ? (int)model->predictor.num_parts() : 0;
}

extern "C" int cdlib_landmarks(const cdlib_shape_model *model, const uint8_t *rgb, int width, int height,
                               cdlib_rect box, double *xy) {
    if (!model || !rgb || !xy || width <= 0 || height <= 0) {
        set_error("cdlib_landmarks: invalid arguments");
        return -1;
    }
    return guarded(-1, [&] {
        const cdlib::rgb_view image{rgb, height, width};
        dlib::rectangle rect(box.left, box.top, box.right, box.bottom);
        dlib::full_object_detection shape = model->predictor(image, rect);
        int parts = (int)shape.num_parts();
        for (int i = 0; i < parts; ++i) {
            xy[2 * i] = (double)shape.part(i).x();
            xy[2 * i + 1] = (double)shape.part(i).y();
        }
        return parts;
    });
}
