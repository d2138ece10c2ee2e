/* portier-router-family.h: what the guide knows about each family of routers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A family of routers (data/guide/routers.json): where its settings are and what its
 * pages call them. Families live as long as the program; they are never freed. */
typedef struct _PortierRouterFamily PortierRouterFamily;

/* The family's texts, each translated into the user's language when asked for. */
typedef enum
{
  PORTIER_ROUTER_TEXT_WHERE,            /* the menu path of the port forwards */
  PORTIER_ROUTER_TEXT_ADD,              /* how to start a new forward there */
  PORTIER_ROUTER_TEXT_SAVE,             /* how to save it */
  PORTIER_ROUTER_TEXT_UPNP,             /* how to switch UPnP on, or NULL */
  PORTIER_ROUTER_TEXT_RESERVE,          /* how to keep this computer's address */
  PORTIER_ROUTER_TEXT_IPV6,             /* how to allow incoming IPv6 connections */
  PORTIER_ROUTER_TEXT_ADMIN_APP,        /* the phone app it is set up with, or NULL */
  PORTIER_ROUTER_TEXT_FIELD_NAME,       /* the field names; NAME can be NULL */
  PORTIER_ROUTER_TEXT_FIELD_ADDRESS,
  PORTIER_ROUTER_TEXT_FIELD_INTERNAL_PORT,
  PORTIER_ROUTER_TEXT_FIELD_EXTERNAL_PORT,
  PORTIER_ROUTER_TEXT_FIELD_PROTOCOL,
  PORTIER_ROUTER_TEXT_PROTOCOL_BOTH,    /* its word for TCP and UDP, or NULL: one forward each */
} PortierRouterText;

#define PORTIER_ROUTER_TEXT_LAST PORTIER_ROUTER_TEXT_PROTOCOL_BOTH

/* How a family is recognized. */
typedef enum
{
  PORTIER_ROUTER_MATCH_UPNP,            /* the UPnP description's manufacturer, model, name */
  PORTIER_ROUTER_MATCH_TITLE,           /* the title of the router's own web page */
} PortierRouterMatch;

gboolean                   portier_router_families_load    (GError                   **error);
GPtrArray                 *portier_router_families_list    (void);
const PortierRouterFamily *portier_router_family_lookup    (const char                *id);
const PortierRouterFamily *portier_router_family_generic   (void);
const PortierRouterFamily *portier_router_family_match     (PortierRouterMatch         kind,
                                                            const char                *text);

const char *portier_router_family_get_id        (const PortierRouterFamily *self);
const char *portier_router_family_get_name      (const PortierRouterFamily *self);
const char *portier_router_family_get_vendor    (const PortierRouterFamily *self);
const char *portier_router_family_get_admin_url (const PortierRouterFamily *self);
const char *portier_router_family_get_text      (const PortierRouterFamily *self,
                                                 PortierRouterText          text);
gboolean    portier_router_family_is_generic    (const PortierRouterFamily *self);

G_END_DECLS
