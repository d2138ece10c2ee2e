/* portier-router.h: the home router, over UPnP IGD or NAT-PMP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-error.h"
#include "portier-port-spec.h"

G_BEGIN_DECLS

/* Every mapping Portier makes carries this at the start of its description, so it can
 * find its own mappings on the router again (together with this computer's address). */
#define PORTIER_ROUTER_TAG "Portier"
#define PORTIER_ROUTER_DEFAULT_LEASE 3600
/* Forwards that last while Portier runs: short, renewed at half, so that a crash
 * leaves one open for minutes, not an hour. */
#define PORTIER_ROUTER_WHILE_RUNNING_LEASE 300
#define PORTIER_ROUTER_MAX_LEASE 604800
/* At most this many single mappings (port × protocol) in one operation. */
#define PORTIER_ROUTER_MAX_MAPPINGS 256

typedef enum
{
  PORTIER_ROUTER_METHOD_UPNP,
  PORTIER_ROUTER_METHOD_NATPMP,
} PortierRouterMethod;

/**
 * PortierWanClass:
 * @PORTIER_WAN_PUBLIC: the router has a public address: forwarding can work
 * @PORTIER_WAN_DOUBLE_NAT: the router's WAN address is private (RFC 1918): another router
 *   sits between it and the internet
 * @PORTIER_WAN_CGNAT: the router's WAN address is in 100.64.0.0/10: the provider shares
 *   one public address among many customers
 * @PORTIER_WAN_NO_PUBLIC_ADDRESS: the router says it has no public address, and why
 *   could not be found out
 * @PORTIER_WAN_DISCONNECTED: the router is not connected to the internet
 * @PORTIER_WAN_UNKNOWN: nothing is known
 */
typedef enum
{
  PORTIER_WAN_PUBLIC,
  PORTIER_WAN_DOUBLE_NAT,
  PORTIER_WAN_CGNAT,
  PORTIER_WAN_NO_PUBLIC_ADDRESS,
  PORTIER_WAN_DISCONNECTED,
  PORTIER_WAN_UNKNOWN,
} PortierWanClass;

typedef enum
{
  PORTIER_ROUTER_DISCOVER_NONE = 0,
  PORTIER_ROUTER_DISCOVER_NO_CACHE = 1 << 0,  /* ignore the remembered router */
  PORTIER_ROUTER_DISCOVER_NO_UPNP = 1 << 1,
  PORTIER_ROUTER_DISCOVER_NO_NATPMP = 1 << 2,
} PortierRouterDiscoverFlags;

typedef enum
{
  PORTIER_MAPPING_FLAGS_NONE = 0,
  /* On a conflict, take another free external port instead of failing. */
  PORTIER_MAPPING_ANY_EXTERNAL_PORT = 1 << 0,
} PortierMappingFlags;

/**
 * PortierMappingOwner:
 * @PORTIER_MAPPING_OWNER_PORTIER: Portier made it for this computer: its tag, this
 *   computer's address, and the port its description names
 * @PORTIER_MAPPING_OWNER_THIS_COMPUTER: it points at this computer, but another program
 *   made it (games, torrent clients and media servers make their own): Portier never
 *   changes or removes it
 * @PORTIER_MAPPING_OWNER_OTHER_DEVICE: it points at another device
 */
typedef enum
{
  PORTIER_MAPPING_OWNER_PORTIER,
  PORTIER_MAPPING_OWNER_THIS_COMPUTER,
  PORTIER_MAPPING_OWNER_OTHER_DEVICE,
} PortierMappingOwner;

/**
 * PortierRouterInfo:
 *
 * What is known about the router. All strings may be %NULL when unknown.
 */
typedef struct
{
  PortierRouterMethod  method;
  char                *url;              /* UPnP: the IGD's description URL */
  char                *name;             /* UPnP: the IGD's friendly name */
  guint                igd_version;      /* UPnP: 1 or 2; 0 for NAT-PMP */
  char                *connection;       /* UPnP: ConnectionStatus ("Connected", …) */
  char                *external_address; /* the router's WAN address, as it reports it */
  PortierWanClass      wan_class;
  char                *upstream_hop;     /* the hop after the router, when it was needed */
  char                *lan_address;      /* this computer's address toward the router */
  char                *gateway;          /* the router's LAN address */
  char                *ipv6_address;     /* this computer's global IPv6 address, if any */
  gboolean             pinholes;         /* UPnP IGDv2 WANIPv6FirewallControl offered */
  gboolean             from_cache;       /* found through the remembered URL */
} PortierRouterInfo;

