// SPDX-License-Identifier: GPL-2.0
/*
 * imrstat: IMR statistics, like vmstat(8).
 *
 *   imrstat [-1vtj] [-s DIR] [interval [count]]
 *   imrstat --prometheus | --textfile DIR [interval [count]]
 *
 * Reads /sys/kernel/imr/host (imr_host.ko, the KVM host side, with one
 * directory per VM under vms/) and /sys/kernel/imr/guest (imr_guest.ko) and
 * prints totals and per-second rates, JSON, or the Prometheus text format
 * for node_exporter's textfile collector.  A VM is named as its VMM names
 * it (QEMU's -name, from /proc/PID/cmdline).  libc only; see imrstat(8).
 *
 * Exit status: 0 ok, 1 runtime error (output or textfile write failed),
 * 2 usage, 3 no IMR module loaded (at start, or at the last sample).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "readfile.h"

#ifndef IMR_VERSION
#define IMR_VERSION "0.1.0"
#endif

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define EXIT_NOMODULE	3

#define MIB		1048576.0

enum kind { GAUGE, COUNTER };

/*
 * One sysfs file: its name, its Prometheus name (after imr_host_,
 * imr_host_vm_ or imr_guest_), and how to get base units: multiply by mul
 * or divide by div (exactly, in decimal).
 */
struct field {
	const char *file;
	const char *prom;
	enum kind kind;
	unsigned int mul;
	unsigned int div;
	const char *help;
};

/* /sys/kernel/imr/host and every vms/<vmm pid>-<n>: imr_host/sysfs.c */
enum {
	H_ENABLED, H_RECLAIMED, H_SKIPPED, H_REPORTS, H_RANGES, H_REJECTED,
	H_ERRORS, H_PINNED, H_SPLIT, H_HUGETLB, H_RATE_LIMITED, H_NR
};

static const struct field host_fields[H_NR] = {
	{ "enabled", "enabled", GAUGE, 1, 1,
	  "1 if IMR drops reported memory, 0 if it refuses reports" },
	{ "reclaimed_bytes", "reclaimed_bytes_total", COUNTER, 1, 1,
	  "Reported guest memory whose host backing IMR dropped" },
	{ "skipped_bytes", "skipped_bytes_total", COUNTER, 1, 1,
	  "Reported guest memory left alone because of its backing" },
	{ "reports", "reports_total", COUNTER, 1, 1,
	  "Report hypercalls that succeeded" },
	{ "ranges", "ranges_total", COUNTER, 1, 1,
	  "Ranges in the report hypercalls that succeeded" },
	{ "rejected_ranges", "rejected_ranges_total", COUNTER, 1, 1,
	  "Ranges in report hypercalls that were refused" },
	{ "errors", "errors_total", COUNTER, 1, 1,
	  "Report hypercalls that were refused" },
	{ "pinned_bytes", "pinned_bytes_total", COUNTER, 1, 1,
	  "Reported guest memory left alone because something holds it pinned" },
	{ "split_bytes", "split_bytes_total", COUNTER, 1, 1,
	  "Reported guest memory zapped inside a huge page, freed only when it splits" },
	{ "hugetlb_bytes", "hugetlb_bytes_total", COUNTER, 1, 1,
	  "Huge pages handed back to the hugetlb pool (hugetlb_enabled)" },
	{ "rate_limited", "rate_limited_total", COUNTER, 1, 1,
	  "Report hypercalls refused over the VM's ceilings" },
};

/* /sys/kernel/imr/guest: imr_guest/sysfs.c */
enum {
	G_ENABLED, G_MIN_ORDER, G_DELAY, G_RESERVE, G_REPORTED, G_REPORTS,
	G_ERRORS, G_REUSED, G_LAST_US, G_NR
};

