/* portier-guide.c: the step-by-step guide for when the router will not forward by itself
 *
 * From what the diagnosis found (PortierGuideFacts) and which router this is
 * (PortierRouterIdentity), an ordered list of steps: each with a title, plain sentences,
 * the exact values to type under the names that router gives its fields, and how
 * Portier will check it. The router-specific words come from data/guide/routers.json
 * (portier-router-family.c); the sentences around them are here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-guide"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-guide.h"

#define MAX_FORWARD_NAME 24

static const char * const problem_codes[] = {
  [PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT] = "no-router-support",
  [PORTIER_GUIDE_PROBLEM_ROUTER_REFUSED] = "router-refused",
  [PORTIER_GUIDE_PROBLEM_DOUBLE_NAT] = "double-nat",
  [PORTIER_GUIDE_PROBLEM_CGNAT] = "cgnat",
  [PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS] = "mapping-stale-address",
};

gboolean
portier_guide_problem_from_code (const char          *code,
                                 PortierGuideProblem *problem)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (problem_codes); i++)
    if (g_str_equal (code, problem_codes[i]))
      {
        if (problem != NULL)
          *problem = i;
        return TRUE;
      }
  return FALSE;
}

const char *
portier_guide_problem_to_code (PortierGuideProblem problem)
{
  g_return_val_if_fail (problem < G_N_ELEMENTS (problem_codes), NULL);
  return problem_codes[problem];
}

const char *
portier_guide_step_kind_to_string (PortierGuideStepKind kind)
{
  static const char * const kinds[] = {
    "explain", "open-settings", "reserve-address", "enable-upnp", "forward",
    "fix-forward", "bridge-mode", "forward-outer", "ipv6", "allow-ipv6", "ask-provider",
    "relay",
  };

  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind];
}

const char *
portier_guide_check_to_string (PortierGuideCheck check)
{
  static const char * const checks[] = {
    "none", "address", "router", "reachable-ipv4", "reachable-ipv6", "diagnose",
  };

  g_return_val_if_fail (check < G_N_ELEMENTS (checks), NULL);
  return checks[check];
}

/* ---- the facts ------------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (PortierGuideFacts, portier_guide_facts,
                     portier_guide_facts_copy, portier_guide_facts_free)

PortierGuideFacts *
portier_guide_facts_new (PortierGuideProblem    problem,
                         const PortierPortSpec *port,
                         const char            *local_address,
                         const char            *gateway_address)
{
  PortierGuideFacts *self = g_new0 (PortierGuideFacts, 1);

  self->problem = problem;
  self->port = port != NULL ? portier_port_spec_copy (port) : NULL;
  self->local_address = g_strdup (local_address);
  self->gateway_address = g_strdup (gateway_address);
  return self;
}

PortierGuideFacts *
portier_guide_facts_copy (const PortierGuideFacts *self)
{
  PortierGuideFacts *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = portier_guide_facts_new (self->problem, self->port, self->local_address,
                                  self->gateway_address);
  copy->app_name = g_strdup (self->app_name);
  copy->router_wan_address = g_strdup (self->router_wan_address);
  copy->outer_address = g_strdup (self->outer_address);
  copy->outer_vendor = g_strdup (self->outer_vendor);
  copy->old_address = g_strdup (self->old_address);
  copy->ipv6_address = g_strdup (self->ipv6_address);
  copy->router_takes_pinholes = self->router_takes_pinholes;
  return copy;
}

void
portier_guide_facts_free (PortierGuideFacts *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->port, portier_port_spec_free);
  g_free (self->local_address);
  g_free (self->gateway_address);
  g_free (self->app_name);
  g_free (self->router_wan_address);
  g_free (self->outer_address);
  g_free (self->outer_vendor);
  g_free (self->old_address);
  g_free (self->ipv6_address);
  g_free (self);
}

static gboolean
is_address (const char     *text,
            GSocketFamily   family)
{
  g_autoptr(GInetAddress) address = NULL;

  address = text != NULL ? g_inet_address_new_from_string (text) : NULL;
  return address != NULL
         && (family == G_SOCKET_FAMILY_INVALID || g_inet_address_get_family (address) == family);
}

static gboolean
check_address (const char     *text,
               gboolean        required,
               GSocketFamily   family,
               const char     *what,
               GError        **error)
{
  if (text == NULL && !required)
    return TRUE;
  if (is_address (text, family))
    return TRUE;
  g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
               "The guide needs %s as an IP address, not “%s”", what, text ? text : "");
  return FALSE;
}

/* Whether the facts are enough for the problem's steps. */
gboolean
portier_guide_facts_validate (const PortierGuideFacts  *self,
                              GError                  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->problem >= G_N_ELEMENTS (problem_codes))
    {
      g_set_error (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                   "The guide has no steps for problem %d", self->problem);
      return FALSE;
    }
  if (self->port == NULL
      || !portier_port_spec_validate (self->port->first, self->port->last,
                                      self->port->protocol, error))
    {
      if (self->port == NULL)
        g_set_error_literal (error, PORTIER_ERROR, PORTIER_ERROR_INVALID_ARGUMENT,
                             "The guide needs the port");
      return FALSE;
    }
  return check_address (self->local_address, TRUE, G_SOCKET_FAMILY_IPV4,
                        "this computer's IPv4 address", error)
         && check_address (self->gateway_address, TRUE, G_SOCKET_FAMILY_INVALID,
                           "the gateway's address", error)
         && check_address (self->router_wan_address, FALSE, G_SOCKET_FAMILY_IPV4,
                           "the router's internet address", error)
         && check_address (self->outer_address,
                           self->problem == PORTIER_GUIDE_PROBLEM_DOUBLE_NAT,
                           G_SOCKET_FAMILY_IPV4, "the outer box's address", error)
         && check_address (self->old_address,
                           self->problem == PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS,
                           G_SOCKET_FAMILY_IPV4, "the forward's old address", error)
         && check_address (self->ipv6_address, FALSE, G_SOCKET_FAMILY_IPV6,
                           "this computer's IPv6 address", error);
}

