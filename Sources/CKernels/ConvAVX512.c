// AVX-512 convolution kernels (see include/CKernels.h for why they are in C).
//
// Each kernel is an `always_inline` body specialised by small compile-time constants (pixel
// groups per step, vectors per tap run, channels per step), so that its accumulators stay in
// the 32 vector registers; the exported functions pick a specialisation at run time.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma")))
#define INLINE static inline __attribute__((always_inline))

int mk_avx512_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

// MARK: Forward

/// The `group` floats at p in every 16/group-lane block: lane k·group + e = p[e]. One load uop each.
TARGET INLINE __m512 broadcast_group(const float *p, const long group) {
    if (group == 1) return _mm512_set1_ps(*p);
    if (group == 2) {
        double pair;
        __builtin_memcpy(&pair, p, sizeof pair);
        return _mm512_castpd_ps(_mm512_set1_pd(pair));
    }
    return _mm512_broadcast_f32x4(_mm_loadu_ps(p));
}

/// max(v, 0) by clearing the lanes whose sign bit is set: MesoEngine's ReLU, NaN rule included.
TARGET INLINE __m512 rectified(__m512 v) {
    __mmask16 negative = _mm512_movepi32_mask(_mm512_castps_si512(v));
    return _mm512_maskz_mov_ps((__mmask16)~negative, v);
}

/// `count` groups of `group` pixels from output pixel `x0`, one block of channels, stored NHWC.
/// acc[i] += broadcast(input tap j of group i) · weights[j] over every tap: `count` independent
/// FMA chains share each weight load.
TARGET INLINE void conv_groups(const mk_conv_plan *plan, const float *input, long x0, long block,
                               float *output, const int count, const long group, const long channels) {
    // `channels` is the input channel count when known at compile time (0: read it from the
    // plan); then the groups' offsets are constants, folded into each load's address.
    const long cin = channels ? channels : plan->inputChannels, d = plan->dilation, kw = plan->kernelWidth;
    const long run = d == 1 ? kw * cin : cin;       // contiguous taps: a kernel row, or one tap's channels
    const long runs = d == 1 ? 1 : kw;
    const long taps = plan->kernelHeight * kw * cin;
    const long groupStride = group * cin * group;   // floats between neighbouring groups' inputs
    const float *w = plan->weights + block * taps * 16;
    // Named accumulators rather than an array: an array indexed by the store loop below stays
    // in memory, and the FMA loop then stores every accumulator back on every tap.
    const __m512 bias = _mm512_loadu_ps(plan->bias + block * 16);
    __m512 a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias;
    __m512 a6 = bias, a7 = bias, a8 = bias, a9 = bias, a10 = bias, a11 = bias;
    const float *row = input + x0 * cin * group;
    for (long ky = 0; ky < plan->kernelHeight; ky++) {
        const float *p = row + ky * d * plan->rowLength;
        for (long r = 0; r < runs; r++) {
            // One base pointer per group, all indexed by the tap: each broadcast is a single
            // base + index load, with no address arithmetic between the FMAs.
#define BASE(i) const float *t##i = p + (count > i ? i : 0) * groupStride;
            BASE(0) BASE(1) BASE(2) BASE(3) BASE(4) BASE(5) BASE(6) BASE(7) BASE(8) BASE(9) BASE(10) BASE(11)
#undef BASE
            for (long j = 0; j < run; j++) {
                const __m512 wv = _mm512_loadu_ps(w + j * 16);
                const long k = j * group;
#define STEP(i) if (count > i) a##i = _mm512_fmadd_ps(broadcast_group(t##i + k, group), wv, a##i);
                STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7) STEP(8) STEP(9) STEP(10) STEP(11)
#undef STEP
            }
            w += run * 16;
            p += d * cin * group;
        }
    }
    const __m512 acc[12] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11};
    const long cout = plan->outputChannels, perVector = 16 / group;
    __m512i toPixels = _mm512_setzero_si512();   // lane e·perVector + k ← lane k·group + e
    if (group > 1) {
        int order[16];
        for (int e = 0; e < group; e++)
            for (int k = 0; k < perVector; k++) order[e * perVector + k] = k * (int)group + e;
        toPixels = _mm512_loadu_si512(order);
    }
    for (int i = 0; i < count; i++) {
        __m512 v = acc[i];
        if (plan->relu) v = rectified(v);
        if (plan->scale) {
            v = _mm512_mul_ps(v, _mm512_loadu_ps(plan->scale + block * 16));
            v = _mm512_add_ps(v, _mm512_loadu_ps(plan->shift + block * 16));
        }
        const long x = x0 + i * group;
        if (group == 1) {
            const long channels = cout - block * 16 < 16 ? cout - block * 16 : 16;
            _mm512_mask_storeu_ps(output + x * cout + block * 16, (__mmask16)((1u << channels) - 1), v);
            continue;
        }
        v = _mm512_permutexvar_ps(toPixels, v);
        const long valid = plan->width - x < group ? plan->width - x : group;
        if (cout == perVector && valid == group) {
            _mm512_storeu_ps(output + x * cout, v);
        } else {
            for (long e = 0; e < valid; e++)
                _mm512_mask_compressstoreu_ps(output + (x + e) * cout,
                                              (__mmask16)(((1u << cout) - 1) << (e * perVector)), v);
        }
    }
}

