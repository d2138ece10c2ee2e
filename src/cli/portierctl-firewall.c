/* portierctl-firewall.c: the firewall step of portierctl open and close
 *
 * Kept apart from the commands themselves: open and close run this step next to the
 * router's and the self-test's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-firewall.h"
#include "portierctl-private.h"

/**
 * portierctl_get_firewall:
 *
 * Returns: (transfer none): the way to this computer's firewall, found once
 */
PortierFirewall *
portierctl_get_firewall (void)
{
  static PortierFirewall *firewall;

  if (firewall == NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      portier_firewall_new_async (NULL, portierctl_store_result_cb, &result);
      firewall = portier_firewall_new_finish (portierctl_wait (&result), &error);
      g_assert (firewall != NULL);  /* finding no way at all is the manual mode, not an error */
      g_debug ("firewall: %s", portier_firewall_mode_to_string (portier_firewall_get_mode (firewall)));
    }
  return firewall;
}

/**
 * portierctl_error_code_name:
 *
 * Returns: the stable name of @error's code for JSON ("NotAuthorized", ...)
 */
const char *
portierctl_error_code_name (const GError *error)
{
  const char *name = NULL;

  if (error->domain == PORTIER_ERROR)
    name = portier_error_to_dbus_name ((PortierError) error->code);
  if (name == NULL)
    name = portier_error_to_dbus_name (PORTIER_ERROR_FAILED);
  return strrchr (name, '.') + 1;
}

/* A label the helper accepts: letters, digits, spaces and ._-:()+, at most 64. */
static char *
make_label (const char *name)
{
  g_autoptr(GString) label = g_string_new (NULL);

  for (const char *p = name != NULL ? name : ""; *p != '\0' && label->len < 64; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("._-:()+,", *p) != NULL)
        g_string_append_c (label, *p);
      else if (label->len > 0 && label->str[label->len - 1] != ' ')
        g_string_append_c (label, ' ');
    }
  while (label->len > 0 && label->str[label->len - 1] == ' ')
    g_string_truncate (label, label->len - 1);
  return g_string_free (g_steal_pointer (&label), FALSE);
}

static void
add_error (JsonBuilder  *builder,
           const GError *error)
{
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, portier_error_user_message (error));
  json_builder_set_member_name (builder, "error_code");
  json_builder_add_string_value (builder, portierctl_error_code_name (error));
}

/**
 * portierctl_firewall_open_step:
 * @builder: gets the "firewall" member of open's JSON
 * @rule_ids: (out) (transfer full): the ids that close takes
 * @error: why the step failed; the JSON says so too
 *
 * Lets @spec in through this computer's firewall, and says what happened.
 *
 * Returns: whether the firewall lets @spec in now
 */