/* ---- values and steps ---------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (PortierGuideValue, portier_guide_value,
                     portier_guide_value_copy, portier_guide_value_free)

PortierGuideValue *
portier_guide_value_new (const char *field,
                         const char *value)
{
  PortierGuideValue *self = g_new0 (PortierGuideValue, 1);

  self->field = g_strdup (field);
  self->value = g_strdup (value);
  return self;
}

PortierGuideValue *
portier_guide_value_copy (const PortierGuideValue *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return portier_guide_value_new (self->field, self->value);
}

void
portier_guide_value_free (PortierGuideValue *self)
{
  if (self == NULL)
    return;
  g_free (self->field);
  g_free (self->value);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (PortierGuideStep, portier_guide_step,
                     portier_guide_step_copy, portier_guide_step_free)

static PortierGuideStep *
step_new (PortierGuideStepKind  kind,
          const char           *title,
          char                 *text,
          PortierGuideCheck     check,
          char                 *check_text)
{
  PortierGuideStep *self = g_new0 (PortierGuideStep, 1);

  self->kind = kind;
  self->title = g_strdup (title);
  self->text = text;
  self->values = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_guide_value_free);
  self->check = check;
  self->check_text = check_text;
  return self;
}

static void
step_add_value (PortierGuideStep *self,
                const char       *field,
                const char       *value)
{
  if (field != NULL && value != NULL)
    g_ptr_array_add (self->values, portier_guide_value_new (field, value));
}

PortierGuideStep *
portier_guide_step_copy (const PortierGuideStep *self)
{
  PortierGuideStep *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = step_new (self->kind, self->title, g_strdup (self->text), self->check,
                   g_strdup (self->check_text));
  for (guint i = 0; i < self->values->len; i++)
    g_ptr_array_add (copy->values, portier_guide_value_copy (g_ptr_array_index (self->values,
                                                                                 i)));
  return copy;
}

void
portier_guide_step_free (PortierGuideStep *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->text);
  g_ptr_array_unref (self->values);
  g_free (self->check_text);
  g_free (self);
}

/* ---- the guide ----------------------------------------------------------------------- */

struct _PortierGuide
{
  GObject                parent_instance;

  PortierGuideFacts     *facts;
  PortierRouterIdentity *router;
  GPtrArray             *steps;

  /* Made once from the facts, for the sentences. */
  char                  *ports;          /* 25565 or 2456-2458 */
  char                  *forward_name;   /* a name for the forward, that routers take */
};

G_DEFINE_FINAL_TYPE (PortierGuide, portier_guide, G_TYPE_OBJECT)

static void
portier_guide_finalize (GObject *object)
{
  PortierGuide *self = PORTIER_GUIDE (object);

  portier_guide_facts_free (self->facts);
  portier_router_identity_free (self->router);
  g_ptr_array_unref (self->steps);
  g_free (self->ports);
  g_free (self->forward_name);

  G_OBJECT_CLASS (portier_guide_parent_class)->finalize (object);
}

static void
portier_guide_class_init (PortierGuideClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = portier_guide_finalize;
}

static void
portier_guide_init (PortierGuide *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) portier_guide_step_free);
}

