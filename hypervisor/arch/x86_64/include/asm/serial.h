#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <types.h>

void serial_init(uint16_t port);

#endif
