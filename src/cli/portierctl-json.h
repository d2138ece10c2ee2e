/* portierctl-json.h: portierctl's JSON words, each from one table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "portier-diagnosis.h"
#include "portier-firewall.h"
#include "portier-open-result.h"
#include "portier-probe-report.h"
#include "portier-router.h"

G_BEGIN_DECLS

typedef struct
{
  int         value;
  const char *word;
} PortierctlWord;

/* Which table. */
typedef enum
{
  PORTIERCTL_WORDS_FIREWALL_STATUS,
  PORTIERCTL_WORDS_ROUTER_STATUS,
  PORTIERCTL_WORDS_VERIFY_STATUS,
  PORTIERCTL_WORDS_VERDICT,
  PORTIERCTL_WORDS_LAYER,
  PORTIERCTL_WORDS_FINDING_STATUS,
  PORTIERCTL_WORDS_OWNER,
  PORTIERCTL_WORDS_METHOD,
  PORTIERCTL_WORDS_WAN,
  PORTIERCTL_WORDS_IPV6_STATUS,
} PortierctlWords;

const PortierctlWord *portierctl_json_table           (PortierctlWords        words);
const char           *portierctl_json_word            (const PortierctlWord  *table,
                                                       int                    value);
gboolean              portierctl_json_value           (const PortierctlWord  *table,
                                                       const char            *word,
                                                       int                   *value);

const char           *portierctl_json_firewall_status (PortierFirewallStatus  status);
const char           *portierctl_json_router_status   (PortierRouterStatus    status);
const char           *portierctl_json_verify_status   (PortierVerifyStatus    status);
const char           *portierctl_json_verdict         (PortierVerdict         verdict);
const char           *portierctl_json_layer           (PortierLayer           layer);
const char           *portierctl_json_finding_status  (PortierFindingStatus   status);
const char           *portierctl_json_owner           (PortierMappingOwner    owner);
const char           *portierctl_json_method          (PortierRouterMethod    method);
const char           *portierctl_json_wan             (PortierWanClass        wan_class);
const char           *portierctl_json_ipv6_status     (PortierIpv6Status      status);

G_END_DECLS