typedef struct
{
  guint16              external_port;    /* 0: the same as internal_port */
  guint16              internal_port;
  PortierProtocol      protocol;         /* TCP or UDP, not both */
  char                *internal_client;  /* NULL: this computer's address toward the router */
  char                *description;
  guint                lease;            /* seconds; 0: permanent */
  PortierMappingFlags  flags;
} PortierMappingRequest;

/**
 * PortierMapping:
 *
 * One forward on the router: external_port/protocol to internal_client:internal_port.
 */
typedef struct
{
  PortierRouterMethod  method;
  guint16              external_port;
  guint16              internal_port;
  PortierProtocol      protocol;
  char                *internal_client;
  char                *description;
  guint                lease;            /* granted or remaining seconds; 0: permanent */
  gboolean             permanent;        /* the router only accepts permanent leases */
  gint64               expires;          /* wall clock, seconds; 0: never */
  gboolean             reused;           /* it already existed and pointed at us (Portier's,
                                          * or another program's on this computer: see
                                          * portier_mapping_get_owner()) */
  gboolean             moved;            /* external port differs from what was asked */
  gboolean             enabled;
} PortierMapping;

/**
 * PortierRouterRefusal:
 *
 * Details of a refusal, beside the #GError that carries the PORTIER_ERROR code.
 */
typedef struct
{
  int                  router_code;      /* UPnP error code or NAT-PMP result; 0: none */
  guint16              alternative_port; /* a free external port to offer; 0: none */
  char                *held_by;          /* the LAN address that holds the port */
  char                *held_by_program;  /* or: the description of another program's
                                          * forward to this computer ("" for none) */
} PortierRouterRefusal;

typedef struct
{
  char                *unique_id;
  char                *internal_client;
  guint16              internal_port;
  PortierProtocol      protocol;
  guint                lease;
  gint64               expires;
} PortierPinhole;

#define PORTIER_TYPE_ROUTER_INFO (portier_router_info_get_type ())
#define PORTIER_TYPE_MAPPING (portier_mapping_get_type ())
#define PORTIER_TYPE_PINHOLE (portier_pinhole_get_type ())

GType               portier_router_info_get_type     (void) G_GNUC_CONST;
PortierRouterInfo  *portier_router_info_copy         (const PortierRouterInfo *self);
void                portier_router_info_free         (PortierRouterInfo       *self);

GType               portier_mapping_get_type         (void) G_GNUC_CONST;
PortierMapping     *portier_mapping_copy             (const PortierMapping    *self);
void                portier_mapping_free             (PortierMapping          *self);
gboolean            portier_mapping_is_ours          (const PortierMapping    *self,
                                                      const char              *lan_address);
PortierMappingOwner portier_mapping_get_owner        (const PortierMapping    *self,
                                                      const char              *lan_address);

GType               portier_pinhole_get_type         (void) G_GNUC_CONST;
PortierPinhole     *portier_pinhole_copy             (const PortierPinhole    *self);
void                portier_pinhole_free             (PortierPinhole          *self);

void                portier_router_refusal_clear     (PortierRouterRefusal    *self);
void                portier_router_refusal_copy      (const PortierRouterRefusal *self,
                                                      PortierRouterRefusal    *dest);

const char         *portier_router_method_to_string  (PortierRouterMethod      method);
gboolean            portier_router_method_from_string (const char             *text,
                                                      PortierRouterMethod     *method);
const char         *portier_wan_class_to_string      (PortierWanClass          wan_class);
const char         *portier_wan_class_describe       (PortierWanClass          wan_class);

/* Pure helpers, shared by both implementations and tested on their own. */
PortierWanClass     portier_router_classify_address  (const char              *address);
PortierWanClass     portier_router_classify          (const char              *connection,
                                                      const char              *external_address,
                                                      const char              *upstream_hop,
                                                      gboolean                 hop_unreachable);
PortierError        portier_router_error_from_upnp   (int                      upnp_code,
                                                      guint16                  external_port,
                                                      guint16                  internal_port);
PortierError        portier_router_error_from_natpmp (int                      result_code,
                                                      guint16                  external_port,
                                                      guint16                  internal_port);
