/* portier-helper.h: the helper's D-Bus object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-authority.h"

G_BEGIN_DECLS

#define PORTIER_TYPE_HELPER (portier_helper_get_type ())

G_DECLARE_FINAL_TYPE (PortierHelper, portier_helper, PORTIER, HELPER, GObject)

PortierHelper *portier_helper_new            (GDBusConnection      *bus,
                                              PortierAuthority     *authority,
                                              const char           *state_dir,
                                              guint                 idle_seconds);
void           portier_helper_start_async    (PortierHelper        *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       portier_helper_start_finish   (PortierHelper        *self,
                                              GAsyncResult         *result,
                                              GError              **error);
gboolean       portier_helper_export         (PortierHelper        *self,
                                              GError              **error);
void           portier_helper_unexport       (PortierHelper        *self);

G_END_DECLS
