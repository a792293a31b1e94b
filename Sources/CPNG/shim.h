// libpng for MesoMedia.
//
// libpng reports errors by calling an error function that must not return; the usual C answer
// is setjmp/longjmp, which Swift cannot do. So each whole decode or encode lives in one static
// inline C function below: it sets the jump point, runs libpng, and hands Swift plain values
// back (a status, the size, a malloc'd buffer and a message).

#ifndef MESOSCOPE_CPNG_SHIM_H
#define MESOSCOPE_CPNG_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

/// Size of the message buffer the functions below write.
#define MESO_PNG_MESSAGE_LENGTH 200

/// Results of meso_png_decode and meso_png_encode.
#define MESO_PNG_OK 0
#define MESO_PNG_CORRUPT 1
#define MESO_PNG_TRUNCATED 2
#define MESO_PNG_TOO_LARGE 3
#define MESO_PNG_UNSUPPORTED 4
#define MESO_PNG_NO_MEMORY 5

// The error pointer handed to libpng is the caller's message buffer.
static inline void meso_png_error(png_structp png, png_const_charp text) {
    snprintf((char *)png_get_error_ptr(png), MESO_PNG_MESSAGE_LENGTH, "%s", text);
    png_longjmp(png, 1);
}

// Warnings (bad ancillary chunks, and the like) do not stop Pillow, so they are dropped here
// rather than printed to stderr.
static inline void meso_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

struct meso_png_reader {
    const unsigned char *data;
    size_t size;
    size_t offset;
    volatile int ran_out; // set just before longjmp: volatile, or the optimiser may not reload it
};

static inline void meso_png_read(png_structp png, png_bytep out, size_t length) {
    struct meso_png_reader *reader = (struct meso_png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->ran_out = 1;
        png_error(png, "the file ends before the image data does");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

/// Decodes a whole PNG held in memory to interleaved 8-bit RGB, as Pillow's
/// Image.open(path).convert("RGB") does: palette to RGB, 1/2/4-bit grey scaled to 8 bits,
/// grey replicated, alpha dropped without compositing, tRNS ignored, 16-bit RGB(A) and grey+alpha
/// keep the high byte, 16-bit grey (Pillow's mode I;16) is clipped to 255, no gamma correction,
/// interlaced images de-interlaced. Palette indices past the end of PLTE give black, in libpng
/// as in Pillow.
///
/// Reads the header first and returns MESO_PNG_TOO_LARGE, before allocating any pixel memory,
/// when width * height > max_pixels. On MESO_PNG_OK, *pixels is a malloc'd buffer of
/// width * height * 3 bytes that the caller frees. Otherwise *pixels is NULL and message
/// (MESO_PNG_MESSAGE_LENGTH bytes) says what went wrong; *width and *height are set as soon
/// as the header has been read.
static inline int meso_png_decode(const unsigned char *data, size_t size,
                                  unsigned long long max_pixels, int *width, int *height,
                                  unsigned char **pixels, char *message) {
    struct meso_png_reader reader = {data, size, 0, 0};
    png_structp png;
    png_infop info;
    unsigned char *volatile buffer = NULL;
    png_bytep *volatile rows = NULL;

    *width = 0;
    *height = 0;
    *pixels = NULL;
    message[0] = '\0';
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, meso_png_error, meso_png_warning);
    if (png == NULL) {
        snprintf(message, MESO_PNG_MESSAGE_LENGTH, "libpng could not allocate a reader");
        return MESO_PNG_NO_MEMORY;
    }
    info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(message, MESO_PNG_MESSAGE_LENGTH, "libpng could not allocate a reader");
        return MESO_PNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(rows);
        free(buffer);
        return reader.ran_out ? MESO_PNG_TRUNCATED : MESO_PNG_CORRUPT;
    }

    png_set_read_fn(png, &reader, meso_png_read);
    // The pixel limit below is the one that counts; libpng's own default (1e6 per side) is not.
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_read_info(png, info);

    png_uint_32 w = png_get_image_width(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int color_type = png_get_color_type(png, info);
    *width = (int)w;
    *height = (int)h;
    if ((unsigned long long)w * h > max_pixels) {
        png_destroy_read_struct(&png, &info, NULL);
        return MESO_PNG_TOO_LARGE;
    }

    int grey16 = color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16;
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
    }
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    if (bit_depth == 16 && !grey16) {
        png_set_strip_16(png);
    }
    if (!grey16 && (color_type & PNG_COLOR_MASK_COLOR) == 0) {
        png_set_gray_to_rgb(png);
    }
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row_bytes = png_get_rowbytes(png, info);
    if (row_bytes != (size_t)w * (grey16 ? 2 : 3)) {
        snprintf(message, MESO_PNG_MESSAGE_LENGTH,
                 "colour type %d at %d bits gives %zu bytes per row, not the expected layout",
                 color_type, bit_depth, row_bytes);
        png_destroy_read_struct(&png, &info, NULL);
        return MESO_PNG_UNSUPPORTED;
    }
    buffer = (unsigned char *)malloc((size_t)w * h * 3);
    rows = (png_bytep *)malloc((size_t)h * sizeof(png_bytep));
    if (buffer == NULL || rows == NULL) {
        snprintf(message, MESO_PNG_MESSAGE_LENGTH, "out of memory for %u x %u pixels", w, h);
        png_destroy_read_struct(&png, &info, NULL);
        free(rows);
        free(buffer);
        return MESO_PNG_NO_MEMORY;
    }
    for (png_uint_32 y = 0; y < h; y++) {
        rows[y] = buffer + (size_t)y * row_bytes;
    }
    png_read_image(png, rows);
    // The rest of the file (chunks after the image data, IEND) is not read: Pillow does not
    // require it either.
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);

    if (grey16) {
        // Big-endian 16-bit grey at 2 bytes per pixel becomes RGB at 3, in place from the end:
        // pixel i's output starts at 3i, past the input still unread (pixels before i end at 2i - 1).
        // Pillow converts its I;16 mode to RGB by clipping at 255, not by taking the high byte.
        for (size_t i = (size_t)w * h; i-- > 0;) {
            unsigned char high = buffer[2 * i], low = buffer[2 * i + 1];
            unsigned char value = high != 0 ? 255 : low;
            buffer[3 * i] = buffer[3 * i + 1] = buffer[3 * i + 2] = value;
        }
    }
    *pixels = buffer;
    return MESO_PNG_OK;
}

