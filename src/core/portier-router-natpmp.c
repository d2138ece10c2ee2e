/* portier-router-natpmp.c: a router reached over NAT-PMP (libnatpmp)
 *
 * NAT-PMP maps only for the address the request comes from, cannot list mappings and
 * cannot look one up. libnatpmp retries on its own for about a minute; here every
 * request waits at most 2 s in all. All calls run on the router's worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <arpa/inet.h>
#include <natpmp.h>

#include "portier-error.h"
#include "portier-router-private.h"

#define NATPMP_WAIT_MS 2000

struct _PortierRouterNatpmp
{
  GObject            parent_instance;

  PortierRouterInfo *info;        /* main context */

  /* worker thread only */
  char              *gateway;
  char              *lan_address;
  char              *ipv6_address;
};

static void portier_router_natpmp_iface_init (PortierRouterInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierRouterNatpmp, portier_router_natpmp, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_ROUTER,
                                                      portier_router_natpmp_iface_init))

static void
portier_router_natpmp_finalize (GObject *object)
{
  PortierRouterNatpmp *self = PORTIER_ROUTER_NATPMP (object);

  g_clear_pointer (&self->info, portier_router_info_free);
  g_free (self->gateway);
  g_free (self->lan_address);
  g_free (self->ipv6_address);

  G_OBJECT_CLASS (portier_router_natpmp_parent_class)->finalize (object);
}

static void
portier_router_natpmp_class_init (PortierRouterNatpmpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_router_natpmp_finalize;
}

static void
portier_router_natpmp_init (PortierRouterNatpmp *self)
{
}

/* ---------------------------------------------------------------------------- worker side */

typedef enum
{
  REQUEST_ADDRESS,
  REQUEST_MAPPING,
} RequestKind;

/* Worker. One request to @gateway and its answer, in at most 2 s.
 * Returns 0, a negative libnatpmp error (-51..-53 for the router's result codes), or
 * NATPMP_TRYAGAIN when nothing answered in time. */
static int
natpmp_request (const char     *gateway,
                RequestKind     kind,
                PortierProtocol protocol,
                guint16         private_port,
                guint16         public_port,
                guint32         lifetime,
                natpmpresp_t   *response)
{
  gint64 deadline = g_get_monotonic_time () / 1000 + NATPMP_WAIT_MS;
  struct in_addr gw;
  natpmp_t n;
  int r;

  if (inet_pton (AF_INET, gateway, &gw) != 1)
    return NATPMP_ERR_INVALIDARGS;
  r = initnatpmp (&n, 1, gw.s_addr);
  if (r < 0)
    return r;

  if (kind == REQUEST_ADDRESS)
    r = sendpublicaddressrequest (&n);
  else
    r = sendnewportmappingrequest (&n, protocol == PORTIER_PROTOCOL_UDP ? NATPMP_PROTOCOL_UDP
                                                                        : NATPMP_PROTOCOL_TCP,
                                   private_port, public_port, lifetime);
  if (r < 0)
    {
      closenatpmp (&n);
      return r;
    }

  do
    {
      struct timeval timeout;
      struct pollfd pfd = { n.s, POLLIN, 0 };
      gint64 left = deadline - g_get_monotonic_time () / 1000;
      gint64 wait_ms = left;

      if (left <= 0)
        {
          r = NATPMP_TRYAGAIN;
          break;
        }
      if (getnatpmprequesttimeout (&n, &timeout) == 0)
        wait_ms = MIN (left, MAX (0, (gint64) timeout.tv_sec * 1000 + timeout.tv_usec / 1000));
      poll (&pfd, 1, (int) wait_ms);
      r = readnatpmpresponseorretry (&n, response);
    }
  while (r == NATPMP_TRYAGAIN);

  closenatpmp (&n);
  return r;
}

