/* portier-router-upnp.c: a router reached over UPnP IGD v1/v2 (miniupnpc)
 *
 * Every miniupnpc call runs on the router's worker thread. The object's info is the
 * main context's copy, replaced only from there (refresh); the miniupnpc state (URLs,
 * parsed description) is touched only on the worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>

#include "portier-error.h"
#include "portier-router-private.h"

#define LIST_MAX_ENTRIES 1024
#define ALTERNATIVE_SEARCH 32
#define PINHOLE_MAX_LEASE 86400

struct _PortierRouterUpnp
{
  GObject            parent_instance;

  PortierRouterInfo *info;        /* main context */

  /* read on both threads, never written after upnp_new() */
  PortierLocalNet   *net;
  char              *key6;        /* where the IPv6 side is remembered */

  /* worker thread only */
  struct UPNPUrls    urls;
  struct IGDdatas    data;
  char              *lan_address;

  /* IPv6 thread only (portier_router_worker_run_ipv6) */
  gboolean           tried6;
  gboolean           have6;
  struct UPNPUrls    urls6;
  struct IGDdatas    data6;
  char              *lan_address6;
};

static void portier_router_upnp_iface_init (PortierRouterInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierRouterUpnp, portier_router_upnp, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_ROUTER,
                                                      portier_router_upnp_iface_init))

static void
portier_router_upnp_finalize (GObject *object)
{
  PortierRouterUpnp *self = PORTIER_ROUTER_UPNP (object);

  FreeUPNPUrls (&self->urls);
  FreeUPNPUrls (&self->urls6);
  g_clear_pointer (&self->info, portier_router_info_free);
  g_clear_pointer (&self->net, portier_local_net_free);
  g_free (self->lan_address);
  g_free (self->lan_address6);
  g_free (self->key6);

  G_OBJECT_CLASS (portier_router_upnp_parent_class)->finalize (object);
}

static void
portier_router_upnp_class_init (PortierRouterUpnpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_router_upnp_finalize;
}

static void
portier_router_upnp_init (PortierRouterUpnp *self)
{
}

static const char *
proto_name (PortierProtocol protocol)
{
  return protocol == PORTIER_PROTOCOL_UDP ? "UDP" : "TCP";
}

static const char *
upnp_error_text (int code)
{
  const char *text = strupnperror (code);

  return text != NULL ? text : "unknown";
}

/* ---------------------------------------------------------------------------- worker side */

static guint
igd_version (const struct IGDdatas *data)
{
  const char *type = data->first.servicetype;
  gsize len = strlen (type);

  return len > 0 && type[len - 1] == '2' ? 2 : 1;
}

/* Every control URL of the description must be http:// on the host the description came
 * from: a description must not send Portier elsewhere. */
static gboolean
controls_on_same_host (const char            *url,
                       const struct UPNPUrls *urls)
{
  const char *controls[] = { urls->controlURL, urls->controlURL_CIF, urls->controlURL_6FC,
                             urls->ipcondescURL };

  if (urls->controlURL == NULL || *urls->controlURL == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    if (controls[i] != NULL && *controls[i] != '\0' &&
        !portier_router_same_host (url, controls[i]))
      {
        g_debug ("UPnP: %s sends control to %s: refused", url, controls[i]);
        return FALSE;
      }
  return TRUE;
}

/* Worker. A fresh copy of what the router says about itself now. */
static PortierRouterInfo *
read_info (PortierRouterUpnp *self,
           GError           **error)
{
  g_autoptr(PortierRouterInfo) info = g_new0 (PortierRouterInfo, 1);
  char status[64] = "";
  char last_error[64] = "";
  char external[40] = "";
  unsigned int uptime = 0;
  int r;

  info->method = PORTIER_ROUTER_METHOD_UPNP;
  info->url = g_strdup (self->urls.rootdescURL);
  info->igd_version = igd_version (&self->data);
  info->name = g_strdup_printf ("UPnP IGDv%u", info->igd_version);
  info->lan_address = g_strdup (self->lan_address);
  info->gateway = g_strdup (self->net->gateway);
  info->pinholes = self->data.IPv6FC.servicetype[0] != '\0';
  info->ipv6_address = portier_local_net_first_ipv6 (self->net);

  r = UPNP_GetStatusInfo (self->urls.controlURL, self->data.first.servicetype, status,
                          &uptime, last_error);
  if (r == UPNPCOMMAND_SUCCESS)
    info->connection = g_strdup (status);
  else
    g_debug ("UPnP GetStatusInfo: %d", r);

  r = UPNP_GetExternalIPAddress (self->urls.controlURL, self->data.first.servicetype,
                                 external);
  if (r != UPNPCOMMAND_SUCCESS)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "UPnP GetExternalIPAddress at %s: %d (%s)", self->urls.controlURL, r,
                   upnp_error_text (r));
      return NULL;
    }
  /* "" is an answer: the router has no (public) address. */
  info->external_address = g_strdup (external);
  return g_steal_pointer (&info);
}

