#!/usr/bin/env python3
"""PV-memory benchmarks (ABI 1.1 direct paging): one QEMU run under
-icount shift=0, so that rdtsc counts executed instructions and the
figures repeat from run to run.

Two domains: pv_memory (domain 0) measures; pv_memory_peer (domain 1)
grants it a page. Measured in that one run (bench/pv-memory/pv_memory.c
says exactly what each loop does):
  - null_hypercall_roundtrip: version(), the baseline of the MMU figures;
  - pte_update_batched / pte_update_single: cycles per PTE update, 512
    updates in one mmu_update call against one call per update;
  - pin_unpin_l1_full / pin_unpin_l1_empty: pin + unpin of an L1 with 512
    valid entries, and of an empty one;
  - memcpy_4k: a 4 KiB memcpy in the guest, the baseline of the grant
    figures;
  - grant_map_unmap, grant_map_copy_unmap, grant_copy_4k: a 4 KiB page
    granted by domain 1.

Each figure is the minimum over 5 rounds of the mean per operation over a
loop. Writes bench/results/pv-memory.json with the figures, the ratios,
and the command that produced them.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import benchlib  # noqa: E402

WANT = ["null_hypercall_roundtrip",
        "pte_update_batched", "pte_update_single",
        "pin_unpin_l1_full", "pin_unpin_l1_empty",
        "memcpy_4k",
        "grant_map_unmap", "grant_map_copy_unmap", "grant_copy_4k"]


def main():
    figures = benchlib.run(
        benchlib.build_dir(), "test",
        [("pv_memory.elf", "name=pv_memory mem=8M privileged=0"),
         ("pv_memory_peer.elf", "name=pv_memory_peer mem=4M privileged=0")],
        WANT)
    null = figures["null_hypercall_roundtrip"]
    memcpy = figures["memcpy_4k"]
    mmu = ["pte_update_batched", "pte_update_single",
           "pin_unpin_l1_full", "pin_unpin_l1_empty"]
    grants = [w for w in WANT if w.startswith("grant_")]

    def ratio(a, b, digits=2):
        return round(figures[a] / figures[b], digits)

    result = benchlib.header("pv-memory", "python3 bench/pv-memory/run.py")
    result.update({
        "units": "TSC cycles per operation (under -icount shift=0, one "
                 "cycle per executed guest instruction time unit); "
                 "pte_update_*: per PTE update; pin_unpin_*: per pin + "
                 "unpin pair; grant_*: per 4 KiB page; each the minimum "
                 "over 5 rounds of the mean over a loop",
        "figures": figures,
        "ratio_pte_update_single_vs_batched":
            ratio("pte_update_single", "pte_update_batched"),
        "ratios_vs_null_hypercall": {k: round(figures[k] / null, 2)
                                     for k in mmu},
        "ratios_vs_memcpy_4k": {k: round(figures[k] / memcpy, 2)
                                for k in grants},
        "ratio_grant_map_unmap_vs_grant_copy_4k":
            ratio("grant_map_unmap", "grant_copy_4k"),
        "ratio_grant_map_copy_unmap_vs_grant_copy_4k":
            ratio("grant_map_copy_unmap", "grant_copy_4k"),
    })
    benchlib.write("pv-memory", result)


if __name__ == "__main__":
    main()