static const char *
natpmp_error_text (int r)
{
  switch (r)
    {
    case NATPMP_TRYAGAIN:
      return "no answer in time";
    case NATPMP_ERR_RECVFROM:
      return "no NAT-PMP at the gateway";
    case NATPMP_ERR_NOTAUTHORIZED:
      return "not authorized";
    case NATPMP_ERR_NETWORKFAILURE:
      return "network failure (no public address)";
    case NATPMP_ERR_OUTOFRESOURCES:
      return "out of resources";
    case NATPMP_ERR_UNSUPPORTEDVERSION:
      return "unsupported version";
    case NATPMP_ERR_UNSUPPORTEDOPCODE:
      return "unsupported opcode";
    default:
      return "error";
    }
}

/* Worker. What the router says about itself now; NULL when it does not answer. */
static PortierRouterInfo *
read_info (const char  *gateway,
           const char  *lan_address,
           const char  *ipv6_address,
           GError     **error)
{
  g_autoptr(PortierRouterInfo) info = g_new0 (PortierRouterInfo, 1);
  natpmpresp_t response;
  int r;

  memset (&response, 0, sizeof response);
  r = natpmp_request (gateway, REQUEST_ADDRESS, 0, 0, 0, 0, &response);
  g_debug ("NAT-PMP public address request to %s: %d", gateway, r);

  info->method = PORTIER_ROUTER_METHOD_NATPMP;
  info->name = g_strdup ("NAT-PMP");
  info->gateway = g_strdup (gateway);
  info->lan_address = g_strdup (lan_address);
  info->ipv6_address = g_strdup (ipv6_address);

  if (r == 0)
    {
      char text[INET_ADDRSTRLEN];

      inet_ntop (AF_INET, &response.pnu.publicaddress.addr, text, sizeof text);
      info->external_address = g_strdup (text);
      g_debug ("NAT-PMP: public address %s, epoch %u", text, response.epoch);
    }
  else if (r == NATPMP_ERR_NETWORKFAILURE)
    info->external_address = g_strdup ("");  /* it answered: it has no public address */
  else
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "NAT-PMP at %s: %d (%s)", gateway, r, natpmp_error_text (r));
      return NULL;
    }
  return g_steal_pointer (&info);
}

/**
 * portier_router_natpmp_discover:
 *
 * Worker thread. Asks the default gateway for its public address over NAT-PMP.
 */
PortierRouter *
portier_router_natpmp_discover (const PortierLocalNet  *net,
                                GCancellable           *cancellable,
                                GError                **error)
{
  g_autoptr(PortierRouterNatpmp) self = NULL;
  PortierRouterInfo *info;
  g_autofree char *ipv6_address = portier_local_net_first_ipv6 (net);

  g_assert (portier_router_worker_is_current ());

  info = read_info (net->gateway, net->address, ipv6_address, error);
  if (info == NULL)
    return NULL;

  self = g_object_new (PORTIER_TYPE_ROUTER_NATPMP, NULL);
  self->info = info;
  self->gateway = g_strdup (net->gateway);
  self->lan_address = g_strdup (net->address);
  self->ipv6_address = g_steal_pointer (&ipv6_address);
  return PORTIER_ROUTER (g_steal_pointer (&self));
}

