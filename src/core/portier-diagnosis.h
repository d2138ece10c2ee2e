/* portier-diagnosis.h: the troubleshooter — which layer is broken, in plain words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-firewall.h"
#include "portier-port-spec.h"
#include "portier-probe.h"
#include "portier-router.h"

G_BEGIN_DECLS

typedef enum
{
  PORTIER_LAYER_APP,
  PORTIER_LAYER_HOST_FIREWALL,
  PORTIER_LAYER_ROUTER,
  PORTIER_LAYER_INTERNET,
  PORTIER_LAYER_NETWORK,
} PortierLayer;

typedef enum
{
  PORTIER_FINDING_OK,
  PORTIER_FINDING_PROBLEM,
  PORTIER_FINDING_WARNING,
  PORTIER_FINDING_UNKNOWN,
} PortierFindingStatus;

/* What Portier itself can do about a finding; the fix text says the rest. */
typedef enum
{
  PORTIER_FIX_NONE,               /* the person must act: the fix text says how */
  PORTIER_FIX_OPEN_FIREWALL,      /* Portier can allow the port through the firewall */
  PORTIER_FIX_ADD_MAPPING,        /* Portier can ask the router to forward the port */
  PORTIER_FIX_USE_OTHER_PORT,     /* Portier can forward another outside port */
  PORTIER_FIX_CHECK_AGAIN,        /* after the person acted */
  PORTIER_FIX_FOLLOW_GUIDE,       /* the report's guide leads through it, step by step */
} PortierFixAction;

typedef struct
{
  char                 *code;     /* stable: see DESIGN.md */
  PortierLayer          layer;
  PortierFindingStatus  status;
  char                 *summary;  /* translated, one sentence */
  char                 *detail;   /* translated */
  char                 *fix;      /* translated; NULL when nothing needs fixing */
  PortierFixAction      action;
} PortierFinding;

typedef enum
{
  PORTIER_VERDICT_REACHABLE,
  PORTIER_VERDICT_NOT_REACHABLE,
  PORTIER_VERDICT_UNKNOWN,
} PortierVerdict;

typedef struct _PortierGuide PortierGuide;

typedef struct
{
  PortierPortSpec  spec;
  PortierVerdict   verdict;
  GPtrArray       *findings;       /* of PortierFinding: problems first, in layer order */
  PortierGuide    *guide;          /* the steps by hand when the router will not forward
                                    * by itself (portier-guide.h), or NULL */
  gboolean         reachable_ipv4; /* the test from the internet got through over IPv4 */
  gboolean         reachable_ipv6; /* ... over IPv6 */
  char            *public_address; /* where the test from the internet saw this computer
                                    * come from (the address friends connect to), or NULL */
} PortierDiagnosisReport;

#define PORTIER_TYPE_DIAGNOSIS_REPORT (portier_diagnosis_report_get_type ())

GType                   portier_diagnosis_report_get_type (void) G_GNUC_CONST;
PortierDiagnosisReport *portier_diagnosis_report_copy     (const PortierDiagnosisReport *self);
void                    portier_diagnosis_report_free     (PortierDiagnosisReport       *self);
const PortierFinding   *portier_diagnosis_report_get_first_problem
                                                          (const PortierDiagnosisReport *self);

/* Runs every check concurrently, in bounded total time even when every peer is silent. */
void                    portier_diagnosis_run_async       (const PortierPortSpec        *spec,
                                                           const char                   *probe_server,
                                                           GCancellable                 *cancellable,
                                                           GAsyncReadyCallback           callback,
                                                           gpointer                      user_data);
void                    portier_diagnosis_run_with_peers_async
                                                          (const PortierPortSpec        *spec,
                                                           const char                   *probe_server,
                                                           PortierRouter                *router,
                                                           PortierFirewall              *firewall,
                                                           PortierProbe                 *probe,
                                                           GCancellable                 *cancellable,
                                                           GAsyncReadyCallback           callback,
                                                           gpointer                      user_data);
PortierDiagnosisReport *portier_diagnosis_run_finish      (GAsyncResult                 *result,
                                                           GError                      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierDiagnosisReport, portier_diagnosis_report_free)

G_END_DECLS