static PortierRouter *
upnp_new (const PortierLocalNet *net,
          struct UPNPUrls       *urls,
          struct IGDdatas       *data,
          const char            *lan_address,
          GError               **error)
{
  g_autoptr(PortierRouterUpnp) self = g_object_new (PORTIER_TYPE_ROUTER_UPNP, NULL);

  /* Takes the URLs over. */
  self->urls = *urls;
  memset (urls, 0, sizeof *urls);
  self->data = *data;
  self->net = g_new0 (PortierLocalNet, 1);
  self->net->interface = g_strdup (net->interface);
  self->net->gateway = g_strdup (net->gateway);
  self->net->gateway_mac = g_strdup (net->gateway_mac);
  self->net->address = g_strdup (net->address);
  self->net->network = net->network;
  self->net->netmask = net->netmask;
  self->net->addresses6 = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < net->addresses6->len; i++)
    g_ptr_array_add (self->net->addresses6, g_strdup (g_ptr_array_index (net->addresses6, i)));
  self->lan_address = g_strdup (lan_address != NULL && *lan_address != '\0'
                                ? lan_address : net->address);
  /* The gateway's hardware address is part of the network's key; this computer has
   * just talked to the gateway, so it is in the ARP table now. Read here, before the
   * IPv6 thread may read the copy. */
  if (self->net->gateway_mac == NULL)
    portier_local_net_update_mac (self->net, NULL);
  {
    g_autofree char *key4 = portier_local_net_key (self->net);

    self->key6 = g_strconcat (key4, " ipv6", NULL);
  }

  self->info = read_info (self, error);
  if (self->info == NULL)
    return NULL;
  return PORTIER_ROUTER (g_steal_pointer (&self));
}

/* What the description itself says, before miniupnpc makes it absolute: a relative
 * path, or an http:// URL on the host of @url. Anything with another scheme, or a
 * "//host" reference, is refused rather than guessed at. */
static gboolean
raw_url_acceptable (const char *url,
                    const char *raw)
{
  gsize scheme_end = strcspn (raw, ":/?#");

  if (raw[0] == '\0')
    return TRUE;
  if (raw[scheme_end] == ':' || g_str_has_prefix (raw, "//"))
    return portier_router_same_host (url, raw);
  return TRUE;
}

static gboolean
description_urls_acceptable (const char            *url,
                             const struct IGDdatas *data)
{
  const char *raw[] = { data->urlbase, data->first.controlurl, data->CIF.controlurl,
                        data->IPv6FC.controlurl };

  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    if (!raw_url_acceptable (url, raw[i]))
      {
        g_debug ("UPnP: %s names %s: refused", url, raw[i]);
        return FALSE;
      }
  return TRUE;
}

/**
 * portier_router_upnp_parse_igd:
 * @url: where @description came from
 *
 * The IGD that @description describes, when every control URL in it is http:// on the
 * host of @url (after making them absolute, and as written). No network.
 *
 * Returns: whether it does; @urls is filled only then (free with FreeUPNPUrls)
 */
gboolean
portier_router_upnp_parse_igd (const char       *url,
                               GBytes           *description,
                               struct UPNPUrls  *urls,
                               struct IGDdatas  *data,
                               GError          **error)
{
  gsize length = 0;
  const char *bytes = g_bytes_get_data (description, &length);

  memset (urls, 0, sizeof *urls);
  memset (data, 0, sizeof *data);
  if (length == 0 || length > PORTIER_DESCRIPTION_MAX)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "%s: a description of %" G_GSIZE_FORMAT " bytes", url, length);
      return FALSE;
    }
  parserootdesc (bytes, (int) length, data);
  if (data->first.servicetype[0] == '\0' || data->first.controlurl[0] == '\0')
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "%s describes no WAN connection service", url);
      return FALSE;
    }
  if (!description_urls_acceptable (url, data))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "%s names a control URL on another host or not over http", url);
      return FALSE;
    }
  GetUPNPUrls (urls, data, url, 0);
  if (!controls_on_same_host (url, urls))
    {
      FreeUPNPUrls (urls);
      memset (urls, 0, sizeof *urls);
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "%s names a control URL on another host", url);
      return FALSE;
    }
  return TRUE;
}

/**
 * portier_router_upnp_load_igd:
 * @lan_address: (out) (optional) (transfer full): this computer's address toward it
 *
 * Worker thread. The IGD described at @url, without a single SOAP request: the
 * description fetched within its limits (size, time, no redirects), parsed, and every
 * control URL checked to be http:// on the host of @url. Only then may the caller talk
 * to it.
 *
 * Returns: whether @url describes an IGD whose controls are all on its host; @urls is
 *   filled only then (free with FreeUPNPUrls)
 */
gboolean
portier_router_upnp_load_igd (const char       *url,
                              struct UPNPUrls  *urls,
                              struct IGDdatas  *data,
                              char            **lan_address,
                              GError          **error)
{
  g_autoptr(GBytes) description = NULL;
  g_autofree char *local = NULL;

  memset (urls, 0, sizeof *urls);
  memset (data, 0, sizeof *data);
  description = portier_router_fetch_description (url, &local, error);
  if (description == NULL ||
      !portier_router_upnp_parse_igd (url, description, urls, data, error))
    return FALSE;
  if (lan_address != NULL)
    *lan_address = g_steal_pointer (&local);
  return TRUE;
}