static void
add_mapping_job (GTask *task)
{
  PortierRouterNatpmp *self = g_task_get_source_object (task);
  PortierRouterAddData *data = g_task_get_task_data (task);
  const PortierMappingRequest *request = &data->request;
  guint16 external = request->external_port != 0 ? request->external_port
                                                 : request->internal_port;
  /* Lifetime 0 would delete: "permanent" is the longest lease instead. */
  guint32 lifetime = request->lease != 0 ? request->lease : PORTIER_ROUTER_MAX_LEASE;
  natpmpresp_t response;
  PortierMapping *mapping;
  guint16 mapped;
  PortierError code;
  int r;

  if (request->internal_client != NULL &&
      g_strcmp0 (request->internal_client, self->lan_address) != 0)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               "NAT-PMP forwards only to the computer that asks");
      return;
    }

  memset (&response, 0, sizeof response);
  r = natpmp_request (self->gateway, REQUEST_MAPPING, request->protocol,
                      request->internal_port, external, lifetime, &response);
  g_debug ("NAT-PMP map %u -> %u/%s lifetime %u: %d", external, request->internal_port,
           portier_protocol_to_string (request->protocol), lifetime, r);
  if (r < 0)
    {
      data->refusal.router_code = r;
      code = portier_router_error_from_natpmp (r, external, request->internal_port);
      if (code == PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS)
        {
          g_autoptr(PortierRouterInfo) info = read_info (self->gateway, self->lan_address,
                                                         self->ipv6_address, NULL);
          if (info != NULL)
            {
              portier_router_info_classify (info);
              if (portier_router_error_from_wan (info->wan_class) !=
                  PORTIER_ERROR_ROUTER_REFUSED)
                code = portier_router_error_from_wan (info->wan_class);
            }
        }
      g_task_return_new_error (task, PORTIER_ERROR, code,
                               "NAT-PMP mapping %u/%s: %d (%s)", external,
                               portier_protocol_to_string (request->protocol), r,
                               natpmp_error_text (r));
      return;
    }

  mapped = response.pnu.newportmapping.mappedpublicport;
  if (mapped != external && !(request->flags & PORTIER_MAPPING_ANY_EXTERNAL_PORT))
    {
      /* The router picked another port (the one asked for is taken): give it back and
       * offer it instead. */
      natpmpresp_t ignored;

      natpmp_request (self->gateway, REQUEST_MAPPING, request->protocol,
                      request->internal_port, 0, 0, &ignored);
      data->refusal.alternative_port = mapped;
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT,
                               "NAT-PMP gave %u instead of %u", mapped, external);
      return;
    }

  mapping = g_new0 (PortierMapping, 1);
  mapping->method = PORTIER_ROUTER_METHOD_NATPMP;
  mapping->external_port = mapped;
  mapping->internal_port = request->internal_port;
  mapping->protocol = request->protocol;
  mapping->internal_client = g_strdup (self->lan_address);
  mapping->description = g_strdup (request->description);
  mapping->lease = response.pnu.newportmapping.lifetime;
  mapping->expires = g_get_real_time () / G_USEC_PER_SEC + mapping->lease;
  mapping->moved = mapped != external;
  mapping->enabled = TRUE;
  g_task_return_pointer (task, mapping, (GDestroyNotify) portier_mapping_free);
}

static void
natpmp_add_mapping_async (PortierRouter               *router,
                          const PortierMappingRequest *request,
                          GCancellable                *cancellable,
                          GAsyncReadyCallback          callback,
                          gpointer                     user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_set_source_tag (task, natpmp_add_mapping_async);
  g_task_set_task_data (task, portier_router_add_data_new (request, request->description),
                        (GDestroyNotify) portier_router_add_data_free);
  portier_router_worker_run (task, add_mapping_job);
}

static void
remove_mapping_job (GTask *task)
{
  PortierRouterNatpmp *self = g_task_get_source_object (task);
  PortierMapping *mapping = g_task_get_task_data (task);
  natpmpresp_t response;
  int r;

  /* NAT-PMP removes only the asking computer's own mapping of that internal port. */
  if (g_strcmp0 (mapping->internal_client, self->lan_address) != 0)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                               "%s is not this computer", mapping->internal_client);
      return;
    }
  r = natpmp_request (self->gateway, REQUEST_MAPPING, mapping->protocol,
                      mapping->internal_port, 0, 0, &response);
  g_debug ("NAT-PMP unmap %u/%s: %d", mapping->internal_port,
           portier_protocol_to_string (mapping->protocol), r);
  if (r < 0)
    g_task_return_new_error (task, PORTIER_ERROR,
                             portier_router_error_from_natpmp (r, 0, 0),
                             "NAT-PMP unmap %u: %d (%s)", mapping->internal_port, r,
                             natpmp_error_text (r));
  else
    g_task_return_boolean (task, TRUE);
}

