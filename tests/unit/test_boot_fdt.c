/* Unit tests for the PV boot device tree (hypervisor/common/boot_fdt.c),
 * built with the host's libfdt and read back with its read functions. */
#include <stdlib.h>
#include <string.h>

#include <boot_fdt.h>
#include <keel/keel.h>
#include <libfdt.h>
#include <libfdt_env_keel.h>

#include "unit.h"

/* ---- Host stand-ins for the arch code (arch/x86_64/fdt_env.c) -------- */

static unsigned int fdt_depth;

uint64_t libfdt_enter(void)
{
	fdt_depth++;
	return 0;
}

void libfdt_exit(uint64_t saved)
{
	(void)saved;
	fdt_depth--;
}

/* ---- Helpers --------------------------------------------------------- */

static const struct boot_fdt_info sample = {
	.domid = 7,
	.name = "guest-seven",
	.privileged = false,
	.nr_vcpus = 3,
	.cmdline = "console=hvc0 loglevel=8 root=/dev/xvda1",
	.nr_pages = 0x40000,
	.mapped_pages = 0x1234,
	.virt_base = 0xffffffff80000000ULL,
	.kernel_end = 0xffffffff80345000ULL,
	.p2m_vaddr = 0xffffffff80400000ULL,
	.fdt_vaddr = 0xffffffff80600000ULL,
	.stack_top = 0xffffffff80608000ULL,
	.free_vaddr = 0xffffffff80609000ULL,
	.free_end = 0xffffffffbfe00000ULL,
	.shared_info_vaddr = 0xffffffff80601000ULL,
	.shared_info_mfn = 0x4242,
	.user_window_vaddr = 0x0000000000400000ULL,
	.user_window_kernel_vaddr = 0xffffffffa0000000ULL,
	.user_window_size = 0x1fe00000ULL,
	.max_pages = 0x48000,
	.m2p_vaddr = 0xffff800000000000ULL,
	.m2p_entries = 0x100000,
	.kernel_root_mfn = 0x12345,
	.user_root_mfn = 0x12346,
	.page_tables_vaddr = 0xffffffff80608000ULL,
	.page_tables_pages = 9,
};

#define BUF_SIZE 8192

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "%s: %s", path, fdt_strerror(off));
	return off;
}

static void expect_string(const void *fdt, const char *path, const char *prop,
			  const char *want)
{
	int len = -1;
	const char *v = fdt_getprop(fdt, node(fdt, path), prop, &len);

	ck_assert_msg(v != NULL, "%s:%s missing", path, prop);
	ck_assert_int_eq(len, (int)strlen(want) + 1);
	ck_assert_int_eq(v[len - 1], '\0');
	ck_assert_str_eq(v, want);
}

static void expect_u32(const void *fdt, const char *path, const char *prop,
		       uint32_t want)
{
	int len = -1;
	const fdt32_t *v = fdt_getprop(fdt, node(fdt, path), prop, &len);

	ck_assert_msg(v != NULL, "%s:%s missing", path, prop);
	ck_assert_int_eq(len, 4);
	ck_assert_uint_eq(fdt32_to_cpu(*v), want);
}

static void expect_u64(const void *fdt, const char *path, const char *prop,
		       uint64_t want)
{
	int len = -1;
	const void *v = fdt_getprop(fdt, node(fdt, path), prop, &len);
	fdt64_t raw;

	ck_assert_msg(v != NULL, "%s:%s missing", path, prop);
	ck_assert_int_eq(len, 8);
	memcpy(&raw, v, sizeof(raw));	/* only 4-byte aligned in the blob */
	ck_assert_uint_eq(fdt64_to_cpu(raw), want);
}

static void expect_absent(const void *fdt, const char *path, const char *prop)
{
	int len = 0;

	ck_assert_ptr_null(fdt_getprop(fdt, node(fdt, path), prop, &len));
	ck_assert_int_eq(len, -FDT_ERR_NOTFOUND);
}

/* Build @info into a fresh heap buffer of @size bytes. */
static void *build(const struct boot_fdt_info *info, size_t size, int *rc)
{
	void *buf = malloc(size ? size : 1);

	ck_assert_ptr_nonnull(buf);
	memset(buf, 0xa5, size);
	*rc = boot_fdt_build(buf, size, info);
	ck_assert_uint_eq(fdt_depth, 0);
	return buf;
}

