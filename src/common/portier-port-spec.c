/* portier-port-spec.c: a port or a range of ports, with its protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-port-spec"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-port-spec.h"

G_DEFINE_BOXED_TYPE (PortierPortSpec, portier_port_spec,
                     portier_port_spec_copy, portier_port_spec_free)

typedef struct
{
  guint16          first;
  guint16          last;
  PortierProtocol  protocol;
  PortierRisk      risk;
  const char      *reason;
} RiskEntry;

/* Ports that invite trouble when reachable from the whole internet. The reasons are
 * written for people who do not know what a port is. */
static const RiskEntry risk_table[] = {
  { 20, 21, PORTIER_PROTOCOL_TCP, PORTIER_RISK_MEDIUM,
    N_("Ports 20 and 21 are for old-style file transfer (FTP), which sends passwords unprotected.") },
  { 22, 22, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 22 is for remote login (SSH). Strangers constantly try passwords on it.") },
  { 23, 23, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 23 is for remote login without any protection (Telnet).") },
  { 25, 25, PORTIER_PROTOCOL_TCP, PORTIER_RISK_MEDIUM,
    N_("Port 25 is for sending mail; an open mail server is quickly abused for spam.") },
  { 53, 53, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_MEDIUM,
    N_("Port 53 is for name lookups (DNS); an open one is abused to attack others.") },
  { 111, 111, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Port 111 lets other computers find network file shares on this one.") },
  { 135, 135, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Port 135 is for remote control of Windows services.") },
  { 137, 139, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Ports 137 to 139 are for sharing files and printers inside a home network.") },
  { 161, 162, PORTIER_PROTOCOL_UDP, PORTIER_RISK_HIGH,
    N_("Ports 161 and 162 are for managing network devices (SNMP).") },
  { 445, 445, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Port 445 is for file sharing. It is a favourite target of attacks on the whole internet.") },
  { 1433, 1434, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Ports 1433 and 1434 are for a database (Microsoft SQL Server); databases hold your data.") },
  { 1900, 1900, PORTIER_PROTOCOL_UDP, PORTIER_RISK_HIGH,
    N_("Port 1900 is how devices find each other inside a home network (UPnP); it must stay inside.") },
  { 2049, 2049, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Port 2049 is for network file shares (NFS).") },
  { 2375, 2376, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Ports 2375 and 2376 control containers (Docker); whoever reaches them controls this computer.") },
  { 3306, 3306, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 3306 is for a database (MySQL or MariaDB); databases hold your data.") },
  { 3389, 3389, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Port 3389 is for remote desktop. Strangers constantly try passwords on it.") },
  { 5353, 5353, PORTIER_PROTOCOL_UDP, PORTIER_RISK_HIGH,
    N_("Port 5353 is how devices find each other inside a home network; it must stay inside.") },
  { 5432, 5432, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 5432 is for a database (PostgreSQL); databases hold your data.") },
  { 5900, 5909, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Ports 5900 to 5909 are for screen sharing (VNC), which strangers constantly try to break into.") },
  { 6379, 6379, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 6379 is for a database (Redis) that has no password by default.") },
  { 9200, 9200, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 9200 is for a search database (Elasticsearch) that often has no password.") },
  { 11211, 11211, PORTIER_PROTOCOL_BOTH, PORTIER_RISK_HIGH,
    N_("Port 11211 is for a cache (memcached) that is abused to attack others.") },
  { 27017, 27017, PORTIER_PROTOCOL_TCP, PORTIER_RISK_HIGH,
    N_("Port 27017 is for a database (MongoDB); databases hold your data.") },
};

static gboolean
all_digits (const char *s,
            gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Parses digits into a port number; values past 65535 become 65536 so the caller can
 * say "does not exist" without overflowing. */
static guint
parse_number (const char *s,
              gsize       len)
{
  guint value = 0;

  for (gsize i = 0; i < len; i++)
    {
      value = value * 10 + (guint) (s[i] - '0');
      if (value > G_MAXUINT16)
        return G_MAXUINT16 + 1;
    }
  return value;
}

/* Input echoed in an error message: valid UTF-8 and short. */
static char *
quote_input (const char *text,
             gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);

  if (g_utf8_strlen (valid, -1) > PORTIER_PORT_SPEC_MAX_TEXT)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, PORTIER_PORT_SPEC_MAX_TEXT);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&valid);
}

static gboolean
parse_port_part (const char  *text,
                 gsize        len,
                 guint       *first,
                 guint       *last,
                 GError     **error)
{
  const char *dash = memchr (text, '-', len);

  if (dash == NULL)
    {
      if (!all_digits (text, len))
        {
          g_autofree char *quoted = quote_input (text, len);
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                       /* TRANSLATORS: %s is what the person typed */
                       _("“%s” is not a port number. A port is a number from 1 to 65535, "
                         "such as 25565."), quoted);
          return FALSE;
        }
      *first = *last = parse_number (text, len);
      return TRUE;
    }

  {
    gsize first_len = (gsize) (dash - text);
    gsize last_len = len - first_len - 1;

    if (!all_digits (text, first_len) || !all_digits (dash + 1, last_len))
      {
        g_autofree char *quoted = quote_input (text, len);
        g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                     /* TRANSLATORS: %s is what the person typed */
                     _("“%s” is not a port or a range of ports. Write one number, such as "
                       "25565, or two joined by a dash, such as 2456-2458."), quoted);
        return FALSE;
      }
    *first = parse_number (text, first_len);
    *last = parse_number (dash + 1, last_len);
  }
  return TRUE;
}

/**
 * portier_port_spec_validate:
 *
 * Checks a port range and protocol, with the sentence a person sees when they are wrong.
 */
gboolean
portier_port_spec_validate (guint             first,
                            guint             last,
                            PortierProtocol   protocol,
                            GError          **error)
{
  if (protocol != PORTIER_PROTOCOL_TCP &&
      protocol != PORTIER_PROTOCOL_UDP &&
      protocol != PORTIER_PROTOCOL_BOTH)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                           _("Choose tcp, udp or both as the kind of connection."));
      return FALSE;
    }

  for (guint i = 0; i < 2; i++)
    {
      guint port = i == 0 ? first : last;

      if (port == 0)
        {
          g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                               _("Port 0 cannot be opened. Choose a port from 1 to 65535."));
          return FALSE;
        }
      if (port > G_MAXUINT16)
        {
          g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                               _("That port does not exist. Ports go from 1 to 65535."));
          return FALSE;
        }
    }

  if (last < first)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                   /* TRANSLATORS: a range of ports typed backwards, e.g. 80-70 */
                   _("The range %u-%u runs backwards. Write the smaller port first, "
                     "such as %u-%u."), first, last, last, first);
      return FALSE;
    }

  if (last - first + 1 > PORTIER_PORT_SPEC_MAX_RANGE)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                   _("The range %u-%u has %u ports; Portier opens at most %u at once."),
                   first, last, last - first + 1, PORTIER_PORT_SPEC_MAX_RANGE);
      return FALSE;
    }

  return TRUE;
}

PortierPortSpec *
portier_port_spec_new (guint16           first,
                       guint16           last,
                       PortierProtocol   protocol,
                       GError          **error)
{
  PortierPortSpec *self;

  if (!portier_port_spec_validate (first, last, protocol, error))
    return NULL;

  self = g_new0 (PortierPortSpec, 1);
  self->first = first;
  self->last = last;
  self->protocol = protocol;
  return self;
}

/**
 * portier_port_spec_parse:
 * @text: `25565`, `25565/tcp`, `19132/udp`, `2456-2458/udp` or `22000/both`
 *
 * A bare port means TCP. Surrounding white space is ignored; nothing else is.
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with a translated message
 */
PortierPortSpec *
portier_port_spec_parse (const char  *text,
                         GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *slash;
  gsize port_len;
  guint first = 0;
  guint last = 0;
  PortierProtocol protocol = PORTIER_PROTOCOL_TCP;

  if (text == NULL || *text == '\0' || (trimmed = g_strstrip (g_strdup (text)))[0] == '\0')
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                           _("Type a port number, such as 25565."));
      return NULL;
    }

  if (strlen (trimmed) > PORTIER_PORT_SPEC_MAX_TEXT)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                           _("That is too long to be a port. Type a port number, "
                             "such as 25565."));
      return NULL;
    }

  slash = strchr (trimmed, '/');
  port_len = slash != NULL ? (gsize) (slash - trimmed) : strlen (trimmed);

  if (slash != NULL && !portier_protocol_from_string (slash + 1, &protocol))
    {
      g_autofree char *quoted = quote_input (slash + 1, strlen (slash + 1));
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_PORT_SPEC,
                   /* TRANSLATORS: %s is what the person typed after the slash */
                   _("“%s” is not a kind of connection Portier can open. "
                     "Use tcp, udp or both, such as 25565/tcp."), quoted);
      return NULL;
    }

  if (!parse_port_part (trimmed, port_len, &first, &last, error))
    return NULL;

  if (!portier_port_spec_validate (first, last, protocol, error))
    return NULL;

  return portier_port_spec_new ((guint16) first, (guint16) last, protocol, error);
}

