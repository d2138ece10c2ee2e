/* portier-backend-nftables.c: nftables, changed with nft
 *
 * Where a base chain on the input hook would drop or reject the port, the helper puts
 * one accept rule into that chain, marked with the comment `portier:<id>`: right before
 * the first rule that would drop the port, or at the end when only the policy drops, so
 * the administrator's conditional drops (a blocklist, invalid packets) stay ahead of it.
 * Later it deletes exactly that rule by its handle — after checking that the rule with
 * that handle still carries the mark, since handles are numbers that mean nothing once a
 * table is made anew. Chains that already let the port in are left alone, and so is
 * every rule without the mark. Tables that iptables-nft manages are never edited: when
 * one of them keeps the port out, the helper refuses and changes nothing.
 *
 * nft reads its arguments as one line of its own language, so everything the helper
 * puts into a command is either a number or a name that passed the strict check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-backend-nftables.h"
#include "portier-error.h"
#include "portier-helper-args.h"
#include "portier-helper-run.h"
#include "portier-nft-ruleset.h"
#include "portier-rule-store.h"

struct _PortierBackendNftables
{
  GObject parent_instance;
};

static void portier_backend_iface_init (PortierBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierBackendNftables, portier_backend_nftables,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_BACKEND,
                                                      portier_backend_iface_init))

/* @out_stderr: (optional): what nft said besides, warnings included */
static gboolean
run_nft (const char * const  *argv,
         const char          *input,
         char               **out_stdout,
         char               **out_stderr,
         GError             **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!portier_helper_run (argv, input, &out, &err, &status, error))
    return FALSE;

  if (status != 0)
    {
      g_warning ("nft failed (%d): %s", status, err != NULL ? g_strstrip (err) : "");
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                   "nft failed: %s", err != NULL ? err : "");
      return FALSE;
    }

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return TRUE;
}

static PortierNftRuleset *
list_ruleset (GError **error)
{
  const char * const argv[] = { "nft", "-a", "list", "ruleset", NULL };
  g_autofree char *text = NULL;
  g_autofree char *warnings = NULL;
  PortierNftRuleset *ruleset;

  if (!run_nft (argv, NULL, &text, &warnings, error))
    return NULL;
  ruleset = portier_nft_ruleset_parse (text, error);
  if (ruleset != NULL)
    portier_nft_ruleset_note_warnings (ruleset, warnings);
  return ruleset;
}

static const char *
get_name (PortierBackend *backend)
{
  return "nftables";
}

static PortierPortStatus
query (PortierBackend         *backend,
       const PortierPortSpec  *spec,
       const char             *zone,
       char                  **out_zone,
       GError                **error)
{
  g_autoptr(PortierNftRuleset) ruleset = list_ruleset (error);
  g_autoptr(GPtrArray) blocking = NULL;

  if (ruleset == NULL)
    return PORTIER_PORT_STATUS_UNKNOWN;

  *out_zone = g_strdup ("");
  blocking = portier_nft_ruleset_blocking (ruleset, spec);
  return blocking->len == 0 ? PORTIER_PORT_STATUS_OPEN : PORTIER_PORT_STATUS_BLOCKED;
}

static gboolean
any_policy_drop (const PortierNftRuleset *ruleset)
{
  for (guint i = 0; i < ruleset->chains->len; i++)
    {
      const PortierNftChain *chain = g_ptr_array_index (ruleset->chains, i);

      if (chain->input_filter && chain->policy_drop)
        return TRUE;
    }
  return FALSE;
}

