/* The slice of the CUDA driver API and NVML that smoke uses, declared here
 * and bound at run time with dlopen/dlsym: no toolkit headers at build time,
 * no libcuda at link time, so the binary runs (and says why CUDA cannot) on a
 * host without the driver. Types and values follow cuda.h / nvml.h of the
 * CUDA 11.0+ driver API (R450+); the _v2 names are the ABI-stable entry
 * points that cuda.h's macros select. */
#ifndef DOM0CUDA_CUDA_API_H
#define DOM0CUDA_CUDA_API_H

#include <stddef.h>
#include <stdint.h>

typedef int CUresult;
typedef int CUdevice;
typedef uint64_t CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;

enum {
	CUDA_SUCCESS = 0,
	CUDA_ERROR_NOT_INITIALIZED = 3,
	CUDA_ERROR_NO_DEVICE = 100,
	CUDA_ERROR_NOT_SUPPORTED = 801,
};

/* CUdevice_attribute values smoke reads. */
enum {
	CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
	CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

enum {
	CU_MEMHOSTALLOC_WRITECOMBINED = 0x04,
	CU_STREAM_NON_BLOCKING = 0x1,
	CU_EVENT_DEFAULT = 0x0,
	CU_JIT_ERROR_LOG_BUFFER = 5,
	CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
};

/* The driver API the tool needs: CUDA 11.0 (driver R450) has all of it. */
#define CUDA_API_MIN_VERSION 11000

struct cuda_api {
	void *lib;
	CUresult (*cuGetErrorName)(CUresult, const char **);
	CUresult (*cuInit)(unsigned);
	CUresult (*cuDriverGetVersion)(int *);
	CUresult (*cuDeviceGetCount)(int *);
	CUresult (*cuDeviceGet)(CUdevice *, int);
	CUresult (*cuDeviceGetName)(char *, int, CUdevice);
	CUresult (*cuDeviceTotalMem_v2)(size_t *, CUdevice);
	CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
	CUresult (*cuDeviceGetPCIBusId)(char *, int, CUdevice);
	CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
	CUresult (*cuDevicePrimaryCtxRelease_v2)(CUdevice);
	CUresult (*cuCtxSetCurrent)(CUcontext);
	CUresult (*cuCtxSynchronize)(void);
	CUresult (*cuMemAlloc_v2)(CUdeviceptr *, size_t);
	CUresult (*cuMemFree_v2)(CUdeviceptr);
	CUresult (*cuMemcpyHtoD_v2)(CUdeviceptr, const void *, size_t);
	CUresult (*cuMemcpyDtoH_v2)(void *, CUdeviceptr, size_t);
	CUresult (*cuMemcpyHtoDAsync_v2)(CUdeviceptr, const void *, size_t, CUstream);
	CUresult (*cuMemcpyDtoHAsync_v2)(void *, CUdeviceptr, size_t, CUstream);
	CUresult (*cuMemHostAlloc)(void **, size_t, unsigned);
	CUresult (*cuMemFreeHost)(void *);
	CUresult (*cuStreamCreate)(CUstream *, unsigned);
	CUresult (*cuStreamDestroy_v2)(CUstream);
	CUresult (*cuEventCreate)(CUevent *, unsigned);
	CUresult (*cuEventRecord)(CUevent, CUstream);
	CUresult (*cuEventSynchronize)(CUevent);
	CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
	CUresult (*cuEventDestroy_v2)(CUevent);
	CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *, void **);
	CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
	CUresult (*cuModuleUnload)(CUmodule);
	CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
				   unsigned, unsigned, CUstream, void **, void **);
};

/* NVML: enumeration and PCIe link only; everything else comes from CUDA. */
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef int nvmlReturn_t;

/* nvmlPciInfo_t as nvmlDeviceGetPciInfo_v3 fills it. */
struct nvml_pci_info {
	char busIdLegacy[16];
	unsigned domain, bus, device, pciDeviceId, pciSubSystemId;
	char busId[32];
};

struct nvml_api {
	void *lib;
	nvmlReturn_t (*nvmlInit_v2)(void);
	nvmlReturn_t (*nvmlShutdown)(void);
	const char *(*nvmlErrorString)(nvmlReturn_t);
	nvmlReturn_t (*nvmlSystemGetDriverVersion)(char *, unsigned);
	nvmlReturn_t (*nvmlDeviceGetCount_v2)(unsigned *);
	nvmlReturn_t (*nvmlDeviceGetHandleByIndex_v2)(unsigned, nvmlDevice_t *);
	nvmlReturn_t (*nvmlDeviceGetName)(nvmlDevice_t, char *, unsigned);
	nvmlReturn_t (*nvmlDeviceGetPciInfo_v3)(nvmlDevice_t, struct nvml_pci_info *);
	nvmlReturn_t (*nvmlDeviceGetCurrPcieLinkGeneration)(nvmlDevice_t, unsigned *);
	nvmlReturn_t (*nvmlDeviceGetCurrPcieLinkWidth)(nvmlDevice_t, unsigned *);
	nvmlReturn_t (*nvmlDeviceGetMaxPcieLinkGeneration)(nvmlDevice_t, unsigned *);
	nvmlReturn_t (*nvmlDeviceGetMaxPcieLinkWidth)(nvmlDevice_t, unsigned *);
};

/* Loads libcuda.so.1 and binds every function above. Returns 0; -ENOENT when
 * the library is absent (dlerror text in err); -ENOSYS when a symbol is
 * missing (its name in err): an old driver or not NVIDIA's libcuda. On
 * failure api->lib is closed again. */
int cuda_api_load(struct cuda_api *api, char *err, size_t errlen);
int nvml_api_load(struct nvml_api *api, char *err, size_t errlen);
/* After -ENOSYS: the CUDA version the driver reports (12040 = 12.4), so an
 * old driver can be named as such; -errno when even that is unavailable. */
int cuda_api_driver_version(void);
/* "CUDA_ERROR_NOT_SUPPORTED", or "CUDA error 123" when the driver has no
 * name for it; buf holds the latter. */
const char *cuda_error_name(const struct cuda_api *api, CUresult r, char *buf, size_t len);

#endif
