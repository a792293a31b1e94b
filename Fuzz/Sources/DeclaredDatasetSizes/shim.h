#ifndef DECLARED_DATASET_SIZES_H
#define DECLARED_DATASET_SIZES_H
// The fuzz-keras-weights harness's TEMPORARY guard (see KerasWeightsLoading.swift): how many
// elements the datasets of an HDF5 file declare, read from their dataspaces without reading data.
#include <hdf5.h>
#include <limits.h>

static inline herr_t declared_sizes_visit(hid_t group, const char *name, const H5L_info_t *info, void *largest) {
    (void)info;
    hid_t dataset = H5Dopen2(group, name, H5P_DEFAULT);
    if (dataset < 0) return 0;
    hid_t space = H5Dget_space(dataset);
    int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    if (rank >= 0) {
        hsize_t dims[H5S_MAX_RANK];
        H5Sget_simple_extent_dims(space, dims, NULL);
        unsigned long long count = 1;
        for (int i = 0; i < rank; i++) {
            count = dims[i] != 0 && count > ULLONG_MAX / dims[i] ? ULLONG_MAX : count * dims[i];
        }
        if (count > *(unsigned long long *)largest) *(unsigned long long *)largest = count;
    }
    if (space >= 0) H5Sclose(space);
    H5Dclose(dataset);
    return 0;
}

/// The most elements any dataset linked in the file at `path` declares (saturating at
/// ULLONG_MAX); 0 when it has none or does not open.
static inline unsigned long long declared_sizes_largest(const char *path) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0) return 0;
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return 0;
    unsigned long long largest = 0;
    H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, declared_sizes_visit, &largest);
    H5Fclose(file);
    return largest;
}
#endif
