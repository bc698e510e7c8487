// The HDF5 C API (Debian's serial libhdf5-dev; include path from pkg-config `hdf5`), plus inline
// functions for the macros Swift cannot import. Each macro expands to a global that is only valid
// after H5open(), which the macros themselves call.
#pragma once
#include <hdf5.h>

static inline hid_t mg_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t mg_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t mg_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t mg_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t mg_H5P_DATASET_XFER(void) { return H5P_DATASET_XFER; }
static inline hid_t mg_H5S_ALL(void) { return H5S_ALL; }
static inline hsize_t mg_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline size_t mg_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hid_t mg_H5E_DEFAULT(void) { return H5E_DEFAULT; }

static inline hid_t mg_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t mg_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mg_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t mg_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mg_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t mg_H5T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t mg_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t mg_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t mg_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t mg_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t mg_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t mg_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }

static inline unsigned mg_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned mg_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned mg_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned mg_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned mg_H5F_OBJ_ALL(void) { return H5F_OBJ_ALL; }
static inline hid_t mg_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t mg_H5P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
static inline hid_t mg_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }

/// The kind of the object `name` leads to from `location`, from its object header alone (no
/// dataset open: opening one reads its type, space, layout and filters): 0 group, 1 dataset,
/// 2 named datatype, 3 anything else, -1 when libhdf5 fails.
static inline int mg_object_kind(hid_t location, const char *name) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info_by_name3(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
#else
    H5O_info_t info;
    if (H5Oget_info_by_name2(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return -1;
#endif
    switch (info.type) {
    case H5O_TYPE_GROUP: return 0;
    case H5O_TYPE_DATASET: return 1;
    case H5O_TYPE_NAMED_DATATYPE: return 2;
    default: return 3;
    }
}

// ---------------------------------------------------------------------------------------------
// Probe of a file we did not write (no MarketGym integrity header): libhdf5 1.10 does not survive
// corrupt metadata (it may segfault in H5O_attr_iterate), so a child process opens the file, walks
// every object and attribute, and reads every small dataset; the parent only looks at how it ended.
// Written in C because the child must not run the Swift runtime (other threads' locks are copied
// by fork in whatever state they were).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static herr_t mg_probe_attribute(hid_t location, const char *name, const H5A_info_t *info, void *data) {
    (void)info; (void)data;
    hid_t attribute = H5Aopen(location, name, H5P_DEFAULT);
    if (attribute < 0) return -1;
    hid_t type = H5Aget_type(attribute);
    hid_t space = H5Aget_space(attribute);
    if (type < 0 || space < 0) return -1;
    hssize_t points = H5Sget_simple_extent_npoints(space);
    size_t size = H5Tget_size(type);
    if (points < 0 || size == 0) return -1;
    if ((size_t)points <= (16u << 20) / size) {
        void *buffer = calloc((size_t)points + 1, size);
        if (buffer && H5Aread(attribute, type, buffer) < 0) return -1;
    }
    return 0;
}

static herr_t mg_probe_object(hid_t file, const char *name, const H5O_info_t *info, void *data) {
    (void)data;
    hid_t object = H5Oopen(file, name, H5P_DEFAULT);
    if (object < 0) return -1;
    if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, mg_probe_attribute, NULL) < 0) return -1;
    if (info->type == H5O_TYPE_DATASET) {
        hid_t type = H5Dget_type(object);
        hid_t space = H5Dget_space(object);
        hid_t plist = H5Dget_create_plist(object);
        if (type < 0 || space < 0 || plist < 0) return -1;
        hssize_t points = H5Sget_simple_extent_npoints(space);
        size_t size = H5Tget_size(type);
        if (points < 0 || size == 0) return -1;
        if (points > 0 && (size_t)points <= (64u << 20) / size) {
            void *buffer = malloc((size_t)points * size);
            if (buffer && H5Dread(object, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer) < 0) return -1;
        }
    }
    return 0;
}

/// Kills a probe child and reaps it.
static inline void mg_probe_stop(pid_t child, int *status) {
    kill(child, SIGKILL);
    while (waitpid(child, status, 0) < 0 && errno == EINTR) {}
}

/// Opens `path` read-only in a child process and walks it. Returns 0 when the walk succeeded, 1 when
/// libhdf5 could not open the file (it then fails cleanly in the parent too), 2 when it opened but
/// the walk failed, 128 + signal when the child crashed, -1 when the pipe, fork or wait failed
/// (errno says why), -2 on timeout.
static inline int mg_probe_file(const char *path, int timeout_ms) {
    fflush(NULL);
    // The parent waits on a pipe whose only writer is the child: end of file the moment the child
    // ends (however it ends), poll's timeout as the limit. (Polling waitpid every millisecond
    // added a millisecond or more to every probe.)
    int ends[2];
    if (pipe(ends) != 0) return -1;
    if (fcntl(ends[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(ends[1], F_SETFD, FD_CLOEXEC) != 0) {
        close(ends[0]); close(ends[1]);
        return -1;
    }
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        close(ends[0]); close(ends[1]);
        return -1;
    }
    if (child == 0) {
        close(ends[0]);
#if defined(__linux__)
        // The child dies with its parent: a parent killed while it waits (Ctrl-C, a supervisor,
        // a fuzzer's timeout) must not leave a child spinning in a libhdf5 loop forever (found by
        // FuzzHDF5: an orphan at 100% of a core for minutes). Checked after the call, in case the
        // parent died before it.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(3);
#else
        (void)parent;
#endif
        // The child's crash is the answer, not a crash of ours: no sanitizer or fuzzer handler.
        int signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP};
        for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], SIG_DFL);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);  // an expected crash leaves no core file behind
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (file < 0) _exit(1);
        if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, mg_probe_object, NULL, H5O_INFO_BASIC) < 0) _exit(2);
        _exit(0);
    }
    close(ends[1]);
    int status = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long elapsed = (long long)(now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        struct pollfd end = {ends[0], POLLIN, 0};
        int ready = elapsed >= timeout_ms ? 0 : poll(&end, 1, (int)(timeout_ms - elapsed));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {  // the time is up, or poll failed: stop the child rather than wait on
            int failure = errno;
            close(ends[0]);
            mg_probe_stop(child, &status);
            errno = failure;
            return ready == 0 ? -2 : -1;
        }
        char byte;         // the child writes nothing: end of file means it has ended
        if (read(ends[0], &byte, 1) == 0) break;
    }
    close(ends[0]);
    pid_t done;
    while ((done = waitpid(child, &status, 0)) < 0 && errno == EINTR) {}
    if (done != child) return -1;
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
