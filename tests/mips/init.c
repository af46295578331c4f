// SPDX-License-Identifier: GPL-2.0
/*
 * init - PID 1 of the initramfs that scripts/mips-kunit boots on a 32-bit
 * big-endian MIPS kernel under QEMU (Malta).  Built static with
 * mips-linux-gnu-gcc.
 *
 * It reports the machine and the byte order it runs with, loads our three
 * modules from /lib/modules (nf_pptp_fix_test's KUnit suites run at load),
 * prints each suite's /sys/kernel/debug/kunit/<suite>/results, unloads the
 * modules, prints the whole kernel log (it holds the suites' KTAP and any
 * splat: the console itself is quiet) and powers the machine off.  It
 * also reports how many unaligned accesses the kernel emulated (MIPS traps
 * them) while the modules were loaded and unloaded.  Every
 * block of output sits between "==== <what>" and "==== end <what>" lines;
 * the last line is "mips-kunit: done, N problem(s)".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define KUNIT_DIR "/sys/kernel/debug/kunit"
#define UNALIGNED "/sys/kernel/debug/mips/unaligned_instructions"
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* In load order; unloaded in reverse. */
static const char * const modules[] = {
	"nf_conntrack_pptp_fix",
	"nf_nat_pptp_fix",
	"nf_pptp_fix_test",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BUILT_FOR "big"
#else
#define BUILT_FOR "little"
#endif

static int problems;

static void problem(const char *what, const char *name)
{
	printf("mips-kunit: %s %s failed: %s\n", what, name, strerror(errno));
	problems++;
}

static void do_mount(const char *type, const char *dir)
{
	if (mount(type, dir, type, 0, NULL))
		problem("mount", dir);
}

static void cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		problem("open", path);
		return;
	}
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	if (n < 0)
		problem("read", path);
	close(fd);
}

static long unaligned(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(UNALIGNED, O_RDONLY);
	if (fd < 0) {
		problem("open", UNALIGNED);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		problem("read", UNALIGNED);
		return -1;
	}
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static void identify(void)
{
	unsigned int word = 0x01020304;
	const unsigned char *b = (const unsigned char *)&word;
	struct utsname u;

	if (uname(&u))
		problem("uname", "");
	else
		printf("mips-kunit: machine %s, kernel %s\n", u.machine, u.release);
	printf("mips-kunit: 0x01020304 is stored as %02x %02x %02x %02x: ",
	       b[0], b[1], b[2], b[3]);
	printf("%s-endian at run time, built for %s-endian\n",
	       b[0] == 1 ? "big" : "little", BUILT_FOR);
}

static void load(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/lib/modules/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		problem("open", path);
		return;
	}
	if (syscall(SYS_finit_module, fd, "", 0))
		problem("load", name);
	else
		printf("mips-kunit: loaded %s\n", name);
	close(fd);
}

static void unload(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		problem("unload", name);
	else
		printf("mips-kunit: unloaded %s\n", name);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int ours(const struct dirent *d)
{
	return !strncmp(d->d_name, "pptp_fix_", 9);
}

/* Our suites' debugfs results, before the unload removes them. */
static void debugfs_results(void)
{
	struct dirent **list;
	char path[320];
	int i, n;

	n = scandir(KUNIT_DIR, &list, ours, by_name);
	if (n < 0) {
		problem("scandir", KUNIT_DIR);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), KUNIT_DIR "/%s/results", list[i]->d_name);
		printf("==== debugfs %s\n", list[i]->d_name);
		cat(path);
		fflush(stdout);
		printf("==== end debugfs %s\n", list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

static void kernel_log(void)
{
	char *buf;
	int size, n;

	size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	buf = size > 0 ? malloc(size) : NULL;
	if (!buf) {
		problem("klogctl", "size");
		return;
	}
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		problem("klogctl", "read");
	} else {
		printf("==== kmsg\n");
		fwrite(buf, 1, n, stdout);
		if (n && buf[n - 1] != '\n')
			putchar('\n');
		printf("==== end kmsg\n");
	}
	free(buf);
}

int main(void)
{
	long before;
	size_t i;

	do_mount("proc", "/proc");
	do_mount("sysfs", "/sys");
	do_mount("debugfs", "/sys/kernel/debug");
	identify();

	before = unaligned();
	for (i = 0; i < ARRAY_SIZE(modules); i++)
		load(modules[i]);
	debugfs_results();
	for (i = ARRAY_SIZE(modules); i-- > 0;)
		unload(modules[i]);
	printf("mips-kunit: unaligned accesses emulated by the kernel meanwhile: %ld\n",
	       unaligned() - before);
	kernel_log();

	printf("mips-kunit: done, %d problem(s)\n", problems);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* QEMU runs with -no-reboot: a restart ends it as well. */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