static const struct field guest_fields[G_NR] = {
	{ "enabled", "enabled", GAUGE, 1, 1,
	  "1 if the guest reports freed memory to the host" },
	{ "min_order", "min_order", GAUGE, 1, 1,
	  "Smallest free block reported, as a buddy allocator order" },
	{ "delay_ms", "delay_seconds", GAUGE, 1, 1000,
	  "Delay from a free to the report pass" },
	{ "reserve_kib", "reserve_bytes", GAUGE, 1024, 1,
	  "Free memory the guest keeps backed (never reports)" },
	{ "reported_bytes", "reported_bytes_total", COUNTER, 1, 1,
	  "Free memory reported to the host" },
	{ "reports", "reports_total", COUNTER, 1, 1,
	  "Report hypercalls made, failed ones included" },
	{ "report_errors", "report_errors_total", COUNTER, 1, 1,
	  "Report hypercalls the host refused or that failed" },
	{ "reused_bytes", "reused_bytes_total", COUNTER, 1, 1,
	  "Reported memory the guest allocated again" },
	{ "last_report_us", "last_report_duration_seconds", GAUGE, 1, 1000000,
	  "Duration of the last report hypercall" },
};

#define MAX_FIELDS 16

struct vals {
	uint64_t v[MAX_FIELDS];
	unsigned int have;		/* bit i: v[i] was read */
};

/* Bytes of a VM's name kept: a label, not a document. */
#define VM_NAME_MAX	128
/* Widest name the table shows before it cuts it. */
#define VM_NAME_COLS	24

struct vm {
	char name[48];			/* "<vmm pid>-<n>" */
	long pid;
	unsigned long n;
	char vm_name[VM_NAME_MAX];	/* the VMM's name for it, or "" */
	struct vals s;
};

struct sample {
	struct timespec mono;
	struct timespec real;
	int host, guest;		/* directory present */
	struct vals h, g;
	struct vm *vms;
	size_t nvms;
};

static const char *root = "/sys/kernel/imr";
static const char *proc_root = "/proc";
static int opt_vms, opt_json, opt_prom, opt_time;
static const char *opt_textfile;
static volatile sig_atomic_t stop;

static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("imrstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'imrstat --help'.\n", stderr);
	exit(EXIT_USAGE);
}

/* One unsigned decimal number from a sysfs file; -1 if absent or garbage. */
static int read_u64(const char *dir, const char *file, uint64_t *val)
{
	char path[PATH_MAX], buf[64], *end;
	unsigned long long v;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -1;
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || (*end && *end != '\n'))
		return -1;
	*val = v;
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reads the fields; returns 1 if the directory was there with any of them. */
static int read_side(const char *dir, const struct field *f, int nf,
		     struct vals *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (!is_dir(dir))
		return 0;
	for (i = 0; i < nf; i++)
		if (read_u64(dir, f[i].file, &out->v[i]) == 0)
			out->have |= 1u << i;
	return out->have != 0;
}

/* "<pid>-<n>", both decimal, nothing else. */
static int parse_vm_name(const char *s, long *pid, unsigned long *n)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*pid = strtol(s, &end, 10);
	if (errno || *end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	*n = strtoul(end + 1, &end, 10);
	if (errno || *end)
		return -1;
	return 0;
}