static void
natpmp_remove_mapping_async (PortierRouter        *router,
                             const PortierMapping *mapping,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_set_source_tag (task, natpmp_remove_mapping_async);
  g_task_set_task_data (task, portier_mapping_copy (mapping),
                        (GDestroyNotify) portier_mapping_free);
  portier_router_worker_run (task, remove_mapping_job);
}

/* What NAT-PMP cannot do. */
static void
not_supported (gpointer             source,
               gpointer             tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               const char          *what)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                           "NAT-PMP cannot %s", what);
}

static void
natpmp_find_mapping_async (PortierRouter       *router,
                           guint16              external_port,
                           PortierProtocol      protocol,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  not_supported (router, natpmp_find_mapping_async, cancellable, callback, user_data,
                 "look up a mapping");
}

static void
natpmp_list_mappings_async (PortierRouter       *router,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  not_supported (router, natpmp_list_mappings_async, cancellable, callback, user_data,
                 "list mappings");
}

static void
natpmp_add_pinhole_async (PortierRouter       *router,
                          guint16              port,
                          PortierProtocol      protocol,
                          guint                lease,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  not_supported (router, natpmp_add_pinhole_async, cancellable, callback, user_data,
                 "open IPv6 pinholes");
}

static void
natpmp_remove_pinhole_async (PortierRouter       *router,
                             const char          *unique_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  not_supported (router, natpmp_remove_pinhole_async, cancellable, callback, user_data,
                 "remove IPv6 pinholes");
}

static void
natpmp_update_pinhole_async (PortierRouter       *router,
                             const char          *unique_id,
                             guint                lease,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  not_supported (router, natpmp_update_pinhole_async, cancellable, callback, user_data,
                 "renew IPv6 pinholes");
}

/* ---------------------------------------------------------------------------- info */

static void
refresh_job (GTask *task)
{
  PortierRouterNatpmp *self = g_task_get_source_object (task);
  GError *error = NULL;
  PortierRouterInfo *info = read_info (self->gateway, self->lan_address,
                                       self->ipv6_address, &error);

  portier_router_task_return_info (task, info, error);
}

static void
natpmp_refresh_async (PortierRouter       *router,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_set_source_tag (task, natpmp_refresh_async);
  portier_router_worker_run (task, refresh_job);
}

static gboolean
natpmp_refresh_finish (PortierRouter  *router,
                       GAsyncResult   *result,
                       GError        **error)
{
  return portier_router_task_take_info (result, &PORTIER_ROUTER_NATPMP (router)->info, error);
}

static const PortierRouterInfo *
natpmp_get_info (PortierRouter *router)
{
  return PORTIER_ROUTER_NATPMP (router)->info;
}

static void
portier_router_natpmp_iface_init (PortierRouterInterface *iface)
{
  iface->get_info = natpmp_get_info;
  iface->refresh_async = natpmp_refresh_async;
  iface->refresh_finish = natpmp_refresh_finish;
  iface->add_mapping_async = natpmp_add_mapping_async;
  iface->add_mapping_finish = portier_router_task_add_mapping_finish;
  iface->remove_mapping_async = natpmp_remove_mapping_async;
  iface->remove_mapping_finish = portier_router_task_finish_boolean;
  iface->find_mapping_async = natpmp_find_mapping_async;
  iface->find_mapping_finish = portier_router_task_finish_mapping;
  iface->list_mappings_async = natpmp_list_mappings_async;
  iface->list_mappings_finish = portier_router_task_finish_mappings;
  iface->add_pinhole_async = natpmp_add_pinhole_async;
  iface->add_pinhole_finish = portier_router_task_finish_pinhole;
  iface->remove_pinhole_async = natpmp_remove_pinhole_async;
  iface->remove_pinhole_finish = portier_router_task_finish_boolean;
  iface->update_pinhole_async = natpmp_update_pinhole_async;
  iface->update_pinhole_finish = portier_router_task_finish_boolean;
}
