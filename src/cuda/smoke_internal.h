/* Shared between the smoke engine (smoke.c), the decision rules
 * (smoke_decide.c) and the unit tests; not part of the library API. */
#ifndef DOM0CUDA_SMOKE_INTERNAL_H
#define DOM0CUDA_SMOKE_INTERNAL_H

#include <stddef.h>

#include "cuda/smoke.h"

/* At most this many GPUs are enumerated and tested: more than any server. */
#define SMOKE_NVML_MAX 64

struct smoke_init_info {
	struct smoke_steps steps;
	int cuda_version;
	int count;             /* cuDeviceGetCount, -1 unknown */
};

struct smoke_nvml_dev {
	char name[96];
	char bus_id[32];       /* normalised like smoke_gpu.bus_id */
	unsigned gen, width, max_gen, max_width;
};

struct smoke_nvml_info {
	struct smoke_steps steps;
	char driver[32];
	int count;             /* -1 unknown */
	struct smoke_nvml_dev dev[SMOKE_NVML_MAX];
};

double smoke_now_ms(void);

/* "0000:3B:00.0" or "00000000:3b:00.0" -> "0000:3b:00.0" (sysfs form).
 * Copies in unchanged when it does not parse. */
void smoke_bus_id_norm(const char *in, char *out, size_t len);
/* Theoretical one-direction GB/s of a PCIe link after line encoding. */
double smoke_pcie_gbs(int gen, int width);
/* "32.0 GT/s PCIe" -> 5; 0 when unknown. */
int smoke_pcie_gen_of_speed(const char *speed);
/* Fills PCIe facts and findings from the recorded steps, and res->ok. */
void smoke_decide(const struct smoke_opts *opts, const struct smoke_init_info *init,
		  const struct smoke_nvml_info *nvml, struct smoke_result *res);

#endif