static const char *
text_of (PortierGuide      *self,
         PortierRouterText  text)
{
  return portier_router_family_get_text (self->router->family, text);
}

/* "your router", or its name when known. */
static char *
router_name (PortierGuide *self)
{
  const PortierRouterFamily *family = self->router->family;

  if (portier_router_family_is_generic (family))
    {
      if (self->router->model != NULL)
        return g_strdup (self->router->model);
      /* TRANSLATORS: stands for the router's name in the guide's sentences when Portier
       * does not know which router it is */
      return g_strdup (_("your router"));
    }
  if (self->router->model != NULL
      && strstr (self->router->model, portier_router_family_get_name (family)) != NULL)
    return g_strdup (self->router->model);
  return g_strdup (portier_router_family_get_name (family));
}

/* A name for the forward: the app's first word (or Portier) and the port, in the few
 * characters every router takes. */
static char *
make_forward_name (const PortierGuideFacts *facts)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const char *app = facts->app_name;

  for (const char *p = app; p != NULL && *p != '\0' && name->len < 12; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (name, *p);
      else if (name->len > 0)
        break;
    }
  if (name->len == 0)
    g_string_append (name, PACKAGE_NAME);
  g_string_append_printf (name, "-%u", facts->port->first);
  g_string_truncate (name, MIN (name->len, MAX_FORWARD_NAME));
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static const char *
protocol_value (PortierGuide    *self,
                PortierProtocol  protocol)
{
  if (protocol == PORTIER_PROTOCOL_TCP)
    return "TCP";
  if (protocol == PORTIER_PROTOCOL_UDP)
    return "UDP";
  return text_of (self, PORTIER_ROUTER_TEXT_PROTOCOL_BOTH);
}

static char *
check_reachable_text (PortierGuide *self,
                      gboolean      ipv6)
{
  g_autofree char *spec = portier_port_spec_to_string (self->facts->port);

  if (ipv6)
    /* TRANSLATORS: how the guide checks a step; %s is a port such as 25565/tcp */
    return g_strdup_printf (_("Portier tests from the internet whether port %s answers over "
                              "IPv6."), spec);
  /* TRANSLATORS: how the guide checks a step; %s is a port such as 25565/tcp */
  return g_strdup_printf (_("Portier tests from the internet whether port %s answers."), spec);
}

static void
add_open_settings (PortierGuide *self)
{
  const char *app = text_of (self, PORTIER_ROUTER_TEXT_ADMIN_APP);
  const char *family_url = portier_router_family_get_admin_url (self->router->family);
  g_autofree char *name = router_name (self);
  PortierGuideStep *step;
  char *text;

  if (app != NULL)
    text = g_strdup_printf (
      /* TRANSLATORS: the first %s is a router's name, the second the phone app it is
       * set up with, such as “Google Home app” */
      _("%s is set up with the %s on your phone. Open it and sign in with the account you "
        "set the router up with."), name, app);
  else
    text = g_strdup_printf (
      /* TRANSLATORS: %s is the router's name or “your router” */
      _("On this computer, open a web browser and type the address below into its address "
        "bar to reach the settings of %s. Sign in with the router's password: it is often "
        "printed on a sticker on the router, unless you chose your own when you set it "
        "up."), name);
  /* TRANSLATORS: the title of a step of the guide */
  step = step_new (PORTIER_GUIDE_STEP_OPEN_SETTINGS, _("Open your router's settings"), text,
                   PORTIER_GUIDE_CHECK_NONE,
                   g_strdup (_("Nothing to check yet: go on when you see the router's "
                               "settings.")));
  /* TRANSLATORS: the name of a value to type: a web address */
  step_add_value (step, _("Address"), self->router->admin_url);
  if (family_url != NULL && self->router->admin_url != NULL
      && g_str_equal (family_url, self->router->admin_url))
    {
      g_autofree char *fallback = NULL;

      if (strchr (self->facts->gateway_address, ':') != NULL)
        fallback = g_strdup_printf ("http://[%s]/", self->facts->gateway_address);
      else
        fallback = g_strdup_printf ("http://%s/", self->facts->gateway_address);

      /* TRANSLATORS: the name of a value to type: the settings page's address when the
       * router's own name for it does not work */
      step_add_value (step, _("Or, if that does not open"), fallback);
    }
  g_ptr_array_add (self->steps, step);
}

