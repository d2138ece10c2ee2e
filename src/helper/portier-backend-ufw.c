/* portier-backend-ufw.c: ufw, changed with the ufw command
 *
 * The helper adds `ufw allow PORTS/PROTO comment portier:<id>` and removes exactly that
 * rule with `ufw delete` and the same comment (ufw deletes only an exact match, comment
 * included). Before adding, it reads ufw's own record of rules: ufw *replaces* a rule
 * that differs from the new one only in its action or comment, so when a rule made
 * outside Portier has the same ports the helper does not add its own — it reports the
 * port as already open (an allow rule) or refuses (a deny or reject rule that someone
 * chose on purpose).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-helper"

#include "config.h"

#include <string.h>

#include "portier-backend-ufw.h"
#include "portier-error.h"
#include "portier-helper-run.h"
#include "portier-ufw-rules.h"

#define UFW_DEFAULTS "/etc/default/ufw"
#define UFW_RULES "/etc/ufw/user.rules"
#define UFW_RULES6 "/etc/ufw/user6.rules"

struct _PortierBackendUfw
{
  GObject parent_instance;
};

static void portier_backend_iface_init (PortierBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PortierBackendUfw, portier_backend_ufw, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PORTIER_TYPE_BACKEND,
                                                      portier_backend_iface_init))

typedef struct
{
  GPtrArray *v4;
  GPtrArray *v6;        /* NULL when ufw does not handle IPv6 */
  gboolean   default_accept;
} UfwState;

static void
ufw_state_clear (UfwState *state)
{
  g_clear_pointer (&state->v4, g_ptr_array_unref);
  g_clear_pointer (&state->v6, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UfwState, ufw_state_clear)

static gboolean
ipv6_enabled (const char *defaults)
{
  g_auto(GStrv) lines = g_strsplit (defaults != NULL ? defaults : "", "\n", -1);
  gboolean enabled = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "IPV6="))
        enabled = g_str_equal (line, "IPV6=yes") || g_str_equal (line, "IPV6=\"yes\"");
    }
  return enabled;
}

static gboolean
read_state (UfwState  *state,
            GError   **error)
{
  g_autofree char *defaults = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *rules6 = NULL;

  if (!g_file_get_contents (UFW_RULES, &rules, NULL, error))
    return FALSE;
  /* Missing defaults mean ufw's own defaults: deny incoming, IPv6 on. */
  if (!g_file_get_contents (UFW_DEFAULTS, &defaults, NULL, NULL))
    defaults = g_strdup ("IPV6=yes\n");

  state->default_accept = portier_ufw_parse_default_accept (defaults);
  state->v4 = portier_ufw_parse_rules (rules);
  if (ipv6_enabled (defaults))
    {
      if (!g_file_get_contents (UFW_RULES6, &rules6, NULL, error))
        return FALSE;
      state->v6 = portier_ufw_parse_rules (rules6);
    }
  return TRUE;
}

static gboolean
lets_in (const UfwState        *state,
         const PortierPortSpec *spec)
{
  for (guint port = spec->first; port <= spec->last; port++)
    {
      if (!portier_ufw_lets_in (state->v4, state->default_accept, (guint16) port,
                                spec->protocol))
        return FALSE;
      if (state->v6 != NULL &&
          !portier_ufw_lets_in (state->v6, state->default_accept, (guint16) port,
                                spec->protocol))
        return FALSE;
    }
  return TRUE;
}

