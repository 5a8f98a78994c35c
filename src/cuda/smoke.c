/* The smoke engine: each unit of work (driver init, NVML, one GPU) runs in its
 * own thread and reports every step to a watcher, which names a step that
 * runs past its timeout instead of hanging with it. Findings are decided
 * afterwards from the recorded steps (smoke_decide.c), so the threads only
 * measure. */
#include "cuda/smoke.h"

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cuda/cuda_api.h"
#include "cuda/smoke_internal.h"
#include "util/log.h"
#include "util/strbuf.h"

/* Driver-JIT-compiled at run time: sm_50 PTX runs on every GPU the driver
 * supports, so no toolkit and no per-architecture binary are needed. Each
 * thread i of buf[0..n) computes buf[i] = buf[i] * 3 + add + i. */
static const char smoke_ptx[] =
	".version 6.0\n"
	".target sm_50\n"
	".address_size 64\n"
	".visible .entry d0c_smoke(.param .u64 d0c_buf, .param .u32 d0c_n, .param .u32 d0c_add)\n"
	"{\n"
	"	.reg .pred %p<2>;\n"
	"	.reg .b32 %r<9>;\n"
	"	.reg .b64 %rd<5>;\n"
	"	ld.param.u64 %rd1, [d0c_buf];\n"
	"	ld.param.u32 %r1, [d0c_n];\n"
	"	ld.param.u32 %r2, [d0c_add];\n"
	"	mov.u32 %r3, %ctaid.x;\n"
	"	mov.u32 %r4, %ntid.x;\n"
	"	mov.u32 %r5, %tid.x;\n"
	"	mad.lo.s32 %r6, %r3, %r4, %r5;\n"
	"	setp.ge.u32 %p1, %r6, %r1;\n"
	"	@%p1 bra $L_done;\n"
	"	cvta.to.global.u64 %rd2, %rd1;\n"
	"	mul.wide.u32 %rd3, %r6, 4;\n"
	"	add.s64 %rd4, %rd2, %rd3;\n"
	"	ld.global.u32 %r7, [%rd4];\n"
	"	mad.lo.s32 %r8, %r7, 3, %r2;\n"
	"	add.s32 %r8, %r8, %r6;\n"
	"	st.global.u32 [%rd4], %r8;\n"
	"$L_done:\n"
	"	ret;\n"
	"}\n";

/* The verdict's copy: big enough to cross many pages of device memory,
 * small enough that filling and checking it costs a few ms next to the
 * driver's context creation. The kernel works on its first part. */
#define SMOKE_COPY_BYTES (4u << 20)
#define KERNEL_WORDS (1u << 20)
#define KERNEL_BLOCK 256u
#define KERNEL_ADD 0x5bd1e995u
#define BW_WARMUP 1

struct runner;

/* Everything a worker thread touches. It is freed only when no worker was
 * abandoned; otherwise a blocked thread may still wake up and use it. */
struct sched {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_mutex_t progress_mu;
	struct smoke_opts opts;
	struct cuda_api cu;
	struct nvml_api nvml;
	struct runner *runners;
	size_t nrunners;
};

struct runner {
	struct sched *s;
	pthread_t tid;
	void (*fn)(struct runner *);
	const char *step;      /* running step, NULL between steps */
	double step_t0;        /* its start, ms on the monotonic clock */
	bool done, abandoned, joinable;
	/* The worker writes priv; pub (owned by the result) gets a copy under
	 * the lock after each step unless the worker was abandoned. */
	void *priv, *pub;
	size_t size;
	struct smoke_steps *priv_steps, *pub_steps;
	union {
		struct smoke_init_info init;
		struct smoke_nvml_info nvml;
		struct smoke_gpu gpu;
	} u;
};

double smoke_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void publish_locked(struct runner *r)
{
	if (!r->abandoned)
		memcpy(r->pub, r->priv, r->size);
}

static void step_begin(struct runner *r, const char *name)
{
	pthread_mutex_lock(&r->s->mu);
	r->step = name;
	r->step_t0 = smoke_now_ms();
	pthread_cond_broadcast(&r->s->cv);
	pthread_mutex_unlock(&r->s->mu);
}