static void
add_reserve (PortierGuide *self)
{
  PortierGuideStep *step;
  char *text;

  text = g_strdup_printf (
    /* TRANSLATORS: the first %s is this computer's address (192.168.1.20); the second a
     * sentence that says where the router keeps addresses for devices */
    _("Your router gave this computer the address %s. It may give it another one later, "
      "and then a forward would lead to the wrong place. Ask the router to keep this "
      "address for this computer: %s"),
    self->facts->local_address, text_of (self, PORTIER_ROUTER_TEXT_RESERVE));
  /* TRANSLATORS: the title of a step of the guide (a DHCP reservation) */
  step = step_new (PORTIER_GUIDE_STEP_RESERVE_ADDRESS, _("Keep this computer's address"),
                   text, PORTIER_GUIDE_CHECK_ADDRESS,
                   /* TRANSLATORS: how the guide checks a step; %s is an address */
                   g_strdup_printf (_("Portier checks that this computer still has the "
                                      "address %s."), self->facts->local_address));
  /* TRANSLATORS: the name of a value: this computer's address in the home network */
  step_add_value (step, _("This computer"), self->facts->local_address);
  g_ptr_array_add (self->steps, step);
}

static void
add_enable_upnp (PortierGuide *self,
                 gboolean      refused)
{
  const char *how = text_of (self, PORTIER_ROUTER_TEXT_UPNP);
  g_autofree char *spec = portier_port_spec_to_string (self->facts->port);
  PortierGuideStep *step;
  char *text;

  if (how == NULL)
    return;
  if (refused)
    text = g_strdup_printf (
      /* TRANSLATORS: %s says how to switch UPnP on for this router */
      _("Your router answers Portier but does not let it forward the port. Many routers "
        "allow it only when UPnP is fully on, or only for some devices. %s Then choose "
        "“Check again”: Portier asks the router once more. If it still refuses, forward "
        "the port by hand in the next step."), how);
  else
    text = g_strdup_printf (
      /* TRANSLATORS: %s says how to switch UPnP on for this router */
      _("The easiest way: let Portier forward the port itself, and remove the forward "
        "again when you close the port. For that, the router's “UPnP” must be on. %s "
        "Then choose “Check again”. If your router has no such setting, forward the port "
        "by hand in the next step."), how);
  step = step_new (PORTIER_GUIDE_STEP_ENABLE_UPNP,
                   refused ? _("Allow this computer to open ports")
                           /* TRANSLATORS: the title of a step of the guide */
                           : _("Let Portier forward the port itself"),
                   text, PORTIER_GUIDE_CHECK_ROUTER,
                   /* TRANSLATORS: how the guide checks a step; %s is a port, 25565/tcp */
                   g_strdup_printf (_("Portier asks the router again to forward port %s."),
                                    spec));
  g_ptr_array_add (self->steps, step);
}

/* The values of a forward, under @family's names for the fields. */
static void
add_forward_values (PortierGuide              *self,
                    PortierGuideStep          *step,
                    const PortierRouterFamily *family,
                    const char                *address,
                    PortierProtocol            protocol)
{
  const char *protocol_text;

#define FIELD(which) portier_router_family_get_text (family, PORTIER_ROUTER_TEXT_FIELD_ ## which)
  if (protocol == PORTIER_PROTOCOL_BOTH)
    protocol_text = portier_router_family_get_text (family, PORTIER_ROUTER_TEXT_PROTOCOL_BOTH);
  else
    protocol_text = protocol == PORTIER_PROTOCOL_TCP ? "TCP" : "UDP";
  step_add_value (step, FIELD (NAME), self->forward_name);
  step_add_value (step, FIELD (EXTERNAL_PORT), self->ports);
  step_add_value (step, FIELD (ADDRESS), address);
  step_add_value (step, FIELD (INTERNAL_PORT), self->ports);
  step_add_value (step, FIELD (PROTOCOL), protocol_text);
#undef FIELD
}

/* The protocols a router needs a forward each for: one, or TCP and UDP apart when it
 * has no word for both. */
static guint
forward_protocols (const PortierRouterFamily *family,
                   PortierProtocol            protocol,
                   PortierProtocol            out[2])
{
  if (protocol != PORTIER_PROTOCOL_BOTH
      || portier_router_family_get_text (family, PORTIER_ROUTER_TEXT_PROTOCOL_BOTH) != NULL)
    {
      out[0] = protocol;
      return 1;
    }
  out[0] = PORTIER_PROTOCOL_TCP;
  out[1] = PORTIER_PROTOCOL_UDP;
  return 2;
}

