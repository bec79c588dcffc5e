/* Bracket calls into libfdt (arch/x86_64/fdt_env.c explains why). */
#ifndef KEEL_LIBFDT_ENV_KEEL_H
#define KEEL_LIBFDT_ENV_KEEL_H

#include <types.h>

uint64_t libfdt_enter(void);
void libfdt_exit(uint64_t saved);

#endif
