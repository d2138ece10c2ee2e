/* portier-ufw-rules.c: read ufw's rule files, and judge them
 *
 * ufw keeps every rule a person added as a "### tuple ###" line in user.rules and
 * user6.rules. The helper reads them to know whether a port is already let in, and to
 * make sure that the rule it would add is not one ufw would merge into a rule made
 * outside Portier (ufw replaces a rule that differs only in its action or comment).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-helper-args.h"
#include "portier-ufw-rules.h"

#define TUPLE_MARK "### tuple ###"
#define MAX_COMMENT 1024

static void
tuple_free (PortierUfwTuple *tuple)
{
  g_free (tuple->action);
  g_free (tuple->protocol);
  g_free (tuple->dport);
  g_free (tuple->dst);
  g_free (tuple->sport);
  g_free (tuple->src);
  g_free (tuple->direction);
  g_free (tuple->comment);
  g_free (tuple);
}

static char *
decode_comment (const char *hex)
{
  gsize length = strlen (hex);
  g_autoptr(GString) text = NULL;

  if (length % 2 != 0 || length > MAX_COMMENT * 2)
    return NULL;

  text = g_string_new (NULL);
  for (gsize i = 0; i < length; i += 2)
    {
      int high = g_ascii_xdigit_value (hex[i]);
      int low = g_ascii_xdigit_value (hex[i + 1]);

      if (high < 0 || low < 0)
        return NULL;
      g_string_append_c (text, (char) (high * 16 + low));
    }
  if (!g_utf8_validate_len (text->str, text->len, NULL))
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * portier_ufw_parse_rules:
 * @contents: a user.rules or user6.rules file
 *
 * Returns: (transfer full) (element-type PortierUfwTuple): the rules, in order. Lines it
 *   does not understand are left out.
 */
GPtrArray *
portier_ufw_parse_rules (const char *contents)
{
  GPtrArray *tuples = g_ptr_array_new_with_free_func ((GDestroyNotify) tuple_free);
  g_auto(GStrv) lines = NULL;

  if (contents == NULL)
    return tuples;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup (lines[i]);
      g_autofree char *comment = NULL;
      g_auto(GStrv) fields = NULL;
      char *mark;
      PortierUfwTuple *tuple;
      guint n;

      if (!g_str_has_prefix (line, TUPLE_MARK))
        continue;

      mark = strstr (line, " comment=");
      if (mark != NULL)
        {
          comment = decode_comment (g_strstrip (mark + strlen (" comment=")));
          *mark = '\0';
        }

      fields = portier_helper_split_fields (line + strlen (TUPLE_MARK));
      n = g_strv_length (fields);
      if (n != 7 && n != 9)
        continue;

      tuple = g_new0 (PortierUfwTuple, 1);
      tuple->forward = strchr (fields[0], ':') != NULL;
      tuple->action = g_strdup (tuple->forward ? strchr (fields[0], ':') + 1 : fields[0]);
      if (strchr (tuple->action, '_') != NULL)
        *strchr (tuple->action, '_') = '\0';
      tuple->protocol = g_strdup (fields[1]);
      tuple->dport = g_strdup (fields[2]);
      tuple->dst = g_strdup (fields[3]);
      tuple->sport = g_strdup (fields[4]);
      tuple->src = g_strdup (fields[5]);
      tuple->app = n == 9;
      tuple->direction = g_strdup (fields[n - 1]);
      tuple->comment = g_steal_pointer (&comment);
      g_ptr_array_add (tuples, tuple);
    }
  return tuples;
}

static gboolean
is_anywhere (const char *address)
{
  return g_str_equal (address, "0.0.0.0/0") || g_str_equal (address, "::/0") ||
         g_str_equal (address, "any");
}

/* "any", "8080", "8000:8010" or "80,443,8000:8010" */
static gboolean
dport_contains (const char *dport,
                guint16     port)
{
  g_auto(GStrv) items = NULL;

  if (g_str_equal (dport, "any"))
    return TRUE;

  items = g_strsplit (dport, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *colon = strchr (items[i], ':');
      guint64 low, high;

      if (colon != NULL)
        *colon = '\0';
      if (!g_ascii_string_to_unsigned (items[i], 10, 1, G_MAXUINT16, &low, NULL))
        continue;
      if (colon == NULL)
        high = low;
      else if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &high, NULL))
        continue;
      if (port >= low && port <= high)
        return TRUE;
    }
  return FALSE;
}