/// Every block of one output row, `steps` groups at a time. The last full step is moved back to
/// end at the row's end (its overlap is recomputed and stored again, with the same values).
TARGET INLINE void conv_row(const mk_conv_plan *plan, const float *input, float *output,
                            const long group, const int steps, const long channels) {
    const long groups = (plan->width + group - 1) / group;
    for (long block = 0; block < plan->blocks; block++) {
        if (groups < steps) {
            for (long q = 0; q < groups; q++) conv_groups(plan, input, q * group, block, output, 1, group, channels);
            continue;
        }
        long q = 0;
        for (; q + steps <= groups; q += steps) conv_groups(plan, input, q * group, block, output, steps, group, channels);
        if (q < groups) conv_groups(plan, input, (groups - steps) * group, block, output, steps, group, channels);
    }
}

TARGET void mk_conv_row_avx512(const mk_conv_plan *plan, const float *input, float *output) {
    // Meso-4's layers and their input gradients have 3, 8 or 16 input channels.
    const long cin = plan->inputChannels;
    switch (plan->group) {
    case 1:
        if (cin == 8) conv_row(plan, input, output, 1, 12, 8);
        else if (cin == 16) conv_row(plan, input, output, 1, 12, 16);
        else conv_row(plan, input, output, 1, 12, 0);
        break;
    case 2:
        if (cin == 3) conv_row(plan, input, output, 2, 8, 3);
        else if (cin == 8) conv_row(plan, input, output, 2, 8, 8);
        else if (cin == 16) conv_row(plan, input, output, 2, 8, 16);
        else conv_row(plan, input, output, 2, 8, 0);
        break;
    default: conv_row(plan, input, output, 4, 8, 0); break;
    }
}

// MARK: Kernel gradient

/// Sums over every pixel for `vectors` × 16 contiguous taps and `channels` output channels:
/// acc[c][v] += x[pixel, taps of v] · broadcast(dZ[pixel, c]). Taps in lanes read the padded
/// input where it lies, and each dZ value is loaded once per step and used `vectors` times.
TARGET INLINE void gradient_block(const float *padded, long pixelStride, long rowStride,
                                  const float *dZ, long height, long width, long cout,
                                  __mmask16 firstMask, __mmask16 secondMask, float *sums,
                                  const int vectors, const int channels) {
    __m512 acc[8][2];
    for (int c = 0; c < channels; c++)
        for (int v = 0; v < vectors; v++) acc[c][v] = _mm512_setzero_ps();
    for (long y = 0; y < height; y++) {
        const float *x = padded + y * rowStride;
        const float *z = dZ + y * width * cout;
        for (long px = 0; px < width; px++) {
            __m512 xv[2];
            xv[0] = _mm512_maskz_loadu_ps(firstMask, x + px * pixelStride);
            if (vectors == 2) xv[1] = _mm512_maskz_loadu_ps(secondMask, x + px * pixelStride + 16);
            for (int c = 0; c < channels; c++) {
                const __m512 dz = _mm512_set1_ps(z[px * cout + c]);
                for (int v = 0; v < vectors; v++) acc[c][v] = _mm512_fmadd_ps(xv[v], dz, acc[c][v]);
            }
        }
    }
    for (int c = 0; c < channels; c++)
        for (int v = 0; v < vectors; v++) _mm512_storeu_ps(sums + (c * 2 + v) * 16, acc[c][v]);
}