PortierPortSpec *
portier_port_spec_copy (const PortierPortSpec *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_memdup2 (self, sizeof *self);
}

void
portier_port_spec_free (PortierPortSpec *self)
{
  g_free (self);
}

gboolean
portier_port_spec_equal (const PortierPortSpec *a,
                         const PortierPortSpec *b)
{
  return a->first == b->first && a->last == b->last && a->protocol == b->protocol;
}

gboolean
portier_port_spec_contains (const PortierPortSpec *self,
                            guint16                port,
                            PortierProtocol        protocol)
{
  return port >= self->first && port <= self->last && (self->protocol & protocol) == protocol;
}

gboolean
portier_port_spec_overlaps (const PortierPortSpec *a,
                            const PortierPortSpec *b)
{
  return (a->protocol & b->protocol) != 0 && a->first <= b->last && b->first <= a->last;
}

guint
portier_port_spec_get_n_ports (const PortierPortSpec *self)
{
  return (guint) self->last - self->first + 1;
}

/**
 * portier_port_spec_to_string:
 *
 * The canonical text form, which portier_port_spec_parse() reads back:
 * `25565/tcp`, `2456-2458/udp`, `22000/both`.
 */
char *
portier_port_spec_to_string (const PortierPortSpec *self)
{
  const char *protocol = portier_protocol_to_string (self->protocol);

  if (self->first == self->last)
    return g_strdup_printf ("%u/%s", self->first, protocol);

  return g_strdup_printf ("%u-%u/%s", self->first, self->last, protocol);
}

