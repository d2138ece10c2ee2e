/* portier-router-types.c: the router's values
 *
 * The values every part of the router passes around: what a
 * router says about itself, mappings and whose they are, pinholes, refusals, the names
 * of methods and WAN classes; the classes of a router's WAN address, the tables that
 * turn a router's answers into Portier's error codes, and a mapping's description.
 * Pure data: this file calls no other file of the router.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-router"

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-router.h"

G_DEFINE_BOXED_TYPE (PortierRouterInfo, portier_router_info,
                     portier_router_info_copy, portier_router_info_free)
G_DEFINE_BOXED_TYPE (PortierMapping, portier_mapping,
                     portier_mapping_copy, portier_mapping_free)
G_DEFINE_BOXED_TYPE (PortierPinhole, portier_pinhole,
                     portier_pinhole_copy, portier_pinhole_free)

/* ---------------------------------------------------------------------------- values */

PortierRouterInfo *
portier_router_info_copy (const PortierRouterInfo *self)
{
  PortierRouterInfo *copy = g_memdup2 (self, sizeof *self);

  copy->url = g_strdup (self->url);
  copy->name = g_strdup (self->name);
  copy->connection = g_strdup (self->connection);
  copy->external_address = g_strdup (self->external_address);
  copy->upstream_hop = g_strdup (self->upstream_hop);
  copy->lan_address = g_strdup (self->lan_address);
  copy->gateway = g_strdup (self->gateway);
  copy->ipv6_address = g_strdup (self->ipv6_address);
  return copy;
}

void
portier_router_info_free (PortierRouterInfo *self)
{
  if (self == NULL)
    return;
  g_free (self->url);
  g_free (self->name);
  g_free (self->connection);
  g_free (self->external_address);
  g_free (self->upstream_hop);
  g_free (self->lan_address);
  g_free (self->gateway);
  g_free (self->ipv6_address);
  g_free (self);
}

PortierMapping *
portier_mapping_copy (const PortierMapping *self)
{
  PortierMapping *copy = g_memdup2 (self, sizeof *self);

  copy->internal_client = g_strdup (self->internal_client);
  copy->description = g_strdup (self->description);
  return copy;
}

void
portier_mapping_free (PortierMapping *self)
{
  if (self == NULL)
    return;
  g_free (self->internal_client);
  g_free (self->description);
  g_free (self);
}

/* Whether @description carries Portier's tag, and, where it names a port (Portier writes
 * the port spec last), whether that is @port/@protocol. */
static gboolean
description_is_portiers (const char      *description,
                         guint16          port,
                         PortierProtocol  protocol)
{
  gsize tag = strlen (PORTIER_ROUTER_TAG);
  const char *last;
  g_autoptr(PortierPortSpec) spec = NULL;

  if (description == NULL || !g_str_has_prefix (description, PORTIER_ROUTER_TAG) ||
      (description[tag] != '\0' && description[tag] != ' '))
    return FALSE;

  last = strrchr (description, ' ');
  if (last == NULL || (spec = portier_port_spec_parse (last + 1, NULL)) == NULL)
    return TRUE;   /* the tag alone (a trial forward): no port named */
  return port != 0 && portier_port_spec_contains (spec, port, protocol);
}

/**
 * portier_mapping_get_owner:
 * @lan_address: (nullable): this computer's address toward the router
 *
 * Returns: who the forward belongs to. Portier's own carry its tag, point at
 *   @lan_address and name the port they forward to; one that points at @lan_address
 *   without that is another program's on this computer; anything else is another
 *   device's (also when this computer's address is not known).
 */
PortierMappingOwner
portier_mapping_get_owner (const PortierMapping *self,
                           const char           *lan_address)
{
  g_return_val_if_fail (self != NULL, PORTIER_MAPPING_OWNER_OTHER_DEVICE);

  if (lan_address == NULL || g_strcmp0 (self->internal_client, lan_address) != 0)
    return PORTIER_MAPPING_OWNER_OTHER_DEVICE;
  if (description_is_portiers (self->description, self->internal_port, self->protocol))
    return PORTIER_MAPPING_OWNER_PORTIER;
  return PORTIER_MAPPING_OWNER_THIS_COMPUTER;
}

/**
 * portier_mapping_is_ours:
 * @lan_address: this computer's address toward the router
 *
 * Returns: whether Portier made @self for this computer (see
 *   portier_mapping_get_owner()). Nothing else is ever changed or removed.
 */
gboolean
portier_mapping_is_ours (const PortierMapping *self,
                         const char           *lan_address)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return portier_mapping_get_owner (self, lan_address) == PORTIER_MAPPING_OWNER_PORTIER;
}

