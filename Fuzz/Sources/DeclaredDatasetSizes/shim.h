#ifndef DECLARED_DATASET_SIZES_H
#define DECLARED_DATASET_SIZES_H
// The fuzz-keras-weights harness's TEMPORARY guard (see KerasWeightsLoading.swift): how many
// elements the datasets of an HDF5 file declare, read from their dataspaces without reading data.
#include <hdf5.h>
#include <limits.h>
#include <string.h>

/// The elements `dataset` declares (saturating at ULLONG_MAX); 0 when it does not open.
static inline unsigned long long declared_sizes_of(hid_t file, const char *name) {
    hid_t dataset = H5Dopen2(file, name, H5P_DEFAULT);
    if (dataset < 0) return 0;
    hid_t space = H5Dget_space(dataset);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    unsigned long long count = 0;
    if (rank >= 0) {
        hsize_t dims[H5S_MAX_RANK];
        H5Sget_simple_extent_dims(space, dims, NULL);
        count = 1;
        for (int i = 0; i < rank; i++) {
            count = dims[i] != 0 && count > ULLONG_MAX / dims[i] ? ULLONG_MAX : count * dims[i];
        }
    }
    if (space >= 0) H5Sclose(space);
    H5Dclose(dataset);
    return count;
}

/// The most elements any of `names` (dataset paths, one per line) declares in the file at
/// `path`; 0 when none opens. By name, as the loader opens them: a corrupt group can stop an
/// iteration over the file while lookups by name still succeed.
static inline unsigned long long declared_sizes_largest(const char *path, const char *names) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0) return 0;
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return 0;
    unsigned long long largest = 0;
    char name[4096];
    for (const char *line = names; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length < sizeof name) {
            memcpy(name, line, length);
            name[length] = 0;
            unsigned long long count = declared_sizes_of(file, name);
            if (count > largest) largest = count;
        }
        line += length + (end ? 1 : 0);
    }
    H5Fclose(file);
    return largest;
}
#endif