PortierError        portier_router_error_from_wan    (PortierWanClass          wan_class);
gboolean            portier_router_is_lease_error    (int                      upnp_code);
char               *portier_router_make_description  (const char              *label,
                                                      const PortierPortSpec   *spec);

#define PORTIER_TYPE_ROUTER (portier_router_get_type ())
G_DECLARE_INTERFACE (PortierRouter, portier_router, PORTIER, ROUTER, GObject)

struct _PortierRouterInterface
{
  GTypeInterface parent_iface;

  const PortierRouterInfo *(*get_info) (PortierRouter *self);

  void             (*refresh_async)        (PortierRouter               *self,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  gboolean         (*refresh_finish)       (PortierRouter               *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
  void             (*add_mapping_async)    (PortierRouter               *self,
                                            const PortierMappingRequest *request,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  PortierMapping  *(*add_mapping_finish)   (PortierRouter               *self,
                                            GAsyncResult                *result,
                                            PortierRouterRefusal        *refusal,
                                            GError                     **error);
  void             (*remove_mapping_async) (PortierRouter               *self,
                                            const PortierMapping        *mapping,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  gboolean         (*remove_mapping_finish) (PortierRouter              *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
  void             (*find_mapping_async)   (PortierRouter               *self,
                                            guint16                      external_port,
                                            PortierProtocol              protocol,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  PortierMapping  *(*find_mapping_finish)  (PortierRouter               *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
  void             (*list_mappings_async)  (PortierRouter               *self,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  GPtrArray       *(*list_mappings_finish) (PortierRouter               *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
  void             (*add_pinhole_async)    (PortierRouter               *self,
                                            guint16                      port,
                                            PortierProtocol              protocol,
                                            guint                        lease,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  PortierPinhole  *(*add_pinhole_finish)   (PortierRouter               *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
  void             (*remove_pinhole_async) (PortierRouter               *self,
                                            const char                  *unique_id,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  gboolean         (*remove_pinhole_finish) (PortierRouter              *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
  void             (*update_pinhole_async) (PortierRouter               *self,
                                            const char                  *unique_id,
                                            guint                        lease,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
  gboolean         (*update_pinhole_finish) (PortierRouter              *self,
                                            GAsyncResult                *result,
                                            GError                     **error);
};

void                portier_router_discover_async    (PortierRouterDiscoverFlags   flags,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
PortierRouter      *portier_router_discover_finish   (GAsyncResult                *result,
                                                      GError                     **error);

const PortierRouterInfo *portier_router_get_info     (PortierRouter               *self);
PortierRouterMethod portier_router_get_method        (PortierRouter               *self);
const char         *portier_router_get_lan_address   (PortierRouter               *self);

void                portier_router_refresh_async     (PortierRouter               *self,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
gboolean            portier_router_refresh_finish    (PortierRouter               *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);

void                portier_router_add_mapping_async (PortierRouter               *self,
                                                      const PortierMappingRequest *request,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
PortierMapping     *portier_router_add_mapping_finish (PortierRouter              *self,
                                                      GAsyncResult                *result,
                                                      PortierRouterRefusal        *refusal,
                                                      GError                     **error);
void                portier_router_remove_mapping_async (PortierRouter            *self,
                                                      const PortierMapping        *mapping,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
gboolean            portier_router_remove_mapping_finish (PortierRouter           *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);
void                portier_router_find_mapping_async (PortierRouter              *self,
                                                      guint16                      external_port,
                                                      PortierProtocol              protocol,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
PortierMapping     *portier_router_find_mapping_finish (PortierRouter             *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);
void                portier_router_list_mappings_async (PortierRouter             *self,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
GPtrArray          *portier_router_list_mappings_finish (PortierRouter            *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);
void                portier_router_add_pinhole_async (PortierRouter               *self,
                                                      guint16                      port,
                                                      PortierProtocol              protocol,
                                                      guint                        lease,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
PortierPinhole     *portier_router_add_pinhole_finish (PortierRouter              *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);
void                portier_router_remove_pinhole_async (PortierRouter            *self,
                                                      const char                  *unique_id,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
gboolean            portier_router_remove_pinhole_finish (PortierRouter           *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);
void                portier_router_update_pinhole_async (PortierRouter            *self,
                                                      const char                  *unique_id,
                                                      guint                        lease,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
gboolean            portier_router_update_pinhole_finish (PortierRouter           *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierRouterInfo, portier_router_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierMapping, portier_mapping_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierPinhole, portier_pinhole_free)

G_END_DECLS
