// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of imr_guest/admit.c: which machines imr_guest refuses to
 * load on, and that each refusal says why.  Table-driven.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "admit.h"

struct imr_admit_case {
	const char *desc;
	struct imr_admit_env env;
	int err;
	const char *why;	/* a word the pr_err line must contain */
};

static const struct imr_admit_case imr_admit_cases[] = {
	{ "plain-vm", { false, false }, 0, NULL },
	{ "sev-or-tdx", { true, false }, -EOPNOTSUPP, "encrypted" },
	{ "page-poison", { false, true }, -EINVAL, "page_poison" },
	/* the confidential VM is the one to name: it can never work */
	{ "both", { true, true }, -EOPNOTSUPP, "encrypted" },
};

static void imr_admit_case_desc(const struct imr_admit_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_admit, imr_admit_cases, imr_admit_case_desc);

static void imr_admit_table(struct kunit *test)
{
	const struct imr_admit_case *c = test->param_value;
	const char *why = "unset";

	KUNIT_EXPECT_EQ(test, imr_admit(&c->env, &why), c->err);
	if (!c->why) {
		KUNIT_EXPECT_NULL(test, why);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, c->why));
	KUNIT_EXPECT_NULL(test, strchr(why, '\n'));	/* one line */
}

static struct kunit_case imr_admit_test_cases[] = {
	KUNIT_CASE_PARAM(imr_admit_table, imr_admit_gen_params),
	{}
};

static struct kunit_suite imr_admit_test_suite = {
	.name = "imr_guest_admit",
	.test_cases = imr_admit_test_cases,
};

kunit_test_suite(imr_admit_test_suite);

MODULE_LICENSE("GPL");
