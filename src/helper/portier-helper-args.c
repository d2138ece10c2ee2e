/* portier-helper-args.c: what the helper accepts from callers, and nothing more
 *
 * Everything a caller sends is checked here before it reaches polkit or a firewall:
 * typed numbers in range, a closed set of protocols, and short names from a small
 * character set. The names end up as arguments of firewall programs, so nothing that a
 * program could read as syntax (spaces in names, quotes, semicolons, braces, newlines)
 * gets through.
 *
 * The messages are for logs and for programmers; people see the sentence the error
 * code stands for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-error.h"
#include "portier-helper-args.h"

void
portier_open_request_clear (PortierOpenRequest *request)
{
  g_clear_pointer (&request->zone, g_free);
  g_clear_pointer (&request->label, g_free);
}

gboolean
portier_helper_check_ports (guint             first,
                            guint             last,
                            const char       *protocol,
                            PortierProtocol  *out_protocol,
                            GError          **error)
{
  if (first < 1 || first > G_MAXUINT16 || last < 1 || last > G_MAXUINT16)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "Ports go from 1 to 65535, not %u-%u", first, last);
      return FALSE;
    }
  if (last < first)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "The range %u-%u runs backwards", first, last);
      return FALSE;
    }
  if (last - first + 1 > PORTIER_PORT_SPEC_MAX_RANGE)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "A range may hold at most %u ports, not %u",
                   PORTIER_PORT_SPEC_MAX_RANGE, last - first + 1);
      return FALSE;
    }

  /* Exactly these two words: no case folding, no "both", nothing appended. */
  if (protocol != NULL && strcmp (protocol, "tcp") == 0)
    *out_protocol = PORTIER_PROTOCOL_TCP;
  else if (protocol != NULL && strcmp (protocol, "udp") == 0)
    *out_protocol = PORTIER_PROTOCOL_UDP;
  else
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "The protocol must be tcp or udp");
      return FALSE;
    }

  return TRUE;
}

/**
 * portier_helper_check_name:
 *
 * Returns: whether @name is 1 to @max_length bytes of ASCII letters, digits, `_` and `-`,
 *   starting with a letter or digit. Firewall zones, tables and chains that the helper
 *   hands to a firewall program must pass this.
 */
gboolean
portier_helper_check_name (const char *name,
                           gsize       max_length)
{
  gsize length = 0;

  if (name == NULL || !g_ascii_isalnum (name[0]))
    return FALSE;

  for (const char *p = name; *p != '\0'; p++, length++)
    {
      if (length >= max_length)
        return FALSE;
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
        return FALSE;
    }
  return TRUE;
}

gboolean
portier_helper_check_zone (const char  *zone,
                           GError     **error)
{
  if (zone != NULL && zone[0] == '\0')
    return TRUE;

  if (!portier_helper_check_name (zone, PORTIER_HELPER_MAX_ZONE))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "A zone is up to %u letters, digits, '_' and '-'",
                   PORTIER_HELPER_MAX_ZONE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_label_char (char c)
{
  return g_ascii_isalnum (c) || strchr (" ._-:()+,", c) != NULL;
}

gboolean
portier_helper_check_label (const char  *label,
                            GError     **error)
{
  gsize length;

  if (label == NULL)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "No label");
      return FALSE;
    }

  length = strnlen (label, PORTIER_HELPER_MAX_LABEL + 1);
  if (length > PORTIER_HELPER_MAX_LABEL)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "A label is at most %u characters", PORTIER_HELPER_MAX_LABEL);
      return FALSE;
    }

  for (gsize i = 0; i < length; i++)
    if (!is_label_char (label[i]))
      {
        g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                             "A label may hold letters, digits, spaces and ._-:()+, only");
        return FALSE;
      }

  if (length > 0 && (label[0] == ' ' || label[length - 1] == ' '))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "A label may not begin or end with a space");
      return FALSE;
    }
  return TRUE;
}