/**
 * portier_port_spec_describe:
 *
 * A translated phrase for people: "port 25565 (TCP)", "ports 2456 to 2458 (UDP)".
 */
char *
portier_port_spec_describe (const PortierPortSpec *self)
{
  const char *protocol;

  switch (self->protocol)
    {
    case PORTIER_PROTOCOL_TCP:
      protocol = "TCP";
      break;
    case PORTIER_PROTOCOL_UDP:
      protocol = "UDP";
      break;
    case PORTIER_PROTOCOL_BOTH:
    default:
      /* TRANSLATORS: both kinds of connection */
      protocol = _("TCP and UDP");
      break;
    }

  if (self->first == self->last)
    /* TRANSLATORS: "port 25565 (TCP)" */
    return g_strdup_printf (_("port %u (%s)"), self->first, protocol);

  /* TRANSLATORS: "ports 2456 to 2458 (UDP)" */
  return g_strdup_printf (_("ports %u to %u (%s)"), self->first, self->last, protocol);
}

PortierPortClass
portier_port_class_for_port (guint16 port)
{
  if (port <= 1023)
    return PORTIER_PORT_CLASS_WELL_KNOWN;
  if (port <= 49151)
    return PORTIER_PORT_CLASS_REGISTERED;
  return PORTIER_PORT_CLASS_DYNAMIC;
}

/**
 * portier_port_spec_get_class:
 *
 * The class of the range's first port; a range that crosses a border takes the lower
 * class, which is the one routers and people treat most carefully.
 */