/**
 * portier_router_upnp_open_url:
 *
 * Worker thread. Uses the IGD at @url (the one remembered for this network), after
 * checking it: on this subnet, still an IGD, its controls on the same host, and it
 * answers.
 */
PortierRouter *
portier_router_upnp_open_url (const char            *url,
                              const PortierLocalNet *net,
                              GError               **error)
{
  struct UPNPUrls urls = { 0 };
  struct IGDdatas data = { 0 };
  g_autofree char *lan_address = NULL;
  const char *reason = NULL;
  PortierRouter *router;

  g_assert (portier_router_worker_is_current ());

  if (!portier_router_location_acceptable (url, net, &reason))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
                   "%s: %s", url, reason);
      return NULL;
    }
  if (!portier_router_upnp_load_igd (url, &urls, &data, &lan_address, error))
    return NULL;

  /* The first requests: the status query, to the control URL just checked. */
  router = upnp_new (net, &urls, &data, lan_address, error);
  FreeUPNPUrls (&urls);
  return router;
}

/**
 * portier_router_upnp_discover:
 *
 * Worker thread. SSDP search, then the first answering device (the gateway first) that
 * is an IGD whose description passes every check. A device that fails is skipped, and
 * when none of those that answered will do, the search goes on with longer waits.
 */
PortierRouter *
portier_router_upnp_discover (const PortierLocalNet  *net,
                              GCancellable           *cancellable,
                              GError                **error)
{
  g_autoptr(GPtrArray) tried = g_ptr_array_new_with_free_func (g_free);
  guint stage = 0;

  g_assert (portier_router_worker_is_current ());

  for (;;)
    {
      g_autoptr(GPtrArray) replies = portier_ssdp_search (net, FALSE, &stage, tried,
                                                          cancellable, error);

      if (replies == NULL)
        return NULL;
      if (replies->len == 0)
        break;

      for (guint i = 0; i < replies->len; i++)
        {
          const PortierSsdpReply *reply = g_ptr_array_index (replies, i);
          g_autoptr(GError) local_error = NULL;
          PortierRouter *router;

          g_ptr_array_add (tried, g_strdup (reply->location));
          router = portier_router_upnp_open_url (reply->location, net, &local_error);
          if (router != NULL)
            return router;
          g_debug ("UPnP: skipping %s: %s", reply->location, local_error->message);
        }
    }

  g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_ROUTER_NOT_FOUND,
               "no usable IGD answered on %s (%u devices)", net->interface, tried->len);
  return NULL;
}

/* Whether a UPnP error code says the router has no such entry (714 NoSuchEntryInArray,
 * 713 SpecifiedArrayIndexInvalid, 402 Invalid Args: each counts as none). */
static gboolean
no_such_entry (int code)
{
  return code == 714 || code == 713 || code == 402;
}

/* One port mapping entry, from the strings the router gave for it. */
static PortierMapping *
entry_to_mapping (guint16          external_port,
                  PortierProtocol  protocol,
                  const char      *client,
                  const char      *in_port,
                  const char      *desc,
                  const char      *enabled,
                  const char      *lease)
{
  PortierMapping *mapping = g_new0 (PortierMapping, 1);
  guint64 value;

  mapping->method = PORTIER_ROUTER_METHOD_UPNP;
  mapping->external_port = external_port;
  mapping->protocol = protocol;
  mapping->internal_client = g_strdup (client);
  mapping->description = g_strdup (desc);
  mapping->enabled = g_strcmp0 (enabled, "0") != 0;
  if (g_ascii_string_to_unsigned (in_port, 10, 1, 65535, &value, NULL))
    mapping->internal_port = (guint16) value;
  if (g_ascii_string_to_unsigned (lease, 10, 0, G_MAXUINT32, &value, NULL))
    mapping->lease = (guint) value;
  mapping->expires = mapping->lease > 0 ? g_get_real_time () / G_USEC_PER_SEC + mapping->lease
                                        : 0;
  return mapping;
}

/* Worker. The router's entry for one external port, or NULL (with *code 714 when there
 * is none, another code when the router did not say). */
static PortierMapping *
get_entry (PortierRouterUpnp *self,
           guint16            external_port,
           PortierProtocol    protocol,
           int               *code)
{
  char ext[8], client[40] = "", in_port[8] = "", desc[96] = "", enabled[8] = "";
  char lease[16] = "";
  int r;

  g_snprintf (ext, sizeof ext, "%u", external_port);
  r = UPNP_GetSpecificPortMappingEntry (self->urls.controlURL, self->data.first.servicetype,
                                        ext, proto_name (protocol), NULL, client, in_port,
                                        desc, enabled, lease);
  *code = r;
  if (r != UPNPCOMMAND_SUCCESS)
    return NULL;
  return entry_to_mapping (external_port, protocol, client, in_port, desc, enabled, lease);
}