/* Records the running step with its outcome; returns 0 for a pass, -1 so
 * callers can `return step_end(...)` on failure. err is the CUresult or
 * nvmlReturn_t of a failed call, -errno for a library that did not load, 0
 * for a failed check of data; errname its name (NULL: the CUDA name of err). */
static int __attribute__((format(printf, 5, 6)))
step_end(struct runner *r, enum smoke_status st, int err, const char *errname, const char *fmt, ...)
{
	struct smoke_steps *ss = r->priv_steps;
	struct smoke_step *sp;
	double end = smoke_now_ms();
	char buf[48];
	va_list ap;

	if (!errname && err > 0)
		errname = cuda_error_name(&r->s->cu, err, buf, sizeof(buf));
	pthread_mutex_lock(&r->s->mu);
	if (ss->n < SMOKE_MAX_STEPS) {
		sp = &ss->v[ss->n++];
		memset(sp, 0, sizeof(*sp));
		sp->name = r->step;
		sp->status = st;
		sp->ms = end - r->step_t0;
		sp->cu_error = err;
		snprintf(sp->error, sizeof(sp->error), "%s", errname ? errname : "");
		va_start(ap, fmt);
		vsnprintf(sp->detail, sizeof(sp->detail), fmt, ap);
		va_end(ap);
	}
	r->step = NULL;
	publish_locked(r);
	pthread_cond_broadcast(&r->s->cv);
	pthread_mutex_unlock(&r->s->mu);
	return st == SMOKE_PASS ? 0 : -1;
}

#define step_pass(r, ...) step_end(r, SMOKE_PASS, 0, NULL, __VA_ARGS__)
/* A failed check of data, not of a call. */
#define step_fail(r, ...) step_end(r, SMOKE_FAIL, 0, NULL, __VA_ARGS__)
/* A library that failed to load: rc is -ENOENT (absent) or -ENOSYS (a
 * symbol missing or the API too old). */
#define step_loadfail(r, rc, ...) \
	step_end(r, SMOKE_FAIL, rc, (rc) == -ENOENT ? "not found" : "too old", __VA_ARGS__)
#define step_nvfail(r, e, ...) step_end(r, SMOKE_FAIL, e, r->s->nvml.nvmlErrorString(e), __VA_ARGS__)
/* A failed CUDA call: step_end names its CUresult. */
#define step_cufail(r, e, ...) step_end(r, SMOKE_FAIL, e, NULL, __VA_ARGS__)

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	r->fn(r);
	pthread_mutex_lock(&r->s->mu);
	r->done = true;
	publish_locked(r);
	pthread_cond_broadcast(&r->s->cv);
	pthread_mutex_unlock(&r->s->mu);
	return NULL;
}

static void progress(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->s->opts.progress)
		return;
	pthread_mutex_lock(&r->s->progress_mu);
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	pthread_mutex_unlock(&r->s->progress_mu);
}

/* ---- init: libcuda, cuInit, device count ---- */

static void run_init(struct runner *r)
{
	struct cuda_api *cu = &r->s->cu;
	struct smoke_init_info *in = &r->u.init;
	char err[256];
	CUresult e;
	int rc;

	step_begin(r, "load libcuda");
	rc = cuda_api_load(cu, err, sizeof(err));
	if (rc == -ENOSYS) {
		in->cuda_version = cuda_api_driver_version();
		step_loadfail(r, rc, "libcuda.so.1 has no %s", err);
		return;
	}
	if (rc < 0) {
		step_loadfail(r, rc, "%s", err);
		return;
	}
	if (cu->cuDriverGetVersion(&in->cuda_version) != CUDA_SUCCESS)
		in->cuda_version = 0;
	if (in->cuda_version && in->cuda_version < CUDA_API_MIN_VERSION) {
		step_loadfail(r, -ENOSYS, "driver API %d.%d is older than %d.%d",
			      in->cuda_version / 1000, in->cuda_version % 1000 / 10,
			      CUDA_API_MIN_VERSION / 1000, CUDA_API_MIN_VERSION % 1000 / 10);
		return;
	}
	step_pass(r, "CUDA %d.%d driver API", in->cuda_version / 1000, in->cuda_version % 1000 / 10);

	step_begin(r, "cuInit");
	e = cu->cuInit(0);
	if (e != CUDA_SUCCESS) {
		step_cufail(r, e, "cuInit(0)");
		return;
	}
	step_pass(r, "driver initialised");

	step_begin(r, "devices");
	e = cu->cuDeviceGetCount(&in->count);
	if (e != CUDA_SUCCESS) {
		in->count = -1;
		step_cufail(r, e, "cuDeviceGetCount");
		return;
	}
	if (in->count == 0) {
		step_fail(r, "CUDA sees no GPU");
		return;
	}
	step_pass(r, "%d GPU%s", in->count, in->count == 1 ? "" : "s");
}