static int vm_cmp(const void *a, const void *b)
{
	const struct vm *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* src into out, cut to size - 1 bytes: a cut name is still a name. */
static void copy_cut(char *out, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(out, src, len);
	out[len] = '\0';
}

/*
 * QEMU's "-name" value, QemuOpts syntax: "NAME", "guest=NAME" or either
 * followed by ",key=value" (process=, debug-threads=); "," inside a value
 * is written ",,", as libvirt does for a domain name holding one.  Copies
 * the guest name, cut to size - 1 bytes, into out ("" if there is none).
 */
static void qemu_guest_name(const char *v, char *out, size_t size)
{
	char elem[VM_NAME_MAX + 8];
	int first = 1;

	out[0] = '\0';
	while (*v) {
		size_t len = 0;

		/* One element, ",," decoded, the part beyond elem dropped. */
		for (; *v && !(v[0] == ',' && v[1] != ','); v++) {
			if (v[0] == ',')
				v++;
			if (len < sizeof(elem) - 1)
				elem[len++] = *v;
		}
		elem[len] = '\0';
		if (*v)
			v++;
		/* QEMU's implied key: only a first element without "=". */
		if (first && !strchr(elem, '='))
			copy_cut(out, size, elem);
		else if (!strncmp(elem, "guest=", 6))
			copy_cut(out, size, elem + 6);
		first = 0;
	}
}

/*
 * The VM's name as its VMM gave it on the command line (QEMU's -name,
 * which is how libvirt names a domain), or "" if there is none or the
 * process is gone: the caller shows the pid.  This is the VMM's data,
 * raw: each output escapes it for its own format.
 */
static void read_vm_name(long pid, char *out, size_t size)
{
	/* libvirt's command lines run to some KiB; -name comes early. */
	static char buf[65536];
	char path[PATH_MAX];
	const char *arg, *val = NULL;
	size_t len = 0;
	ssize_t r;
	int fd;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%ld/cmdline", proc_root, pid) >=
	    (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* /proc gives a long command line a page at a time. */
	while (len < sizeof(buf) &&
	       (r = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += r;
	close(fd);
	/* Whole arguments only: one cut at the end of buf is dropped. */
	while (len && buf[len - 1] != '\0')
		len--;
	for (arg = buf; arg < buf + len; arg += strlen(arg) + 1) {
		const char *next = arg + strlen(arg) + 1;

		/* QEMU merges repeated -name options: the last one wins. */
		if ((!strcmp(arg, "-name") || !strcmp(arg, "--name")) &&
		    next < buf + len)
			val = next;
	}
	if (val)
		qemu_guest_name(val, out, size);
}

static void read_vms(const char *hostdir, struct sample *s)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/vms", hostdir) >= (int)sizeof(dir))
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct vm vm;

		memset(&vm, 0, sizeof(vm));
		if (strlen(de->d_name) >= sizeof(vm.name) ||
		    parse_vm_name(de->d_name, &vm.pid, &vm.n))
			continue;
		strcpy(vm.name, de->d_name);
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, vm.name) >=
		    (int)sizeof(sub))
			continue;
		/* A VM that went away while we looked is simply not listed. */
		if (!read_side(sub, host_fields, H_NR, &vm.s))
			continue;
		if (opt_vms || opt_json || opt_prom || opt_textfile)
			read_vm_name(vm.pid, vm.vm_name, sizeof(vm.vm_name));
		if (s->nvms == cap) {
			struct vm *p;

			cap = cap ? 2 * cap : 16;
			p = realloc(s->vms, cap * sizeof(*p));
			if (!p)
				break;
			s->vms = p;
		}
		s->vms[s->nvms++] = vm;
	}
	closedir(d);
	if (s->nvms)
		qsort(s->vms, s->nvms, sizeof(*s->vms), vm_cmp);
}

static void take_sample(struct sample *s)
{
	char dir[PATH_MAX];

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->real);
	snprintf(dir, sizeof(dir), "%s/host", root);
	s->host = read_side(dir, host_fields, H_NR, &s->h);
	if (s->host)
		read_vms(dir, s);
	snprintf(dir, sizeof(dir), "%s/guest", root);
	s->guest = read_side(dir, guest_fields, G_NR, &s->g);
}

static void free_sample(struct sample *s)
{
	free(s->vms);
	s->vms = NULL;
	s->nvms = 0;
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (a->tv_nsec - b->tv_nsec) / 1e9;
}

/*
 * Per-second rate of field i between two readings, or -1 when there is
 * none: first sample, field missing on either side, counter went backwards
 * (module reloaded), or no time elapsed.
 */
static double rate(const struct vals *cur, const struct vals *prev, int i,
		   double dt)
{
	if (!prev || dt <= 0 || !(cur->have & prev->have & (1u << i)) ||
	    cur->v[i] < prev->v[i])
		return -1;
	return (double)(cur->v[i] - prev->v[i]) / dt;
}

