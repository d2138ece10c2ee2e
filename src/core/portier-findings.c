/* portier-findings.c: the troubleshooter's findings — codes, layers, plain words, order
 *
 * Every code of DESIGN.md's table is made here, and only here, so the words a person
 * reads about one problem are the same in the app and on the command line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "portier-findings"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "portier-error.h"
#include "portier-findings.h"

typedef struct
{
  const char           *code;
  PortierLayer          layer;
  PortierFindingStatus  status;
  PortierFixAction      action;
  guint                 priority;   /* lower comes first among problems */
} FindingInfo;

/* Priority: the order in which to fix things, so that the first problem is always the
 * next thing to do. What the person can fix on this computer comes first (start the app,
 * the firewall, the VPN): nobody phones their provider while their server is not even
 * running. Then what makes every fix on the router useless (carrier-grade NAT, a second
 * router), then the router. */
static const FindingInfo finding_table[] = {
  { "no-listener", PORTIER_LAYER_APP, PORTIER_FINDING_PROBLEM, PORTIER_FIX_CHECK_AGAIN, 10 },
  { "listener-loopback-only", PORTIER_LAYER_APP, PORTIER_FINDING_PROBLEM,
    PORTIER_FIX_CHECK_AGAIN, 11 },
  { "listening", PORTIER_LAYER_APP, PORTIER_FINDING_OK, PORTIER_FIX_NONE, 12 },
  { "host-firewall-blocks", PORTIER_LAYER_HOST_FIREWALL, PORTIER_FINDING_PROBLEM,
    PORTIER_FIX_OPEN_FIREWALL, 20 },
  { "host-firewall-unknown", PORTIER_LAYER_HOST_FIREWALL, PORTIER_FINDING_UNKNOWN,
    PORTIER_FIX_NONE, 21 },
  { "host-firewall-open", PORTIER_LAYER_HOST_FIREWALL, PORTIER_FINDING_OK, PORTIER_FIX_NONE,
    22 },
  { "vpn-active", PORTIER_LAYER_NETWORK, PORTIER_FINDING_PROBLEM, PORTIER_FIX_CHECK_AGAIN, 25 },
  { "cgnat", PORTIER_LAYER_NETWORK, PORTIER_FINDING_PROBLEM, PORTIER_FIX_NONE, 26 },
  { "double-nat", PORTIER_LAYER_NETWORK, PORTIER_FINDING_PROBLEM, PORTIER_FIX_NONE, 27 },
  { "no-router-support", PORTIER_LAYER_ROUTER, PORTIER_FINDING_PROBLEM,
    PORTIER_FIX_CHECK_AGAIN, 30 },
  { "router-refused", PORTIER_LAYER_ROUTER, PORTIER_FINDING_PROBLEM, PORTIER_FIX_CHECK_AGAIN,
    31 },
  { "mapping-stale-address", PORTIER_LAYER_ROUTER, PORTIER_FINDING_PROBLEM,
    PORTIER_FIX_CHECK_AGAIN, 32 },
  { "mapping-other-host", PORTIER_LAYER_ROUTER, PORTIER_FINDING_PROBLEM,
    PORTIER_FIX_USE_OTHER_PORT, 33 },
  { "mapping-other-program", PORTIER_LAYER_ROUTER, PORTIER_FINDING_PROBLEM,
    PORTIER_FIX_USE_OTHER_PORT, 33 },
  { "mapping-missing", PORTIER_LAYER_ROUTER, PORTIER_FINDING_PROBLEM, PORTIER_FIX_ADD_MAPPING,
    34 },
  { "mapping-present", PORTIER_LAYER_ROUTER, PORTIER_FINDING_OK, PORTIER_FIX_NONE, 35 },
  { "public-address-mismatch", PORTIER_LAYER_NETWORK, PORTIER_FINDING_WARNING,
    PORTIER_FIX_NONE, 60 },
  { "unreachable", PORTIER_LAYER_INTERNET, PORTIER_FINDING_PROBLEM, PORTIER_FIX_CHECK_AGAIN,
    70 },
  { "probe-unavailable", PORTIER_LAYER_INTERNET, PORTIER_FINDING_UNKNOWN,
    PORTIER_FIX_CHECK_AGAIN, 71 },
  { "reachable", PORTIER_LAYER_INTERNET, PORTIER_FINDING_OK, PORTIER_FIX_NONE, 72 },
};

