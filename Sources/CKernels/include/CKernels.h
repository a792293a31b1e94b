#ifndef MESOSCOPE_CKERNELS_H
#define MESOSCOPE_CKERNELS_H

// AVX-512 convolution kernels, chosen at run time.
//
// Swift cannot give one function a wider instruction set than the rest of its module, and the
// release binary must run on AVX2-only CPUs, so the 512-bit kernels live here, each compiled
// with a function-level target attribute and called only when `mk_avx512_supported()` says so.
// Everything else (padding, weight packing, threads, pooling) stays in MesoEngine's Swift.
// The plain Swift kernels (ConvReference) remain the oracle these are tested against.

#include <stddef.h>

/// 1 when this CPU runs AVX-512 F, DQ, BW and VL (and the OS saves the 512-bit state).
int mk_avx512_supported(void);

/// One stride-1 convolution, with its output channels in vector lanes, `group` pixels per vector.
///
/// A 16-lane vector holds `group` neighbouring output pixels × (16 / group) output channels,
/// lane k·group + e = channel k of pixel e, so convolutions with 8 or 4 output channels fill
/// every lane. The input is `group`-interleaved (see `mk_interleave_avx512`), so one broadcast load
/// gives a tap's value for the `group` pixels.
typedef struct {
    long width;          ///< output pixels per row (= input width, 'same' padding)
    long inputChannels;
    long outputChannels;
    long kernelHeight, kernelWidth, dilation;
    long group;          ///< 1, 2 or 4
    long blocks;         ///< ceil(outputChannels / (16 / group))
    long rowLength;      ///< floats per interleaved input row: paddedWidth · inputChannels · group
    const float *weights;  ///< [blocks][kernelHeight · kernelWidth · inputChannels][16], lanes as above, zero past the channels
    const float *bias;     ///< [blocks][16], lanes as above
    const float *scale;    ///< [blocks][16] applied after the activation, or NULL
    const float *shift;    ///< [blocks][16], with scale
    int relu;              ///< 1: max(x, 0) after the bias (sign-bit rule, as MesoEngine's ReLU)
} mk_conv_plan;

/// Writes one output row, `[width][outputChannels]` (NHWC), from the interleaved input rows
/// starting at `input` (the padded row aligned with this output row).
void mk_conv_row_avx512(const mk_conv_plan *plan, const float *input, float *output);

/// The `group`-interleaved copy of a padded image, `count` floats read as one sequence:
/// out[group·i + e] = in[i + e·channels] (0 past the end), i.e. out[y][s][c][e] = padded[y][s + e][c].
void mk_interleave_avx512(const float *in, long count, long channels, long group, float *out);

/// One image's kernel gradient of a stride-1 convolution, overwriting `dKernel`
/// `[kernelHeight][kernelWidth][inputChannels][outputChannels]`:
/// dKernel[ky][kx][ci][co] = Σ_y,x padded[y + ky·d][x + kx·d][ci] · dZ[y][x][co].
/// `padded` is the zero-padded NHWC image `[·][paddedWidth][inputChannels]`, `dZ` is `[height][width][outputChannels]`.
void mk_conv_kernel_gradient_avx512(const float *padded, long paddedWidth, long inputChannels,
                                    const float *dZ, long height, long width, long outputChannels,
                                    long kernelHeight, long kernelWidth, long dilation, float *dKernel);

#endif