static void
add_forward (PortierGuide *self)
{
  PortierProtocol protocols[2];
  guint n = forward_protocols (self->router->family, self->facts->port->protocol, protocols);

  for (guint i = 0; i < n; i++)
    {
      PortierGuideStep *step;
      char *text;

      text = g_strdup_printf (
        /* TRANSLATORS: the first %s is where the router keeps its port forwards (a menu
         * path); the second says how to add one, the third how to save it (sentences) */
        _("Go to %s. %s Type in the values below. %s"),
        text_of (self, PORTIER_ROUTER_TEXT_WHERE), text_of (self, PORTIER_ROUTER_TEXT_ADD),
        text_of (self, PORTIER_ROUTER_TEXT_SAVE));
      step = step_new (PORTIER_GUIDE_STEP_FORWARD,
                       n == 1 ? _("Forward the port by hand")
                              : protocols[i] == PORTIER_PROTOCOL_TCP
                                /* TRANSLATORS: the title of a step of the guide, when the
                                 * router needs one forward for TCP and one for UDP */
                                ? _("Forward the port by hand, for TCP")
                                : _("Forward the port by hand, for UDP"),
                       text,
                       i + 1 == n ? PORTIER_GUIDE_CHECK_REACHABLE_IPV4 : PORTIER_GUIDE_CHECK_NONE,
                       i + 1 == n ? check_reachable_text (self, FALSE)
                                  : g_strdup (_("Portier checks after the next step.")));
      add_forward_values (self, step, self->router->family, self->facts->local_address,
                          protocols[i]);
      g_ptr_array_add (self->steps, step);
    }
}

static void
build_no_router_support (PortierGuide *self,
                         gboolean      refused)
{
  /* The easiest way first: with UPnP on, Portier forwards (and follows this computer's
   * address) itself, and the rest is not needed. */
  add_open_settings (self);
  add_enable_upnp (self, refused);
  add_reserve (self);
  add_forward (self);
}

static void
build_double_nat (PortierGuide *self)
{
  const PortierGuideFacts *facts = self->facts;
  const PortierRouterFamily *outer_family = NULL;
  g_autofree char *name = router_name (self);
  g_autofree char *outer_url = g_strdup_printf ("http://%s/", facts->outer_address);
  PortierGuideStep *step;
  char *text;

  if (facts->outer_vendor != NULL)
    text = g_strdup_printf (
      /* TRANSLATORS: the first %s is the router's name (or “your router”), the second
       * the address of the box in front of it, the third that box's maker */
      _("%s reaches the internet through another box, at %s (made by %s), usually your "
        "provider's modem-router. Both translate addresses, so a forward on your router "
        "alone is not enough. There are two ways: make the outer box a plain modem, or "
        "forward the port on both boxes."), name, facts->outer_address, facts->outer_vendor);
  else
    text = g_strdup_printf (
      /* TRANSLATORS: the first %s is the router's name (or “your router”), the second
       * the address of the box in front of it */
      _("%s reaches the internet through another box, at %s, usually your provider's "
        "modem-router. Both translate addresses, so a forward on your router alone is not "
        "enough. There are two ways: make the outer box a plain modem, or forward the port "
        "on both boxes."), name, facts->outer_address);
  /* TRANSLATORS: the title of a step of the guide (double NAT) */
  step = step_new (PORTIER_GUIDE_STEP_EXPLAIN, _("There are two routers in the way"), text,
                   PORTIER_GUIDE_CHECK_NONE, g_strdup (_("Nothing to check: read on.")));
  /* TRANSLATORS: the name of a value: the address of the box in front of the router */
  step_add_value (step, _("The outer box"), facts->outer_address);
  /* TRANSLATORS: the name of a value: the address of the person's own router */
  step_add_value (step, _("Your router"), facts->gateway_address);
  g_ptr_array_add (self->steps, step);

  /* TRANSLATORS: the title of a step of the guide (double NAT) */
  step = step_new (PORTIER_GUIDE_STEP_BRIDGE_MODE, _("Way 1: make the outer box a plain modem"),
                   g_strdup (_("Open the outer box's settings: type the address below into a "
                               "web browser and sign in. Look for “Bridge mode”, “Modem "
                               "mode” or “IP passthrough” and switch it on; on some boxes "
                               "only the provider can, so ask them. Then restart your own "
                               "router: it gets the internet address itself, and Portier "
                               "can forward ports there again.")),
                   PORTIER_GUIDE_CHECK_DIAGNOSE,
                   g_strdup (_("Portier checks again whether a second router is still in "
                               "the way.")));
  step_add_value (step, _("Address"), outer_url);
  g_ptr_array_add (self->steps, step);

  /* The outer box's field names when its maker is one the guide knows. */
  outer_family = portier_router_family_match (PORTIER_ROUTER_MATCH_UPNP, facts->outer_vendor);
  if (outer_family == NULL)
    outer_family = portier_router_family_generic ();
  if (facts->router_wan_address != NULL)
    text = g_strdup_printf (
      /* TRANSLATORS: the first %s is a web address, the second where that box keeps its
       * port forwards; the third the person's router's address on the outer network */
      _("In the outer box's settings (%s), go to %s. Forward the port to your own router, "
        "which has the address %s there. Type in the values below and save."),
      outer_url, portier_router_family_get_text (outer_family, PORTIER_ROUTER_TEXT_WHERE),
      facts->router_wan_address);
  else
    text = g_strdup_printf (
      /* TRANSLATORS: the first %s is a web address, the second where that box keeps its
       * port forwards */
      _("In the outer box's settings (%s), go to %s. Forward the port to your own router: "
        "type the address your router shows as its internet or WAN address on its status "
        "page, and the values below, and save."),
      outer_url, portier_router_family_get_text (outer_family, PORTIER_ROUTER_TEXT_WHERE));
  /* TRANSLATORS: the title of a step of the guide (double NAT) */
  step = step_new (PORTIER_GUIDE_STEP_FORWARD_OUTER, _("Way 2: forward the port on the outer box"),
                   text, PORTIER_GUIDE_CHECK_NONE,
                   g_strdup (_("Portier checks when both forwards are there, after the "
                               "steps on your own router.")));
  {
    PortierProtocol protocols[2];
    guint n = forward_protocols (outer_family, facts->port->protocol, protocols);

    /* A box without a word for both protocols gets two forwards with the same values. */
    add_forward_values (self, step, outer_family, facts->router_wan_address,
                        n == 1 ? protocols[0] : facts->port->protocol == PORTIER_PROTOCOL_BOTH
                                                ? PORTIER_PROTOCOL_TCP : facts->port->protocol);
    if (n == 2)
      /* TRANSLATORS: the name of a value: on a router that needs TCP and UDP apart */
      step_add_value (step, _("And once more with"), "UDP");
  }
  g_ptr_array_add (self->steps, step);

  add_open_settings (self);
  add_reserve (self);
  add_forward (self);
}