static const struct vm *find_vm(const struct sample *s, const char *name)
{
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < s->nvms; i++)
		if (!strcmp(s->vms[i].name, name))
			return &s->vms[i];
	return NULL;
}

/* ---- text ------------------------------------------------------------ */

static void put_rate(double r, double scale, int w)
{
	if (r < 0)
		printf(" %*s", w, "-");
	else
		printf(" %*.1f", w, r / scale);
}

static void put_mib(const struct vals *v, int i, int w)
{
	if (v->have & (1u << i))
		printf(" %*.1f", w, v->v[i] / MIB);
	else
		printf(" %*s", w, "-");
}

static void put_num(const struct vals *v, int i, int w)
{
	if (v->have & (1u << i))
		printf(" %*" PRIu64, w, v->v[i]);
	else
		printf(" %*s", w, "-");
}

#define HOST_COLS "   MiB/s   rep/s       MiB   reports  rejected  errors en"
#define GUEST_COLS "   MiB/s   rep/s       MiB   reports  reusedMiB  errors en"

/*
 * What the table shows for a VM: its name, printable ASCII only (a name
 * is the VMM's data and must not move the cursor or change the terminal;
 * other bytes show as '?'), cut to VM_NAME_COLS with a final '~'; without
 * a name, its VMM's pid.
 */
static void vm_label(const struct vm *vm, char *out, size_t size)
{
	size_t i, max = size - 1 < VM_NAME_COLS ? size - 1 : VM_NAME_COLS;
	const char *p = vm->vm_name;

	if (!*p) {
		snprintf(out, size, "%ld", vm->pid);
		return;
	}
	for (i = 0; p[i] && i < max; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	if (p[i])
		out[i - 1] = '~';
	out[i] = '\0';
}

/*
 * Width of the first -v column when some VM has a name: enough for the
 * longest label, and at least the 7 of "vm_name".  0 when no VM has one:
 * then the column is "vmm_pid" as it always was.
 */
static int vm_col_width(const struct sample *s)
{
	char l[VM_NAME_COLS + 1];
	int w = 0;
	size_t i;

	for (i = 0; i < s->nvms; i++) {
		if (!s->vms[i].vm_name[0])
			continue;
		vm_label(&s->vms[i], l, sizeof(l));
		if ((int)strlen(l) > w)
			w = (int)strlen(l);
	}
	return w && w < 7 ? 7 : w;
}

/* " ------ NAME ------" exactly w columns wide, like vmstat's groups. */
static void group_label(const char *name, int w)
{
	int len = (int)strlen(name) + 2, left = (w - 1 - len) / 2, i;

	putchar(' ');
	for (i = 0; i < left; i++)
		putchar('-');
	printf(" %s ", name);
	for (i = left + len; i < w - 1; i++)
		putchar('-');
}

/*
 * vmw: vm_col_width(); not 0 when some VM has a name, so that the column
 * is called vm_name (rows of VMs without one still show the pid).
 */
static void text_header(int host, int guest, int vmw)
{
	int w = vmw ? vmw : 7;

	if (opt_time)
		printf("%-8s ", "");
	if (host)
		group_label("host", (int)strlen(HOST_COLS) +
			    (opt_vms ? w + 6 : 0));
	if (guest) {
		if (host)
			putchar(' ');
		group_label("guest", (int)strlen(GUEST_COLS));
	}
	putchar('\n');
	if (opt_time)
		printf("%-8s ", "time");
	if (host) {
		if (opt_vms)
			printf("%*s %5s", w, vmw ? "vm_name" : "vmm_pid", "vm");
		printf("%s", HOST_COLS);
	}
	if (guest)
		printf("%s%s", host ? " " : "", GUEST_COLS);
	putchar('\n');
}

static void text_host(const struct vals *cur, const struct vals *prev,
		      double dt)
{
	put_rate(rate(cur, prev, H_RECLAIMED, dt), MIB, 7);
	put_rate(rate(cur, prev, H_REPORTS, dt), 1, 7);
	put_mib(cur, H_RECLAIMED, 9);
	put_num(cur, H_REPORTS, 9);
	put_num(cur, H_REJECTED, 9);
	put_num(cur, H_ERRORS, 7);
	put_num(cur, H_ENABLED, 2);
}

static void text_line(const struct sample *s, const struct sample *prev,
		      int vmw)
{
	int w = vmw ? vmw : 7;
	const struct vals *ph = prev && prev->host ? &prev->h : NULL;
	const struct vals *pg = prev && prev->guest ? &prev->g : NULL;
	double dt = prev ? ts_diff(&s->mono, &prev->mono) : 0;
	size_t i;

	if (opt_time) {
		struct tm tm;
		char t[16];

		localtime_r(&s->real.tv_sec, &tm);
		strftime(t, sizeof(t), "%H:%M:%S", &tm);
		printf("%-8s ", t);
	}
	if (s->host) {
		if (opt_vms)
			printf("%*s %5s", w, "all", "-");
		text_host(&s->h, ph, dt);
	}
	if (s->guest) {
		if (s->host)
			putchar(' ');
		put_rate(rate(&s->g, pg, G_REPORTED, dt), MIB, 7);
		put_rate(rate(&s->g, pg, G_REPORTS, dt), 1, 7);
		put_mib(&s->g, G_REPORTED, 9);
		put_num(&s->g, G_REPORTS, 9);
		put_mib(&s->g, G_REUSED, 10);
		put_num(&s->g, G_ERRORS, 7);
		put_num(&s->g, G_ENABLED, 2);
	}
	putchar('\n');
	if (!s->host || !opt_vms)
		return;
	for (i = 0; i < s->nvms; i++) {
		const struct vm *vm = &s->vms[i];
		const struct vm *pv = prev && prev->host ?
				      find_vm(prev, vm->name) : NULL;
		char l[VM_NAME_COLS + 1];

		if (opt_time)
			printf("%-8s ", "");
		vm_label(vm, l, sizeof(l));
		printf("%*s %5lu", w, l, vm->n);
		text_host(&vm->s, pv ? &pv->s : NULL, dt);
		putchar('\n');
	}
}

/* ---- JSON ------------------------------------------------------------ */

/*
 * A JSON string.  Bytes past ASCII become '?': a VM's name is the VMM's
 * bytes, not known to be UTF-8, and JSON must be.
 */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else if (c > 0x7f)
			putchar('?');
		else
			putchar(c);
	}
	putchar('"');
}

