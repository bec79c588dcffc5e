/* keel-test: group=weights cpus=1 weight=256 timeout=120 icount=1 */
#include "sched_weights_spin.h"
const char test_name[] = "sched_weights_light";