/* ---- NVML: names, bus ids, driver version, PCIe link ---- */

static void run_nvml(struct runner *r)
{
	struct nvml_api *nv = &r->s->nvml;
	struct smoke_nvml_info *ni = &r->u.nvml;
	char err[256];
	unsigned count;
	nvmlReturn_t e;
	int rc;

	step_begin(r, "load libnvidia-ml");
	rc = nvml_api_load(nv, err, sizeof(err));
	if (rc < 0) {
		step_loadfail(r, rc, rc == -ENOSYS ? "libnvidia-ml.so.1 has no %s" : "%s", err);
		return;
	}
	step_pass(r, "libnvidia-ml.so.1");

	step_begin(r, "nvml");
	e = nv->nvmlInit_v2();
	if (e != 0) {
		step_nvfail(r, e, "nvmlInit");
		return;
	}
	if (nv->nvmlSystemGetDriverVersion(ni->driver, sizeof(ni->driver)) != 0)
		ni->driver[0] = '\0';
	e = nv->nvmlDeviceGetCount_v2(&count);
	if (e != 0) {
		step_nvfail(r, e, "nvmlDeviceGetCount");
		nv->nvmlShutdown();
		return;
	}
	ni->count = (int)count;
	for (unsigned i = 0; i < count && i < SMOKE_NVML_MAX; i++) {
		struct smoke_nvml_dev *d = &ni->dev[i];
		struct nvml_pci_info pci;
		nvmlDevice_t h;

		if (nv->nvmlDeviceGetHandleByIndex_v2(i, &h) != 0)
			continue;
		if (nv->nvmlDeviceGetName(h, d->name, sizeof(d->name)) != 0)
			d->name[0] = '\0';
		memset(&pci, 0, sizeof(pci));
		if (nv->nvmlDeviceGetPciInfo_v3(h, &pci) == 0)
			smoke_bus_id_norm(pci.busId, d->bus_id, sizeof(d->bus_id));
		if (nv->nvmlDeviceGetCurrPcieLinkGeneration(h, &d->gen) != 0)
			d->gen = 0;
		if (nv->nvmlDeviceGetCurrPcieLinkWidth(h, &d->width) != 0)
			d->width = 0;
		if (nv->nvmlDeviceGetMaxPcieLinkGeneration(h, &d->max_gen) != 0)
			d->max_gen = 0;
		if (nv->nvmlDeviceGetMaxPcieLinkWidth(h, &d->max_width) != 0)
			d->max_width = 0;
	}
	nv->nvmlShutdown();
	step_pass(r, "driver %s, %u GPU%s", ni->driver[0] ? ni->driver : "?", count,
		  count == 1 ? "" : "s");
}

/* ---- one GPU ---- */

struct gpu_res {
	CUcontext ctx;
	bool have_ctx;
	CUdeviceptr dbuf, dbw;
	CUmodule mod;
	CUstream stream;
	CUevent ev[2];
	uint32_t *host, *back;
};

static uint32_t pattern_word(size_t i, uint32_t seed)
{
	return (uint32_t)(i * 2654435761u) ^ seed;
}