static void json_rate(double r)
{
	if (r < 0)
		fputs("null", stdout);
	else
		printf("%.3f", r);
}

static void json_vals(const struct field *f, int nf, const struct vals *cur,
		      const struct vals *prev, int have_prev, double dt)
{
	int i, first = 1;

	for (i = 0; i < nf; i++) {
		printf("\"%s\":", f[i].file);
		if (cur->have & (1u << i))
			printf("%" PRIu64 ",", cur->v[i]);
		else
			fputs("null,", stdout);
	}
	fputs("\"rates\":", stdout);
	if (!have_prev) {
		fputs("null", stdout);
		return;
	}
	putchar('{');
	for (i = 0; i < nf; i++) {
		if (f[i].kind != COUNTER)
			continue;
		printf("%s\"%s_per_s\":", first ? "" : ",", f[i].file);
		json_rate(rate(cur, prev, i, dt));
		first = 0;
	}
	putchar('}');
}

static void json_line(const struct sample *s, const struct sample *prev)
{
	double dt = prev ? ts_diff(&s->mono, &prev->mono) : 0;
	size_t i;

	printf("{\"time\":%lld.%03ld,\"sysfs\":", (long long)s->real.tv_sec,
	       s->real.tv_nsec / 1000000);
	json_str(root);
	fputs(",\"elapsed_s\":", stdout);
	if (prev)
		printf("%.6f", dt);
	else
		fputs("null", stdout);
	fputs(",\"host\":", stdout);
	if (!s->host) {
		fputs("null", stdout);
	} else {
		putchar('{');
		json_vals(host_fields, H_NR, &s->h,
			  prev && prev->host ? &prev->h : NULL,
			  prev && prev->host, dt);
		fputs(",\"vms\":[", stdout);
		for (i = 0; i < s->nvms; i++) {
			const struct vm *vm = &s->vms[i];
			const struct vm *pv = prev && prev->host ?
					      find_vm(prev, vm->name) : NULL;

			printf("%s{\"name\":\"%s\",\"vmm_pid\":%ld,\"vm\":%lu,",
			       i ? "," : "", vm->name, vm->pid, vm->n);
			if (vm->vm_name[0]) {
				fputs("\"vm_name\":", stdout);
				json_str(vm->vm_name);
				putchar(',');
			}
			json_vals(host_fields, H_NR, &vm->s,
				  pv ? &pv->s : NULL, !!pv, dt);
			putchar('}');
		}
		fputs("]}", stdout);
	}
	fputs(",\"guest\":", stdout);
	if (!s->guest) {
		fputs("null", stdout);
	} else {
		putchar('{');
		json_vals(guest_fields, G_NR, &s->g,
			  prev && prev->guest ? &prev->g : NULL,
			  prev && prev->guest, dt);
		putchar('}');
	}
	fputs("}\n", stdout);
}