/* Worker. Whether the router has no entry for @port (a read: nothing is taken). */
static gboolean
port_is_free (PortierRouterUpnp *self,
              guint16            port,
              PortierProtocol    protocol)
{
  g_autoptr(PortierMapping) entry = NULL;
  int code;

  entry = get_entry (self, port, protocol, &code);
  return entry == NULL && no_such_entry (code);
}

static PortierMapping *
new_mapping (const PortierMappingRequest *request,
             guint16                      external_port,
             const char                  *client,
             guint                        lease,
             gboolean                     permanent)
{
  PortierMapping *mapping = g_new0 (PortierMapping, 1);

  mapping->method = PORTIER_ROUTER_METHOD_UPNP;
  mapping->external_port = external_port;
  mapping->internal_port = request->internal_port;
  mapping->protocol = request->protocol;
  mapping->internal_client = g_strdup (client);
  mapping->description = g_strdup (request->description);
  mapping->lease = lease;
  mapping->permanent = permanent;
  mapping->enabled = TRUE;
  mapping->expires = lease > 0 ? g_get_real_time () / G_USEC_PER_SEC + lease : 0;
  return mapping;
}

/* Worker. AddPortMapping, and a permanent lease when the router takes nothing else. */
static int
add_port_mapping (PortierRouterUpnp           *self,
                  const PortierMappingRequest *request,
                  guint16                      external_port,
                  const char                  *client,
                  guint                       *lease,
                  gboolean                    *permanent)
{
  char ext[8], in[8], lease_text[16];
  int r;

  g_snprintf (ext, sizeof ext, "%u", external_port);
  g_snprintf (in, sizeof in, "%u", request->internal_port);
  for (;;)
    {
      g_snprintf (lease_text, sizeof lease_text, "%u", *lease);
      r = UPNP_AddPortMapping (self->urls.controlURL, self->data.first.servicetype, ext, in,
                               client, request->description, proto_name (request->protocol),
                               NULL, lease_text);
      g_debug ("UPnP AddPortMapping %s/%s -> %s:%s lease %s: %d", ext,
               proto_name (request->protocol), client, in, lease_text, r);
      if (portier_router_is_lease_error (r) && *lease != 0)
        {
          *lease = 0;
          *permanent = TRUE;
          continue;
        }
      return r;
    }
}

/* Worker. A free external port after @port (read only: nothing is taken). */
static guint16
find_free_port (PortierRouterUpnp *self,
                guint16            port,
                PortierProtocol    protocol)
{
  for (guint i = 1; i <= ALTERNATIVE_SEARCH && port + i <= 65535; i++)
    if (port_is_free (self, (guint16) (port + i), protocol))
      return (guint16) (port + i);
  return 0;
}

/* Worker. Takes another external port: AddAnyPortMapping on IGDv2, else a bounded
 * search that only ever takes free ports. */
static PortierMapping *
take_other_port (PortierRouterUpnp           *self,
                 const PortierMappingRequest *request,
                 guint16                      wanted,
                 const char                  *client)
{
  guint lease = request->lease;
  gboolean permanent = FALSE;

  if (igd_version (&self->data) >= 2)
    {
      char ext[8], in[8], lease_text[16], reserved[8] = "";
      guint64 port;
      int r;

      g_snprintf (ext, sizeof ext, "%u", wanted);
      g_snprintf (in, sizeof in, "%u", request->internal_port);
      g_snprintf (lease_text, sizeof lease_text, "%u", lease);
      r = UPNP_AddAnyPortMapping (self->urls.controlURL, self->data.first.servicetype, ext,
                                  in, client, request->description,
                                  proto_name (request->protocol), NULL, lease_text, reserved);
      g_debug ("UPnP AddAnyPortMapping %s: %d, reserved %s", ext, r, reserved);
      if (r == UPNPCOMMAND_SUCCESS &&
          g_ascii_string_to_unsigned (reserved, 10, 1, 65535, &port, NULL))
        {
          PortierMapping *mapping = new_mapping (request, (guint16) port, client, lease, FALSE);
          mapping->moved = port != wanted;
          return mapping;
        }
    }

  for (guint i = 1; i <= ALTERNATIVE_SEARCH && wanted + i <= 65535; i++)
    {
      guint16 candidate = (guint16) (wanted + i);

      if (!port_is_free (self, candidate, request->protocol))
        continue;
      lease = request->lease;
      if (add_port_mapping (self, request, candidate, client, &lease, &permanent) == 0)
        {
          PortierMapping *mapping = new_mapping (request, candidate, client, lease, permanent);
          mapping->moved = TRUE;
          return mapping;
        }
    }
  return NULL;
}

/* Who holds the outside port the request wanted: another device (its address), or
 * another program on this computer (its forward's description), never this computer
 * called another device. */
static void
refusal_set_holder (PortierRouterUpnp    *self,
                    PortierRouterRefusal *refusal,
                    const PortierMapping *holder)
{
  if (holder == NULL)
    return;
  if (portier_mapping_get_owner (holder, self->lan_address) ==
      PORTIER_MAPPING_OWNER_THIS_COMPUTER)
    refusal->held_by_program = g_strdup (holder->description != NULL ? holder->description
                                                                     : "");
  else
    refusal->held_by = g_strdup (holder->internal_client);
}

