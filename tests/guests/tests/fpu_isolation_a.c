/* keel-test: group=fpu cpus=1 timeout=120 args="pattern=0xa5" */
/*
 * FPU isolation, one half: this domain and fpu_isolation_b share one
 * physical CPU, each loads every SSE/AVX register (and MXCSR) with its
 * own pattern, then yields 10,000 times; after every yield the registers
 * must still hold this domain's values.
 */
#include "fpu_isolation.h"

const char test_name[] = "fpu_isolation_a";