/* ---- Prometheus -------------------------------------------------------- */

static void prom_value(FILE *o, const struct field *f, uint64_t v)
{
	if (f->div > 1) {
		unsigned int digits = 0, d;

		for (d = f->div; d > 1; d /= 10)
			digits++;
		fprintf(o, "%" PRIu64 ".%0*" PRIu64, v / f->div, (int)digits,
			v % f->div);
	} else {
		fprintf(o, "%" PRIu64, v * f->mul);
	}
}

static void prom_meta(FILE *o, const char *name, const char *help,
		      enum kind kind)
{
	fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		kind == COUNTER ? "counter" : "gauge");
}

/*
 * A label value in the text exposition format: backslash, double quote
 * and newline escaped as the format defines; other control bytes and
 * bytes past ASCII (not known to be UTF-8, which the format requires)
 * become '?'.
 */
static void prom_label_value(FILE *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\\' || c == '"')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', o);
		else
			fputc(c, o);
	}
}

static void prom_side(FILE *o, const char *prefix, const struct field *f,
		      int nf, const struct vals *v)
{
	char name[128];
	int i;

	for (i = 0; i < nf; i++) {
		if (!(v->have & (1u << i)))
			continue;
		snprintf(name, sizeof(name), "%s%s", prefix, f[i].prom);
		prom_meta(o, name, f[i].help, f[i].kind);
		fprintf(o, "%s ", name);
		prom_value(o, &f[i], v->v[i]);
		fputc('\n', o);
	}
}

static void prom_write(FILE *o, const struct sample *s)
{
	char name[128];
	size_t j;
	int i;

	prom_meta(o, "imr_up", "1 if the IMR module of this side is loaded "
		  "(its /sys/kernel/imr directory exists)", GAUGE);
	fprintf(o, "imr_up{side=\"host\"} %d\n", s->host);
	fprintf(o, "imr_up{side=\"guest\"} %d\n", s->guest);
	if (s->host) {
		prom_side(o, "imr_host_", host_fields, H_NR, &s->h);
		prom_meta(o, "imr_host_vms",
			  "VMs with a directory under /sys/kernel/imr/host/vms",
			  GAUGE);
		fprintf(o, "imr_host_vms %zu\n", s->nvms);
		for (i = 0; i < H_NR && s->nvms; i++) {
			int shown = 0;

			snprintf(name, sizeof(name), "imr_host_vm_%s",
				 host_fields[i].prom);
			for (j = 0; j < s->nvms; j++) {
				const struct vm *vm = &s->vms[j];

				if (!(vm->s.have & (1u << i)))
					continue;
				if (!shown++)
					prom_meta(o, name, host_fields[i].help,
						  host_fields[i].kind);
				fprintf(o, "%s{vmm_pid=\"%ld\",vm=\"%lu\"",
					name, vm->pid, vm->n);
				if (vm->vm_name[0]) {
					fputs(",vm_name=\"", o);
					prom_label_value(o, vm->vm_name);
					fputc('"', o);
				}
				fputs("} ", o);
				prom_value(o, &host_fields[i], vm->s.v[i]);
				fputc('\n', o);
			}
		}
	}
	if (s->guest)
		prom_side(o, "imr_guest_", guest_fields, G_NR, &s->g);
}