static void
add_mapping_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  PortierRouterAddData *data = g_task_get_task_data (task);
  const PortierMappingRequest *request = &data->request;
  guint16 external = request->external_port != 0 ? request->external_port
                                                  : request->internal_port;
  const char *client = request->internal_client != NULL ? request->internal_client
                                                        : self->lan_address;
  g_autoptr(PortierMapping) existing = NULL;
  guint lease = request->lease;
  gboolean permanent = FALSE;
  PortierMapping *mapping;
  PortierError code;
  int r;

  /* Look first: some routers silently overwrite another device's mapping. */
  existing = get_entry (self, external, request->protocol, &r);
  if (existing != NULL &&
      (g_strcmp0 (existing->internal_client, client) != 0 ||
       existing->internal_port != request->internal_port))
    {
      if (request->flags & PORTIER_MAPPING_ANY_EXTERNAL_PORT)
        {
          mapping = take_other_port (self, request, external, client);
          if (mapping != NULL)
            {
              g_task_return_pointer (task, mapping, (GDestroyNotify) portier_mapping_free);
              return;
            }
        }
      data->refusal.router_code = 718;
      refusal_set_holder (self, &data->refusal, existing);
      data->refusal.alternative_port = find_free_port (self, external, request->protocol);
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_ROUTER_CONFLICT,
                               "%u/%s is mapped to %s:%u already", external,
                               proto_name (request->protocol), existing->internal_client,
                               existing->internal_port);
      return;
    }

  /* Another program on this computer forwards this port here already (a game, a torrent
   * client): that is the way in, and it stays exactly as it is. */
  if (existing != NULL &&
      portier_mapping_get_owner (existing, self->lan_address) ==
        PORTIER_MAPPING_OWNER_THIS_COMPUTER)
    {
      existing->reused = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&existing),
                             (GDestroyNotify) portier_mapping_free);
      return;
    }

  r = add_port_mapping (self, request, external, client, &lease, &permanent);
  if (r == UPNPCOMMAND_SUCCESS)
    {
      mapping = new_mapping (request, external, client, lease, permanent);
      mapping->reused = existing != NULL;
      g_task_return_pointer (task, mapping, (GDestroyNotify) portier_mapping_free);
      return;
    }

  data->refusal.router_code = r;
  code = portier_router_error_from_upnp (r, external, request->internal_port);
  if (r == 718 || r == 729)
    {
      g_autoptr(PortierMapping) now = get_entry (self, external, request->protocol, &r);

      if (now == NULL && data->refusal.router_code == 718)
        /* A "conflict" with nothing there: the router only lets a device forward to
         * itself, and does not count this request as ours (secure mode). */
        code = PORTIER_ERROR_ROUTER_SECURE_MODE;
      else
        {
          refusal_set_holder (self, &data->refusal, now);
          data->refusal.alternative_port = find_free_port (self, external, request->protocol);
        }
    }
  else if (r == 501)
    {
      g_autoptr(GError) info_error = NULL;
      g_autoptr(PortierRouterInfo) info = read_info (self, &info_error);

      /* A router without a public address refuses everything ("Action Failed"). */
      if (info != NULL)
        {
          portier_router_info_classify (info);
          code = portier_router_error_from_wan (info->wan_class);
        }
    }

  g_task_return_new_error (task, PORTIER_ERROR, code,
                           "AddPortMapping %u/%s -> %s:%u: UPnP error %d (%s)", external,
                           proto_name (request->protocol), client, request->internal_port,
                           data->refusal.router_code,
                           upnp_error_text (data->refusal.router_code));
}

static void
upnp_add_mapping_async (PortierRouter               *router,
                        const PortierMappingRequest *request,
                        GCancellable                *cancellable,
                        GAsyncReadyCallback          callback,
                        gpointer                     user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  const char *description = request->description != NULL ? request->description
                                                         : PORTIER_ROUTER_TAG;

  g_task_set_source_tag (task, upnp_add_mapping_async);
  g_task_set_task_data (task, portier_router_add_data_new (request, description),
                        (GDestroyNotify) portier_router_add_data_free);
  portier_router_worker_run (task, add_mapping_job);
}

