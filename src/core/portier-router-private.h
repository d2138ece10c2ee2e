/* portier-router-private.h: what the router implementations share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-router.h"

G_BEGIN_DECLS

/* ---- the one worker thread ------------------------------------------------------------
 * Every blocking call (SSDP, miniupnpc, libnatpmp, the hop probe) runs there, one at a
 * time. The function returns the task's result itself (g_task_return_*); GTask delivers
 * it on the context the task was made in. */
typedef void (*PortierRouterJob) (GTask *task);

void      portier_router_worker_run        (GTask            *task,
                                            PortierRouterJob  job);
/* The IPv6 side of a UPnP router: a thread of its own, beside the worker. */
void      portier_router_worker_run_ipv6   (GTask            *task,
                                            PortierRouterJob  job);
gboolean  portier_router_worker_is_current (void);
/* Milliseconds on the monotonic clock, for the deadlines of the blocking calls. */
gint64    portier_router_now_ms            (void);

/* ---- this computer's side of the network (blocking; worker thread) ------------------- */
typedef struct
{
  char     *interface;     /* toward the default gateway */
  char     *gateway;       /* IPv4 default gateway */
  char     *gateway_mac;   /* from the ARP table, or NULL */
  char     *address;       /* this computer's IPv4 address on that interface */
  guint32   network;       /* host order */
  guint32   netmask;       /* host order */
  GPtrArray *addresses6;   /* global IPv6 addresses on that interface (strings) */
} PortierLocalNet;

void             portier_local_net_free           (PortierLocalNet *self);
PortierLocalNet *portier_local_net_read           (const char      *proc_root,
                                                   GError         **error);
gboolean         portier_local_net_parse_route    (const char      *contents,
                                                   char           **interface,
                                                   char           **gateway);
char            *portier_local_net_parse_arp      (const char      *contents,
                                                   const char      *address);
char            *portier_local_net_key            (const PortierLocalNet *self);
char            *portier_local_net_first_ipv6     (const PortierLocalNet *self);
void             portier_local_net_update_mac     (PortierLocalNet       *self,
                                                   const char            *proc_root);

/* ---- where a router may live ------------------------------------------------------------ */
typedef struct
{
  char    *host;    /* an IP literal, without brackets */
  guint16  port;
  gboolean ipv6;
} PortierUrlHost;

gboolean  portier_router_parse_http_url      (const char            *url,
                                              PortierUrlHost        *out);
gboolean  portier_router_location_acceptable (const char            *url,
                                              const PortierLocalNet *net,
                                              const char           **reason);
gboolean  portier_router_same_host           (const char            *url_a,
                                              const char            *url_b);
gboolean  portier_router_location_is_sender  (const char            *location,
                                              const char            *sender);

/* ---- device descriptions (worker thread) --------------------------------------------------- */
#define PORTIER_DESCRIPTION_MAX 65536
#define PORTIER_DESCRIPTION_TIMEOUT_MS 5000

gboolean  portier_router_parse_description_response (const char  *data,
                                                     gsize        length,
                                                     GBytes     **body,
                                                     gboolean    *framed,
                                                     GError     **error);
GBytes   *portier_router_fetch_description          (const char  *url,
                                                     char       **local_address,
                                                     GError     **error);

/* ---- SSDP -------------------------------------------------------------------------------- */
typedef struct
{
  char *location;
  char *st;
  char *usn;
  char *from;       /* the address the reply came from */
} PortierSsdpReply;

void              portier_ssdp_reply_free   (PortierSsdpReply *self);
PortierSsdpReply *portier_ssdp_parse_reply  (const char       *data,
                                             gsize             length);
GPtrArray        *portier_ssdp_search       (const PortierLocalNet *net,
                                             gboolean          ipv6,
                                             guint            *stage,
                                             const GPtrArray  *tried,
                                             GCancellable     *cancellable,
                                             GError          **error);

/* ---- the remembered router per network --------------------------------------------------- */
char     *portier_router_cache_lookup (const char *network_key,
                                       PortierRouterMethod *method);
void      portier_router_cache_store  (const char *network_key,
                                       PortierRouterMethod method,
                                       const char *url);

/* ---- the hop after the router (TTL 2), to tell carrier NAT from a second router --------- */
char     *portier_router_probe_hop    (guint            ttl,
                                       gboolean        *unreachable,
                                       GError         **error);

/* ---- the implementations ------------------------------------------------------------------ */
#define PORTIER_TYPE_ROUTER_UPNP (portier_router_upnp_get_type ())
G_DECLARE_FINAL_TYPE (PortierRouterUpnp, portier_router_upnp, PORTIER, ROUTER_UPNP, GObject)

#define PORTIER_TYPE_ROUTER_NATPMP (portier_router_natpmp_get_type ())
G_DECLARE_FINAL_TYPE (PortierRouterNatpmp, portier_router_natpmp, PORTIER, ROUTER_NATPMP,
                      GObject)

/* Worker thread only. */
PortierRouter *portier_router_upnp_open_url   (const char            *url,
                                               const PortierLocalNet *net,
                                               GError               **error);
struct UPNPUrls;
struct IGDdatas;
gboolean       portier_router_upnp_parse_igd  (const char            *url,
                                               GBytes                *description,
                                               struct UPNPUrls       *urls,
                                               struct IGDdatas       *data,
                                               GError               **error);
gboolean       portier_router_upnp_load_igd   (const char            *url,
                                               struct UPNPUrls       *urls,
                                               struct IGDdatas       *data,
                                               char                 **lan_address,
                                               GError               **error);
PortierRouter *portier_router_upnp_discover   (const PortierLocalNet *net,
                                               GCancellable          *cancellable,
                                               GError               **error);
PortierRouter *portier_router_natpmp_discover (const PortierLocalNet *net,
                                               GCancellable          *cancellable,
                                               GError               **error);
/* Fills wan_class (and upstream_hop when the router reports no address). */
void           portier_router_info_classify   (PortierRouterInfo     *info);

/* ---- what both implementations' tasks share ---------------------------------------------- */
/* The task data of add_mapping: the request, and the refusal its job fills in. */
typedef struct
{
  PortierMappingRequest request;
  PortierRouterRefusal  refusal;
} PortierRouterAddData;

PortierRouterAddData *portier_router_add_data_new  (const PortierMappingRequest *request,
                                                    const char                  *description);
void                  portier_router_add_data_free (PortierRouterAddData        *data);

/* Finish functions for the interface, the same for both implementations. */
PortierMapping *portier_router_task_add_mapping_finish (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        PortierRouterRefusal  *refusal,
                                                        GError               **error);
gboolean        portier_router_task_finish_boolean     (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);
PortierMapping *portier_router_task_finish_mapping     (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);
GPtrArray      *portier_router_task_finish_mappings    (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);
PortierPinhole *portier_router_task_finish_pinhole     (PortierRouter         *router,
                                                        GAsyncResult          *result,
                                                        GError               **error);

/* Refresh: the job returns fresh info (worker thread), the finish takes it (main
 * context). */
void            portier_router_task_return_info        (GTask                 *task,
                                                        PortierRouterInfo     *info,
                                                        GError                *error);
gboolean        portier_router_task_take_info          (GAsyncResult          *result,
                                                        PortierRouterInfo    **info,
                                                        GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierLocalNet, portier_local_net_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierSsdpReply, portier_ssdp_reply_free)

G_END_DECLS