PortierPinhole *
portier_pinhole_copy (const PortierPinhole *self)
{
  PortierPinhole *copy = g_memdup2 (self, sizeof *self);

  copy->unique_id = g_strdup (self->unique_id);
  copy->internal_client = g_strdup (self->internal_client);
  return copy;
}

void
portier_pinhole_free (PortierPinhole *self)
{
  if (self == NULL)
    return;
  g_free (self->unique_id);
  g_free (self->internal_client);
  g_free (self);
}

void
portier_router_refusal_clear (PortierRouterRefusal *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->held_by, g_free);
  g_clear_pointer (&self->held_by_program, g_free);
  self->router_code = 0;
  self->alternative_port = 0;
}

/**
 * portier_router_refusal_copy:
 * @dest: (out caller-allocates) (nullable): where the copy goes (its contents are
 *   overwritten, not freed), or %NULL for nothing
 *
 * Copies @self into @dest, for the finish function of an operation that reports a
 * refusal in an optional out argument.
 */
void
portier_router_refusal_copy (const PortierRouterRefusal *self,
                             PortierRouterRefusal       *dest)
{
  if (dest == NULL)
    return;
  dest->router_code = self->router_code;
  dest->alternative_port = self->alternative_port;
  dest->held_by = g_strdup (self->held_by);
  dest->held_by_program = g_strdup (self->held_by_program);
}

const char *
portier_router_method_to_string (PortierRouterMethod method)
{
  return method == PORTIER_ROUTER_METHOD_NATPMP ? "natpmp" : "upnp";
}

gboolean
portier_router_method_from_string (const char          *text,
                                   PortierRouterMethod *method)
{
  if (g_strcmp0 (text, "upnp") == 0)
    *method = PORTIER_ROUTER_METHOD_UPNP;
  else if (g_strcmp0 (text, "natpmp") == 0)
    *method = PORTIER_ROUTER_METHOD_NATPMP;
  else
    return FALSE;
  return TRUE;
}

const char *
portier_wan_class_to_string (PortierWanClass wan_class)
{
  switch (wan_class)
    {
    case PORTIER_WAN_PUBLIC:
      return "public";
    case PORTIER_WAN_DOUBLE_NAT:
      return "double-nat";
    case PORTIER_WAN_CGNAT:
      return "cgnat";
    case PORTIER_WAN_NO_PUBLIC_ADDRESS:
      return "no-public-address";
    case PORTIER_WAN_DISCONNECTED:
      return "disconnected";
    case PORTIER_WAN_UNKNOWN:
    default:
      return "unknown";
    }
}

/**
 * portier_wan_class_describe:
 *
 * Returns: (transfer none): a translated sentence about the router's internet side
 */
const char *
portier_wan_class_describe (PortierWanClass wan_class)
{
  switch (wan_class)
    {
    case PORTIER_WAN_PUBLIC:
      return _("Your router has its own public internet address. Forwarding ports can work.");
    case PORTIER_WAN_DOUBLE_NAT:
      return _("Your router sits behind a second router (double NAT).");
    case PORTIER_WAN_CGNAT:
      return _("Your internet provider shares one public address among many homes "
               "(carrier-grade NAT).");
    case PORTIER_WAN_NO_PUBLIC_ADDRESS:
      return _("Your router has no public internet address.");
    case PORTIER_WAN_DISCONNECTED:
      return _("Your router is not connected to the internet.");
    case PORTIER_WAN_UNKNOWN:
    default:
      return _("Portier could not find out how your router is connected to the internet.");
    }
}

/* ---------------------------------------------------------------------------- address classes */

typedef struct
{
  guint32          network;
  guint            prefix;
  PortierWanClass  wan_class;
} Range;

#define IP4(a, b, c, d) (((guint32) (a) << 24) | ((guint32) (b) << 16) | \
                         ((guint32) (c) << 8) | (guint32) (d))

/* The IPv4 ranges that are not a public address (IANA special-purpose registry), and
 * what it means when a router's WAN address is in one of them. */