/* The handles of the rules in @ruleset that carry @tag. */
static GStrv
find_tagged (const PortierNftRuleset *ruleset,
             const char              *tag)
{
  g_autoptr(GStrvBuilder) handles = g_strv_builder_new ();

  for (guint i = 0; i < ruleset->chains->len; i++)
    {
      const PortierNftChain *chain = g_ptr_array_index (ruleset->chains, i);

      if (!chain->names_usable)
        continue;
      for (guint r = 0; r < chain->rules->len; r++)
        {
          const PortierNftRule *rule = g_ptr_array_index (chain->rules, r);

          if (g_strcmp0 (rule->comment, tag) == 0)
            {
              g_autofree char *handle = g_strdup_printf ("%s %s %s %" G_GUINT64_FORMAT,
                                                         chain->family, chain->table,
                                                         chain->name, rule->handle);
              g_strv_builder_add (handles, handle);
            }
        }
    }
  return g_strv_builder_end (handles);
}

static gboolean
open_port (PortierBackend     *backend,
           PortierRule        *rule,
           PortierOpenStatus  *status,
           GError            **error)
{
  const char * const argv[] = { "nft", "-f", "-", NULL };
  g_autoptr(PortierNftRuleset) ruleset = NULL;
  g_autoptr(PortierNftRuleset) after = NULL;
  g_autoptr(GPtrArray) blocking = NULL;
  g_autoptr(GString) script = g_string_new (NULL);
  g_autofree char *tag = portier_rule_get_tag (rule);
  g_autofree char *ports = portier_helper_format_ports (rule->first, rule->last);
  PortierPortSpec spec = { rule->first, rule->last, rule->protocol };
  g_auto(GStrv) handles = NULL;

  ruleset = list_ruleset (error);
  if (ruleset == NULL)
    return FALSE;

  blocking = portier_nft_ruleset_blocking (ruleset, &spec);
  if (blocking->len == 0)
    {
      *status = any_policy_drop (ruleset) ? PORTIER_OPEN_ALREADY_OPEN : PORTIER_OPEN_NOT_NEEDED;
      return TRUE;
    }

  for (guint i = 0; i < blocking->len; i++)
    {
      const PortierNftChain *chain = g_ptr_array_index (blocking, i);

      const PortierNftRule *drop;

      if (chain->iptables)
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_IPTABLES,
                       "Table %s %s, which blocks the port, is managed by iptables-nft",
                       chain->family, chain->table);
          return FALSE;
        }
      if (!chain->names_usable)
        {
          g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                       "The chain that blocks the port has a name Portier does not handle");
          return FALSE;
        }
      /* Right before the rule that would drop it, or at the end. */
      drop = portier_nft_chain_first_drop (chain, &spec);
      if (drop != NULL)
        g_string_append_printf (script, "insert rule %s %s %s position %" G_GUINT64_FORMAT,
                                chain->family, chain->table, chain->name, drop->handle);
      else
        g_string_append_printf (script, "add rule %s %s %s",
                                chain->family, chain->table, chain->name);
      g_string_append_printf (script, " %s dport %s accept comment \"%s\"\n",
                              portier_protocol_to_string (rule->protocol), ports, tag);
    }

  /* One transaction: every chain gets its rule, or none does. */
  g_debug ("nft: %s", script->str);
  if (!run_nft (argv, script->str, NULL, NULL, error))
    return FALSE;

  after = list_ruleset (error);
  if (after == NULL)
    return FALSE;
  handles = find_tagged (after, tag);
  if (g_strv_length (handles) != blocking->len)
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                   "nft took the rule, but %u of %u rules are in place",
                   g_strv_length (handles), blocking->len);
      /* take back what did arrive */
      g_strfreev (rule->nft_handles);
      rule->nft_handles = g_steal_pointer (&handles);
      PORTIER_BACKEND_GET_IFACE (backend)->close (backend, rule, NULL);
      g_clear_pointer (&rule->nft_handles, g_strfreev);
      return FALSE;
    }

  g_strfreev (rule->nft_handles);
  rule->nft_handles = g_steal_pointer (&handles);
  *status = PORTIER_OPEN_OPENED;
  return TRUE;
}

