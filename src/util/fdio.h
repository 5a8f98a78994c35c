/* Small file-descriptor helpers. */
#ifndef DOM0CUDA_FDIO_H
#define DOM0CUDA_FDIO_H

#include <stddef.h>

/* Writes all len bytes (retrying short writes and EINTR). 0 or -errno. */
int fd_write_all(int fd, const void *buf, size_t len);

#endif
