/* portier-network.h: the network this computer is on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  PORTIER_TRISTATE_UNKNOWN,
  PORTIER_TRISTATE_NO,
  PORTIER_TRISTATE_YES,
} PortierTristate;

typedef enum
{
  PORTIER_NETWORK_SOURCE_KERNEL,
  PORTIER_NETWORK_SOURCE_NETWORK_MANAGER,
} PortierNetworkSource;

typedef struct _PortierNetworkInfo PortierNetworkInfo;

/* What is known of the network; NULL strings and UNKNOWN mean "cannot be known here". */
struct _PortierNetworkInfo
{
  PortierNetworkSource  source;
  gboolean              connected;
  char                 *connection_name;  /* NetworkManager's name for it */
  char                 *connection_type;  /* "ethernet", "wifi", ... */
  char                 *interface;        /* toward the gateway */
  char                 *ipv4_address;
  guint                 ipv4_prefix;
  char                 *ipv4_gateway;
  GStrv                 ipv6_addresses;   /* global ones only, never NULL */
  char                 *ipv6_gateway;
  PortierTristate       vpn_active;       /* a VPN carries the default route */
  char                 *vpn_interface;
  char                 *vpn_name;
  char                 *firewall_zone;    /* the connection's firewalld zone, if set */
  PortierTristate       metered;
};

#define PORTIER_TYPE_NETWORK_INFO (portier_network_info_get_type ())

GType                portier_network_info_get_type  (void) G_GNUC_CONST;
PortierNetworkInfo  *portier_network_info_new       (void);
PortierNetworkInfo  *portier_network_info_copy      (const PortierNetworkInfo *self);
void                 portier_network_info_free      (PortierNetworkInfo       *self);
gboolean             portier_network_info_equal     (const PortierNetworkInfo *a,
                                                     const PortierNetworkInfo *b);
const char          *portier_tristate_to_string     (PortierTristate           value);
const char          *portier_network_source_to_string (PortierNetworkSource    source);
void                 portier_network_info_serialize (const PortierNetworkInfo *self,
                                                     JsonBuilder              *builder);

/* The kernel's view, for systems without NetworkManager (and for tests). */
PortierNetworkInfo  *portier_network_read_kernel    (const char               *proc_root,
                                                     const char               *sys_root);
gboolean             portier_network_parse_route    (const char               *contents,
                                                     char                    **interface,
                                                     char                    **gateway);
gboolean             portier_network_parse_ipv6_route (const char             *contents,
                                                       char                  **interface,
                                                       char                  **gateway);

#define PORTIER_TYPE_NETWORK (portier_network_get_type ())
G_DECLARE_FINAL_TYPE (PortierNetwork, portier_network, PORTIER, NETWORK, GObject)

void                 portier_network_new_async      (GCancellable             *cancellable,
                                                     GAsyncReadyCallback       callback,
                                                     gpointer                  user_data);
PortierNetwork      *portier_network_new_finish     (GAsyncResult             *result,
                                                     GError                  **error);
const PortierNetworkInfo *portier_network_get_info  (PortierNetwork           *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierNetworkInfo, portier_network_info_free)

G_END_DECLS
