/* portier-background.h: asking to keep running without a window, inside Flatpak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     portier_background_request_async  (GDBusConnection     *bus,
                                            const char          *reason,
                                            const char * const  *autostart,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean portier_background_request_finish (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