static void
build_cgnat (PortierGuide *self)
{
  const PortierGuideFacts *facts = self->facts;
  g_autofree char *spec = portier_port_spec_to_string (facts->port);
  const char *protocol = facts->port->protocol == PORTIER_PROTOCOL_BOTH
                         /* TRANSLATORS: a protocol value, for a port open for both */
                         ? _("TCP and UDP") : protocol_value (self, facts->port->protocol);
  g_autofree char *words = NULL;
  PortierGuideStep *step;
  char *text;

  if (facts->router_wan_address != NULL)
    text = g_strdup_printf (
      /* TRANSLATORS: %s is the router's own internet address, such as 100.64.9.1 */
      _("Your router's internet address (%s) is not a public one: your internet provider "
        "puts many customers behind one shared address (this is called carrier-grade "
        "NAT). No setting on your router can forward a port through it. Here are the ways "
        "out, best first."), facts->router_wan_address);
  else
    text = g_strdup (_("Your router has no public internet address: your internet provider "
                       "puts many customers behind one shared address (this is called "
                       "carrier-grade NAT). No setting on your router can forward a port "
                       "through it. Here are the ways out, best first."));
  /* TRANSLATORS: the title of a step of the guide (carrier-grade NAT) */
  step = step_new (PORTIER_GUIDE_STEP_EXPLAIN, _("Your provider shares one internet address"),
                   text, PORTIER_GUIDE_CHECK_NONE, g_strdup (_("Nothing to check: read on.")));
  /* TRANSLATORS: the name of a value: the router's own (shared) internet address */
  step_add_value (step, _("Your router's internet address"), facts->router_wan_address);
  /* TRANSLATORS: the name of a value: this computer's address in the home network */
  step_add_value (step, _("This computer"), facts->local_address);
  /* TRANSLATORS: the name of a value: the port number(s) */
  step_add_value (step, _("Port"), self->ports);
  /* TRANSLATORS: the name of a value: TCP, UDP or both */
  step_add_value (step, _("Protocol"), protocol);
  g_ptr_array_add (self->steps, step);

  if (facts->ipv6_address != NULL)
    {
      g_autofree char *share = g_strdup_printf ("[%s]:%s", facts->ipv6_address, self->ports);

      if (facts->router_takes_pinholes)
        {
          /* TRANSLATORS: the title of a step of the guide */
          step = step_new (PORTIER_GUIDE_STEP_IPV6, _("Use IPv6 instead"),
                           g_strdup_printf (
                             /* TRANSLATORS: %s is a port such as 25565/tcp */
                             _("This computer has its own IPv6 internet address, and your "
                               "router lets Portier open ports for it. Choose “Check "
                               "again”: Portier opens port %s over IPv6 and tests it from "
                               "the internet. Share the address below; the people who "
                               "connect need IPv6 too (most mobile networks and many home "
                               "connections have it)."), spec),
                           PORTIER_GUIDE_CHECK_REACHABLE_IPV6,
                           check_reachable_text (self, TRUE));
        }
      else
        {
          /* TRANSLATORS: the title of a step of the guide */
          step = step_new (PORTIER_GUIDE_STEP_ALLOW_IPV6, _("Allow IPv6 connections in your router"),
                           g_strdup_printf (
                             /* TRANSLATORS: %s says where this router allows incoming
                              * IPv6 connections */
                             _("This computer has its own IPv6 internet address, but your "
                               "router does not let Portier open ports for it. %s Then "
                               "choose “Check again”. The people who connect need IPv6 "
                               "too."), text_of (self, PORTIER_ROUTER_TEXT_IPV6)),
                           PORTIER_GUIDE_CHECK_REACHABLE_IPV6,
                           check_reachable_text (self, TRUE));
          /* TRANSLATORS: the name of a value: this computer's IPv6 address */
          step_add_value (step, _("This computer's IPv6 address"), facts->ipv6_address);
          step_add_value (step, text_of (self, PORTIER_ROUTER_TEXT_FIELD_INTERNAL_PORT),
                          self->ports);
          step_add_value (step, text_of (self, PORTIER_ROUTER_TEXT_FIELD_PROTOCOL), protocol);
        }
      /* TRANSLATORS: the name of a value: the address and port to give to friends */
      step_add_value (step, _("The address to share"), share);
      g_ptr_array_add (self->steps, step);
    }

  if (facts->router_wan_address != NULL)
    words = g_strdup_printf (
      /* TRANSLATORS: words to say to the internet provider on the phone; %s is the
       * router's shared internet address */
      _("Hello, my internet connection is behind carrier-grade NAT: my router gets the "
        "shared address %s. Please give my connection a public IPv4 address, not a shared "
        "one, so that I can reach my own computer from the internet. If that is not "
        "possible, does my connection have IPv6?"), facts->router_wan_address);
  else
    words = g_strdup (_("Hello, my internet connection is behind carrier-grade NAT: my "
                        "router gets a shared address. Please give my connection a public "
                        "IPv4 address, not a shared one, so that I can reach my own "
                        "computer from the internet. If that is not possible, does my "
                        "connection have IPv6?"));
  /* TRANSLATORS: the title of a step of the guide */
  step = step_new (PORTIER_GUIDE_STEP_ASK_PROVIDER, _("Ask your provider for a public IPv4 address"),
                   g_strdup (_("Call or write to your internet provider and ask for a public "
                               "IPv4 address. Some do it for free, some for a monthly fee; "
                               "they may call it “public IP”, “dedicated IP” or “full IPv4”. "
                               "You can use the words below. Once they have switched it, "
                               "restart your router and run this guide again.")),
                   PORTIER_GUIDE_CHECK_DIAGNOSE,
                   g_strdup (_("Portier checks again whether your router has a public "
                               "address.")));
  /* TRANSLATORS: the name of a value: the words to say to the provider */
  step_add_value (step, _("What to say"), words);
  g_ptr_array_add (self->steps, step);

  /* TRANSLATORS: the title of a step of the guide */
  step = step_new (PORTIER_GUIDE_STEP_RELAY, _("Or use a tunnel or relay service"),
                   g_strdup_printf (
                     /* TRANSLATORS: the first %s is a port (25565/tcp), the second this
                      * computer's address */
                     _("A tunnel or relay service gives you a public address on a server "
                       "on the internet and passes what arrives there on to this computer, "
                       "through a connection this computer opens itself, so it works behind "
                       "any router. Everything then goes through someone else's server: it "
                       "adds delay, and you have to trust that service. Some apps and games "
                       "have such a relay built in; look for “relay”, “tunnel” or “invite "
                       "link” in their settings first. Otherwise set the service up to pass "
                       "port %s on to this computer, %s."), spec, facts->local_address),
                   PORTIER_GUIDE_CHECK_NONE,
                   g_strdup (_("Portier cannot test a relay: connect through the address "
                               "the service gives you.")));
  step_add_value (step, _("This computer"), facts->local_address);
  step_add_value (step, _("Port"), self->ports);
  step_add_value (step, _("Protocol"), protocol);
  g_ptr_array_add (self->steps, step);
}