static gboolean
has_tag (GPtrArray  *tuples,
         const char *tag)
{
  for (guint i = 0; tuples != NULL && i < tuples->len; i++)
    {
      const PortierUfwTuple *tuple = g_ptr_array_index (tuples, i);

      if (g_strcmp0 (tuple->comment, tag) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A rule made outside Portier that ufw would merge ours into, or that denies the port
 * on purpose before ours could let it in. */
static gboolean
find_conflict (GPtrArray             *tuples,
               const PortierPortSpec *spec,
               const char           **what)
{
  for (guint i = 0; tuples != NULL && i < tuples->len; i++)
    {
      const PortierUfwTuple *tuple = g_ptr_array_index (tuples, i);

      if (portier_ufw_tuple_same_ports (tuple, spec))
        {
          *what = "a rule made outside Portier for the same ports";
          return TRUE;
        }
      for (guint port = spec->first; port <= spec->last; port++)
        {
          gboolean unconditional;

          if (portier_ufw_tuple_matches (tuple, (guint16) port, spec->protocol,
                                         &unconditional) &&
              unconditional && (g_str_equal (tuple->action, "deny") ||
                                g_str_equal (tuple->action, "reject")))
            {
              *what = "a rule made outside Portier that denies the port";
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* @rule's ports as the ufw command takes them: `8080/tcp` or `8000:8010/udp`. */
static char *
format_target (const PortierRule *rule)
{
  PortierPortSpec spec = { rule->first, rule->last, rule->protocol };
  g_autofree char *ports = portier_ufw_format_ports (&spec);

  return g_strdup_printf ("%s/%s", ports, portier_protocol_to_string (rule->protocol));
}

static gboolean
run_ufw (const char * const  *argv,
         GError             **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!portier_helper_run (argv, NULL, &out, &err, &status, error))
    return FALSE;

  g_debug ("ufw: %s%s", out != NULL ? out : "", err != NULL ? err : "");
  if (status != 0)
    {
      g_warning ("ufw failed (%d): %s", status, err != NULL ? g_strstrip (err) : "");
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                   "ufw failed: %s", err != NULL ? err : "");
      return FALSE;
    }
  return TRUE;
}

static const char *
get_name (PortierBackend *backend)
{
  return "ufw";
}

static PortierPortStatus
query (PortierBackend         *backend,
       const PortierPortSpec  *spec,
       const char             *zone,
       char                  **out_zone,
       GError                **error)
{
  g_auto(UfwState) state = { 0, };

  if (!read_state (&state, error))
    return PORTIER_PORT_STATUS_UNKNOWN;

  *out_zone = g_strdup ("");
  return lets_in (&state, spec) ? PORTIER_PORT_STATUS_OPEN : PORTIER_PORT_STATUS_BLOCKED;
}

static gboolean
open_port (PortierBackend     *backend,
           PortierRule        *rule,
           PortierOpenStatus  *status,
           GError            **error)
{
  g_auto(UfwState) state = { 0, };
  g_auto(UfwState) after = { 0, };
  PortierPortSpec spec = { rule->first, rule->last, rule->protocol };
  g_autofree char *tag = portier_rule_get_tag (rule);
  g_autofree char *target = format_target (rule);
  const char * const argv[] = { "ufw", "allow", target, "comment", tag, NULL };
  const char *conflict = NULL;

  if (!read_state (&state, error))
    return FALSE;

  if (lets_in (&state, &spec))
    {
      *status = state.default_accept ? PORTIER_OPEN_NOT_NEEDED : PORTIER_OPEN_ALREADY_OPEN;
      return TRUE;
    }

  if (find_conflict (state.v4, &spec, &conflict) || find_conflict (state.v6, &spec, &conflict))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                   "ufw has %s; Portier leaves it alone", conflict);
      return FALSE;
    }

  if (!run_ufw (argv, error))
    return FALSE;

  if (!read_state (&after, error))
    return FALSE;
  if (!has_tag (after.v4, tag) || (after.v6 != NULL && !has_tag (after.v6, tag)))
    {
      g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
                           "ufw did not add the rule");
      PORTIER_BACKEND_GET_IFACE (backend)->close (backend, rule, NULL);
      return FALSE;
    }

  *status = PORTIER_OPEN_OPENED;
  return TRUE;
}

static gboolean
close_port (PortierBackend     *backend,
            const PortierRule  *rule,
            GError            **error)
{
  g_auto(UfwState) state = { 0, };
  g_autofree char *tag = portier_rule_get_tag (rule);
  g_autofree char *target = format_target (rule);
  /* ufw deletes only the rule that matches all of this, the comment included */
  const char * const argv[] = { "ufw", "--force", "delete", "allow", target, "comment", tag,
                                NULL };

  if (!read_state (&state, error))
    return FALSE;

  if (!has_tag (state.v4, tag) && !has_tag (state.v6, tag))
    {
      g_debug ("the ufw rule of %s is already gone", rule->id);
      return TRUE;
    }

  return run_ufw (argv, error);
}

static gboolean
exists (PortierBackend     *backend,
        const PortierRule  *rule,
        gboolean           *out_exists,
        GError            **error)
{
  g_auto(UfwState) state = { 0, };
  g_autofree char *tag = portier_rule_get_tag (rule);

  if (!read_state (&state, error))
    return FALSE;

  *out_exists = has_tag (state.v4, tag) || has_tag (state.v6, tag);
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
portier_backend_ufw_class_init (PortierBackendUfwClass *klass)
{
}

static void
portier_backend_ufw_init (PortierBackendUfw *self)
{
}

PortierBackendUfw *
portier_backend_ufw_new (void)
{
  return g_object_new (PORTIER_TYPE_BACKEND_UFW, NULL);
}

/**
 * portier_backend_ufw_is_active:
 *
 * Returns: whether ufw is installed and switched on. %FALSE without an error when it is
 *   not installed or says it is inactive; an installed ufw that fails (it cannot take
 *   its lock, say) is an error — never "inactive", which would let another backend
 *   change tables ufw owns.
 */
gboolean
portier_backend_ufw_is_active (GError **error)
{
  const char * const argv[] = { "ufw", "status", NULL };
  g_autofree char *ufw = portier_helper_find_program ("ufw");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *said = NULL;
  int status;

  if (ufw == NULL)
    return FALSE;
  if (!portier_helper_run (argv, NULL, &out, &err, &status, error))
    return FALSE;
  if (status == 0 && out != NULL && g_str_has_prefix (out, "Status: active"))
    return TRUE;
  if (status == 0 && out != NULL && g_str_has_prefix (out, "Status: inactive"))
    return FALSE;

  said = err != NULL && err[0] != '\0' ? g_steal_pointer (&err) : g_steal_pointer (&out);
  g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_FIREWALL_FAILED,
               "ufw is installed but does not work (ufw status exited with %d: %s)", status,
               said != NULL ? g_strstrip (said) : "");
  return FALSE;
}
