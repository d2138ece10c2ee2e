/* portier-router-identity.h: which router this is, for the guide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router-family.h"

G_BEGIN_DECLS

/* Where the router's identity came from, best first. */
typedef enum
{
  PORTIER_ROUTER_SOURCE_NONE,                /* unknown: the generic family */
  PORTIER_ROUTER_SOURCE_UPNP,                /* the UPnP device description */
  PORTIER_ROUTER_SOURCE_HARDWARE_ADDRESS,    /* the vendor of the gateway's MAC address */
  PORTIER_ROUTER_SOURCE_PAGE_TITLE,          /* the title of the gateway's web page */
} PortierRouterSource;

typedef struct
{
  const PortierRouterFamily *family;       /* never NULL; the generic family when unknown */
  PortierRouterSource        source;
  char                      *vendor;       /* the maker as that source names it, or NULL */
  char                      *model;        /* the model, or NULL */
  char                      *admin_url;    /* where its settings page is, or NULL (an app) */
} PortierRouterIdentity;

#define PORTIER_TYPE_ROUTER_IDENTITY (portier_router_identity_get_type ())

GType                  portier_router_identity_get_type  (void) G_GNUC_CONST;
PortierRouterIdentity *portier_router_identity_new       (const PortierRouterFamily   *family,
                                                          PortierRouterSource          source,
                                                          const char                  *vendor,
                                                          const char                  *model,
                                                          const char                  *gateway);
PortierRouterIdentity *portier_router_identity_copy      (const PortierRouterIdentity *self);
void                   portier_router_identity_free      (PortierRouterIdentity       *self);
const char            *portier_router_source_to_string   (PortierRouterSource          source);

/* Each source on its own (the parsers take what the router or the kernel said). */
PortierRouterIdentity *portier_router_identity_from_upnp_description
                                                         (const char                  *xml,
                                                          gssize                       length,
                                                          const char                  *gateway,
                                                          GError                     **error);
PortierRouterIdentity *portier_router_identity_from_hardware_address
                                                         (const char                  *mac,
                                                          const char                  *gateway);
PortierRouterIdentity *portier_router_identity_from_page_title
                                                         (const char                  *title,
                                                          const char                  *gateway);
char                  *portier_arp_table_find            (const char                  *contents,
                                                          const char                  *address,
                                                          GError                     **error);

/* All of them, best first: the description when there is one, else the kernel's ARP
 * table, else one look at the gateway's web page. */
void                   portier_router_identify_async     (const char                  *gateway,
                                                          const char                  *upnp_description,
                                                          GCancellable                *cancellable,
                                                          GAsyncReadyCallback          callback,
                                                          gpointer                     user_data);
PortierRouterIdentity *portier_router_identify_finish    (GAsyncResult                *result,
                                                          GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierRouterIdentity, portier_router_identity_free)

G_END_DECLS