gboolean
portier_helper_check_rule_id (const char  *rule_id,
                              GError     **error)
{
  gsize length = 0;

  if (rule_id != NULL)
    {
      for (const char *p = rule_id; *p != '\0' && length <= PORTIER_HELPER_RULE_ID_LENGTH;
           p++, length++)
        if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
          break;
    }

  if (rule_id == NULL || length != PORTIER_HELPER_RULE_ID_LENGTH ||
      rule_id[length] != '\0')
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "A rule id is 16 lower-case hexadecimal digits");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_type (GVariant    *parameters,
            const char  *type,
            GError     **error)
{
  if (parameters == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE (type)))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "The arguments must be of type %s", type);
      return FALSE;
    }
  return TRUE;
}

/**
 * portier_helper_parse_open_args:
 * @parameters: the arguments of OpenPort, `(qqssubsb)`
 *
 * GDBus already refuses arguments of the wrong type before a handler runs; this checks
 * the type again so that the function stands on its own (the fuzz target calls it with
 * anything).
 */
gboolean
portier_helper_parse_open_args (GVariant            *parameters,
                                PortierOpenRequest  *request,
                                GError             **error)
{
  guint16 first, last;
  const char *protocol, *zone, *label;
  guint32 timeout;
  gboolean permanent, interactive;
  PortierProtocol proto;

  memset (request, 0, sizeof *request);

  if (!check_type (parameters, "(qqssubsb)", error))
    return FALSE;

  g_variant_get (parameters, "(qq&s&sub&sb)", &first, &last, &protocol, &zone, &timeout,
                 &permanent, &label, &interactive);

  if (!portier_helper_check_ports (first, last, protocol, &proto, error) ||
      !portier_helper_check_zone (zone, error) ||
      !portier_helper_check_label (label, error))
    return FALSE;

  if (timeout > PORTIER_HELPER_MAX_TIMEOUT)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "A timeout is at most %u seconds", PORTIER_HELPER_MAX_TIMEOUT);
      return FALSE;
    }
  if (timeout > 0 && permanent)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                           "A rule is either permanent or has a timeout, not both");
      return FALSE;
    }

  request->first = first;
  request->last = last;
  request->protocol = proto;
  request->zone = g_strdup (zone);
  request->timeout = timeout;
  request->permanent = permanent;
  request->label = g_strdup (label);
  request->interactive = interactive;
  return TRUE;
}

gboolean
portier_helper_parse_query_args (GVariant         *parameters,
                                 PortierPortSpec  *spec,
                                 GError          **error)
{
  guint16 first, last;
  const char *protocol;

  if (!check_type (parameters, "(qqs)", error))
    return FALSE;

  g_variant_get (parameters, "(qq&s)", &first, &last, &protocol);
  if (!portier_helper_check_ports (first, last, protocol, &spec->protocol, error))
    return FALSE;

  spec->first = first;
  spec->last = last;
  return TRUE;
}

gboolean
portier_helper_parse_close_args (GVariant  *parameters,
                                 char     **rule_id,
                                 gboolean  *interactive,
                                 GError   **error)
{
  const char *id;

  if (!check_type (parameters, "(sb)", error))
    return FALSE;

  g_variant_get (parameters, "(&sb)", &id, interactive);
  if (!portier_helper_check_rule_id (id, error))
    return FALSE;

  *rule_id = g_strdup (id);
  return TRUE;
}

/**
 * portier_helper_new_rule_id:
 *
 * Returns: 16 random lower-case hexadecimal digits. Ids name rules; they are not
 *   secrets, but they must not repeat.
 */
char *
portier_helper_new_rule_id (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

/**
 * portier_helper_format_ports:
 *
 * Returns: `8080` or `8000-8010`, the way firewalld and nftables write ports
 */
char *
portier_helper_format_ports (guint16 first,
                             guint16 last)
{
  if (first == last)
    return g_strdup_printf ("%u", first);
  return g_strdup_printf ("%u-%u", first, last);
}

/**
 * portier_helper_split_fields:
 *
 * Returns: (transfer full): the words of @line, split at ASCII spaces and tabs. Never
 *   %NULL, whatever bytes @line holds.
 */
GStrv
portier_helper_split_fields (const char *line)
{
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  const char *p = line != NULL ? line : "";

  while (*p != '\0')
    {
      const char *start;

      while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
        p++;
      {
        g_autofree char *field = g_strndup (start, p - start);

        g_strv_builder_add (fields, field);
      }
    }
  return g_strv_builder_end (fields);
}
