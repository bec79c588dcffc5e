/* Reading little-endian fields from byte buffers of untrusted alignment
 * (boot loader and firmware structures). */
#ifndef KEEL_BYTEORDER_H
#define KEEL_BYTEORDER_H

#include "types.h"

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

#endif