static void
remove_mapping_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  PortierMapping *mapping = g_task_get_task_data (task);
  g_autoptr(PortierMapping) entry = NULL;
  char ext[8];
  int r;

  entry = get_entry (self, mapping->external_port, mapping->protocol, &r);
  if (entry == NULL)
    {
      if (no_such_entry (r))
        g_task_return_boolean (task, TRUE);  /* already gone */
      else
        g_task_return_new_error (task, PORTIER_ERROR,
                                 portier_router_error_from_upnp (r, 0, 0),
                                 "GetSpecificPortMappingEntry %u/%s: %d (%s)",
                                 mapping->external_port, proto_name (mapping->protocol), r,
                                 upnp_error_text (r));
      return;
    }

  /* Read back right before deleting: only Portier's own forward to the same address,
   * port and protocol goes. Never another device's or another program's, even when it
   * took the port over meanwhile (after this computer got a new address, too). */
  if (entry->internal_port != mapping->internal_port ||
      portier_mapping_get_owner (entry, mapping->internal_client) !=
        PORTIER_MAPPING_OWNER_PORTIER)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                               "%u/%s is now %s:%u (%s): left alone", mapping->external_port,
                               proto_name (mapping->protocol), entry->internal_client,
                               entry->internal_port,
                               entry->description != NULL ? entry->description : "");
      return;
    }

  g_snprintf (ext, sizeof ext, "%u", mapping->external_port);
  r = UPNP_DeletePortMapping (self->urls.controlURL, self->data.first.servicetype, ext,
                              proto_name (mapping->protocol), NULL);
  g_debug ("UPnP DeletePortMapping %s/%s: %d", ext, proto_name (mapping->protocol), r);
  if (r != UPNPCOMMAND_SUCCESS && r != 714)
    g_task_return_new_error (task, PORTIER_ERROR, portier_router_error_from_upnp (r, 0, 0),
                             "DeletePortMapping %s/%s: %d (%s)", ext,
                             proto_name (mapping->protocol), r, upnp_error_text (r));
  else
    g_task_return_boolean (task, TRUE);
}

static void
upnp_remove_mapping_async (PortierRouter        *router,
                           const PortierMapping *mapping,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_set_source_tag (task, upnp_remove_mapping_async);
  g_task_set_task_data (task, portier_mapping_copy (mapping),
                        (GDestroyNotify) portier_mapping_free);
  portier_router_worker_run (task, remove_mapping_job);
}

typedef struct
{
  guint16         port;
  PortierProtocol protocol;
} FindData;

static void
find_mapping_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  FindData *data = g_task_get_task_data (task);
  PortierMapping *entry;
  int r;

  entry = get_entry (self, data->port, data->protocol, &r);
  if (entry == NULL && !no_such_entry (r))
    g_task_return_new_error (task, PORTIER_ERROR, portier_router_error_from_upnp (r, 0, 0),
                             "GetSpecificPortMappingEntry %u/%s: %d (%s)", data->port,
                             proto_name (data->protocol), r, upnp_error_text (r));
  else
    g_task_return_pointer (task, entry, (GDestroyNotify) portier_mapping_free);
}

static void
upnp_find_mapping_async (PortierRouter       *router,
                         guint16              external_port,
                         PortierProtocol      protocol,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  FindData *data = g_new0 (FindData, 1);

  data->port = external_port;
  data->protocol = protocol;
  g_task_set_source_tag (task, upnp_find_mapping_async);
  g_task_set_task_data (task, data, g_free);
  portier_router_worker_run (task, find_mapping_job);
}

static void
list_mappings_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) mappings = g_ptr_array_new_with_free_func (
    (GDestroyNotify) portier_mapping_free);

  for (guint i = 0; i < LIST_MAX_ENTRIES; i++)
    {
      char index[8], ext[8] = "", client[40] = "", in_port[8] = "", protocol[8] = "";
      char desc[96] = "", enabled[8] = "", remote[72] = "", lease[16] = "";
      guint16 external_port = 0;
      guint64 value;
      int r;

      g_snprintf (index, sizeof index, "%u", i);
      r = UPNP_GetGenericPortMappingEntry (self->urls.controlURL,
                                           self->data.first.servicetype, index, ext, client,
                                           in_port, protocol, desc, enabled, remote, lease);
      if (r != UPNPCOMMAND_SUCCESS)
        {
          /* 713/714: past the end. Anything else ends the listing too. */
          if (!no_such_entry (r) && i == 0)
            {
              g_task_return_new_error (task, PORTIER_ERROR,
                                       portier_router_error_from_upnp (r, 0, 0),
                                       "GetGenericPortMappingEntry: %d (%s)", r,
                                       upnp_error_text (r));
              return;
            }
          break;
        }

      if (g_ascii_string_to_unsigned (ext, 10, 1, 65535, &value, NULL))
        external_port = (guint16) value;
      g_ptr_array_add (mappings,
                       entry_to_mapping (external_port,
                                         g_ascii_strcasecmp (protocol, "UDP") == 0
                                         ? PORTIER_PROTOCOL_UDP : PORTIER_PROTOCOL_TCP,
                                         client, in_port, desc, enabled, lease));
    }

  g_task_return_pointer (task, g_steal_pointer (&mappings), (GDestroyNotify) g_ptr_array_unref);
}

static void
upnp_list_mappings_async (PortierRouter       *router,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_set_source_tag (task, upnp_list_mappings_async);
  portier_router_worker_run (task, list_mappings_job);
}

/* ---------------------------------------------------------------------------- IPv6 pinholes */

/* IPv6 thread. Whether the IGD described at @url (IPv6) offers IPv6 firewall control; keeps
 * it as this router's IPv6 side when it does. */
