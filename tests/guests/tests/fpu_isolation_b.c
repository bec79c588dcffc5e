/* keel-test: group=fpu cpus=1 timeout=120 args="pattern=0x3c" */
/* FPU isolation, other half: see fpu_isolation_a.c. */
#include "fpu_isolation.h"

const char test_name[] = "fpu_isolation_b";
