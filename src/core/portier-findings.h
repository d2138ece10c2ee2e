/* portier-findings.h: the troubleshooter's findings — codes, layers, plain words, order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-diagnosis.h"

G_BEGIN_DECLS

/* What a check found out, as facts; the sentences are made from them. */
typedef struct
{
  const PortierPortSpec *spec;
  const char            *program;           /* the listening program, if known */
  const char            *lan_address;       /* this computer's LAN address */
  const char            *gateway;           /* the router's LAN address */
  const char            *router_address;    /* the router's WAN address, as it reports
                                             * it (never the hop after it) */
  const char            *outer_address;     /* the hop after the router (double NAT) */
  const char            *old_address;       /* where a stale forward still points */
  const char            *public_address;    /* what the probe server saw */
  const char            *other_host;        /* the LAN device a mapping points at */
  const char            *forwarded_by;      /* another program's forward to this computer:
                                             * its description (maybe ""); NULL: none */
  const char            *vpn_name;
  const char            *firewall_backend;
  const char            *router_error;      /* the router's own words, for the detail */
  int                    router_error_code;
  const GError          *probe_error;       /* why the test from the internet did not run */
} PortierFindingFacts;

PortierFinding *portier_finding_new        (const char                *code,
                                            const PortierFindingFacts *facts);
PortierFinding *portier_finding_copy       (const PortierFinding      *self);
void            portier_finding_free       (PortierFinding            *self);
gboolean        portier_finding_code_known (const char                *code);
const char * const *portier_finding_codes  (void);
PortierVerdict  portier_findings_order     (GPtrArray                 *findings);
const PortierFinding *portier_findings_first_problem (GPtrArray           *findings);
const char     *portier_router_error_advice (int                       code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierFinding, portier_finding_free)

G_END_DECLS
