#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <types.h>

void serial_init(uint16_t port);
/* The console UART's port, or 0 when there is none. */
uint16_t serial_port_base(void);

#endif