static void
build_stale (PortierGuide *self)
{
  const PortierGuideFacts *facts = self->facts;
  g_autofree char *spec = portier_port_spec_to_string (facts->port);
  PortierGuideStep *step;
  PortierProtocol protocols[2];
  guint n;

  /* TRANSLATORS: the title of a step of the guide */
  step = step_new (PORTIER_GUIDE_STEP_EXPLAIN, _("The forward leads to an old address"),
                   g_strdup_printf (
                     /* TRANSLATORS: %s are a port (25565/tcp), the old and the new
                      * address of this computer */
                     _("Your router forwards port %s to this computer's old address (%s); "
                       "it now has %s. That happens when the router hands out a new "
                       "address, for example after a restart. Point the forward at the new "
                       "address, and ask the router to keep it."),
                     spec, facts->old_address, facts->local_address),
                   PORTIER_GUIDE_CHECK_NONE, g_strdup (_("Nothing to check: read on.")));
  /* TRANSLATORS: the name of a value: the address the forward leads to now */
  step_add_value (step, _("Old address"), facts->old_address);
  /* TRANSLATORS: the name of a value: this computer's address now */
  step_add_value (step, _("New address"), facts->local_address);
  g_ptr_array_add (self->steps, step);

  add_open_settings (self);
  add_reserve (self);

  n = forward_protocols (self->router->family, facts->port->protocol, protocols);
  /* TRANSLATORS: the title of a step of the guide */
  step = step_new (PORTIER_GUIDE_STEP_FIX_FORWARD, _("Point the forward at the new address"),
                   g_strdup_printf (
                     /* TRANSLATORS: the first %s is where the router keeps its port
                      * forwards (a menu path); then the port (25565/tcp), the old address,
                      * and a sentence that says how to save */
                     _("Go to %s and find the forward for port %s, which leads to %s. "
                       "Change it to the values below (or delete it and add a new one with "
                       "them). %s"),
                     text_of (self, PORTIER_ROUTER_TEXT_WHERE), spec, facts->old_address,
                     text_of (self, PORTIER_ROUTER_TEXT_SAVE)),
                   PORTIER_GUIDE_CHECK_REACHABLE_IPV4, check_reachable_text (self, FALSE));
  add_forward_values (self, step, self->router->family, facts->local_address, protocols[0]);
  if (n == 2)
    step_add_value (step, _("And once more with"), "UDP");
  g_ptr_array_add (self->steps, step);
}

