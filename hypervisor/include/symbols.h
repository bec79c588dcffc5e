/* The hypervisor's embedded symbol table (common/symbols.c), generated at
 * build time by hypervisor/tools/gen-symbols.py from a first link. */
#ifndef KEEL_SYMBOLS_H
#define KEEL_SYMBOLS_H

#include "types.h"

struct symbol_table {
	uint64_t count;
	const uint64_t *addrs;		/* sorted ascending */
	const uint32_t *name_offsets;	/* into names */
	const char *names;
	uint64_t text_end;		/* no symbol covers addresses past this */
};

/* Find the symbol covering @addr. On success returns its name and sets
 * *@offset (from the symbol's start) and *@size (to the next symbol);
 * returns NULL when @addr is outside the table. */
const char *symbol_lookup(const struct symbol_table *table, uint64_t addr,
			  uint64_t *offset, uint64_t *size);

/* The hypervisor's own table. */
extern const struct symbol_table keel_symbols;

#endif