/* DIR/imr.prom, atomically: a temporary file in DIR renamed over it. */
static int textfile_write(const struct sample *s)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	FILE *o;
	int fd, err;

	if (snprintf(dst, sizeof(dst), "%s/imr.prom", opt_textfile) >=
	    (int)sizeof(dst) ||
	    snprintf(tmp, sizeof(tmp), "%s/.imr.prom.XXXXXX", opt_textfile) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "imrstat: %s: path too long\n", opt_textfile);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "imrstat: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	o = fdopen(fd, "w");
	if (!o) {
		err = errno;
		close(fd);
		goto fail;
	}
	prom_write(o, s);
	err = 0;
	if (fflush(o) || fsync(fileno(o)))
		err = errno;
	if (fclose(o) && !err)
		err = errno;
	if (err)
		goto fail;
	if (rename(tmp, dst)) {
		err = errno;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "imrstat: writing %s: %s\n", dst, strerror(err));
	unlink(tmp);
	return -1;
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
	printf("Usage: imrstat [options] [interval [count]]\n"
	       "IMR statistics from %s/{host,guest}, like vmstat.\n\n"
	       "  -1, --once          one sample (totals), then exit\n"
	       "  -v, --vms           host: also one row per VM\n"
	       "  -t, --timestamp     prefix each line with the time\n"
	       "  -j, --json          one JSON object per sample\n"
	       "  -p, --prometheus    Prometheus text format, once\n"
	       "      --textfile DIR  write the same to DIR/imr.prom atomically\n"
	       "                      (once, or every interval); -p may be given\n"
	       "  -s, --sysfs DIR     read DIR instead of $IMR_SYSFS or\n"
	       "                      /sys/kernel/imr\n"
	       "      --proc DIR      VM names from DIR/PID/cmdline instead of\n"
	       "                      $IMR_PROC or /proc\n"
	       "  -h, --help          this text\n"
	       "  -V, --version       version\n\n"
	       "interval: seconds between samples (may be fractional); count:\n"
	       "samples (default: forever).  Without interval: one sample.\n"
	       "MiB = 1048576 bytes; rates are per second of measured time.\n\n"
	       "Exit status: 0 ok, 1 output error, 2 usage, 3 no IMR module\n"
	       "loaded (at start, or at the last sample).\n", root);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void announce(const char *fmt, const char *what)
{
	FILE *o = (opt_json || opt_textfile) ? stderr : stdout;

	fputs(o == stdout ? "# " : "imrstat: ", o);
	fprintf(o, fmt, what);
	fputc('\n', o);
	fflush(o);
}

