// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "strategy.h"

const struct dmab_strategy *const dmab_strategies[] = {
#define DMAB_STRATEGY(backend, sym) &dmab_##backend##_##sym,
#include "list.h"
#undef DMAB_STRATEGY
};

const size_t dmab_strategy_count = sizeof(dmab_strategies) / sizeof(dmab_strategies[0]);

static int valid_name(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static const char *check_table(const struct dmab_strategy *s)
{
	int ops = !!s->setup + !!s->sync_for_device + !!s->sync_for_cpu + !!s->teardown +
		  !!s->device;

	if (!valid_name(s->name))
		return "a strategy name is missing or not lower-case letters, digits and '-'";
	if (!valid_name(s->backend))
		return "a table has no valid backend name";
	if (!s->mapping || !s->handover)
		return "a table does not say its mapping and handover";
	if (s->unavailable)
		return ops || s->probe ? "a table with an unavailable reason also has ops" : NULL;
	if (ops != 5)
		return "a table lacks setup, sync_for_device, sync_for_cpu, teardown or device";
	if (!s->alloc != !s->map || (s->irqs_off_alloc && !s->alloc))
		return "a table has one of alloc and map without the other, or irqs_off_alloc "
		       "without them";
	if (s->unmap && !s->map)
		return "a table has unmap without alloc and map";
	if (!s->dma_unmap != !s->dma_map)
		return "a table has one of dma_unmap and dma_map without the other";
	if (!s->device->open || !s->device->close || !s->device->write || !s->device->read ||
	    !s->device->describe || !s->device->name)
		return "a device table lacks an op";
	return NULL;
}

int dmab_strategies_validate(const struct dmab_strategy *const *tables, size_t n,
			     const char **why)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const char *fault = tables[i] ? check_table(tables[i]) : "a table is NULL";

		if (fault) {
			*why = fault;
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(tables[i]->name, tables[j]->name) &&
			    !strcmp(tables[i]->backend, tables[j]->backend)) {
				*why = "two tables for one strategy and backend";
				return -EINVAL;
			}
		}
	}
	return 0;
}

int dmab_strategy_available(const struct dmab_strategy *s, const char **reason)
{
	if (s->unavailable) {
		*reason = s->unavailable;
		return -EOPNOTSUPP;
	}
	return s->probe ? s->probe(s, reason) : 0;
}

int dmab_strategy_known(const char *name)
{
	size_t i;

	for (i = 0; i < dmab_strategy_count; i++)
		if (!strcmp(dmab_strategies[i]->name, name))
			return 1;
	return 0;
}

int dmab_backend_known(const char *name)
{
	size_t i;

	for (i = 0; i < dmab_strategy_count; i++)
		if (!strcmp(dmab_strategies[i]->backend, name))
			return 1;
	return 0;
}

size_t dmab_page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}
