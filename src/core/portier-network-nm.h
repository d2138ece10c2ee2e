/* portier-network-nm.h: the portier-networkmanager module's table (libnm), for
 * PortierNetwork
 *
 * The client is libnm's NMClient, seen here only as a GObject: its "notify",
 * "active-connection-added" and "active-connection-removed" signals tell of changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-network.h"

G_BEGIN_DECLS

#define PORTIER_NETWORK_NM_MODULE_ABI 1

typedef struct
{
  guint abi;   /* PORTIER_NETWORK_NM_MODULE_ABI */

  void      (*client_new_async)  (GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
  /* The client, or NULL with @error when NetworkManager cannot be reached or is not
   * running. */
  GObject  *(*client_new_finish) (GAsyncResult        *result,
                                  GError             **error);
  gboolean  (*is_running)        (GObject             *client);
  /* Fills @info (new, with no strings set) from what the client knows. @ipv6 gets the
   * addresses of the connection to the home network as NetworkManager lists them;
   * @watched gets a reference to each object whose "notify" tells of a change. */
  void      (*read)              (GObject             *client,
                                  PortierNetworkInfo  *info,
                                  GPtrArray           *ipv6,
                                  GPtrArray           *watched);
} PortierNetworkNmModule;

G_END_DECLS