/* Every node and property of the tree for @info. */
static void check_tree(const void *fdt, int rc, const struct boot_fdt_info *in)
{
	ck_assert_int_gt(rc, 0);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	ck_assert_int_eq(rc, (int)fdt_totalsize(fdt));

	expect_string(fdt, "/", "compatible", "keel,pv-boot-v1");
	expect_u32(fdt, "/", "#address-cells", 2);
	expect_u32(fdt, "/", "#size-cells", 2);

	expect_string(fdt, "/chosen", "bootargs", in->cmdline ? in->cmdline : "");
	if (in->initrd_vaddr) {
		uint64_t start = in->initrd_vaddr - in->virt_base +
				 (in->pfn_base << 12);

		expect_u64(fdt, "/chosen", "linux,initrd-start", start);
		expect_u64(fdt, "/chosen", "linux,initrd-end",
			   start + in->initrd_size);
	} else {
		expect_absent(fdt, "/chosen", "linux,initrd-start");
		expect_absent(fdt, "/chosen", "linux,initrd-end");
	}

	expect_u32(fdt, "/keel", "abi-version", KEEL_ABI_VERSION);
	expect_u32(fdt, "/keel", "domain-id", in->domid);
	expect_string(fdt, "/keel", "domain-name", in->name);
	if (in->privileged) {
		int len = -1;
		const void *v = fdt_getprop(fdt, node(fdt, "/keel"),
					    "privileged", &len);

		ck_assert_ptr_nonnull(v);
		ck_assert_int_eq(len, 0);
	} else {
		expect_absent(fdt, "/keel", "privileged");
	}
	expect_u32(fdt, "/keel", "nr-vcpus", in->nr_vcpus);
	expect_u64(fdt, "/keel", "shared-info-vaddr", in->shared_info_vaddr);
	expect_u64(fdt, "/keel", "shared-info-mfn", in->shared_info_mfn);

	expect_u64(fdt, "/keel/memory", "nr-pages", in->nr_pages);
	expect_u64(fdt, "/keel/memory", "pfn-base", in->pfn_base);
	expect_u64(fdt, "/keel/memory", "mapped-pages", in->mapped_pages);
	expect_u64(fdt, "/keel/memory", "virt-base", in->virt_base);
	expect_u64(fdt, "/keel/memory", "p2m-vaddr", in->p2m_vaddr);
	expect_u64(fdt, "/keel/memory", "max-pages", in->max_pages);
	expect_u64(fdt, "/keel/memory", "m2p-vaddr", in->m2p_vaddr);
	expect_u64(fdt, "/keel/memory", "m2p-entries", in->m2p_entries);

	expect_u64(fdt, "/keel/page-tables", "kernel-root", in->kernel_root_mfn);
	expect_u64(fdt, "/keel/page-tables", "user-root", in->user_root_mfn);
	expect_u64(fdt, "/keel/page-tables", "vaddr", in->page_tables_vaddr);
	expect_u64(fdt, "/keel/page-tables", "pages", in->page_tables_pages);

	expect_u64(fdt, "/keel/layout", "kernel-end", in->kernel_end);
	expect_u64(fdt, "/keel/layout", "fdt-vaddr", in->fdt_vaddr);
	expect_u64(fdt, "/keel/layout", "stack-top", in->stack_top);
	expect_u64(fdt, "/keel/layout", "free-vaddr", in->free_vaddr);
	expect_u64(fdt, "/keel/layout", "free-end", in->free_end);

	expect_u64(fdt, "/keel/user-window", "vaddr", in->user_window_vaddr);
	expect_u64(fdt, "/keel/user-window", "kernel-vaddr",
		   in->user_window_kernel_vaddr);
	expect_u64(fdt, "/keel/user-window", "size", in->user_window_size);

	/* Nothing unexpected: no reserved memory, the documented nodes
	 * only, in this order. */
	ck_assert_int_eq(fdt_num_mem_rsv(fdt), 0);

	static const char *const names[] = { "chosen", "keel" };
	int i = 0, child;
	fdt_for_each_subnode(child, fdt, 0) {
		ck_assert_int_lt(i, 2);
		ck_assert_str_eq(fdt_get_name(fdt, child, NULL), names[i]);
		i++;
	}
	ck_assert_int_eq(i, 2);

	static const char *const keel_names[] = { "memory", "page-tables",
						  "layout", "user-window" };
	i = 0;
	fdt_for_each_subnode(child, fdt, node(fdt, "/keel")) {
		ck_assert_int_lt(i, 4);
		ck_assert_str_eq(fdt_get_name(fdt, child, NULL), keel_names[i]);
		ck_assert_int_lt(fdt_first_subnode(fdt, child), 0);
		i++;
	}
	ck_assert_int_eq(i, 4);
}

/* ---- Tests ----------------------------------------------------------- */

START_TEST(unprivileged_tree)
{
	int rc;
	void *fdt = build(&sample, BUF_SIZE, &rc);

	check_tree(fdt, rc, &sample);
	free(fdt);
}
END_TEST

START_TEST(privileged_tree)
{
	struct boot_fdt_info in = sample;
	int rc;

	in.domid = 0;
	in.name = "dom0";
	in.privileged = true;
	in.nr_vcpus = 32;
	in.nr_pages = 0xfffffffffULL;
	in.user_window_size = ~0ULL;

	void *fdt = build(&in, BUF_SIZE, &rc);
	check_tree(fdt, rc, &in);
	free(fdt);
}
END_TEST