static void no_module_message(void)
{
	fprintf(stderr, "imrstat: no IMR module loaded: neither %s/host "
		"(imr_host) nor %s/guest (imr_guest) exists\n", root, root);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "vms", no_argument, NULL, 'v' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "timestamp", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "textfile", required_argument, NULL, 'T' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "proc", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct sample cur, prev;
	struct timespec next;
	double interval = 0;
	long count = 1, n;
	int c, once = 0, have_prev = 0, ret = 0;
	int hdr_host = -1, hdr_guest = -1, hdr_vmw = 0;
	const char *env = getenv("IMR_SYSFS");
	char *end;

	if (env && *env)
		root = env;
	env = getenv("IMR_PROC");
	if (env && *env)
		proc_root = env;
	while ((c = getopt_long(argc, argv, "1vtjps:hV", lopts, NULL)) != -1) {
		switch (c) {
		case '1':
			once = 1;
			break;
		case 'v':
			opt_vms = 1;
			break;
		case 't':
			opt_time = 1;
			break;
		case 'j':
			opt_json = 1;
			break;
		case 'p':
			opt_prom = 1;
			break;
		case 'T':
			opt_textfile = optarg;
			break;
		case 's':
			root = optarg;
			break;
		case 'P':
			proc_root = optarg;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			puts("imrstat " IMR_VERSION);
			return 0;
		default:
			die_usage("bad option");
		}
	}
	/*
	 * The textfile collector reads the Prometheus text format, so
	 * "--prometheus --textfile DIR" asks for what --textfile does alone.
	 */
	if (opt_textfile)
		opt_prom = 0;
	if (opt_json + opt_prom + !!opt_textfile > 1)
		die_usage("--json excludes --prometheus and --textfile");
	if (optind < argc) {
		errno = 0;
		interval = strtod(argv[optind], &end);
		if (errno || *end || !(interval > 0) || interval > 86400)
			die_usage("bad interval '%s' (seconds, > 0)", argv[optind]);
		count = -1;
		optind++;
	}
	if (optind < argc) {
		errno = 0;
		count = strtol(argv[optind], &end, 10);
		if (errno || *end || count < 1)
			die_usage("bad count '%s' (> 0)", argv[optind]);
		optind++;
	}
	if (optind < argc)
		die_usage("too many arguments");
	if (once || opt_prom)
		count = 1;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	clock_gettime(CLOCK_MONOTONIC, &next);

	for (n = 0; !stop && (count < 0 || n < count); n++) {
		if (n) {
			long long ns = (long long)(interval * 1e9);

			next.tv_sec += ns / 1000000000;
			next.tv_nsec += ns % 1000000000;
			if (next.tv_nsec >= 1000000000) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000;
			}
			while (!stop &&
			       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &next, NULL) == EINTR)
				;
			if (stop)
				break;
		}
		take_sample(&cur);
		ret = (cur.host || cur.guest) ? 0 : EXIT_NOMODULE;

		if (n == 0 && ret && !opt_prom && !opt_textfile) {
			no_module_message();
			free_sample(&cur);
			return EXIT_NOMODULE;
		}
		if (n > 0) {
			if (prev.host && !cur.host)
				announce("imr_host unloaded (%s/host is gone)", root);
			if (!prev.host && cur.host)
				announce("imr_host loaded (%s/host)", root);
			if (prev.guest && !cur.guest)
				announce("imr_guest unloaded (%s/guest is gone)", root);
			if (!prev.guest && cur.guest)
				announce("imr_guest loaded (%s/guest)", root);
			if ((prev.host || prev.guest) && ret)
				announce("no IMR module loaded (%s); waiting", root);
		}

		if (opt_prom) {
			prom_write(stdout, &cur);
			if (ret)
				no_module_message();
		} else if (opt_textfile) {
			if (textfile_write(&cur)) {
				free_sample(&cur);
				if (have_prev)
					free_sample(&prev);
				return EXIT_RUNTIME;
			}
		} else if (opt_json) {
			json_line(&cur, have_prev ? &prev : NULL);
		} else if (!ret) {
			int vmw = opt_vms ? vm_col_width(&cur) : 0;

			/* Also when a VM's name widens the first column. */
			if (cur.host != hdr_host || cur.guest != hdr_guest ||
			    (cur.host && vmw != hdr_vmw)) {
				text_header(cur.host, cur.guest, vmw);
				hdr_host = cur.host;
				hdr_guest = cur.guest;
				hdr_vmw = vmw;
			}
			text_line(&cur, have_prev ? &prev : NULL, vmw);
		}
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "imrstat: writing output: %s\n",
				strerror(errno));
			return EXIT_RUNTIME;
		}
		if (have_prev)
			free_sample(&prev);
		prev = cur;
		have_prev = 1;
	}
	if (have_prev)
		free_sample(&prev);
	return ret;
}