/**
 * portier_ufw_tuple_matches:
 * @unconditional: (out): whether the rule matches every new connection to the port,
 *   whoever sends it
 *
 * Returns: whether @tuple matches some incoming connections to @port/@protocol
 */
gboolean
portier_ufw_tuple_matches (const PortierUfwTuple *tuple,
                           guint16                port,
                           PortierProtocol        protocol,
                           gboolean              *unconditional)
{
  const char *name = protocol == PORTIER_PROTOCOL_TCP ? "tcp" : "udp";

  *unconditional = FALSE;
  if (tuple->forward || !g_str_has_prefix (tuple->direction, "in"))
    return FALSE;
  if (!g_str_equal (tuple->protocol, "any") && !g_str_equal (tuple->protocol, name))
    return FALSE;
  if (!dport_contains (tuple->dport, port))
    return FALSE;

  *unconditional = g_str_equal (tuple->direction, "in") && is_anywhere (tuple->dst) &&
                   is_anywhere (tuple->src) && g_str_equal (tuple->sport, "any");
  return TRUE;
}

/**
 * portier_ufw_format_ports:
 *
 * Returns: the ports as ufw writes them: `8080` or `8000:8010`
 */
char *
portier_ufw_format_ports (const PortierPortSpec *spec)
{
  if (spec->first == spec->last)
    return g_strdup_printf ("%u", spec->first);
  return g_strdup_printf ("%u:%u", spec->first, spec->last);
}

/**
 * portier_ufw_tuple_same_ports:
 *
 * Returns: whether @tuple is the rule the helper would add for @spec, but for its
 *   action and comment — ufw would change such a rule instead of adding one
 */
gboolean
portier_ufw_tuple_same_ports (const PortierUfwTuple *tuple,
                              const PortierPortSpec *spec)
{
  g_autofree char *ports = portier_ufw_format_ports (spec);

  return !tuple->forward && !tuple->app && g_str_equal (tuple->direction, "in") &&
         g_str_equal (tuple->protocol, portier_protocol_to_string (spec->protocol)) &&
         g_str_equal (tuple->dport, ports) && is_anywhere (tuple->dst) &&
         is_anywhere (tuple->src) && g_str_equal (tuple->sport, "any");
}

/**
 * portier_ufw_lets_in:
 * @tuples: (element-type PortierUfwTuple): the rules, in order
 * @default_accept: whether ufw's default for incoming connections is to accept
 *
 * Returns: whether a new connection from anywhere to @port/@protocol gets in. The first
 *   rule that matches every such connection decides; rules with conditions on addresses
 *   or interfaces do not decide for a stranger.
 */
gboolean
portier_ufw_lets_in (GPtrArray       *tuples,
                     gboolean         default_accept,
                     guint16          port,
                     PortierProtocol  protocol)
{
  for (guint i = 0; i < tuples->len; i++)
    {
      const PortierUfwTuple *tuple = g_ptr_array_index (tuples, i);
      gboolean unconditional;

      if (!portier_ufw_tuple_matches (tuple, port, protocol, &unconditional) || !unconditional)
        continue;
      /* "limit" lets connections in, up to a rate */
      return g_str_equal (tuple->action, "allow") || g_str_equal (tuple->action, "limit");
    }
  return default_accept;
}

/**
 * portier_ufw_parse_default_accept:
 * @defaults: the contents of /etc/default/ufw
 *
 * Returns: whether DEFAULT_INPUT_POLICY is ACCEPT
 */
gboolean
portier_ufw_parse_default_accept (const char *defaults)
{
  g_auto(GStrv) lines = NULL;
  gboolean accept = FALSE;

  if (defaults == NULL)
    return FALSE;

  lines = g_strsplit (defaults, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "DEFAULT_INPUT_POLICY="))
        accept = g_str_equal (line, "DEFAULT_INPUT_POLICY=\"ACCEPT\"") ||
                 g_str_equal (line, "DEFAULT_INPUT_POLICY=ACCEPT");
    }
  return accept;
}
