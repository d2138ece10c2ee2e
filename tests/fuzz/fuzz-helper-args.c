/* fuzz-helper-args.c: libFuzzer target for what callers send the helper
 *
 * The first byte picks a method; the rest is the serialized GVariant of its arguments,
 * as untrusted as anything that arrives over D-Bus. Whatever passes the checks must be
 * safe to hand to a firewall program.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <glib.h>

#include "portier-error.h"
#include "portier-helper-args.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
assert_safe_name (const char *text,
                  gsize       max_length,
                  gboolean    may_be_empty)
{
  gsize length = strlen (text);

  g_assert_true (length <= max_length);
  g_assert_true (may_be_empty || length > 0);
  for (gsize i = 0; i < length; i++)
    {
      /* nothing a shell, nft or ufw would read as syntax */
      g_assert_true (g_ascii_isprint (text[i]));
      g_assert_null (strchr ("\"'`;{}$\\|&<>#\n", text[i]));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GError) error = NULL;
  static const char *types[] = { "(qqssubsb)", "(qqs)", "(sb)" };
  const char *type;

  /* a critical or a warning from GLib is a finding too */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  if (size < 1)
    return 0;

  type = types[data[0] % G_N_ELEMENTS (types)];
  bytes = g_bytes_new (data + 1, size - 1);
  args = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE));

  if (data[0] % G_N_ELEMENTS (types) == 0)
    {
      PortierOpenRequest request;

      if (portier_helper_parse_open_args (args, &request, &error))
        {
          g_assert_no_error (error);
          g_assert_true (request.first >= 1 && request.first <= request.last);
          g_assert_true (request.last - request.first + 1u <= PORTIER_PORT_SPEC_MAX_RANGE);
          g_assert_true (request.protocol == PORTIER_PROTOCOL_TCP ||
                         request.protocol == PORTIER_PROTOCOL_UDP);
          g_assert_true (request.timeout <= PORTIER_HELPER_MAX_TIMEOUT);
          g_assert_false (request.timeout > 0 && request.permanent);
          assert_safe_name (request.zone, PORTIER_HELPER_MAX_ZONE, TRUE);
          assert_safe_name (request.label, PORTIER_HELPER_MAX_LABEL, TRUE);
          g_assert_null (strchr (request.zone, ' '));
          portier_open_request_clear (&request);
        }
      else
        {
          g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
          g_assert_null (request.zone);
        }
    }
  else if (data[0] % G_N_ELEMENTS (types) == 1)
    {
      PortierPortSpec spec;

      if (portier_helper_parse_query_args (args, &spec, &error))
        g_assert_true (spec.first >= 1 && spec.first <= spec.last &&
                       spec.last - spec.first + 1u <= PORTIER_PORT_SPEC_MAX_RANGE);
      else
        g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
    }
  else
    {
      g_autofree char *rule_id = NULL;
      gboolean interactive;

      if (portier_helper_parse_close_args (args, &rule_id, &interactive, &error))
        {
          g_assert_cmpuint (strlen (rule_id), ==, PORTIER_HELPER_RULE_ID_LENGTH);
          for (const char *p = rule_id; *p != '\0'; p++)
            g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
        }
      else
        g_assert_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT);
    }
  return 0;
}
