/* portier-close-run.h: the closing of several openings, each one whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-opener.h"

G_BEGIN_DECLS

/* What became of one opening: closed when @error is NULL. */
typedef struct
{
  char   *id;
  GError *error;
} PortierCloseResult;

#define PORTIER_TYPE_CLOSE_RESULT (portier_close_result_get_type ())

GType               portier_close_result_get_type (void) G_GNUC_CONST;
PortierCloseResult *portier_close_result_copy     (const PortierCloseResult *self);
void                portier_close_result_free     (PortierCloseResult       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierCloseResult, portier_close_result_free)

#define PORTIER_TYPE_CLOSE_RUN (portier_close_run_get_type ())
G_DECLARE_FINAL_TYPE (PortierCloseRun, portier_close_run, PORTIER, CLOSE_RUN, GObject)

/* PortierCloseRun::opening-started (guint index, const char *id)
 *   the opening @index of the ids is being closed now */

PortierCloseRun *portier_close_run_new             (PortierOpener      *opener,
                                                    const char * const *ids,
                                                    gboolean            interactive);
void             portier_close_run_execute_async   (PortierCloseRun    *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
GPtrArray       *portier_close_run_execute_finish  (PortierCloseRun    *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
guint            portier_close_run_count_failed    (GPtrArray          *results);

G_END_DECLS
