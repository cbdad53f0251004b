// SPDX-License-Identifier: GPL-2.0
/* imrmark TEXT...: print "IMR-MARK TEXT" and send it to the lab host. */
#include <string.h>

#include "imrmark.h"

int main(int argc, char **argv)
{
	char text[200] = "";
	int i;

	for (i = 1; i < argc; i++) {
		if (i > 1)
			strncat(text, " ", sizeof(text) - strlen(text) - 1);
		strncat(text, argv[i], sizeof(text) - strlen(text) - 1);
	}
	imr_mark(text);
	return 0;
}