static gboolean
use_ipv6_igd (PortierRouterUpnp *self,
              const char        *url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lan_address = NULL;
  const char *reason = NULL;

  if (!portier_router_location_acceptable (url, self->net, &reason))
    {
      g_debug ("UPnP IPv6: not using %s: %s", url, reason);
      return FALSE;
    }
  if (!portier_router_upnp_load_igd (url, &self->urls6, &self->data6, &lan_address, &error))
    {
      g_debug ("UPnP IPv6: skipping %s: %s", url, error->message);
      return FALSE;
    }
  if (self->data6.IPv6FC.servicetype[0] == '\0' || self->urls6.controlURL_6FC == NULL ||
      lan_address == NULL)
    {
      g_debug ("UPnP IPv6: %s offers no IPv6 firewall control", url);
      FreeUPNPUrls (&self->urls6);
      memset (&self->urls6, 0, sizeof self->urls6);
      return FALSE;
    }
  self->have6 = TRUE;
  self->lan_address6 = g_steal_pointer (&lan_address);
  g_debug ("UPnP IPv6: %s, this computer %s", url, self->lan_address6);
  return TRUE;
}

/* IPv6 thread. The IGD's IPv6 side: pinholes must be asked for over IPv6, from the address
 * they are for. The one remembered for this network is checked and used; otherwise an
 * SSDP search on the IPv6 group finds it, and it is remembered. When there is none,
 * returns the error as @task's result. */
static gboolean
ensure_ipv6 (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);

  if (!self->tried6 && self->net->addresses6->len > 0)
    {
      g_autoptr(GPtrArray) tried = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *remembered = NULL;
      PortierRouterMethod method;
      guint stage = 0;

      self->tried6 = TRUE;
      remembered = portier_router_cache_lookup (self->key6, &method);
      /* Checked before use, as the IPv4 one: on this computer's IPv6 prefix, its
       * description fetched again within the limits, still an IGD with IPv6 firewall
       * control, every control URL on its own host. */
      if (remembered != NULL && method == PORTIER_ROUTER_METHOD_UPNP &&
          use_ipv6_igd (self, remembered))
        return TRUE;

      while (!self->have6)
        {
          GError *error = NULL;
          g_autoptr(GPtrArray) replies = portier_ssdp_search (self->net, TRUE, &stage, tried,
                                                              g_task_get_cancellable (task),
                                                              &error);

          if (replies == NULL)
            {
              g_task_return_error (task, error);
              return FALSE;
            }
          if (replies->len == 0)
            break;
          for (guint i = 0; i < replies->len && !self->have6; i++)
            {
              const PortierSsdpReply *reply = g_ptr_array_index (replies, i);

              g_ptr_array_add (tried, g_strdup (reply->location));
              if (use_ipv6_igd (self, reply->location))
                portier_router_cache_store (self->key6, PORTIER_ROUTER_METHOD_UPNP,
                                            reply->location);
            }
        }
    }

  if (!self->have6)
    {
      g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_SUPPORTED,
                               self->net->addresses6->len == 0
                               ? "this computer has no global IPv6 address"
                               : "the router offers no IPv6 firewall control over IPv6");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint16         port;
  PortierProtocol protocol;
  guint           lease;
  char           *unique_id;
} PinholeData;

static void
pinhole_data_free (PinholeData *data)
{
  g_free (data->unique_id);
  g_free (data);
}

static void
add_pinhole_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  PinholeData *data = g_task_get_task_data (task);
  char port[8], lease[16], unique_id[16] = "";
  PortierPinhole *pinhole;
  int r;

  if (!ensure_ipv6 (task))
    return;

  g_snprintf (port, sizeof port, "%u", data->port);
  g_snprintf (lease, sizeof lease, "%u", CLAMP (data->lease, 1, PINHOLE_MAX_LEASE));
  r = UPNP_AddPinhole (self->urls6.controlURL_6FC, self->data6.IPv6FC.servicetype, "", "0",
                       self->lan_address6, port,
                       data->protocol == PORTIER_PROTOCOL_UDP ? "17" : "6", lease, unique_id);
  g_debug ("UPnP AddPinhole [%s]:%s: %d, id %s", self->lan_address6, port, r, unique_id);
  if (r != UPNPCOMMAND_SUCCESS || unique_id[0] == '\0')
    {
      g_task_return_new_error (task, PORTIER_ERROR,
                               portier_router_error_from_upnp (r, data->port, data->port),
                               "AddPinhole [%s]:%s: %d (%s)", self->lan_address6, port, r,
                               upnp_error_text (r));
      return;
    }

  pinhole = g_new0 (PortierPinhole, 1);
  pinhole->unique_id = g_strdup (unique_id);
  pinhole->internal_client = g_strdup (self->lan_address6);
  pinhole->internal_port = data->port;
  pinhole->protocol = data->protocol;
  pinhole->lease = CLAMP (data->lease, 1, PINHOLE_MAX_LEASE);
  pinhole->expires = g_get_real_time () / G_USEC_PER_SEC + pinhole->lease;
  g_task_return_pointer (task, pinhole, (GDestroyNotify) portier_pinhole_free);
}

static void
upnp_add_pinhole_async (PortierRouter       *router,
                        guint16              port,
                        PortierProtocol      protocol,
                        guint                lease,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  PinholeData *data = g_new0 (PinholeData, 1);

  data->port = port;
  data->protocol = protocol;
  data->lease = lease;
  g_task_set_source_tag (task, upnp_add_pinhole_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pinhole_data_free);
  portier_router_worker_run_ipv6 (task, add_pinhole_job);
}