struct meso_png_writer {
    unsigned char *volatile data; // freed after longjmp: volatile, or the optimiser may not reload it
    size_t size;
    size_t capacity;
};

static inline void meso_png_write(png_structp png, png_bytep in, size_t length) {
    struct meso_png_writer *writer = (struct meso_png_writer *)png_get_io_ptr(png);
    if (length > writer->capacity - writer->size) {
        size_t capacity = writer->capacity * 2 > writer->size + length
                              ? writer->capacity * 2 : writer->size + length + 4096;
        unsigned char *grown = (unsigned char *)realloc(writer->data, capacity);
        if (grown == NULL) {
            png_error(png, "out of memory for the encoded PNG");
        }
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, in, length);
    writer->size += length;
}

static inline void meso_png_flush(png_structp png) { (void)png; }

/// Encodes an image to PNG in memory.
///
/// samples holds height rows of width * channels samples, no padding: one byte per sample for
/// bit depths 1, 2, 4 and 8 (values below 2^bit_depth), two big-endian bytes for 16.
/// color_type is a PNG_COLOR_TYPE_*; for PNG_COLOR_TYPE_PALETTE, palette holds palette_count
/// RGB triples. interlaced selects Adam7. On MESO_PNG_OK, *out is a malloc'd buffer of
/// *out_size bytes that the caller frees; otherwise message says what went wrong.
static inline int meso_png_encode(const unsigned char *samples, int width, int height,
                                  int channels, int color_type, int bit_depth, int interlaced,
                                  const unsigned char *palette, int palette_count,
                                  unsigned char **out, size_t *out_size, char *message) {
    struct meso_png_writer writer = {NULL, 0, 0};
    png_structp png;
    png_infop info;
    png_bytep *volatile rows = NULL;

    *out = NULL;
    *out_size = 0;
    message[0] = '\0';
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, message, meso_png_error, meso_png_warning);
    if (png == NULL) {
        snprintf(message, MESO_PNG_MESSAGE_LENGTH, "libpng could not allocate a writer");
        return MESO_PNG_NO_MEMORY;
    }
    info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        snprintf(message, MESO_PNG_MESSAGE_LENGTH, "libpng could not allocate a writer");
        return MESO_PNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(writer.data);
        return MESO_PNG_CORRUPT;
    }

    png_set_write_fn(png, &writer, meso_png_write, meso_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_type,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color entries[256];
        for (int i = 0; i < palette_count && i < 256; i++) {
            entries[i].red = palette[3 * i];
            entries[i].green = palette[3 * i + 1];
            entries[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, entries, palette_count);
    }
    png_write_info(png, info);
    if (bit_depth < 8) {
        png_set_packing(png);
    }

    size_t row_bytes = (size_t)width * channels * (bit_depth == 16 ? 2 : 1);
    rows = (png_bytep *)malloc((size_t)height * sizeof(png_bytep));
    if (rows == NULL) {
        png_error(png, "out of memory for the row table");
    }
    for (int y = 0; y < height; y++) {
        rows[y] = (png_bytep)samples + (size_t)y * row_bytes;
    }
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = writer.data;
    *out_size = writer.size;
    return MESO_PNG_OK;
}

#endif
