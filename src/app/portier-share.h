/* portier-share.h: sharing by email, in the person's own mail program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void     portier_share_email_async  (GtkWindow            *parent,
                                     const char           *subject,
                                     const char           *body,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean portier_share_email_finish (GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