static void
remove_pinhole_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  PinholeData *data = g_task_get_task_data (task);
  int r;

  if (!ensure_ipv6 (task))
    return;
  r = UPNP_DeletePinhole (self->urls6.controlURL_6FC, self->data6.IPv6FC.servicetype,
                          data->unique_id);
  g_debug ("UPnP DeletePinhole %s: %d", data->unique_id, r);
  /* 704: no such pinhole (it expired); 402: an id the router no longer knows (miniupnpd
   * after a restart). Gone either way. */
  if (r != UPNPCOMMAND_SUCCESS && r != 704 && r != 402)
    g_task_return_new_error (task, PORTIER_ERROR, portier_router_error_from_upnp (r, 0, 0),
                             "DeletePinhole %s: %d (%s)", data->unique_id, r,
                             upnp_error_text (r));
  else
    g_task_return_boolean (task, TRUE);
}

static void
upnp_remove_pinhole_async (PortierRouter       *router,
                           const char          *unique_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  PinholeData *data = g_new0 (PinholeData, 1);

  data->unique_id = g_strdup (unique_id);
  g_task_set_source_tag (task, upnp_remove_pinhole_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pinhole_data_free);
  portier_router_worker_run_ipv6 (task, remove_pinhole_job);
}

static void
update_pinhole_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  PinholeData *data = g_task_get_task_data (task);
  char lease[16];
  int r;

  if (!ensure_ipv6 (task))
    return;
  g_snprintf (lease, sizeof lease, "%u", CLAMP (data->lease, 1, PINHOLE_MAX_LEASE));
  r = UPNP_UpdatePinhole (self->urls6.controlURL_6FC, self->data6.IPv6FC.servicetype,
                          data->unique_id, lease);
  g_debug ("UPnP UpdatePinhole %s lease %s: %d", data->unique_id, lease, r);
  /* 704 NoSuchEntry; after a restart miniupnpd may also answer 402 or 501 for an id it
   * no longer knows. Any answer but success means the pinhole is not there for us. */
  if (r > 0)
    g_task_return_new_error (task, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                             "UpdatePinhole %s: %d (%s): the router has no such pinhole",
                             data->unique_id, r, upnp_error_text (r));
  else if (r != UPNPCOMMAND_SUCCESS)
    g_task_return_new_error (task, PORTIER_ERROR, portier_router_error_from_upnp (r, 0, 0),
                             "UpdatePinhole %s: %d (%s)", data->unique_id, r,
                             upnp_error_text (r));
  else
    g_task_return_boolean (task, TRUE);
}

static void
upnp_update_pinhole_async (PortierRouter       *router,
                           const char          *unique_id,
                           guint                lease,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);
  PinholeData *data = g_new0 (PinholeData, 1);

  data->unique_id = g_strdup (unique_id);
  data->lease = lease;
  g_task_set_source_tag (task, upnp_update_pinhole_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pinhole_data_free);
  portier_router_worker_run_ipv6 (task, update_pinhole_job);
}

/* ---------------------------------------------------------------------------- info */

static void
refresh_job (GTask *task)
{
  PortierRouterUpnp *self = g_task_get_source_object (task);
  GError *error = NULL;
  PortierRouterInfo *info = read_info (self, &error);

  portier_router_task_return_info (task, info, error);
}

static void
upnp_refresh_async (PortierRouter       *router,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (router, cancellable, callback, user_data);

  g_task_set_source_tag (task, upnp_refresh_async);
  portier_router_worker_run (task, refresh_job);
}

static gboolean
upnp_refresh_finish (PortierRouter  *router,
                     GAsyncResult   *result,
                     GError        **error)
{
  return portier_router_task_take_info (result, &PORTIER_ROUTER_UPNP (router)->info, error);
}

static const PortierRouterInfo *
upnp_get_info (PortierRouter *router)
{
  return PORTIER_ROUTER_UPNP (router)->info;
}

static void
portier_router_upnp_iface_init (PortierRouterInterface *iface)
{
  iface->get_info = upnp_get_info;
  iface->refresh_async = upnp_refresh_async;
  iface->refresh_finish = upnp_refresh_finish;
  iface->add_mapping_async = upnp_add_mapping_async;
  iface->add_mapping_finish = portier_router_task_add_mapping_finish;
  iface->remove_mapping_async = upnp_remove_mapping_async;
  iface->remove_mapping_finish = portier_router_task_finish_boolean;
  iface->find_mapping_async = upnp_find_mapping_async;
  iface->find_mapping_finish = portier_router_task_finish_mapping;
  iface->list_mappings_async = upnp_list_mappings_async;
  iface->list_mappings_finish = portier_router_task_finish_mappings;
  iface->add_pinhole_async = upnp_add_pinhole_async;
  iface->add_pinhole_finish = portier_router_task_finish_pinhole;
  iface->remove_pinhole_async = upnp_remove_pinhole_async;
  iface->remove_pinhole_finish = portier_router_task_finish_boolean;
  iface->update_pinhole_async = upnp_update_pinhole_async;
  iface->update_pinhole_finish = portier_router_task_finish_boolean;
}
