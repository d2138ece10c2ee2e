/* portierctl-close.c: portierctl close — close what Portier opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portierctl"

#include "config.h"

#include <glib/gi18n.h>

#include "portier-error.h"
#include "portier-firewall.h"
#include "portierctl-private.h"

typedef struct
{
  char            *id;
  PortierPortSpec  spec;
  gboolean         spec_known;
} Target;

static void
target_free (Target *target)
{
  g_free (target->id);
  g_free (target);
}

static void
add_target (GPtrArray                 *targets,
            const char                *id,
            const PortierFirewallRule *rule)
{
  Target *target = g_new0 (Target, 1);

  target->id = g_strdup (id);
  if (rule != NULL)
    {
      target->spec = rule->spec;
      target->spec_known = TRUE;
    }
  g_ptr_array_add (targets, target);
}

static const PortierFirewallRule *
find_rule (GPtrArray  *rules,
           const char *id)
{
  for (guint i = 0; i < rules->len; i++)
    {
      const PortierFirewallRule *rule = g_ptr_array_index (rules, i);

      if (g_str_equal (rule->id, id))
        return rule;
    }
  return NULL;
}

/* The rules Portier made for exactly these ports. */
static void
add_rules_for_spec (GPtrArray             *targets,
                    GPtrArray             *rules,
                    const PortierPortSpec *spec)
{
  for (guint i = 0; i < rules->len; i++)
    {
      const PortierFirewallRule *rule = g_ptr_array_index (rules, i);

      if (rule->spec.first == spec->first && rule->spec.last == spec->last &&
          (rule->spec.protocol & spec->protocol) != 0)
        add_target (targets, rule->id, rule);
    }
}

int
portierctl_close (int    argc,
                  char **argv)
{
  gboolean json = FALSE, all = FALSE;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Close everything Portier opened"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = portierctl_option_context (
    "close", "(ID | SPEC | --all)", _("Close a port Portier opened."), entries);
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) target_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GError) error = NULL;
  int status;

  if (!portierctl_parse_options (context, &argc, &argv, &status))
    return status;
  if ((all && argc != 1) || (!all && argc != 2))
    return portierctl_usage_error ("close",
                                   _("Say what to close: the id “portierctl open” printed, "
                                     "a port such as 25565/tcp, or --all."));

  rules = portierctl_firewall_list_rules (&error);
  if (rules == NULL)
    return portierctl_fail (error);

  if (all)
    {
      for (guint i = 0; i < rules->len; i++)
        {
          const PortierFirewallRule *rule = g_ptr_array_index (rules, i);

          add_target (targets, rule->id, rule);
        }
    }
  else if (portierctl_firewall_is_rule_id (argv[1]))
    {
      g_auto(GStrv) ids = g_strsplit (argv[1], ",", -1);

      for (guint i = 0; ids[i] != NULL; i++)
        add_target (targets, ids[i], find_rule (rules, ids[i]));
    }
  else
    {
      g_autoptr(GPtrArray) specs = portierctl_resolve_spec (argv[1], NULL, &error);

      if (specs == NULL)
        return portierctl_fail (error);
      for (guint i = 0; i < specs->len; i++)
        add_rules_for_spec (targets, rules, g_ptr_array_index (specs, i));
      if (targets->len == 0)
        {
          g_set_error (&error, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND,
                       /* TRANSLATORS: %s is a port such as 25565/tcp, or an app */
                       _("Portier has not opened %s, so there is nothing to close."), argv[1]);
        }
    }

  /* {"closed": [ids], "errors": [sentences], "error_code": the first error's name} */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "closed");
  json_builder_begin_array (builder);
  for (guint i = 0; i < targets->len; i++)
    {
      const Target *target = g_ptr_array_index (targets, i);
      g_autoptr(GError) close_error = NULL;

      if (!portierctl_firewall_close_rule (target->id, &close_error))
        {
          g_ptr_array_add (errors, g_steal_pointer (&close_error));
          continue;
        }

      json_builder_add_string_value (builder, target->id);
      if (!json)
        {
          g_autofree char *text = target->spec_known
                                  ? portier_port_spec_to_string (&target->spec)
                                  : g_strdup (target->id);

          /* TRANSLATORS: %s is a port such as 25565/tcp */
          g_print (_("Closed %s: other computers can no longer reach it through this "
                     "computer’s firewall.\n"), text);
        }
    }
  json_builder_end_array (builder);
  if (error != NULL)
    g_ptr_array_insert (errors, 0, g_steal_pointer (&error));
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < errors->len; i++)
    json_builder_add_string_value (builder,
                                   portier_error_user_message (g_ptr_array_index (errors, i)));
  json_builder_end_array (builder);
  if (errors->len > 0)
    {
      json_builder_set_member_name (builder, "error_code");
      json_builder_add_string_value (builder,
                                     portierctl_error_code_name (g_ptr_array_index (errors, 0)));
    }
  json_builder_end_object (builder);

  if (json)
    {
      root = json_builder_get_root (builder);
      portierctl_print_json (root);
    }
  else if (all && targets->len == 0)
    g_print ("%s\n", _("Portier has nothing open on this computer’s firewall."));

  if (errors->len > 0)
    {
      const GError *first = g_ptr_array_index (errors, 0);

      if (!json && g_error_matches (first, PORTIER_ERROR, PORTIER_ERROR_NOT_FOUND))
        {
          g_printerr ("portierctl: %s\n", first->message);
          return PORTIERCTL_EXIT_FAILED;
        }
      if (!json)
        return portierctl_fail (first);
      return PORTIERCTL_EXIT_FAILED;
    }
  return PORTIERCTL_EXIT_OK;
}