static const Range special_ranges[] = {
  { IP4 (0, 0, 0, 0), 8, PORTIER_WAN_DISCONNECTED },         /* "this network": no address */
  { IP4 (169, 254, 0, 0), 16, PORTIER_WAN_DISCONNECTED },    /* link-local: no DHCP lease */
  { IP4 (100, 64, 0, 0), 10, PORTIER_WAN_CGNAT },            /* RFC 6598 shared space */
  { IP4 (10, 0, 0, 0), 8, PORTIER_WAN_DOUBLE_NAT },          /* RFC 1918 */
  { IP4 (172, 16, 0, 0), 12, PORTIER_WAN_DOUBLE_NAT },       /* RFC 1918 */
  { IP4 (192, 168, 0, 0), 16, PORTIER_WAN_DOUBLE_NAT },      /* RFC 1918 */
  { IP4 (127, 0, 0, 0), 8, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (192, 0, 0, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (192, 0, 2, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (192, 31, 196, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (192, 52, 193, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (192, 88, 99, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (192, 175, 48, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (198, 18, 0, 0), 15, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (198, 51, 100, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (203, 0, 113, 0), 24, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (224, 0, 0, 0), 4, PORTIER_WAN_NO_PUBLIC_ADDRESS },
  { IP4 (240, 0, 0, 0), 4, PORTIER_WAN_NO_PUBLIC_ADDRESS },
};

/**
 * portier_router_classify_address:
 * @address: (nullable): an IPv4 address as text
 *
 * Returns: what a router WAN address in this range means; %PORTIER_WAN_UNKNOWN when
 *   @address is empty or not an IPv4 address
 */
PortierWanClass
portier_router_classify_address (const char *address)
{
  struct in_addr in;
  guint32 host;

  if (address == NULL || inet_pton (AF_INET, address, &in) != 1)
    return PORTIER_WAN_UNKNOWN;

  host = ntohl (in.s_addr);
  for (guint i = 0; i < G_N_ELEMENTS (special_ranges); i++)
    {
      guint32 mask = special_ranges[i].prefix == 0 ? 0 : ~0u << (32 - special_ranges[i].prefix);

      if ((host & mask) == special_ranges[i].network)
        return special_ranges[i].wan_class;
    }
  return PORTIER_WAN_PUBLIC;
}

/**
 * portier_router_classify:
 * @connection: (nullable): the router's connection status ("Connected", ...), if it said
 * @external_address: (nullable): the WAN address the router reported; "" when it answered
 *   that it has none (miniupnpd does this for private and 100.64.0.0/10 addresses),
 *   %NULL when it was not asked or did not answer
 * @upstream_hop: (nullable): the hop after the router (its upstream gateway), if known
 * @hop_unreachable: the router itself answered that the internet is unreachable
 *
 * Returns: how the router reaches the internet
 */
PortierWanClass
portier_router_classify (const char *connection,
                         const char *external_address,
                         const char *upstream_hop,
                         gboolean    hop_unreachable)
{
  PortierWanClass from_address;

  if (connection != NULL && *connection != '\0' &&
      g_ascii_strcasecmp (connection, "Connected") != 0)
    return PORTIER_WAN_DISCONNECTED;

  from_address = portier_router_classify_address (external_address);
  if (from_address != PORTIER_WAN_UNKNOWN)
    return from_address;

  /* The router hides its WAN address: look at who is behind it. */
  if (hop_unreachable)
    return PORTIER_WAN_DISCONNECTED;
  switch (portier_router_classify_address (upstream_hop))
    {
    case PORTIER_WAN_CGNAT:
      return PORTIER_WAN_CGNAT;
    case PORTIER_WAN_DOUBLE_NAT:
      return PORTIER_WAN_DOUBLE_NAT;
    case PORTIER_WAN_PUBLIC:
    case PORTIER_WAN_NO_PUBLIC_ADDRESS:
    case PORTIER_WAN_DISCONNECTED:
    case PORTIER_WAN_UNKNOWN:
    default:
      break;
    }

  return external_address != NULL ? PORTIER_WAN_NO_PUBLIC_ADDRESS : PORTIER_WAN_UNKNOWN;
}

/* ---------------------------------------------------------------------------- error tables */

/**
 * portier_router_error_from_upnp:
 * @upnp_code: a UPnP error code from the router (606, 718, ...) or a negative miniupnpc
 *   error (no answer, broken answer)
 *
 * The first guess from the code alone. Callers refine 718 (a real conflict, our own
 * mapping, or secure mode), 725 (retry with a permanent lease) and 501 (the WAN side).
 */
PortierError
portier_router_error_from_upnp (int     upnp_code,
                                guint16 external_port,
                                guint16 internal_port)
{
  if (upnp_code < 0)
    return PORTIER_ERROR_ROUTER_NOT_FOUND;

  switch (upnp_code)
    {
    case 606:  /* Action not authorized: secure mode, or the port range is not allowed */
      if ((external_port != 0 && external_port < 1024) ||
          (internal_port != 0 && internal_port < 1024))
        return PORTIER_ERROR_ROUTER_PORT_RESTRICTED;
      return PORTIER_ERROR_ROUTER_SECURE_MODE;
    case 718:  /* ConflictInMappingEntry */
    case 729:  /* ConflictWithOtherMechanisms */
      return PORTIER_ERROR_ROUTER_CONFLICT;
    case 728:  /* NoPortMapsAvailable */
      return PORTIER_ERROR_ROUTER_TABLE_FULL;
    case 713:  /* SpecifiedArrayIndexInvalid */
    case 714:  /* NoSuchEntryInArray */
      return PORTIER_ERROR_NOT_FOUND;
    case 401:  /* Invalid Action: the router does not offer it */
    case 602:  /* Optional Action Not Implemented */
      return PORTIER_ERROR_NOT_SUPPORTED;
    case 402:  /* Invalid Args */
    case 501:  /* Action Failed */
    case 715:  /* WildCardNotPermittedInSrcIP */
    case 716:  /* WildCardNotPermittedInExtPort */
    case 724:  /* SamePortValuesRequired */
    case 725:  /* OnlyPermanentLeasesSupported */
    case 726:  /* RemoteHostOnlySupportsWildcard */
    case 727:  /* ExternalPortOnlySupportsWildcard */
    default:
      return PORTIER_ERROR_ROUTER_REFUSED;
    }
}

/**
 * portier_router_is_lease_error:
 *
 * Returns: whether @upnp_code means "only permanent leases" (IGDv1 routers): retry with
 *   a lease of 0, and remember to remove the mapping on close
 */
gboolean
portier_router_is_lease_error (int upnp_code)
{
  return upnp_code == 725;
}

/**
 * portier_router_error_from_natpmp:
 * @result_code: a NAT-PMP result code (1–5), or a negative libnatpmp error
 */
PortierError
portier_router_error_from_natpmp (int     result_code,
                                  guint16 external_port,
                                  guint16 internal_port)
{
  switch (result_code)
    {
    case 2:    /* Not Authorized/Refused */
    case -51:
      if ((external_port != 0 && external_port < 1024) ||
          (internal_port != 0 && internal_port < 1024))
        return PORTIER_ERROR_ROUTER_PORT_RESTRICTED;
      return PORTIER_ERROR_ROUTER_REFUSED;
    case 3:    /* Network Failure: the router has no public address */
    case -52:
      return PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS;
    case 4:    /* Out of resources */
    case -53:
      return PORTIER_ERROR_ROUTER_TABLE_FULL;
    case 1:    /* Unsupported Version */
    case 5:    /* Unsupported opcode */
    case -14:
    case -15:
      return PORTIER_ERROR_ROUTER_REFUSED;
    default:
      return result_code < 0 ? PORTIER_ERROR_ROUTER_NOT_FOUND : PORTIER_ERROR_ROUTER_REFUSED;
    }
}

/**
 * portier_router_error_from_wan:
 *
 * Returns: the error to report when a router refuses to forward because of its WAN
 *   side, or %PORTIER_ERROR_ROUTER_REFUSED when the WAN side looks fine
 */
PortierError
portier_router_error_from_wan (PortierWanClass wan_class)
{
  switch (wan_class)
    {
    case PORTIER_WAN_CGNAT:
      return PORTIER_ERROR_ROUTER_CARRIER_NAT;
    case PORTIER_WAN_DOUBLE_NAT:
      return PORTIER_ERROR_ROUTER_DOUBLE_NAT;
    case PORTIER_WAN_NO_PUBLIC_ADDRESS:
      return PORTIER_ERROR_ROUTER_NO_PUBLIC_ADDRESS;
    case PORTIER_WAN_DISCONNECTED:
      return PORTIER_ERROR_ROUTER_DISCONNECTED;
    case PORTIER_WAN_PUBLIC:
    case PORTIER_WAN_UNKNOWN:
    default:
      return PORTIER_ERROR_ROUTER_REFUSED;
    }
}

/**
 * portier_router_make_description:
 * @label: (nullable): what the port is for (an app id), or %NULL
 *
 * Returns: (transfer full): the description of a mapping: the tag, then @label and the
 *   port, in plain ASCII that needs no escaping and fits every router's field
 */
char *
portier_router_make_description (const char            *label,
                                 const PortierPortSpec *spec)
{
  g_autoptr(GString) text = g_string_new (PORTIER_ROUTER_TAG);
  g_autofree char *port = portier_port_spec_to_string (spec);

  if (label != NULL && *label != '\0')
    {
      g_string_append_c (text, ' ');
      for (const char *p = label; *p != '\0' && text->len < 40; p++)
        g_string_append_c (text, (g_ascii_isalnum (*p) || *p == '-' || *p == '.' ||
                                  *p == '_') ? *p : '-');
    }
  g_string_append_c (text, ' ');
  g_string_append (text, port);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