/* The recorded handles whose rule is still there and still carries @tag. */
static GStrv
present_handles (const PortierNftRuleset *ruleset,
                 const PortierRule       *rule)
{
  g_autoptr(GStrvBuilder) present = g_strv_builder_new ();
  g_autofree char *tag = portier_rule_get_tag (rule);

  if (rule->nft_handles == NULL)
    return g_strv_builder_end (present);

  for (guint i = 0; rule->nft_handles[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      const PortierNftChain *chain;
      const PortierNftRule *found;
      guint64 handle;

      if (!portier_rule_check_nft_handle (rule->nft_handles[i]))
        continue;
      parts = g_strsplit (rule->nft_handles[i], " ", 4);
      chain = portier_nft_ruleset_find_chain (ruleset, parts[0], parts[1], parts[2]);
      if (chain == NULL ||
          !g_ascii_string_to_unsigned (parts[3], 10, 1, G_MAXUINT32, &handle, NULL))
        continue;
      found = portier_nft_chain_find_handle (chain, handle);
      if (found == NULL)
        continue;
      if (g_strcmp0 (found->comment, tag) != 0)
        {
          g_warning ("nftables rule %s is not the one Portier made; leaving it alone",
                     rule->nft_handles[i]);
          continue;
        }
      g_strv_builder_add (present, rule->nft_handles[i]);
    }
  return g_strv_builder_end (present);
}

static gboolean
close_port (PortierBackend     *backend,
            const PortierRule  *rule,
            GError            **error)
{
  const char * const argv[] = { "nft", "-f", "-", NULL };
  g_autoptr(PortierNftRuleset) ruleset = list_ruleset (error);
  g_autoptr(GString) script = g_string_new (NULL);
  g_auto(GStrv) present = NULL;

  if (ruleset == NULL)
    return FALSE;

  present = present_handles (ruleset, rule);
  for (guint i = 0; present[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (present[i], " ", 4);

      g_string_append_printf (script, "delete rule %s %s %s handle %s\n",
                              parts[0], parts[1], parts[2], parts[3]);
    }

  if (script->len == 0)
    {
      g_debug ("nftables rules of %s are already gone", rule->id);
      return TRUE;
    }

  g_debug ("nft: %s", script->str);
  return run_nft (argv, script->str, NULL, NULL, error);
}

static gboolean
exists (PortierBackend     *backend,
        const PortierRule  *rule,
        gboolean           *out_exists,
        GError            **error)
{
  g_autoptr(PortierNftRuleset) ruleset = list_ruleset (error);
  g_auto(GStrv) present = NULL;

  if (ruleset == NULL)
    return FALSE;

  present = present_handles (ruleset, rule);
  *out_exists = present[0] != NULL;
  return TRUE;
}

static void
portier_backend_iface_init (PortierBackendInterface *iface)
{
  iface->get_name = get_name;
  iface->query = query;
  iface->open = open_port;
  iface->close = close_port;
  iface->exists = exists;
}

static void
portier_backend_nftables_class_init (PortierBackendNftablesClass *klass)
{
}

static void
portier_backend_nftables_init (PortierBackendNftables *self)
{
}

PortierBackendNftables *
portier_backend_nftables_new (void)
{
  return g_object_new (PORTIER_TYPE_BACKEND_NFTABLES, NULL);
}

/**
 * portier_backend_nftables_filters_input:
 *
 * Returns: whether some base chain filters incoming connections. %FALSE with
 *   %PORTIER_ERROR_FIREWALL_UNAVAILABLE when nft is not installed.
 */
gboolean
portier_backend_nftables_filters_input (PortierBackendNftables  *self,
                                        GError                 **error)
{
  g_autoptr(PortierNftRuleset) ruleset = NULL;
  g_autofree char *nft = portier_helper_find_program ("nft");

  if (nft == NULL)
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_UNAVAILABLE,
                           "nft is not installed");
      return FALSE;
    }

  ruleset = list_ruleset (error);
  if (ruleset == NULL)
    return FALSE;
  return portier_nft_ruleset_count_input (ruleset) > 0;
}
