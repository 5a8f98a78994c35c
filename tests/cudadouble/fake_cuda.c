/* Test double of libcuda.so.1: a test instrument, never a source of real
 * results (its GPUs are named "... (test double)"). It behaves like the
 * real driver where smoke's logic depends on it; memory is host memory and
 * the one kernel smoke loads (d0c_smoke) is run on the CPU.
 *
 * D0C_FAKE_CUDA selects the behaviour:
 *   ok        (default) everything works
 *   801       the first cuMemAlloc fails with CUDA_ERROR_NOT_SUPPORTED, as in
 *             a Xen PV dom0 whose PAT layout NVRM rejects
 *   nodevice  cuInit returns CUDA_ERROR_NO_DEVICE (100)
 *   notinit   cuInit returns CUDA_ERROR_NOT_INITIALIZED (3)
 *   hang      cuCtxSynchronize after the kernel launch never returns
 *   corrupt   device-to-host copies flip one bit
 * D0C_FAKE_GPUS=N (default 1) GPUs; CUDA_VISIBLE_DEVICES is honoured as the
 * real driver does (a comma list of ordinals).
 * Built with -DFAKE_OLD_DRIVER it lacks the _v2 entry points and reports
 * CUDA 10.2, like a driver older than smoke needs. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;

#define EXPORT __attribute__((visibility("default")))

static int inited;
static int allocs;

/* Device memory stays reachable from here, as the real driver's context
 * keeps it: a run that leaves it to process exit (smoke --quick) is not a
 * leak. */
#define MAX_LIVE 1024
static void *live[MAX_LIVE];
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;

static void track(void *p, void *old)
{
	pthread_mutex_lock(&live_mu);
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i] == old) {
			live[i] = p;
			break;
		}
	}
	pthread_mutex_unlock(&live_mu);
}

static const char *mode(void)
{
	const char *m = getenv("D0C_FAKE_CUDA");

	return m && *m ? m : "ok";
}

static int is(const char *m)
{
	return strcmp(mode(), m) == 0;
}

static int fake_count(void)
{
	const char *n = getenv("D0C_FAKE_GPUS");
	const char *cvd = getenv("CUDA_VISIBLE_DEVICES");
	int total = n ? atoi(n) : 1, visible = 0;

	if (!cvd)
		return total;
	/* Like the driver: ordinals up to the first invalid one count. */
	for (const char *p = cvd; *p;) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 0 || v >= total)
			break;
		visible++;
		p = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end)
			break;
	}
	return visible;
}

EXPORT CUresult cuGetErrorName(CUresult e, const char **s)
{
	switch (e) {
	case 0: *s = "CUDA_SUCCESS"; return 0;
	case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0;
	case 3: *s = "CUDA_ERROR_NOT_INITIALIZED"; return 0;
	case 100: *s = "CUDA_ERROR_NO_DEVICE"; return 0;
	case 101: *s = "CUDA_ERROR_INVALID_DEVICE"; return 0;
	case 801: *s = "CUDA_ERROR_NOT_SUPPORTED"; return 0;
	}
	*s = NULL;
	return 1;
}

EXPORT CUresult cuDriverGetVersion(int *v)
{
#ifdef FAKE_OLD_DRIVER
	*v = 10020;
#else
	*v = 13000;
#endif
	return 0;
}

EXPORT CUresult cuInit(unsigned flags)
{
	(void)flags;
	if (is("nodevice"))
		return 100;
	if (is("notinit"))
		return 3;
	inited = 1;
	return 0;
}

#define NEED_INIT() do { if (!inited) return 3; } while (0)

EXPORT CUresult cuDeviceGetCount(int *n)
{
	NEED_INIT();
	*n = fake_count();
	return 0;
}

EXPORT CUresult cuDeviceGet(int *d, int ordinal)
{
	NEED_INIT();
	if (ordinal < 0 || ordinal >= fake_count())
		return 101;
	*d = ordinal;
	return 0;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, int dev)
{
	NEED_INIT();
	snprintf(name, (size_t)len, "Fake GPU %d (test double)", dev);
	return 0;
}

#ifndef FAKE_OLD_DRIVER
EXPORT CUresult cuDeviceTotalMem_v2(size_t *b, int dev)
#else
EXPORT CUresult cuDeviceTotalMem(size_t *b, int dev)
#endif
{
	(void)dev;
	NEED_INIT();
	*b = (size_t)16 << 30;
	return 0;
}

EXPORT CUresult cuDeviceGetAttribute(int *v, int attr, int dev)
{
	(void)dev;
	NEED_INIT();
	*v = attr == 75 ? 9 : 0;
	return 0;
}

EXPORT CUresult cuDeviceGetPCIBusId(char *s, int len, int dev)
{
	NEED_INIT();
	snprintf(s, (size_t)len, "0000:%02X:00.0", 0x3b + dev);
	return 0;
}

static char ctx_token;

EXPORT CUresult cuDevicePrimaryCtxRetain(void **ctx, int dev)
{
	(void)dev;
	NEED_INIT();
	*ctx = &ctx_token;
	return 0;
}

