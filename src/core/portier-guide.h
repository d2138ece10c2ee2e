/* portier-guide.h: the step-by-step guide for when the router will not forward by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"
#include "portier-router-identity.h"

G_BEGIN_DECLS

/* The problems the guide has steps for (the troubleshooter's finding codes). */
typedef enum
{
  PORTIER_GUIDE_PROBLEM_NO_ROUTER_SUPPORT,      /* no-router-support */
  PORTIER_GUIDE_PROBLEM_ROUTER_REFUSED,         /* router-refused */
  PORTIER_GUIDE_PROBLEM_DOUBLE_NAT,             /* double-nat */
  PORTIER_GUIDE_PROBLEM_CGNAT,                  /* cgnat */
  PORTIER_GUIDE_PROBLEM_MAPPING_STALE_ADDRESS,  /* mapping-stale-address */
} PortierGuideProblem;

gboolean    portier_guide_problem_from_code (const char          *code,
                                             PortierGuideProblem *problem);
const char *portier_guide_problem_to_code   (PortierGuideProblem  problem);

/* What the diagnosis found out, for the guide. The guide needs nothing else. */
typedef struct
{
  PortierGuideProblem  problem;
  PortierPortSpec     *port;                 /* required */
  char                *local_address;        /* required: this computer's IPv4 address */
  char                *gateway_address;      /* required: the router's LAN address */
  char                *app_name;             /* the app the port is for, or NULL */
  char                *router_wan_address;   /* the router's own internet address, or NULL */
  char                *outer_address;        /* double NAT: the box in front (next hop) */
  char                *outer_vendor;         /* double NAT: its maker when known, or NULL */
  char                *old_address;          /* stale mapping: where the forward points */
  char                *ipv6_address;         /* this computer's global IPv6 address, or NULL */
  gboolean             router_takes_pinholes; /* the router opens IPv6 ports (UPnP) */
} PortierGuideFacts;

#define PORTIER_TYPE_GUIDE_FACTS (portier_guide_facts_get_type ())

GType              portier_guide_facts_get_type (void) G_GNUC_CONST;
PortierGuideFacts *portier_guide_facts_new      (PortierGuideProblem      problem,
                                                 const PortierPortSpec   *port,
                                                 const char              *local_address,
                                                 const char              *gateway_address);
PortierGuideFacts *portier_guide_facts_copy     (const PortierGuideFacts *self);
void               portier_guide_facts_free     (PortierGuideFacts       *self);
gboolean           portier_guide_facts_validate (const PortierGuideFacts *self,
                                                 GError                 **error);

/* What a step is for (the app may draw them differently). */
typedef enum
{
  PORTIER_GUIDE_STEP_EXPLAIN,          /* what is in the way; nothing to do yet */
  PORTIER_GUIDE_STEP_OPEN_SETTINGS,    /* open the router's settings page or app */
  PORTIER_GUIDE_STEP_RESERVE_ADDRESS,  /* keep this computer's address (DHCP reservation) */
  PORTIER_GUIDE_STEP_ENABLE_UPNP,      /* switch UPnP on, so Portier can forward itself */
  PORTIER_GUIDE_STEP_FORWARD,          /* make the forward by hand */
  PORTIER_GUIDE_STEP_FIX_FORWARD,      /* point an old forward at the new address */
  PORTIER_GUIDE_STEP_BRIDGE_MODE,      /* double NAT: the provider's box as a modem */
  PORTIER_GUIDE_STEP_FORWARD_OUTER,    /* double NAT: the forward on the box in front */
  PORTIER_GUIDE_STEP_IPV6,             /* use IPv6 instead */
  PORTIER_GUIDE_STEP_ALLOW_IPV6,       /* let the router open IPv6 ports */
  PORTIER_GUIDE_STEP_ASK_PROVIDER,     /* ask the provider for a public IPv4 address */
  PORTIER_GUIDE_STEP_RELAY,            /* a tunnel or relay service */
} PortierGuideStepKind;

/* How Portier tells whether a step worked. */
typedef enum
{
  PORTIER_GUIDE_CHECK_NONE,            /* nothing to check: the person moves on */
  PORTIER_GUIDE_CHECK_ADDRESS,         /* this computer still has the address */
  PORTIER_GUIDE_CHECK_ROUTER,          /* the router now forwards for Portier (UPnP) */
  PORTIER_GUIDE_CHECK_REACHABLE_IPV4,  /* the test from the internet, over IPv4 */
  PORTIER_GUIDE_CHECK_REACHABLE_IPV6,  /* the test from the internet, over IPv6 */
  PORTIER_GUIDE_CHECK_DIAGNOSE,        /* the whole troubleshooter again */
} PortierGuideCheck;

const char *portier_guide_step_kind_to_string (PortierGuideStepKind kind);
const char *portier_guide_check_to_string     (PortierGuideCheck    check);

/* A value to type: what the router calls the field, and what goes in. */
typedef struct
{
  char *field;
  char *value;
} PortierGuideValue;

#define PORTIER_TYPE_GUIDE_VALUE (portier_guide_value_get_type ())

GType              portier_guide_value_get_type (void) G_GNUC_CONST;
PortierGuideValue *portier_guide_value_new      (const char              *field,
                                                 const char              *value);
PortierGuideValue *portier_guide_value_copy     (const PortierGuideValue *self);
void               portier_guide_value_free     (PortierGuideValue       *self);

typedef struct
{
  PortierGuideStepKind  kind;
  char                 *title;        /* a few words */
  char                 *text;         /* plain sentences: what to do */
  GPtrArray            *values;       /* PortierGuideValue, in the order to type them */
  PortierGuideCheck     check;
  char                 *check_text;   /* what Portier will check, in plain words */
} PortierGuideStep;

#define PORTIER_TYPE_GUIDE_STEP (portier_guide_step_get_type ())

GType             portier_guide_step_get_type (void) G_GNUC_CONST;
PortierGuideStep *portier_guide_step_copy     (const PortierGuideStep *self);
void              portier_guide_step_free     (PortierGuideStep       *self);

#define PORTIER_TYPE_GUIDE (portier_guide_get_type ())

G_DECLARE_FINAL_TYPE (PortierGuide, portier_guide, PORTIER, GUIDE, GObject)

PortierGuide                *portier_guide_new        (const PortierGuideFacts     *facts,
                                                       const PortierRouterIdentity *router,
                                                       GError                     **error);
const PortierGuideFacts     *portier_guide_get_facts  (PortierGuide                *self);
const PortierRouterIdentity *portier_guide_get_router (PortierGuide                *self);
guint                        portier_guide_get_n_steps (PortierGuide               *self);
const PortierGuideStep      *portier_guide_get_step   (PortierGuide                *self,
                                                       guint                        index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierGuideFacts, portier_guide_facts_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierGuideValue, portier_guide_value_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierGuideStep, portier_guide_step_free)

G_END_DECLS
