/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every strategy table, in the order runs and listings show them.
 * DMAB_STRATEGY(backend, symbol): the table is dmab_<backend>_<symbol>, in
 * strategies/<name>.c. No include guard: expanded once per use.
 */
DMAB_STRATEGY(kmod, uncached)
DMAB_STRATEGY(kmod, wc)
DMAB_STRATEGY(kmod, cached_sync)
DMAB_STRATEGY(kmod, full_flush)
DMAB_STRATEGY(kmod, coherent)
DMAB_STRATEGY(kmod, cached_nosync)
DMAB_STRATEGY(user, uncached)
DMAB_STRATEGY(user, wc)
DMAB_STRATEGY(user, cached_sync)
DMAB_STRATEGY(user, full_flush)
DMAB_STRATEGY(user, coherent)
DMAB_STRATEGY(user, cached_nosync)
DMAB_STRATEGY(dma_heap, cached_sync)
DMAB_STRATEGY(dma_heap, cached_nosync)
DMAB_STRATEGY(udmabuf, cached_sync)
DMAB_STRATEGY(udmabuf, cached_nosync)
DMAB_STRATEGY(carveout, uncached)
DMAB_STRATEGY(carveout, wc)
DMAB_STRATEGY(carveout, cached_sync)
DMAB_STRATEGY(carveout, cached_nosync)
DMAB_STRATEGY(devmem, uncached)
DMAB_STRATEGY(devmem, wc)
DMAB_STRATEGY(devmem, cached_sync)
DMAB_STRATEGY(devmem, cached_nosync)