static const char *codes[G_N_ELEMENTS (finding_table) + 1];

static const FindingInfo *
lookup (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (finding_table); i++)
    if (g_strcmp0 (finding_table[i].code, code) == 0)
      return &finding_table[i];
  return NULL;
}

gboolean
portier_finding_code_known (const char *code)
{
  return lookup (code) != NULL;
}

/**
 * portier_finding_codes:
 *
 * Returns: (transfer none): every code, %NULL-terminated
 */
const char * const *
portier_finding_codes (void)
{
  if (codes[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (finding_table); i++)
      codes[i] = finding_table[i].code;
  return codes;
}

/**
 * portier_router_error_advice:
 * @code: a UPnP IGD error code (or a NAT-PMP result code plus 10000)
 *
 * Returns: (transfer none): what the person can do about it, translated
 */
const char *
portier_router_error_advice (int code)
{
  switch (code)
    {
    case 606:
    case 10002:
      return _("The router only lets each device open ports for itself, or has automatic "
               "forwarding locked. In the router’s settings, allow UPnP to add port "
               "forwards, or set the forward up there by hand.");
    case 718:
    case 729:
      return _("Another device in your home already uses this port on the router. Portier "
               "can forward a different outside port to this computer instead.");
    case 725:
      return _("The router only accepts forwards that never expire. Portier takes care of "
               "removing it when you close the port.");
    case 728:
    case 10004:
      return _("The router’s list of forwarded ports is full. Remove forwards you no longer "
               "need in the router’s settings, or restart the router.");
    case 716:
    case 724:
    case 727:
      return _("The router cannot forward a different outside port. Use the same port "
               "number on both sides.");
    case 10001:
    case 10005:
      return _("The router does not understand Portier’s request. Set the forward up in "
               "the router’s settings by hand.");
    case 10003:
      return _("The router is not connected to the internet right now. Check its internet "
               "light, or restart it.");
    default:
      return _("The router gave no reason. Restart it and try again, or set the forward up "
               "in the router’s settings by hand.");
    }
}

static char *
port_text (const PortierPortSpec *spec)
{
  return portier_port_spec_describe (spec);
}

/* The sentences of one finding. Each fact may be missing; the words then do without. */
static void
describe (const char                *code,
          const PortierFindingFacts *f,
          char                     **summary,
          char                     **detail,
          char                     **fix)
{
  g_autofree char *port = port_text (f->spec);
  const char *lan = f->lan_address != NULL ? f->lan_address : _("this computer");
  const char *gateway = f->gateway != NULL ? f->gateway : "192.168.1.1";

  if (g_str_equal (code, "listening"))
    {
      *summary = f->program != NULL
        /* TRANSLATORS: first %s is a program's name as the system calls it, such as
         * "java", second "port 25565 (TCP)"; the sentence starts with a capital letter
         * whatever the name */
        ? g_strdup_printf (_("The program “%s” is waiting for connections on %s."),
                           f->program, port)
        : g_strdup_printf (_("A program is waiting for connections on %s."), port);
      *detail = g_strdup (_("Other computers can connect to it once the way is open."));
    }
  else if (g_str_equal (code, "no-listener"))
    {
      *summary = g_strdup_printf (_("Nothing on this computer is waiting for connections on "
                                    "%s."), port);
      *detail = g_strdup (_("Your friend would knock on a door nobody answers: the app has "
                            "to be running before anyone can connect to it."));
      *fix = g_strdup (_("Start the app (for example your game server), then check again."));
    }
  else if (g_str_equal (code, "listener-loopback-only"))
    {
      *summary = f->program != NULL
        /* TRANSLATORS: %s is a program's name as the system calls it, such as "java" */
        ? g_strdup_printf (_("The program “%s” only accepts connections from this computer "
                             "itself."), f->program)
        : g_strdup (_("The app only accepts connections from this computer itself."));
      *detail = g_strdup (_("It listens on the address 127.0.0.1 (or ::1), which no other "
                            "computer can ever reach."));
      *fix = g_strdup (_("In the app’s settings, leave the server address empty or set it "
                         "to 0.0.0.0, restart the app, then check again."));
    }
  else if (g_str_equal (code, "host-firewall-open"))
    {
      *summary = g_strdup_printf (_("This computer’s firewall lets connections in on %s."),
                                  port);
      *detail = g_strdup (_("Nothing on this computer stands in the way."));
    }
  else if (g_str_equal (code, "host-firewall-blocks"))
    {
      *summary = g_strdup_printf (_("This computer’s firewall blocks connections on %s."),
                                  port);
      *detail = g_strdup (_("The firewall protects this computer by turning away "
                            "connections nobody asked for, including your friend’s."));
      *fix = g_strdup (_("Let Portier allow this port through the firewall. You will be "
                         "asked for your password."));
    }
  else if (g_str_equal (code, "host-firewall-unknown"))
    {
      *summary = g_strdup (_("Portier cannot tell whether this computer’s firewall lets "
                             "connections in."));
      *detail = g_strdup (_("Portier’s helper is not installed and no firewall it knows "
                            "answered."));
      *fix = g_strdup (_("If you use a firewall, allow the port in its settings."));
    }
  else if (g_str_equal (code, "no-router-support"))
    {
      *summary = g_strdup (_("Your router did not answer Portier’s request to forward a "
                             "port."));
      *detail = g_strdup (_("Routers can forward ports automatically (this is called UPnP "
                            "or NAT-PMP), but on yours it is switched off or missing."));
      /* TRANSLATORS: first %s is the router's address, then "port 25565 (TCP)", then this
       * computer's address */
      *fix = g_strdup_printf (_("Open your router’s settings page (type %s into a web "
                                "browser), switch on “UPnP”, then check again. Or set up a "
                                "port forward there by hand: %s to %s."),
                              gateway, port, lan);
    }
  else if (g_str_equal (code, "router-refused"))
    {
      *summary = g_strdup (_("Your router refused to forward the port."));
      *detail = f->router_error_code != 0
        /* TRANSLATORS: %d is the router's error number */
        ? g_strdup_printf (_("The router answered with error %d."), f->router_error_code)
        : g_strdup (_("The router gave no reason."));
      *fix = g_strdup (portier_router_error_advice (f->router_error_code));
    }
  else if (g_str_equal (code, "mapping-present"))
    {
      if (f->forwarded_by != NULL && f->forwarded_by[0] != '\0')
        /* TRANSLATORS: first %s is "port 25565 (TCP)", second the name another program
         * gave its router forward */
        *summary = g_strdup_printf (_("Your router forwards %s to this computer (set up by "
                                      "“%s”)."), port, f->forwarded_by);
      else if (f->forwarded_by != NULL)
        *summary = g_strdup_printf (_("Your router forwards %s to this computer (set up by "
                                      "another program)."), port);
      else
        *summary = g_strdup_printf (_("Your router forwards %s to this computer."), port);
      *detail = g_strdup (_("Connections from the internet on this port are sent here."));
    }
  else if (g_str_equal (code, "mapping-missing"))
    {
      *summary = g_strdup_printf (_("Your router does not forward %s to this computer."),
                                  port);
      *detail = g_strdup (_("The router receives your friend’s connection but does not "
                            "know which device in your home it is for, so it turns it "
                            "away."));
      *fix = g_strdup (_("Let Portier ask the router to forward the port."));
    }
  else if (g_str_equal (code, "mapping-other-host"))
    {
      /* TRANSLATORS: first %s is "port 25565 (TCP)", second an address like 192.168.1.20 */
      *summary = g_strdup_printf (_("Your router already sends %s to another device in your "
                                    "home (%s)."), port,
                                  f->other_host != NULL ? f->other_host : _("unknown"));
      *detail = g_strdup (_("Only one device can receive a port from the internet. Portier "
                            "never takes a port away from another device."));
      *fix = g_strdup (_("Let Portier forward a different outside port to this computer; "
                         "your friend then uses that port number."));
    }
  else if (g_str_equal (code, "mapping-stale-address"))
    {
      /* TRANSLATORS: first %s is "port 25565 (TCP)", then this computer's old and new
       * addresses, like 192.168.1.10 and 192.168.1.20 */
      *summary = g_strdup_printf (_("Your router forwards %s to this computer’s old address "
                                    "(%s); it now has %s."), port,
                                  f->old_address != NULL ? f->old_address : "?", lan);
      *detail = g_strdup (_("The router gave this computer a new address, for example after "
                            "a restart, and the forward still leads to the old one."));
      *fix = g_strdup (_("Point the forward at this computer’s new address, and ask the "
                         "router to keep that address for this computer, then check "
                         "again."));
    }
  else if (g_str_equal (code, "mapping-other-program"))
    {
      if (f->forwarded_by != NULL && f->forwarded_by[0] != '\0')
        /* TRANSLATORS: first %s is "port 25565 (TCP)", second the name another program
         * gave its router forward */
        *summary = g_strdup_printf (_("Your router already sends outside %s to another "
                                      "program on this computer (“%s”), on another port "
                                      "here."), port, f->forwarded_by);
      else
        /* TRANSLATORS: %s is "port 25565 (TCP)" */
        *summary = g_strdup_printf (_("Your router already sends outside %s to another "
                                      "program on this computer, on another port here."),
                                    port);
      *detail = g_strdup (_("Only one program can receive an outside port. Portier never "
                            "takes a port away from another program."));
      *fix = g_strdup (_("Let Portier forward a different outside port to this computer; "
                         "your friend then uses that port number."));
    }
  else if (g_str_equal (code, "double-nat"))
    {
      *summary = g_strdup (_("There are two routers between this computer and the "
                             "internet."));
      if (f->router_address != NULL)
        /* TRANSLATORS: %s is an address like 192.168.0.5 */
        *detail = g_strdup_printf (_("Your router’s own internet address (%s) is a private "
                                     "one, so another router — often your internet "
                                     "provider’s box — stands in front of it and does not "
                                     "know about your forward."), f->router_address);
      else if (f->outer_address != NULL)
        /* TRANSLATORS: %s is the address of the box in front of the router, 192.168.0.1 */
        *detail = g_strdup_printf (_("Your router reaches the internet through another "
                                     "router at %s — often your internet provider’s box — "
                                     "which does not know about your forward."),
                                   f->outer_address);
      else
        *detail = g_strdup (_("Your router reaches the internet through another router — "
                              "often your internet provider’s box — which does not know "
                              "about your forward."));
      *fix = g_strdup (_("Put your provider’s box in “bridge mode” (or “modem only”), or "
                         "forward the same port on that box to your router as well."));
    }
  else if (g_str_equal (code, "cgnat"))
    {
      *summary = g_strdup (_("Your internet provider shares one internet address among "
                             "many customers, so nobody on the internet can reach you "
                             "directly."));
      /* The router's own address, as it reports it: never the provider's side of the
       * link, which the hop after the router is. */
      if (f->router_address != NULL)
        *detail = g_strdup_printf (_("Your router’s internet address (%s) belongs to your "
                                     "provider’s own network (this is called carrier-grade "
                                     "NAT). No setting in your home can change that."),
                                   f->router_address);
      else
        *detail = g_strdup (_("Your router has no public internet address of its own: it "
                              "sits inside your provider’s network (this is called "
                              "carrier-grade NAT). No setting in your home can change "
                              "that."));
      *fix = g_strdup (_("Call your internet provider and ask for a public IPv4 address "
                         "(sometimes called a “dedicated IP”). If you and your friend both "
                         "have IPv6, that works without it."));
    }
  else if (g_str_equal (code, "public-address-mismatch"))
    {
      *summary = g_strdup (_("The internet sees you at a different address than your "
                             "router reports."));
      /* TRANSLATORS: first %s is what the internet sees, second what the router says */
      *detail = g_strdup_printf (_("The internet sees %s, your router says %s. Something "
                                   "between your router and the internet changes the "
                                   "address."),
                                 f->public_address != NULL ? f->public_address : "?",
                                 f->router_address != NULL ? f->router_address : "?");
      *fix = g_strdup (_("Give your friend the address the internet sees, and check whether "
                         "your provider’s box also needs the forward."));
    }
  else if (g_str_equal (code, "vpn-active"))
    {
      *summary = f->vpn_name != NULL
        /* TRANSLATORS: %s is the name of a VPN connection */
        ? g_strdup_printf (_("A VPN (%s) is on, and this computer’s connections go out "
                             "through it."), f->vpn_name)
        : g_strdup (_("A VPN is on, and this computer’s connections go out through it."));
      *detail = g_strdup (_("Your friend’s connection arrives through your home router, but "
                            "this computer answers through the VPN, so the answer never "
                            "reaches them."));
      *fix = g_strdup (_("Turn the VPN off while friends connect, then check again."));
    }
  else if (g_str_equal (code, "reachable"))
    {
      *summary = g_strdup_printf (_("The way in from the internet works for %s."), port);
      *detail = g_strdup (_("Portier’s test server, outside your home, reached this "
                            "computer on that port."));
    }
  else if (g_str_equal (code, "unreachable"))
    {
      /* TRANSLATORS: %s is "port 25565 (TCP)" */
      *summary = g_strdup_printf (_("The test from the internet did not get through to %s."),
                                  port);
      *detail = g_strdup (_("Portier’s test server tried to connect from outside your home "
                            "and got no answer."));
      *fix = g_strdup (_("Fix the problems above, then check again."));
    }
  else if (g_str_equal (code, "probe-unavailable"))
    {
      const GError *why = f->probe_error;

      *summary = g_strdup (_("The test from the internet could not be run."));
      if (why == NULL || g_error_matches (why, PORTIER_ERROR, PORTIER_ERROR_PROBE_UNAVAILABLE))
        {
          *detail = g_strdup (_("Portier’s test server did not answer, so Portier cannot "
                                "tell whether your friend can connect."));
          *fix = g_strdup (_("Check that this computer is online, then check again."));
        }
      else
        {
          /* The server answered, and would not test: it says why. */
          *detail = g_strdup (portier_error_user_message (why));
          *fix = g_error_matches (why, PORTIER_ERROR, PORTIER_ERROR_PROBE_RATE_LIMITED)
            ? g_strdup (_("Wait a minute, then check again."))
            : g_strdup (_("Use another test server, then check again."));
        }
    }
  else
    g_assert_not_reached ();

  if (f->router_error != NULL && g_str_equal (code, "router-refused"))
    {
      g_autofree char *more = g_strdup_printf ("%s (%s)", *detail, f->router_error);
      g_free (*detail);
      *detail = g_steal_pointer (&more);
    }
}

/**
 * portier_finding_new:
 * @code: one of portier_finding_codes()
 */
PortierFinding *
portier_finding_new (const char                *code,
                     const PortierFindingFacts *facts)
{
  const FindingInfo *info = lookup (code);
  PortierFinding *self;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (facts != NULL && facts->spec != NULL, NULL);

  self = g_new0 (PortierFinding, 1);
  self->code = g_strdup (code);
  self->layer = info->layer;
  self->status = info->status;
  self->action = info->action;
  describe (code, facts, &self->summary, &self->detail, &self->fix);
  return self;
}

PortierFinding *
portier_finding_copy (const PortierFinding *self)
{
  PortierFinding *copy = g_memdup2 (self, sizeof *self);

  copy->code = g_strdup (self->code);
  copy->summary = g_strdup (self->summary);
  copy->detail = g_strdup (self->detail);
  copy->fix = g_strdup (self->fix);
  return copy;
}

void
portier_finding_free (PortierFinding *self)
{
  if (self == NULL)
    return;
  g_free (self->code);
  g_free (self->summary);
  g_free (self->detail);
  g_free (self->fix);
  g_free (self);
}

static guint
rank (const PortierFinding *finding)
{
  const FindingInfo *info = lookup (finding->code);
  guint status_rank;

  /* Problems first, then warnings, then what is unknown, then what is fine. */
  switch (finding->status)
    {
    case PORTIER_FINDING_PROBLEM:
      status_rank = 0;
      break;
    case PORTIER_FINDING_WARNING:
      status_rank = 1;
      break;
    case PORTIER_FINDING_UNKNOWN:
      status_rank = 2;
      break;
    case PORTIER_FINDING_OK:
    default:
      status_rank = 3;
      break;
    }
  return status_rank * 1000 + (info != NULL ? info->priority : 999);
}

/* What the test from the internet said, if it ran. */
typedef enum
{
  TEST_NOT_RUN,
  TEST_REACHED,
  TEST_NOT_REACHED,
} TestOutcome;

/* The internet layer's findings are the test's: fine when it got through (reachable), a
 * problem when it did not (unreachable), unknown when it could not run. */
static TestOutcome
test_outcome (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (findings, i);

      if (finding->layer != PORTIER_LAYER_INTERNET)
        continue;
      if (finding->status == PORTIER_FINDING_OK)
        return TEST_REACHED;
      if (finding->status == PORTIER_FINDING_PROBLEM)
        return TEST_NOT_REACHED;
    }
  return TEST_NOT_RUN;
}