/* An initrd: its range as pseudo-physical addresses in /chosen. */
START_TEST(initrd_tree)
{
	struct boot_fdt_info in = sample;
	int rc;

	in.initrd_vaddr = in.kernel_end;
	in.initrd_size = 0x123457;
	void *fdt = build(&in, BUF_SIZE, &rc);
	check_tree(fdt, rc, &in);
	expect_u64(fdt, "/chosen", "linux,initrd-start", 0x345000);
	expect_u64(fdt, "/chosen", "linux,initrd-end", 0x345000 + 0x123457);
	free(fdt);
}
END_TEST

/* An identity-mapped hardware domain: the initrd's pseudo-physical
 * addresses start at pfn-base's. */
START_TEST(identity_initrd_tree)
{
	struct boot_fdt_info in = sample;
	int rc;

	static const struct range other[] = {
		{ 0, 0x9fc00 }, { 0x100000, 0xf600000 },
		{ 0x1f600000, 0x1ffe0000 },
	};
	in.privileged = true;
	in.pfn_base = 0xf600;
	in.initrd_vaddr = in.kernel_end;
	in.initrd_size = 0x123457;
	in.other_ram = other;
	in.nr_other_ram = 3;
	void *fdt = build(&in, BUF_SIZE, &rc);
	check_tree(fdt, rc, &in);
	expect_u64(fdt, "/chosen", "linux,initrd-start",
		   0xf600000ULL + 0x345000);
	int len;
	const fdt64_t *p = fdt_getprop(fdt, fdt_path_offset(fdt,
				       "/keel/memory"), "other-ram", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(len, 3 * 16);
	ck_assert_uint_eq(fdt64_to_cpu(p[2]), 0x100000);
	ck_assert_uint_eq(fdt64_to_cpu(p[3]), 0xf500000);
	ck_assert_uint_eq(fdt64_to_cpu(p[5]), 0x9e0000);
	free(fdt);
}
END_TEST

START_TEST(empty_and_missing_cmdline)
{
	struct boot_fdt_info in = sample;
	int rc;
	void *fdt;

	in.cmdline = NULL;
	fdt = build(&in, BUF_SIZE, &rc);
	check_tree(fdt, rc, &in);
	expect_string(fdt, "/chosen", "bootargs", "");
	free(fdt);

	in.cmdline = "";
	fdt = build(&in, BUF_SIZE, &rc);
	check_tree(fdt, rc, &in);
	free(fdt);
}
END_TEST

START_TEST(size_is_totalsize)
{
	int rc, rc2;
	void *big = build(&sample, BUF_SIZE, &rc);

	ck_assert_int_gt(rc, 0);
	ck_assert_int_eq(rc, (int)fdt_totalsize(big));
	ck_assert_int_le(rc, BUF_SIZE);

	/* Exactly that many bytes suffice, and give the same tree. */
	void *exact = build(&sample, (size_t)rc, &rc2);
	ck_assert_int_eq(rc2, rc);
	check_tree(exact, rc2, &sample);
	ck_assert(memcmp(big, exact, (size_t)rc) == 0);
	free(exact);
	free(big);
}
END_TEST

START_TEST(too_small)
{
	int need, rc;
	void *fdt = build(&sample, BUF_SIZE, &need);

	ck_assert_int_gt(need, 0);
	free(fdt);

	/* Every smaller buffer fails (and, being an exact heap block, is
	 * never written past). */
	for (int size = 0; size < need; size++) {
		fdt = build(&sample, (size_t)size, &rc);
		ASSERT_FAST(rc < 0);
		free(fdt);
	}
	fdt = build(&sample, 16, &rc);
	ck_assert_int_lt(rc, 0);
	free(fdt);
}
END_TEST

START_TEST(long_cmdline)
{
	struct boot_fdt_info in = sample;
	char *cmd = malloc(4000);
	int rc;

	ck_assert_ptr_nonnull(cmd);
	for (int i = 0; i < 3999; i++)
		cmd[i] = (char)('a' + i % 26);
	cmd[3999] = '\0';
	in.cmdline = cmd;

	void *fdt = build(&in, BUF_SIZE, &rc);
	check_tree(fdt, rc, &in);
	free(fdt);

	/* The same, into a buffer too small for it. */
	fdt = build(&in, 2048, &rc);
	ck_assert_int_lt(rc, 0);
	free(fdt);
	free(cmd);
}
END_TEST

Suite *boot_fdt_suite(void)
{
	Suite *s = suite_create("boot_fdt");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unprivileged_tree);
	tcase_add_test(tc, privileged_tree);
	tcase_add_test(tc, initrd_tree);
	tcase_add_test(tc, identity_initrd_tree);
	tcase_add_test(tc, empty_and_missing_cmdline);
	tcase_add_test(tc, size_is_totalsize);
	tcase_add_test(tc, too_small);
	tcase_add_test(tc, long_cmdline);
	suite_add_tcase(s, tc);
	return s;
}
