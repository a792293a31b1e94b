#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H
#include <hdf5.h>
#include <string.h>

// HDF5 exposes its defaults and type ids as macros that expand to global reads after a library
// init call; Swift cannot import those, so they are re-exported as functions.
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t chdf5_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_all(void) { return H5S_ALL; }
static inline size_t chdf5_variable(void) { return H5T_VARIABLE; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_acc_rdwr(void) { return H5F_ACC_RDWR; }

static inline herr_t chdf5_collect_error(unsigned n, const H5E_error2_t *err, void *data) {
    // The innermost entry (n == 0) names the actual cause, e.g. "truncated file: eof = ...".
    if (n == 0 && err->desc) {
        strncpy((char *)data, err->desc, 255);
        ((char *)data)[255] = 0;
    }
    return 0;
}

/// Copies the innermost message of the current thread's HDF5 error stack into buf[256].
static inline void chdf5_last_error(char *buf) {
    buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, chdf5_collect_error, buf);
}

/// Stops HDF5 from printing its error stack on stderr; errors are reported by the caller.
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
