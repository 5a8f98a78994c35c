#include "cuda/cuda_api.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct sym {
	const char *name;
	size_t off;
};

#define CU(f) { #f, offsetof(struct cuda_api, f) }
static const struct sym cuda_syms[] = {
	CU(cuGetErrorName), CU(cuInit), CU(cuDriverGetVersion), CU(cuDeviceGetCount),
	CU(cuDeviceGet), CU(cuDeviceGetName), CU(cuDeviceTotalMem_v2),
	CU(cuDeviceGetAttribute), CU(cuDeviceGetPCIBusId), CU(cuDevicePrimaryCtxRetain),
	CU(cuDevicePrimaryCtxRelease_v2), CU(cuCtxSetCurrent), CU(cuCtxSynchronize),
	CU(cuMemAlloc_v2), CU(cuMemFree_v2), CU(cuMemcpyHtoD_v2), CU(cuMemcpyDtoH_v2),
	CU(cuMemcpyHtoDAsync_v2), CU(cuMemcpyDtoHAsync_v2), CU(cuMemHostAlloc),
	CU(cuMemFreeHost), CU(cuStreamCreate), CU(cuStreamDestroy_v2), CU(cuEventCreate),
	CU(cuEventRecord), CU(cuEventSynchronize), CU(cuEventElapsedTime),
	CU(cuEventDestroy_v2), CU(cuModuleLoadDataEx), CU(cuModuleGetFunction),
	CU(cuModuleUnload), CU(cuLaunchKernel),
};
#undef CU

#define NV(f) { #f, offsetof(struct nvml_api, f) }
static const struct sym nvml_syms[] = {
	NV(nvmlInit_v2), NV(nvmlShutdown), NV(nvmlErrorString), NV(nvmlSystemGetDriverVersion),
	NV(nvmlDeviceGetCount_v2), NV(nvmlDeviceGetHandleByIndex_v2), NV(nvmlDeviceGetName),
	NV(nvmlDeviceGetPciInfo_v3), NV(nvmlDeviceGetCurrPcieLinkGeneration),
	NV(nvmlDeviceGetCurrPcieLinkWidth), NV(nvmlDeviceGetMaxPcieLinkGeneration),
	NV(nvmlDeviceGetMaxPcieLinkWidth),
};
#undef NV

/* The handle stays open after success: unloading libcuda while the process
 * may still hold contexts is unsafe, and a second load is refcounted. */
static int load(const char *soname, void **lib, void *table, const struct sym *syms,
		size_t nsyms, char *err, size_t errlen)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		snprintf(err, errlen, "%s", e ? e : soname);
		return -ENOENT;
	}
	for (size_t i = 0; i < nsyms; i++) {
		void *p = dlsym(h, syms[i].name);

		if (!p) {
			snprintf(err, errlen, "%s", syms[i].name);
			dlclose(h);
			return -ENOSYS;
		}
		/* POSIX guarantees object and function pointers convert; memcpy
		 * keeps -Wpedantic quiet about the cast. */
		memcpy((char *)table + syms[i].off, &p, sizeof(p));
	}
	*lib = h;
	return 0;
}

int cuda_api_load(struct cuda_api *api, char *err, size_t errlen)
{
	memset(api, 0, sizeof(*api));
	return load("libcuda.so.1", &api->lib, api, cuda_syms,
		    sizeof(cuda_syms) / sizeof(cuda_syms[0]), err, errlen);
}

int nvml_api_load(struct nvml_api *api, char *err, size_t errlen)
{
	memset(api, 0, sizeof(*api));
	return load("libnvidia-ml.so.1", &api->lib, api, nvml_syms,
		    sizeof(nvml_syms) / sizeof(nvml_syms[0]), err, errlen);
}

int cuda_api_driver_version(void)
{
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	CUresult (*get)(int *);
	void *p;
	int v = 0;

	if (!h)
		return -ENOENT;
	p = dlsym(h, "cuDriverGetVersion");
	if (!p) {
		dlclose(h);
		return -ENOSYS;
	}
	memcpy(&get, &p, sizeof(p));
	if (get(&v) != CUDA_SUCCESS)
		v = -EIO;
	dlclose(h);
	return v;
}

const char *cuda_error_name(const struct cuda_api *api, CUresult r, char *buf, size_t len)
{
	const char *name = NULL;

	if (api->cuGetErrorName && api->cuGetErrorName(r, &name) == CUDA_SUCCESS && name)
		return name;
	snprintf(buf, len, "CUDA error %d", r);
	return buf;
}
