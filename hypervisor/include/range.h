/* Sorted lists of disjoint address ranges (common/range.c). Boot code uses
 * them to turn the firmware memory map, minus everything reserved, into the
 * list of frames the allocator may use. */
#ifndef KEEL_RANGE_H
#define KEEL_RANGE_H

#include "types.h"

struct range {
	uint64_t start;	/* inclusive */
	uint64_t end;	/* exclusive */
};

#define RANGE_LIST_MAX 128

struct range_list {
	unsigned int count;
	struct range r[RANGE_LIST_MAX];
};

void range_list_init(struct range_list *list);
/* Add [start, end), merging with overlapping or touching ranges.
 * Returns -ENOSPC when the list is full. */
int range_list_add(struct range_list *list, uint64_t start, uint64_t end);
/* Remove [start, end) from every range. Returns -ENOSPC if a split would
 * overflow the list. */
int range_list_remove(struct range_list *list, uint64_t start, uint64_t end);
uint64_t range_list_total(const struct range_list *list);
/* Whether @addr lies in one of the ranges. */
bool range_list_contains(const struct range_list *list, uint64_t addr);
/* Whether some of [start, end) lies in one of the ranges. */
bool range_list_intersects(const struct range_list *list, uint64_t start,
			   uint64_t end);

#endif
