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

GDBusConnection *ui_test_desktop_connect (GTestDBus             *bus);
void             ui_test_desktop_serve   (GDBusConnection       *desktop,
                                          const char            *name,
                                          const char            *path,
                                          GDBusInterfaceInfo    *interface,
                                          const GDBusInterfaceVTable *vtable,
                                          gpointer               user_data);
void             ui_test_desktop_close   (GDBusConnection       *desktop);
void             ui_test_portal_answer   (GDBusMethodInvocation *invocation,
                                          GVariant              *options,
                                          guint32                response,
                                          GVariant              *results);

G_END_DECLS