/* Whether @finding may be offered as the problem to fix first. When the test server got
 * through, the way in works: only the app itself can still be in the way. */
static gboolean
is_first_problem (const PortierFinding *finding,
                  TestOutcome           outcome)
{
  return finding->status == PORTIER_FINDING_PROBLEM &&
         (outcome != TEST_REACHED || finding->layer == PORTIER_LAYER_APP);
}

static guint
rank_in (const PortierFinding *finding,
         TestOutcome           outcome)
{
  /* No test ran: say so first; what the layers found follows, as what is known. */
  if (outcome == TEST_NOT_RUN && finding->layer == PORTIER_LAYER_INTERNET &&
      finding->status == PORTIER_FINDING_UNKNOWN)
    return 0;
  /* The test got through: a problem of the way in that a check reported goes last,
   * after what is fine, never first. */
  if (outcome == TEST_REACHED && finding->status == PORTIER_FINDING_PROBLEM &&
      !is_first_problem (finding, outcome))
    return 4000 + rank (finding) + 1;
  return rank (finding) + 1;
}

static gint
compare_findings (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  TestOutcome outcome = GPOINTER_TO_INT (user_data);
  guint ra = rank_in (*(PortierFinding * const *) a, outcome);
  guint rb = rank_in (*(PortierFinding * const *) b, outcome);

  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/**
 * portier_findings_order:
 *
 * Puts @findings in the order a person reads them, for the troubleshooter in the app and
 * on the command line alike, and returns the verdict:
 *
 * - reachable or not reachable only when the test from the internet ran: reachable when
 *   it got through and the app itself accepts connections from other computers;
 * - otherwise unknown, with `probe-unavailable` first and what the layers found after it;
 * - problems first otherwise, in the order to fix them: what the person can fix on this
 *   computer, then what makes every fix on the router useless (the provider, a second
 *   router), then the router; when the test got through, no problem of the way in is
 *   offered first, since the test proves the way in works.
 *
 * Returns: the verdict
 */
PortierVerdict
portier_findings_order (GPtrArray *findings)
{
  TestOutcome outcome = test_outcome (findings);
  const PortierFinding *first;

  g_ptr_array_sort_with_data (findings, compare_findings, GINT_TO_POINTER (outcome));

  switch (outcome)
    {
    case TEST_REACHED:
      first = portier_findings_first_problem (findings);
      return first != NULL ? PORTIER_VERDICT_NOT_REACHABLE : PORTIER_VERDICT_REACHABLE;
    case TEST_NOT_REACHED:
      return PORTIER_VERDICT_NOT_REACHABLE;
    case TEST_NOT_RUN:
    default:
      return PORTIER_VERDICT_UNKNOWN;
    }
}

/**
 * portier_findings_first_problem:
 * @findings: (element-type PortierFinding): ordered by portier_findings_order()
 *
 * Returns: (transfer none) (nullable): the problem to fix first: none when the test
 *   from the internet got through and the app answers
 */
const PortierFinding *
portier_findings_first_problem (GPtrArray *findings)
{
  TestOutcome outcome = test_outcome (findings);

  for (guint i = 0; i < findings->len; i++)
    {
      const PortierFinding *finding = g_ptr_array_index (findings, i);

      if (is_first_problem (finding, outcome))
        return finding;
    }
  return NULL;
}
