/* portier-open-run.h: the opening of several ports, all or none
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-opener.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_OPEN_RUN (portier_open_run_get_type ())
G_DECLARE_FINAL_TYPE (PortierOpenRun, portier_open_run, PORTIER, OPEN_RUN, GObject)

/* PortierOpenRun::port-started (guint index)
 *   the port @index of the options is being opened now
 * PortierOpenRun::step-changed (PortierStep step, PortierStepStatus status,
 *                               const char *message)
 *   PortierOpener::step-changed, for the port being opened */

PortierOpenRun *portier_open_run_new            (PortierOpener   *opener,
                                                 GPtrArray       *options,
                                                 gboolean         take_offered_port);
void            portier_open_run_execute_async  (PortierOpenRun  *self,
                                                 GCancellable    *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer         user_data);
GPtrArray      *portier_open_run_execute_finish (PortierOpenRun  *self,
                                                 GAsyncResult    *result,
                                                 GError         **error);
const PortierOpenResult *
                portier_open_run_get_failed     (GPtrArray       *results);

G_END_DECLS
