/* portier-listeners.h: which programs listen on which ports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_BIND_SCOPE_ALL,
  PORTIER_BIND_SCOPE_LOOPBACK,
  PORTIER_BIND_SCOPE_ADDRESS,
} PortierBindScope;

typedef struct _PortierListener PortierListener;

struct _PortierListener
{
  PortierProtocol   protocol;   /* PORTIER_PROTOCOL_TCP or PORTIER_PROTOCOL_UDP */
  GSocketFamily     family;     /* of the bind address; v4-mapped addresses count as IPv4 */
  char             *address;    /* the bind address as text */
  guint16           port;
  PortierBindScope  scope;
  guint             uid;
  guint64           inode;
  int               pid;        /* -1 where /proc does not let us see the owner */
  char             *process;    /* NULL where /proc does not let us see the owner */
};

#define PORTIER_TYPE_LISTENER (portier_listener_get_type ())

GType             portier_listener_get_type        (void) G_GNUC_CONST;
PortierListener  *portier_listener_copy            (const PortierListener *self);
void              portier_listener_free            (PortierListener       *self);
const char       *portier_bind_scope_to_string     (PortierBindScope       scope);

gboolean          portier_listeners_parse_proc_net (const char            *contents,
                                                    gsize                  length,
                                                    PortierProtocol        protocol,
                                                    GSocketFamily          family,
                                                    GPtrArray             *listeners,
                                                    GError               **error);
void              portier_listeners_resolve_owners (GPtrArray             *listeners,
                                                    const char            *proc_root);
GPtrArray        *portier_listeners_read           (const char            *proc_root,
                                                    GError               **error);
GPtrArray        *portier_listeners_filter         (GPtrArray             *listeners,
                                                    const PortierPortSpec *spec);

void              portier_listeners_list_async     (GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
GPtrArray        *portier_listeners_list_finish    (GAsyncResult          *result,
                                                    GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierListener, portier_listener_free)

G_END_DECLS
