/* portier-authority.h: ask polkit whether a caller may change the firewall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PORTIER_ACTION_OPEN_PORT "io.github.portier_app.Portier.open-port"
#define PORTIER_ACTION_CLOSE_PORT "io.github.portier_app.Portier.close-port"

#define PORTIER_TYPE_AUTHORITY (portier_authority_get_type ())

G_DECLARE_FINAL_TYPE (PortierAuthority, portier_authority, PORTIER, AUTHORITY, GObject)

void               portier_authority_new_async    (GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
PortierAuthority  *portier_authority_new_finish   (GAsyncResult         *result,
                                                   GError              **error);
void               portier_authority_check_async  (PortierAuthority     *self,
                                                   const char           *sender,
                                                   const char           *action_id,
                                                   const char           *port,
                                                   const char           *protocol,
                                                   gboolean              interactive,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean           portier_authority_check_finish (PortierAuthority     *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