gboolean
portierctl_firewall_open_step (const PortierPortSpec  *spec,
                               const char             *app_name,
                               guint                   timeout,
                               gboolean                permanent,
                               gboolean                json,
                               JsonBuilder            *builder,
                               GStrv                  *rule_ids,
                               GError                **error)
{
  PortierFirewall *firewall = portierctl_get_firewall ();
  PortierFirewallMode mode = portier_firewall_get_mode (firewall);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PortierFirewallResult) opened = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = make_label (app_name);
  g_autofree char *text = portier_port_spec_to_string (spec);
  PortierFirewallFlags flags = PORTIER_FIREWALL_FLAGS_INTERACTIVE;

  *rule_ids = g_new0 (char *, 1);
  json_builder_set_member_name (builder, "firewall");
  json_builder_begin_object (builder);

  if (mode == PORTIER_FIREWALL_MODE_MANUAL)
    {
      g_autofree char *backend = portier_firewall_guess_backend ();
      g_autofree char *command = portier_firewall_manual_command (spec, backend);

      g_set_error_literal (&local_error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                           portier_error_describe (PORTIER_ERROR_FIREWALL_UNAVAILABLE));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "failed");
      json_builder_set_member_name (builder, "backend");
      json_builder_add_string_value (builder, backend);
      add_error (builder, local_error);
      json_builder_set_member_name (builder, "command");
      json_builder_add_string_value (builder, command);
      json_builder_end_object (builder);
      if (!json)
        {
          g_printerr ("%s\n", _("Portier cannot change this computer’s firewall by itself. "
                                "To let other computers in, run:"));
          g_printerr ("\n%s\n\n", command);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (permanent)
    flags |= PORTIER_FIREWALL_FLAGS_PERMANENT;
  portier_firewall_open_async (firewall, spec, label, timeout, flags, NULL,
                               portierctl_store_result_cb, &result);
  opened = portier_firewall_open_finish (firewall, portierctl_wait (&result), &local_error);

  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, opened != NULL ? opened->status : "failed");
  if (opened != NULL)
    {
      json_builder_set_member_name (builder, "backend");
      json_builder_add_string_value (builder, opened->backend);
      if (opened->zone != NULL && opened->zone[0] != '\0')
        {
          json_builder_set_member_name (builder, "zone");
          json_builder_add_string_value (builder, opened->zone);
        }
      json_builder_set_member_name (builder, "rules");
      json_builder_begin_array (builder);
      for (guint i = 0; opened->rule_ids[i] != NULL; i++)
        json_builder_add_string_value (builder, opened->rule_ids[i]);
      json_builder_end_array (builder);
    }
  else
    add_error (builder, local_error);
  json_builder_end_object (builder);

  if (opened == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!json)
    {
      if (g_str_equal (opened->status, "opened"))
        /* TRANSLATORS: %s is a port such as 25565/tcp */
        g_print (_("This computer’s firewall now lets other computers reach %s.\n"), text);
      else if (g_str_equal (opened->status, "already-open"))
        g_print (_("This computer’s firewall already let other computers reach %s. "
                   "Portier left it as it was.\n"), text);
      else
        g_print (_("This computer’s firewall does not block %s. Nothing needed to change.\n"),
                 text);
    }

  g_strfreev (*rule_ids);
  *rule_ids = g_strdupv (opened->rule_ids);
  return TRUE;
}

/**
 * portierctl_firewall_close_rule:
 *
 * Removes one firewall rule Portier made.
 */
gboolean
portierctl_firewall_close_rule (const char  *rule_id,
                                GError     **error)
{
  PortierFirewall *firewall = portierctl_get_firewall ();
  g_autoptr(GAsyncResult) result = NULL;

  portier_firewall_close_async (firewall, rule_id, PORTIER_FIREWALL_FLAGS_INTERACTIVE, NULL,
                                portierctl_store_result_cb, &result);
  return portier_firewall_close_finish (firewall, portierctl_wait (&result), error);
}

/**
 * portierctl_firewall_list_rules:
 *
 * Returns: (transfer full) (element-type PortierFirewallRule): the rules the helper holds
 */
GPtrArray *
portierctl_firewall_list_rules (GError **error)
{
  PortierFirewall *firewall = portierctl_get_firewall ();
  g_autoptr(GAsyncResult) result = NULL;

  portier_firewall_list_rules_async (firewall, NULL, portierctl_store_result_cb, &result);
  return portier_firewall_list_rules_finish (firewall, portierctl_wait (&result), error);
}

/**
 * portierctl_firewall_is_rule_id:
 *
 * Returns: whether @text names firewall rules: the helper's ids (16 hexadecimal digits)
 *   or firewalld's (`firewalld:ZONE:PORTS:PROTOCOL`), several joined by commas
 */
gboolean
portierctl_firewall_is_rule_id (const char *text)
{
  g_auto(GStrv) ids = g_strsplit (text, ",", -1);

  if (ids[0] == NULL)
    return FALSE;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      gsize length = strlen (ids[i]);
      gboolean hex = length == 16;

      for (gsize c = 0; hex && c < length; c++)
        hex = g_ascii_isxdigit (ids[i][c]) && !g_ascii_isupper (ids[i][c]);
      if (!hex && !g_str_has_prefix (ids[i], "firewalld:"))
        return FALSE;
    }
  return TRUE;
}