static int gpu_properties(struct runner *r, CUdevice *dev)
{
	struct cuda_api *cu = &r->s->cu;
	struct smoke_gpu *g = &r->u.gpu;
	char bus[32];
	CUresult e;

	step_begin(r, "properties");
	if ((e = cu->cuDeviceGet(dev, g->index)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuDeviceGet(%d)", g->index);
	if ((e = cu->cuDeviceGetName(g->name, (int)sizeof(g->name), *dev)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuDeviceGetName");
	if ((e = cu->cuDeviceTotalMem_v2(&g->mem_bytes, *dev)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuDeviceTotalMem");
	if ((e = cu->cuDeviceGetAttribute(&g->cc_major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
					  *dev)) != CUDA_SUCCESS ||
	    (e = cu->cuDeviceGetAttribute(&g->cc_minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
					  *dev)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuDeviceGetAttribute(compute capability)");
	if ((e = cu->cuDeviceGetPCIBusId(bus, (int)sizeof(bus), *dev)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuDeviceGetPCIBusId");
	smoke_bus_id_norm(bus, g->bus_id, sizeof(g->bus_id));
	return step_pass(r, "%s, %zu MiB, compute %d.%d, %s", g->name, g->mem_bytes >> 20,
			 g->cc_major, g->cc_minor, g->bus_id);
}

static int gpu_context(struct runner *r, CUdevice dev, struct gpu_res *x)
{
	struct cuda_api *cu = &r->s->cu;
	CUresult e;

	step_begin(r, "context");
	if ((e = cu->cuDevicePrimaryCtxRetain(&x->ctx, dev)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuDevicePrimaryCtxRetain");
	x->have_ctx = true;
	if ((e = cu->cuCtxSetCurrent(x->ctx)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuCtxSetCurrent");
	return step_pass(r, "primary context");
}

static int gpu_alloc(struct runner *r, struct gpu_res *x)
{
	CUresult e;

	step_begin(r, "alloc");
	if ((e = r->s->cu.cuMemAlloc_v2(&x->dbuf, SMOKE_ALLOC_BYTES)) != CUDA_SUCCESS) {
		x->dbuf = 0;
		return step_cufail(r, e, "cuMemAlloc(%u MiB)", SMOKE_ALLOC_BYTES >> 20);
	}
	return step_pass(r, "%u MiB device memory", SMOKE_ALLOC_BYTES >> 20);
}

/* First mismatching word of a against b, or n. */
static size_t first_mismatch(const uint32_t *a, const uint32_t *b, size_t n)
{
	if (memcmp(a, b, n * sizeof(*a)) == 0)
		return n;
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}

static int gpu_copy(struct runner *r, struct gpu_res *x, uint32_t seed)
{
	struct cuda_api *cu = &r->s->cu;
	const size_t words = SMOKE_COPY_BYTES / sizeof(uint32_t);
	CUresult e;
	size_t bad;

	step_begin(r, "copy");
	x->host = xmalloc(SMOKE_COPY_BYTES);
	x->back = xmalloc(SMOKE_COPY_BYTES);
	for (size_t i = 0; i < words; i++)
		x->host[i] = pattern_word(i, seed);
	memset(x->back, 0, SMOKE_COPY_BYTES);
	if ((e = cu->cuMemcpyHtoD_v2(x->dbuf, x->host, SMOKE_COPY_BYTES)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuMemcpyHtoD(%u MiB)", SMOKE_COPY_BYTES >> 20);
	if ((e = cu->cuMemcpyDtoH_v2(x->back, x->dbuf, SMOKE_COPY_BYTES)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuMemcpyDtoH(%u MiB)", SMOKE_COPY_BYTES >> 20);
	bad = first_mismatch(x->host, x->back, words);
	if (bad != words)
		return step_fail(r, "word %zu came back as 0x%08x, 0x%08x was written", bad,
				 x->back[bad], x->host[bad]);
	return step_pass(r, "%u MiB there and back, pattern verified", SMOKE_COPY_BYTES >> 20);
}

static int gpu_kernel(struct runner *r, struct gpu_res *x)
{
	struct cuda_api *cu = &r->s->cu;
	char log[512] = "";
	int jit_opts[] = { CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
	void *jit_vals[] = { log, (void *)(uintptr_t)sizeof(log) };
	unsigned n = KERNEL_WORDS, add = KERNEL_ADD;
	void *params[] = { &x->dbuf, &n, &add };
	CUfunction fn;
	CUresult e;
	size_t bad = KERNEL_WORDS;

	step_begin(r, "kernel");
	e = cu->cuModuleLoadDataEx(&x->mod, smoke_ptx, 2, jit_opts, jit_vals);
	if (e != CUDA_SUCCESS) {
		x->mod = NULL;
		log[sizeof(log) - 1] = '\0';
		log[strcspn(log, "\n")] = '\0';
		return step_cufail(r, e, "cuModuleLoadDataEx (PTX JIT)%s%s", log[0] ? ": " : "", log);
	}
	if ((e = cu->cuModuleGetFunction(&fn, x->mod, "d0c_smoke")) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuModuleGetFunction(d0c_smoke)");
	if ((e = cu->cuLaunchKernel(fn, KERNEL_WORDS / KERNEL_BLOCK, 1, 1, KERNEL_BLOCK, 1, 1, 0,
				    NULL, params, NULL)) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuLaunchKernel");
	if ((e = cu->cuCtxSynchronize()) != CUDA_SUCCESS)
		return step_cufail(r, e, "cuCtxSynchronize after the launch");
	if ((e = cu->cuMemcpyDtoH_v2(x->back, x->dbuf, KERNEL_WORDS * sizeof(uint32_t))) !=
	    CUDA_SUCCESS)
		return step_cufail(r, e, "cuMemcpyDtoH of the kernel's result");
	for (size_t i = 0; i < KERNEL_WORDS; i++) {
		if (x->back[i] != (uint32_t)(x->host[i] * 3u + KERNEL_ADD + (uint32_t)i)) {
			bad = i;
			break;
		}
	}
	if (bad != KERNEL_WORDS)
		return step_fail(r, "kernel result wrong at word %zu: 0x%08x", bad, x->back[bad]);
	return step_pass(r, "PTX JIT, %u threads, %u words verified", KERNEL_WORDS, KERNEL_WORDS);
}

/* Best-of-reps copy time of size bytes in one direction, timed with events
 * on our stream, so the driver's own overhead is in it as it is for users. */
static CUresult time_copy(struct runner *r, struct gpu_res *x, void *host, bool h2d, size_t size,
			  const char *label, double *gbs)
{
	struct cuda_api *cu = &r->s->cu;
	int reps = r->s->opts.reps;
	float best = 0;
	CUresult e;

	for (int i = -BW_WARMUP; i < reps; i++) {
		float ms;

		progress(r, "smoke: GPU %d %s %s %d/%d", r->u.gpu.index, label, h2d ? "H2D" : "D2H",
			 i < 0 ? 0 : i + 1, reps);
		if ((e = cu->cuEventRecord(x->ev[0], x->stream)) != CUDA_SUCCESS)
			return e;
		e = h2d ? cu->cuMemcpyHtoDAsync_v2(x->dbw, host, size, x->stream)
			: cu->cuMemcpyDtoHAsync_v2(host, x->dbw, size, x->stream);
		if (e != CUDA_SUCCESS)
			return e;
		if ((e = cu->cuEventRecord(x->ev[1], x->stream)) != CUDA_SUCCESS ||
		    (e = cu->cuEventSynchronize(x->ev[1])) != CUDA_SUCCESS ||
		    (e = cu->cuEventElapsedTime(&ms, x->ev[0], x->ev[1])) != CUDA_SUCCESS)
			return e;
		if (i >= 0 && ms > 0 && (best == 0 || ms < best))
			best = ms;
	}
	*gbs = best > 0 ? (double)size / ((double)best / 1e3) / 1e9 : 0;
	return CUDA_SUCCESS;
}

enum host_mem { MEM_PINNED, MEM_WC, MEM_PAGEABLE };

static int gpu_bandwidth(struct runner *r, struct gpu_res *x, enum host_mem kind)
{
	static const char *const names[] = { "bandwidth pinned", "bandwidth write-combined",
					     "bandwidth pageable" };
	struct cuda_api *cu = &r->s->cu;
	size_t size = r->s->opts.size;
	const char *label = names[kind] + strlen("bandwidth ");
	void *host = NULL;
	CUresult e = CUDA_SUCCESS;
	struct smoke_step *sp;
	double h2d = 0, d2h = 0;

	step_begin(r, names[kind]);
	if (kind == MEM_PAGEABLE) {
		host = xmalloc(size);
		memset(host, 0xa5, size);
	} else {
		e = cu->cuMemHostAlloc(&host, size, kind == MEM_WC ? CU_MEMHOSTALLOC_WRITECOMBINED : 0);
		if (e != CUDA_SUCCESS)
			return step_cufail(r, e, "cuMemHostAlloc(%zu MiB, %s)", size >> 20, label);
		memset(host, 0xa5, size);
	}
	e = time_copy(r, x, host, true, size, label, &h2d);
	if (e == CUDA_SUCCESS)
		e = time_copy(r, x, host, false, size, label, &d2h);
	if (kind == MEM_PAGEABLE)
		free(host);
	else
		cu->cuMemFreeHost(host);
	if (e != CUDA_SUCCESS)
		return step_cufail(r, e, "%s copy of %zu MiB", label, size >> 20);
	step_pass(r, "%zu MiB, best of %d", size >> 20, r->s->opts.reps);
	/* step_pass published the step; the rates go in under the same lock. */
	pthread_mutex_lock(&r->s->mu);
	sp = &r->priv_steps->v[r->priv_steps->n - 1];
	sp->h2d_gbs = h2d;
	sp->d2h_gbs = d2h;
	publish_locked(r);
	pthread_mutex_unlock(&r->s->mu);
	return 0;
}

static int gpu_bandwidth_setup(struct runner *r, struct gpu_res *x)
{
	struct cuda_api *cu = &r->s->cu;
	CUresult e;

	step_begin(r, "bandwidth setup");
	if ((e = cu->cuStreamCreate(&x->stream, CU_STREAM_NON_BLOCKING)) != CUDA_SUCCESS) {
		x->stream = NULL;
		return step_cufail(r, e, "cuStreamCreate");
	}
	for (int i = 0; i < 2; i++) {
		if ((e = cu->cuEventCreate(&x->ev[i], CU_EVENT_DEFAULT)) != CUDA_SUCCESS) {
			x->ev[i] = NULL;
			return step_cufail(r, e, "cuEventCreate");
		}
	}
	x->dbw = x->dbuf;
	if (r->s->opts.size > SMOKE_ALLOC_BYTES &&
	    (e = cu->cuMemAlloc_v2(&x->dbw, r->s->opts.size)) != CUDA_SUCCESS) {
		x->dbw = 0;
		return step_cufail(r, e, "cuMemAlloc(%zu MiB) for bandwidth", r->s->opts.size >> 20);
	}
	return step_pass(r, "stream, events, %zu MiB device buffer", r->s->opts.size >> 20);
}

/* Releases what the run holds. Returns the first error, CUDA_SUCCESS. */
static CUresult gpu_release(struct runner *r, struct gpu_res *x, CUdevice dev)
{
	struct cuda_api *cu = &r->s->cu;
	CUresult first = CUDA_SUCCESS, e;

#define REL(call) do { e = (call); if (first == CUDA_SUCCESS) first = e; } while (0)
	if (x->dbw && x->dbw != x->dbuf)
		REL(cu->cuMemFree_v2(x->dbw));
	for (int i = 0; i < 2; i++)
		if (x->ev[i])
			REL(cu->cuEventDestroy_v2(x->ev[i]));
	if (x->stream)
		REL(cu->cuStreamDestroy_v2(x->stream));
	if (x->mod)
		REL(cu->cuModuleUnload(x->mod));
	if (x->dbuf)
		REL(cu->cuMemFree_v2(x->dbuf));
	if (x->have_ctx)
		REL(cu->cuDevicePrimaryCtxRelease_v2(dev));
#undef REL
	memset(x, 0, sizeof(*x));
	return first;
}

static void run_gpu(struct runner *r)
{
	struct gpu_res x;
	CUdevice dev = 0;
	bool quick = r->s->opts.quick;
	int failed;

	memset(&x, 0, sizeof(x));
	failed = gpu_properties(r, &dev) || gpu_context(r, dev, &x) || gpu_alloc(r, &x) ||
		 gpu_copy(r, &x, 0x9e3779b9u * (uint32_t)(r->u.gpu.index + 1)) ||
		 gpu_kernel(r, &x);
	free(x.host);
	free(x.back);
	x.host = x.back = NULL;
	if (!failed && !quick) {
		failed = gpu_bandwidth_setup(r, &x) || gpu_bandwidth(r, &x, MEM_PINNED) ||
			 gpu_bandwidth(r, &x, MEM_WC) || gpu_bandwidth(r, &x, MEM_PAGEABLE);
		if (!failed) {
			CUresult e;

			step_begin(r, "teardown");
			e = gpu_release(r, &x, dev);
			failed = e != CUDA_SUCCESS ? step_cufail(r, e, "releasing the context")
						   : step_pass(r, "context released");
		}
	}
	/* Quick leaves a working context to process exit (cheaper than a
	 * release); a failed run gives back what it holds so a library caller
	 * is not left with a half-set-up device. */
	if (failed)
		gpu_release(r, &x, dev);
	pthread_mutex_lock(&r->s->mu);
	r->u.gpu.ok = !failed;
	publish_locked(r);
	pthread_mutex_unlock(&r->s->mu);
}

/* ---- the watcher ---- */

static void runner_start(struct sched *s, struct runner *r, void (*fn)(struct runner *),
			 void *priv, void *pub, size_t size, struct smoke_steps *priv_steps,
			 struct smoke_steps *pub_steps)
{
	int rc;

	r->s = s;
	r->fn = fn;
	r->priv = priv;
	r->pub = pub;
	r->size = size;
	r->priv_steps = priv_steps;
	r->pub_steps = pub_steps;
	rc = pthread_create(&r->tid, NULL, runner_main, r);
	if (rc != 0) {
		/* Without a thread the unit cannot run: say so as its step. */
		log_errno(-rc, "cannot start a smoke thread");
		r->done = true;
		pub_steps->n = 0;
		pub_steps->v[pub_steps->n++] = (struct smoke_step){
			.name = "thread", .status = SMOKE_FAIL, .cu_error = -rc,
			.error = "no thread",
		};
		return;
	}
	r->joinable = true;
}

/* Marks the running step of r as timed out in the published copy; from now
 * on the result belongs to the caller and the worker's writes go nowhere. */
static void abandon_locked(struct runner *r, double now, double timeout_s)
{
	struct smoke_steps *ss = r->pub_steps;

	r->abandoned = true;
	if (ss->n < SMOKE_MAX_STEPS) {
		struct smoke_step *sp = &ss->v[ss->n++];

		memset(sp, 0, sizeof(*sp));
		sp->name = r->step;
		sp->status = SMOKE_TIMEOUT;
		sp->ms = now - r->step_t0;
		snprintf(sp->error, sizeof(sp->error), "timeout");
		snprintf(sp->detail, sizeof(sp->detail),
			 "no answer from the driver after %.0f s; abandoned", timeout_s);
	}
}

/* Waits until every runner in rs is done or abandoned. Returns how many
 * were abandoned. */
static size_t watch(struct sched *s, struct runner *const *rs, size_t n)
{
	double timeout_ms = s->opts.step_timeout_s * 1e3;
	size_t abandoned = 0;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		double now = smoke_now_ms(), next = 0;
		bool pending = false;
		struct timespec ts;

		for (size_t i = 0; i < n; i++) {
			struct runner *r = rs[i];
			double deadline;

			if (r->done || r->abandoned)
				continue;
			deadline = r->step ? r->step_t0 + timeout_ms : 0;
			if (r->step && now >= deadline) {
				abandon_locked(r, now, s->opts.step_timeout_s);
				abandoned++;
				continue;
			}
			pending = true;
			if (r->step && (next == 0 || deadline < next))
				next = deadline;
		}
		if (!pending)
			break;
		if (next == 0) {
			/* Between steps: the next step_begin wakes us. */
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1e3);
		ts.tv_nsec = (long)((next - (double)ts.tv_sec * 1e3) * 1e6);
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	for (size_t i = 0; i < n; i++) {
		if (!rs[i]->joinable)
			continue;
		if (rs[i]->abandoned)
			pthread_detach(rs[i]->tid);
		else
			pthread_join(rs[i]->tid, NULL);
		rs[i]->joinable = false;
	}
	return abandoned;
}

static struct sched *sched_new(const struct smoke_opts *opts, size_t nrunners)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;

	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->progress_mu, NULL);
	/* Deadlines are on the monotonic clock: a clock step must not fire
	 * (or hide) a timeout. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	s->opts = *opts;
	s->runners = xcalloc(nrunners, sizeof(*s->runners));
	s->nrunners = nrunners;
	return s;
}

static void sched_free(struct sched *s)
{
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	pthread_mutex_destroy(&s->progress_mu);
	free(s->runners);
	free(s);
}

/* Which CUDA ordinals to test: all, or the one asked for if it exists. */
static void select_gpus(const struct smoke_opts *opts, int count, struct smoke_result *res)
{
	int first = opts->device < 0 ? 0 : opts->device;
	int n = opts->device < 0 ? count : (opts->device < count ? 1 : 0);

	res->gpus = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*res->gpus));
	res->ngpus = (size_t)n;
	for (int i = 0; i < n; i++)
		res->gpus[i].index = first + i;
}

int smoke_run(const struct smoke_opts *opts, struct smoke_result *res)
{
	struct smoke_init_info init_pub;
	struct smoke_nvml_info nvml_pub;
	struct runner *watched[1 + SMOKE_NVML_MAX + 1];
	struct runner *ri, *rn;
	struct sched *s;
	size_t abandoned, nw = 0;
	double t0 = smoke_now_ms();
	int count;

	memset(res, 0, sizeof(*res));
	res->cuda_count = res->nvml_count = -1;
	res->quick = opts->quick;
	if (opts->size < (1u << 20) || opts->reps < 1 || opts->step_timeout_s <= 0 ||
	    opts->device < -1)
		return -EINVAL;
	memset(&init_pub, 0, sizeof(init_pub));
	memset(&nvml_pub, 0, sizeof(nvml_pub));
	init_pub.count = nvml_pub.count = -1;

	/* Runners: init, NVML, then at most one per GPU CUDA can report. */
	s = sched_new(opts, 2 + SMOKE_NVML_MAX);
	ri = &s->runners[0];
	rn = &s->runners[1];
	ri->u.init.count = rn->u.nvml.count = -1;
	/* NVML runs beside cuInit, so enumeration adds no time to the verdict. */
	runner_start(s, rn, run_nvml, &rn->u.nvml, &nvml_pub, sizeof(nvml_pub),
		     &rn->u.nvml.steps, &nvml_pub.steps);
	runner_start(s, ri, run_init, &ri->u.init, &init_pub, sizeof(init_pub),
		     &ri->u.init.steps, &init_pub.steps);
	abandoned = watch(s, &ri, 1);

	count = init_pub.count;
	res->cuda_version = init_pub.cuda_version;
	res->cuda_count = count;
	if (count > 0 && !abandoned) {
		select_gpus(opts, count, res);
		if (res->ngpus > SMOKE_NVML_MAX)
			res->ngpus = SMOKE_NVML_MAX;
		for (size_t i = 0; i < res->ngpus; i++) {
			struct runner *r = &s->runners[2 + i];

			r->u.gpu.index = res->gpus[i].index;
			runner_start(s, r, run_gpu, &r->u.gpu, &res->gpus[i], sizeof(res->gpus[i]),
				     &r->u.gpu.steps, &res->gpus[i].steps);
			watched[nw++] = r;
		}
	}
	watched[nw++] = rn;
	abandoned += watch(s, watched, nw);
	if (opts->progress && !opts->quick)
		fputs("\r\033[K", stderr);

	res->init = init_pub.steps;
	res->nvml = nvml_pub.steps;
	res->nvml_count = nvml_pub.count;
	snprintf(res->driver, sizeof(res->driver), "%s", nvml_pub.driver);
	smoke_decide(opts, &init_pub, &nvml_pub, res);
	res->total_ms = smoke_now_ms() - t0;
	/* An abandoned worker may wake up and touch s: it stays allocated. */
	if (!abandoned)
		sched_free(s);
	return 0;
}

void smoke_result_free(struct smoke_result *res)
{
	free(res->gpus);
	res->gpus = NULL;
	res->ngpus = 0;
}
