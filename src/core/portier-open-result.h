/* portier-open-result.h: what an opening did, step by step, as types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-firewall.h"
#include "portier-port-spec.h"
#include "portier-probe-report.h"
#include "portier-router-forward.h"

G_BEGIN_DECLS

/**
 * PortierRouterStatus:
 * @PORTIER_ROUTER_STATUS_NONE: the step did not run (an earlier one failed)
 * @PORTIER_ROUTER_STATUS_MAPPED: the router forwards the port now
 * @PORTIER_ROUTER_STATUS_ALREADY_MAPPED: Portier's own forward was there already
 * @PORTIER_ROUTER_STATUS_ALREADY_FORWARDED: another program's forward to this computer
 *   was there already, and is kept as it is
 * @PORTIER_ROUTER_STATUS_SKIPPED: not asked for
 * @PORTIER_ROUTER_STATUS_FAILED: the router was not found or refused
 */
typedef enum
{
  PORTIER_ROUTER_STATUS_NONE,
  PORTIER_ROUTER_STATUS_MAPPED,
  PORTIER_ROUTER_STATUS_ALREADY_MAPPED,
  PORTIER_ROUTER_STATUS_ALREADY_FORWARDED,
  PORTIER_ROUTER_STATUS_SKIPPED,
  PORTIER_ROUTER_STATUS_FAILED,
  PORTIER_ROUTER_STATUS_IPV6_ONLY,    /* no IPv4 forward: only IPv6 pinholes */
} PortierRouterStatus;

/**
 * PortierOutcome:
 * @PORTIER_OUTCOME_REACHABLE: open, and tested from the internet
 * @PORTIER_OUTCOME_UNTESTED: open, but the test could not run
 * @PORTIER_OUTCOME_FAILED: a step failed, or the test did not get through
 */
typedef enum
{
  PORTIER_OUTCOME_REACHABLE,
  PORTIER_OUTCOME_UNTESTED,
  PORTIER_OUTCOME_FAILED,
} PortierOutcome;

/* What happened. A step that did not run has the status NONE and NULL strings. */
typedef struct
{
  char                  *id;
  PortierPortSpec        spec;
  PortierFirewallStatus  firewall_status;
  char                  *firewall_backend;
  char                  *firewall_zone;
  char                  *firewall_command;  /* the exact command, when the user must run it */
  GStrv                  firewall_rules;    /* the rules this opening made (for portierctl) */
  GError                *firewall_error;
  PortierRouterStatus    router_status;
  char                  *forwarded_by;      /* already-forwarded: the description of the
                                             * other program's forward (maybe "") */
  gboolean               has_router;        /* a router answered: router_method and
                                             * wan_class are its */
  PortierRouterMethod    router_method;
  char                  *external_address;
  guint16                external_port;
  guint                  lease;
  int                    router_error_code; /* the router's own code, 0 if none */
  GError                *router_error;
  PortierVerifyStatus    verify_status;
  GError                *verify_error;
  GError                *error;             /* set when the opening failed and was undone */
  guint16                alternative_port;  /* a free outside port the router offered */
  char                  *held_by;           /* the device that holds the port on the router */
  char                  *held_by_program;   /* or another program on this computer (its
                                             * forward's description, "" for none) */
  PortierWanClass        wan_class;         /* how the router reaches the internet */
  char                  *wan_description;   /* a sentence about it, when it is not public */
  gboolean               permanent;         /* the router only took a forward that never
                                             * expires */
  gboolean               moved;             /* the outside port differs from the one asked */
  GPtrArray             *mappings;          /* of PortierMapping: the router's forwards
                                             * (reused ones another program made are kept
                                             * as they are) */
  GPtrArray             *pinholes;          /* of PortierPinhole: IPv6 ways in */
  PortierIpv6Status      ipv6_status;
  char                  *ipv6_address;
  gboolean               ipv6_only;         /* the router forwards no IPv4 (carrier-grade
                                             * NAT, double NAT, a refusal), so the way in
                                             * is IPv6 alone: the share address is
                                             * [IPV6]:PORT, router_error says why IPv4
                                             * failed */
} PortierOpenResult;

#define PORTIER_TYPE_OPEN_RESULT (portier_open_result_get_type ())

GType              portier_open_result_get_type    (void) G_GNUC_CONST;
PortierOpenResult *portier_open_result_new         (const PortierPortSpec   *spec);
PortierOpenResult *portier_open_result_copy        (const PortierOpenResult *self);
void               portier_open_result_free        (PortierOpenResult       *self);
PortierOutcome     portier_open_result_get_outcome (const PortierOpenResult *self);
char              *portier_open_result_dup_share   (const PortierOpenResult *self);
void               portier_open_result_set_router  (PortierOpenResult       *self,
                                                    PortierRouterMethod      method,
                                                    PortierWanClass          wan_class);
gboolean           portier_open_result_get_router  (const PortierOpenResult *self,
                                                    PortierRouterMethod     *method,
                                                    PortierWanClass         *wan_class);
PortierIpv6Status  portier_open_result_get_ipv6_status
                                                   (const PortierOpenResult *self);
char              *portier_format_address_port     (const char              *address,
                                                    guint16                  port);
char              *portier_open_result_error_text  (const PortierOpenResult *self,
                                                    const GError            *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierOpenResult, portier_open_result_free)

G_END_DECLS