#ifndef FAKE_OLD_DRIVER
EXPORT CUresult cuDevicePrimaryCtxRelease_v2(int dev)
#else
EXPORT CUresult cuDevicePrimaryCtxRelease(int dev)
#endif
{
	(void)dev;
	return 0;
}

EXPORT CUresult cuCtxSetCurrent(void *ctx)
{
	(void)ctx;
	return 0;
}

EXPORT CUresult cuCtxSynchronize(void)
{
	if (is("hang"))
		for (;;)
			pause();
	return 0;
}

#ifndef FAKE_OLD_DRIVER
EXPORT CUresult cuMemAlloc_v2(uint64_t *p, size_t n)
#else
EXPORT CUresult cuMemAlloc(uint64_t *p, size_t n)
#endif
{
	void *m;

	NEED_INIT();
	if (is("801") && __atomic_fetch_add(&allocs, 1, __ATOMIC_SEQ_CST) == 0)
		return 801;
	m = malloc(n);
	if (!m)
		return 2;
	track(m, NULL);
	*p = (uint64_t)(uintptr_t)m;
	return 0;
}

EXPORT CUresult cuMemFree_v2(uint64_t p)
{
	track(NULL, (void *)(uintptr_t)p);
	free((void *)(uintptr_t)p);
	return 0;
}

EXPORT CUresult cuMemcpyHtoD_v2(uint64_t d, const void *h, size_t n)
{
	memcpy((void *)(uintptr_t)d, h, n);
	return 0;
}

EXPORT CUresult cuMemcpyDtoH_v2(void *h, uint64_t d, size_t n)
{
	memcpy(h, (const void *)(uintptr_t)d, n);
	if (is("corrupt") && n > 100)
		((unsigned char *)h)[100] ^= 0x10;
	return 0;
}

EXPORT CUresult cuMemcpyHtoDAsync_v2(uint64_t d, const void *h, size_t n, void *s)
{
	(void)s;
	return cuMemcpyHtoD_v2(d, h, n);
}

EXPORT CUresult cuMemcpyDtoHAsync_v2(void *h, uint64_t d, size_t n, void *s)
{
	(void)s;
	return cuMemcpyDtoH_v2(h, d, n);
}

EXPORT CUresult cuMemHostAlloc(void **p, size_t n, unsigned flags)
{
	(void)flags;
	*p = malloc(n);
	return *p ? 0 : 2;
}

EXPORT CUresult cuMemFreeHost(void *p)
{
	free(p);
	return 0;
}

static char stream_token;

EXPORT CUresult cuStreamCreate(void **s, unsigned flags)
{
	(void)flags;
	*s = &stream_token;
	return 0;
}

EXPORT CUresult cuStreamDestroy_v2(void *s)
{
	(void)s;
	return 0;
}

/* An event is the time it was recorded, in ms. */
EXPORT CUresult cuEventCreate(void **e, unsigned flags)
{
	(void)flags;
	*e = calloc(1, sizeof(double));
	return *e ? 0 : 2;
}

EXPORT CUresult cuEventRecord(void *e, void *s)
{
	struct timespec ts;

	(void)s;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*(double *)e = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
	return 0;
}

EXPORT CUresult cuEventSynchronize(void *e)
{
	(void)e;
	return 0;
}

EXPORT CUresult cuEventElapsedTime(float *ms, void *a, void *b)
{
	*ms = (float)(*(double *)b - *(double *)a);
	return 0;
}

EXPORT CUresult cuEventDestroy_v2(void *e)
{
	free(e);
	return 0;
}

static char module_token, function_token;

EXPORT CUresult cuModuleLoadDataEx(void **m, const void *image, unsigned n, int *opts, void **vals)
{
	(void)n; (void)opts; (void)vals;
	/* The real JIT rejects what is not PTX; the double only knows one kernel. */
	if (!strstr(image, ".entry d0c_smoke("))
		return 218; /* CUDA_ERROR_INVALID_PTX */
	*m = &module_token;
	return 0;
}

EXPORT CUresult cuModuleGetFunction(void **f, void *m, const char *name)
{
	(void)m;
	if (strcmp(name, "d0c_smoke") != 0)
		return 500; /* CUDA_ERROR_NOT_FOUND */
	*f = &function_token;
	return 0;
}

EXPORT CUresult cuModuleUnload(void *m)
{
	(void)m;
	return 0;
}

/* d0c_smoke: buf[i] = buf[i] * 3 + add + i for i < n, as the PTX does. */
EXPORT CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
			       unsigned by, unsigned bz, unsigned shm, void *s, void **params,
			       void **extra)
{
	uint32_t *buf = (uint32_t *)(uintptr_t)*(uint64_t *)params[0];
	uint32_t n = *(uint32_t *)params[1], add = *(uint32_t *)params[2];
	uint64_t threads = (uint64_t)gx * gy * gz * bx * by * bz;

	(void)f; (void)shm; (void)s; (void)extra;
	for (uint32_t i = 0; i < n && i < threads; i++)
		buf[i] = buf[i] * 3u + add + i;
	return 0;
}