TARGET void mk_conv_kernel_gradient_avx512(const float *padded, long paddedWidth, long cin,
                                           const float *dZ, long height, long width, long cout,
                                           long kernelHeight, long kernelWidth, long d, float *dKernel) {
    const long run = d == 1 ? kernelWidth * cin : cin;
    const long runs = d == 1 ? 1 : kernelWidth;
    float sums[8 * 2 * 16];
    for (long ky = 0; ky < kernelHeight; ky++) {
        for (long r = 0; r < runs; r++) {
            const long firstTap = (ky * kernelWidth + r) * cin;
            const float *origin = padded + (ky * d * paddedWidth + r * d) * cin;
            for (long j = 0; j < run; j += 32) {
                const long taps = run - j < 32 ? run - j : 32;
                const __mmask16 first = (__mmask16)(taps >= 16 ? 0xFFFF : (1u << taps) - 1);
                const __mmask16 second = (__mmask16)(taps >= 32 ? 0xFFFF : taps > 16 ? (1u << (taps - 16)) - 1 : 0);
                const int vectors = taps > 16 ? 2 : 1;
                for (long co = 0; co < cout;) {
                    const long left = cout - co;
                    const int channels = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
                    const float *x = origin + j;
                    const float *z = dZ + co;
                    const long rowStride = paddedWidth * cin;
#define GRADIENT(V, C) gradient_block(x, cin, rowStride, z, height, width, cout, first, second, sums, V, C)
                    if (vectors == 2) {
                        switch (channels) {
                        case 8: GRADIENT(2, 8); break;
                        case 4: GRADIENT(2, 4); break;
                        case 2: GRADIENT(2, 2); break;
                        default: GRADIENT(2, 1); break;
                        }
                    } else {
                        switch (channels) {
                        case 8: GRADIENT(1, 8); break;
                        case 4: GRADIENT(1, 4); break;
                        case 2: GRADIENT(1, 2); break;
                        default: GRADIENT(1, 1); break;
                        }
                    }
#undef GRADIENT
                    for (long t = 0; t < taps; t++)
                        for (int c = 0; c < channels; c++)
                            dKernel[(firstTap + j + t) * cout + co + c] = sums[(c * 2 + t / 16) * 16 + t % 16];
                    co += channels;
                }
            }
        }
    }
}

// MARK: Input layout

/// out[group·i + e] = in[i + e·channels]: for a padded NHWC image read as one flat sequence,
/// that puts each tap's value for `group` neighbouring pixels side by side. Pixels past a row's
/// end take the next row's values, which only output lanes past the row's end ever read.
/// Group 2 is one two-source permute per 16 outputs; group 4 is the same twice.
TARGET void mk_interleave_avx512(const float *in, long count, long channels, long group, float *out) {
    const long reach = (group - 1) * channels + 16;   // floats read ahead of position i
    long i = 0;
    if (group == 2) {
        const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        for (; i + reach <= count; i += 16) {
            const __m512 a = _mm512_loadu_ps(in + i), b = _mm512_loadu_ps(in + i + channels);
            _mm512_storeu_ps(out + 2 * i, _mm512_permutex2var_ps(a, low, b));
            _mm512_storeu_ps(out + 2 * i + 16, _mm512_permutex2var_ps(a, high, b));
        }
    } else if (group == 4) {
        const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const __m512i high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        for (; i + reach <= count; i += 16) {
            const __m512 a0 = _mm512_loadu_ps(in + i), a1 = _mm512_loadu_ps(in + i + channels);
            const __m512 a2 = _mm512_loadu_ps(in + i + 2 * channels), a3 = _mm512_loadu_ps(in + i + 3 * channels);
            // (a0, a2) and (a1, a3) interleaved, then those two interleaved: a0 a1 a2 a3 per position.
            const __m512 p0 = _mm512_permutex2var_ps(a0, low, a2), p1 = _mm512_permutex2var_ps(a0, high, a2);
            const __m512 q0 = _mm512_permutex2var_ps(a1, low, a3), q1 = _mm512_permutex2var_ps(a1, high, a3);
            _mm512_storeu_ps(out + 4 * i, _mm512_permutex2var_ps(p0, low, q0));
            _mm512_storeu_ps(out + 4 * i + 16, _mm512_permutex2var_ps(p0, high, q0));
            _mm512_storeu_ps(out + 4 * i + 32, _mm512_permutex2var_ps(p1, low, q1));
            _mm512_storeu_ps(out + 4 * i + 48, _mm512_permutex2var_ps(p1, high, q1));
        }
    }
    for (; i < count; i++)
        for (long e = 0; e < group; e++) out[group * i + e] = i + e * channels < count ? in[i + e * channels] : 0;
}

#else

int mk_avx512_supported(void) { return 0; }
void mk_conv_row_avx512(const mk_conv_plan *plan, const float *input, float *output) {
    (void)plan; (void)input; (void)output;
}
void mk_conv_kernel_gradient_avx512(const float *padded, long paddedWidth, long cin, const float *dZ, long height,
                                    long width, long cout, long kernelHeight, long kernelWidth, long d, float *dKernel) {
    (void)padded; (void)paddedWidth; (void)cin; (void)dZ; (void)height; (void)width; (void)cout;
    (void)kernelHeight; (void)kernelWidth; (void)d; (void)dKernel;
}
void mk_interleave_avx512(const float *in, long count, long channels, long group, float *out) {
    (void)in; (void)count; (void)channels; (void)group; (void)out;
}

#endif
