/* SHA-256 (FIPS 180-4), for the state journal's checksums: libc has none. */
#ifndef DOM0CUDA_SHA256_H
#define DOM0CUDA_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

/* hex gets 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
