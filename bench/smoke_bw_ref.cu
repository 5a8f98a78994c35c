// Reference for bench/smoke.sh: pinned H2D/D2H bandwidth the way CUDA
// programs measure it (cudaMallocHost, cudaMemcpyAsync on a stream, events),
// one warm-up and the best of REPS timed copies, as dom0cuda smoke does.
// usage: smoke_bw_ref BYTES REPS  -> "h2d_gbs d2h_gbs"
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define CK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { \
	fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e)); return 2; } } while (0)

static int best(void *dst, const void *src, size_t n, cudaMemcpyKind k, cudaStream_t s,
		cudaEvent_t a, cudaEvent_t b, int reps, float *out)
{
	*out = 0;
	for (int i = -1; i < reps; i++) {
		float ms;
		CK(cudaEventRecord(a, s));
		CK(cudaMemcpyAsync(dst, src, n, k, s));
		CK(cudaEventRecord(b, s));
		CK(cudaEventSynchronize(b));
		CK(cudaEventElapsedTime(&ms, a, b));
		if (i >= 0 && (*out == 0 || ms < *out))
			*out = ms;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 64u << 20;
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	void *h, *d;
	cudaStream_t s;
	cudaEvent_t a, b;
	float up, down;

	CK(cudaMallocHost(&h, n));
	CK(cudaMalloc(&d, n));
	CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
	CK(cudaEventCreate(&a));
	CK(cudaEventCreate(&b));
	if (best(d, h, n, cudaMemcpyHostToDevice, s, a, b, reps, &up) ||
	    best(h, d, n, cudaMemcpyDeviceToHost, s, a, b, reps, &down))
		return 2;
	printf("%.3f %.3f\n", n / (up / 1e3) / 1e9, n / (down / 1e3) / 1e9);
	return 0;
}
