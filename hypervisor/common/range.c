/* Sorted, disjoint range lists. */
#include <errno_values.h>
#include <range.h>

void range_list_init(struct range_list *list)
{
	list->count = 0;
}

static void remove_at(struct range_list *list, unsigned int i)
{
	for (unsigned int j = i; j + 1 < list->count; j++)
		list->r[j] = list->r[j + 1];
	list->count--;
}

static int insert_at(struct range_list *list, unsigned int i,
		     uint64_t start, uint64_t end)
{
	if (list->count == RANGE_LIST_MAX)
		return -ENOSPC;
	for (unsigned int j = list->count; j > i; j--)
		list->r[j] = list->r[j - 1];
	list->r[i].start = start;
	list->r[i].end = end;
	list->count++;
	return 0;
}

int range_list_add(struct range_list *list, uint64_t start, uint64_t end)
{
	unsigned int i = 0;

	if (start >= end)
		return 0;
	while (i < list->count && list->r[i].end < start)
		i++;
	/* Merge every range that overlaps or touches [start, end). */
	while (i < list->count && list->r[i].start <= end) {
		start = MIN(start, list->r[i].start);
		end = MAX(end, list->r[i].end);
		remove_at(list, i);
	}
	return insert_at(list, i, start, end);
}

int range_list_remove(struct range_list *list, uint64_t start, uint64_t end)
{
	if (start >= end)
		return 0;
	for (unsigned int i = 0; i < list->count; i++) {
		struct range *r = &list->r[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			/* Split in two, if there is room for the second half;
			 * otherwise change nothing. */
			uint64_t old_end = r->end;
			if (list->count == RANGE_LIST_MAX)
				return -ENOSPC;
			r->end = start;
			return insert_at(list, i + 1, end, old_end);
		}
		if (r->start < start) {
			r->end = start;
		} else if (r->end > end) {
			r->start = end;
		} else {
			remove_at(list, i);
			i--;
		}
	}
	return 0;
}

uint64_t range_list_total(const struct range_list *list)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < list->count; i++)
		total += list->r[i].end - list->r[i].start;
	return total;
}

bool range_list_contains(const struct range_list *list, uint64_t addr)
{
	for (unsigned int i = 0; i < list->count; i++)
		if (addr >= list->r[i].start && addr < list->r[i].end)
			return true;
	return false;
}

bool range_list_intersects(const struct range_list *list, uint64_t start,
			   uint64_t end)
{
	for (unsigned int i = 0; i < list->count; i++)
		if (start < list->r[i].end && list->r[i].start < end)
			return true;
	return false;
}
