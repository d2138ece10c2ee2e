/* portier-text.h: small helpers for the words the pages show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *portier_text_capitalize (const char *text);
const char *portier_text_kind_icon  (const char *category);

G_END_DECLS
