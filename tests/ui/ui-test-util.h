/* ui-test-util.h: what the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ui_test_wait_mapped   (GtkWidget  *widget);
void ui_test_wait_idle     (void);
void ui_test_wait_painted  (GtkWidget  *widget);
void ui_test_save_png      (GtkWidget  *widget,
                            const char *name);

G_END_DECLS