/**
 * portier_guide_new:
 * @facts: what the diagnosis found
 * @router: (nullable): which router this is; NULL for the generic steps
 *
 * Returns: the guide, or NULL with an error (PORTIER_ERROR_INVALID_ARGUMENT) when the
 *   facts are not enough for the problem's steps.
 */
PortierGuide *
portier_guide_new (const PortierGuideFacts      *facts,
                   const PortierRouterIdentity  *router,
                   GError                      **error)
{
  g_autoptr(PortierGuide) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (facts != NULL, NULL);

  if (!portier_guide_facts_validate (facts, error))
    return NULL;
  if (!portier_router_families_load (&local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "The guide's router data is broken: ");
      return NULL;
    }

  self = g_object_new (PORTIER_TYPE_GUIDE, NULL);
  self->facts = portier_guide_facts_copy (facts);
  self->router = router != NULL
                 ? portier_router_identity_copy (router)
                 : portier_router_identity_new (NULL, PORTIER_ROUTER_SOURCE_NONE, NULL, NULL,
                                                facts->gateway_address);
  if (facts->port->first == facts->port->last)
    self->ports = g_strdup_printf ("%u", facts->port->first);
  else
    self->ports = g_strdup_printf ("%u-%u", facts->port->first, facts->port->last);
  self->forward_name = make_forward_name (facts);

  switch (facts->problem)
    {
    case PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT:
      build_no_router_support (self, FALSE);
      break;
    case PORTIER_GUIDE_PROBLEM_ROUTER_REFUSED:
      build_no_router_support (self, TRUE);
      break;
    case PORTIER_GUIDE_PROBLEM_DOUBLE_NAT:
      build_double_nat (self);
      break;
    case PORTIER_GUIDE_PROBLEM_CGNAT:
      build_cgnat (self);
      break;
    case PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS:
      build_stale (self);
      break;
    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&self);
}

const PortierGuideFacts *
portier_guide_get_facts (PortierGuide *self)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE (self), NULL);
  return self->facts;
}

const PortierRouterIdentity *
portier_guide_get_router (PortierGuide *self)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE (self), NULL);
  return self->router;
}

guint
portier_guide_get_n_steps (PortierGuide *self)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE (self), 0);
  return self->steps->len;
}

const PortierGuideStep *
portier_guide_get_step (PortierGuide *self,
                        guint         index)
{
  g_return_val_if_fail (PORTIER_IS_GUIDE (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}
