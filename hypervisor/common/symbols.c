/* Address to symbol lookup by binary search over the sorted table. */
#include <symbols.h>

const char *symbol_lookup(const struct symbol_table *table, uint64_t addr,
			  uint64_t *offset, uint64_t *size)
{
	uint64_t lo = 0, hi = table->count;

	if (table->count == 0 || addr < table->addrs[0] ||
	    addr >= table->text_end)
		return NULL;
	/* Find the last symbol whose address is <= addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (table->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t next = lo + 1 < table->count ? table->addrs[lo + 1] :
						table->text_end;
	*offset = addr - table->addrs[lo];
	*size = next - table->addrs[lo];
	return table->names + table->name_offsets[lo];
}