PortierPortClass
portier_port_spec_get_class (const PortierPortSpec *self)
{
  return portier_port_class_for_port (self->first);
}

const char *
portier_port_class_to_string (PortierPortClass port_class)
{
  switch (port_class)
    {
    case PORTIER_PORT_CLASS_WELL_KNOWN:
      return "well-known";
    case PORTIER_PORT_CLASS_REGISTERED:
      return "registered";
    case PORTIER_PORT_CLASS_DYNAMIC:
    default:
      return "dynamic";
    }
}

const char *
portier_port_class_explain (PortierPortClass port_class)
{
  switch (port_class)
    {
    case PORTIER_PORT_CLASS_WELL_KNOWN:
      return _("Ports below 1024 are set aside for standard services such as websites and "
               "mail, and some routers will not forward them automatically.");
    case PORTIER_PORT_CLASS_REGISTERED:
      return _("Ports from 1024 to 49151 are where apps such as games and media servers "
               "usually listen.");
    case PORTIER_PORT_CLASS_DYNAMIC:
    default:
      return _("Ports from 49152 up are free for any use; computers also pick them for "
               "short-lived connections.");
    }
}

/**
 * portier_port_risk:
 * @reason: (out) (optional) (transfer none): why, translated; %NULL for low risk
 */
PortierRisk
portier_port_risk (guint16           port,
                   PortierProtocol   protocol,
                   const char      **reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (risk_table); i++)
    {
      const RiskEntry *entry = &risk_table[i];

      if (port >= entry->first && port <= entry->last && (entry->protocol & protocol) != 0)
        {
          if (reason != NULL)
            *reason = _(entry->reason);
          return entry->risk;
        }
    }

  if (reason != NULL)
    *reason = NULL;
  return PORTIER_RISK_LOW;
}

/**
 * portier_port_spec_get_risk:
 * @reason: (out) (optional) (transfer none): why, for the riskiest port in the range
 *
 * The highest risk of any port in the range.
 */
PortierRisk
portier_port_spec_get_risk (const PortierPortSpec  *self,
                            const char            **reason)
{
  PortierRisk worst = PORTIER_RISK_LOW;
  const char *worst_reason = NULL;

  for (guint port = self->first; port <= self->last; port++)
    {
      const char *port_reason = NULL;
      PortierRisk risk = portier_port_risk ((guint16) port, self->protocol, &port_reason);

      if (risk > worst)
        {
          worst = risk;
          worst_reason = port_reason;
        }
    }

  if (reason != NULL)
    *reason = worst_reason;
  return worst;
}

const char *
portier_risk_to_string (PortierRisk risk)
{
  switch (risk)
    {
    case PORTIER_RISK_HIGH:
      return "high";
    case PORTIER_RISK_MEDIUM:
      return "medium";
    case PORTIER_RISK_LOW:
    default:
      return "low";
    }
}

gboolean
portier_risk_from_string (const char  *text,
                          PortierRisk *risk)
{
  static const char * const names[] = { "low", "medium", "high" };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (text, names[i]))
      {
        *risk = (PortierRisk) i;
        return TRUE;
      }
  return FALSE;
}

const char *
portier_protocol_to_string (PortierProtocol protocol)
{
  switch (protocol)
    {
    case PORTIER_PROTOCOL_TCP:
      return "tcp";
    case PORTIER_PROTOCOL_UDP:
      return "udp";
    case PORTIER_PROTOCOL_BOTH:
      return "both";
    default:
      return NULL;
    }
}

/**
 * portier_protocol_from_string:
 *
 * Reads `tcp`, `udp` or `both`, in any case. Nothing else.
 */
gboolean
portier_protocol_from_string (const char      *text,
                              PortierProtocol *protocol)
{
  if (text == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (text, "tcp") == 0)
    *protocol = PORTIER_PROTOCOL_TCP;
  else if (g_ascii_strcasecmp (text, "udp") == 0)
    *protocol = PORTIER_PROTOCOL_UDP;
  else if (g_ascii_strcasecmp (text, "both") == 0)
    *protocol = PORTIER_PROTOCOL_BOTH;
  else
    return FALSE;

  return TRUE;
}
