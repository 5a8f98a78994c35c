/* Shared by the libFuzzer harnesses: property checks that fail loudly. */
#ifndef DOM0CUDA_FUZZ_H
#define DOM0CUDA_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

/* A broken property is a crash: libFuzzer saves the input as a reproducer. */
#define FUZZ_ASSERT(cond, ...)                                                    \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: property failed: %s: ", __FILE__, \
				__LINE__, #cond);                                  \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			abort();                                                  \
		}                                                                 \
	} while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#endif
