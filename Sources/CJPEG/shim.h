// libjpeg-turbo for MesoMedia.
//
// libjpeg reports errors by calling error_exit, which must not return; the usual C answer is
// setjmp/longjmp, which Swift cannot do. So the whole decode, and the whole encode, each live
// in one static inline C function below: it sets the jump point, runs libjpeg, and hands Swift
// plain values back (a status, the size, a malloc'd buffer and a message).

#ifndef MESOSCOPE_CJPEG_SHIM_H
#define MESOSCOPE_CJPEG_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/// Size of the message buffer meso_jpeg_decode writes (libjpeg's JMSG_LENGTH_MAX).
#define MESO_JPEG_MESSAGE_LENGTH 200

/// meso_jpeg_decode's results.
#define MESO_JPEG_OK 0
#define MESO_JPEG_CORRUPT 1
#define MESO_JPEG_TRUNCATED 2
#define MESO_JPEG_TOO_LARGE 3
#define MESO_JPEG_UNSUPPORTED 4
#define MESO_JPEG_NO_MEMORY 5

struct meso_jpeg_error {
    struct jpeg_error_mgr pub; // first, so libjpeg's cinfo->err points at the whole struct
    jmp_buf jump;
    volatile int status; // set just before longjmp: volatile, or the optimiser may not reload it
    char *message;
};

static inline void meso_jpeg_fail(j_common_ptr cinfo, int status) {
    struct meso_jpeg_error *error = (struct meso_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    error->status = status;
    longjmp(error->jump, 1);
}

static inline void meso_jpeg_error_exit(j_common_ptr cinfo) {
    switch (cinfo->err->msg_code) {
    case JERR_IMAGE_TOO_BIG: meso_jpeg_fail(cinfo, MESO_JPEG_TOO_LARGE); break;
    case JERR_BAD_PRECISION: meso_jpeg_fail(cinfo, MESO_JPEG_UNSUPPORTED); break;
    default: meso_jpeg_fail(cinfo, MESO_JPEG_CORRUPT); break;
    }
}

// Warnings (msg_level -1) and trace messages. "Premature end of JPEG file" is where libjpeg
// would pad a cut-off file with grey and carry on; Pillow refuses such a file ("image file is
// truncated"), so it is an error here. Pillow ignores the other warnings (extraneous bytes
// before a marker, and the like) and decodes the image, so they are ignored here too.
static inline void meso_jpeg_emit_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        meso_jpeg_fail(cinfo, MESO_JPEG_TRUNCATED);
    }
}

/// Decodes a whole JPEG held in memory to interleaved 8-bit RGB, as Pillow's
/// Image.open(path).convert("RGB") does: library defaults (JDCT_ISLOW, fancy upsampling),
/// out_color_space = JCS_RGB (greyscale replicated); CMYK and YCCK converted as Pillow does.
///
/// Reads the header first and returns MESO_JPEG_TOO_LARGE, before allocating any pixel
/// memory, when width * height > max_pixels. On MESO_JPEG_OK, *pixels is a malloc'd buffer
/// of width * height * 3 bytes that the caller frees. Otherwise *pixels is NULL and
/// message (MESO_JPEG_MESSAGE_LENGTH bytes) says what went wrong; *width and *height are
/// set as soon as the header has been read.
static inline int meso_jpeg_decode(const unsigned char *data, unsigned long size,
                                   unsigned long long max_pixels, int *width, int *height,
                                   unsigned char **pixels, char *message) {
    struct jpeg_decompress_struct cinfo;
    struct meso_jpeg_error error;
    unsigned char *volatile buffer = NULL;
    unsigned char *volatile cmyk_row = NULL;

    *width = 0;
    *height = 0;
    *pixels = NULL;
    message[0] = '\0';
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&error.pub);
    error.pub.error_exit = meso_jpeg_error_exit;
    error.pub.emit_message = meso_jpeg_emit_message;
    error.status = MESO_JPEG_CORRUPT;
    error.message = message;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(cmyk_row);
        free(buffer);
        return error.status;
    }

    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    if ((unsigned long long)cinfo.image_width * cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return MESO_JPEG_TOO_LARGE;
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    if (!cmyk && cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_YCbCr &&
        cinfo.jpeg_color_space != JCS_RGB) {
        snprintf(message, MESO_JPEG_MESSAGE_LENGTH, "unsupported colour space with %d components",
                 cinfo.num_components);
        jpeg_destroy_decompress(&cinfo);
        return MESO_JPEG_UNSUPPORTED;
    }
    // libjpeg turns YCCK into CMYK; CMYK is converted to RGB below, row by row.
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);

    size_t row_bytes = (size_t)cinfo.output_width * 3;
    buffer = (unsigned char *)malloc(row_bytes * cinfo.output_height);
    if (cmyk) {
        cmyk_row = (unsigned char *)malloc((size_t)cinfo.output_width * 4);
    }
    if (buffer == NULL || (cmyk && cmyk_row == NULL)) {
        snprintf(message, MESO_JPEG_MESSAGE_LENGTH, "out of memory for %u x %u pixels",
                 cinfo.output_width, cinfo.output_height);
        jpeg_destroy_decompress(&cinfo);
        free(cmyk_row);
        free(buffer);
        return MESO_JPEG_NO_MEMORY;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        unsigned char *out = buffer + (size_t)cinfo.output_scanline * row_bytes;
        JSAMPROW row = cmyk ? cmyk_row : out;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (cmyk) {
            // Pillow reads every CMYK JPEG with Adobe's inverted polarity (rawmode "CMYK;I":
            // C = 255 - c, ...) and converts with cmyk2rgb: R = nk - C * nk / 255 (rounded as
            // its MULDIV255 does), nk = 255 - K, which is the stored k.
            for (JDIMENSION x = 0; x < cinfo.output_width; x++) {
                unsigned int k = cmyk_row[4 * x + 3];
                for (int channel = 0; channel < 3; channel++) {
                    unsigned int product = (255u - cmyk_row[4 * x + channel]) * k + 128u;
                    out[3 * x + channel] = (unsigned char)(k - (((product >> 8) + product) >> 8));
                }
            }
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(cmyk_row);
    *pixels = buffer;
    return MESO_JPEG_OK;
}

/// Encodes width * height interleaved 8-bit RGB pixels as a baseline JPEG in memory with
/// libjpeg's defaults (4:2:0 chroma, JDCT_ISLOW) at `quality` (1...100, the standard IJG
/// tables scaled as jpeg_set_quality does), the settings Pillow's save(quality=q) uses.
///
/// On MESO_JPEG_OK, *out is a malloc'd buffer of *out_size bytes that the caller frees.
/// Otherwise *out is NULL and message (MESO_JPEG_MESSAGE_LENGTH bytes) says what went wrong.
static inline int meso_jpeg_encode(const unsigned char *pixels, int width, int height, int quality,
                                   unsigned char **out, unsigned long *out_size, char *message) {
    struct jpeg_compress_struct cinfo;
    struct meso_jpeg_error error;

    *out = NULL;
    *out_size = 0;
    message[0] = '\0';
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&error.pub);
    error.pub.error_exit = meso_jpeg_error_exit;
    error.status = MESO_JPEG_CORRUPT;
    error.message = message;
    if (setjmp(error.jump)) {
        // jpeg_mem_dest writes its buffer through `out`, so *out is current here.
        jpeg_destroy_compress(&cinfo);
        free(*out);
        *out = NULL;
        *out_size = 0;
        return error.status;
    }

    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, out, out_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return MESO_JPEG_OK;
}

#endif
