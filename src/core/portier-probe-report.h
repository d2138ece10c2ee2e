/* portier-probe-report.h: what a reachability test found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "portier-port-spec.h"

G_BEGIN_DECLS

/**
 * PortierProbeResult:
 * @PORTIER_PROBE_RESULT_REACHABLE: the test reached Portier's temporary listener on
 *   this computer
 * @PORTIER_PROBE_RESULT_OPEN: a program answered: the app on this computer (when it
 *   already used the port), or something else (see the reason `other-device`)
 * @PORTIER_PROBE_RESULT_REFUSED: the connection was turned away: nothing listens where
 *   the port leads
 * @PORTIER_PROBE_RESULT_TIMEOUT: no answer at all: not forwarded, or a firewall drops it
 * @PORTIER_PROBE_RESULT_UNREACHABLE: not reachable, per a service that cannot tell a
 *   refusal from silence (the public fallback)
 * @PORTIER_PROBE_RESULT_UNVERIFIABLE: UDP, and the port belongs to an app that did not
 *   answer the test: it may well be reachable
 * @PORTIER_PROBE_RESULT_UNAVAILABLE: the test could not be run: no test server answered in
 *   time, or it would not test (busy, or it refused the address; see @error)
 * @PORTIER_PROBE_RESULT_SKIPPED: not tested (no IPv6 here, or the service cannot test it)
 */
typedef enum
{
  PORTIER_PROBE_RESULT_REACHABLE,
  PORTIER_PROBE_RESULT_OPEN,
  PORTIER_PROBE_RESULT_REFUSED,
  PORTIER_PROBE_RESULT_TIMEOUT,
  PORTIER_PROBE_RESULT_UNREACHABLE,
  PORTIER_PROBE_RESULT_UNVERIFIABLE,
  PORTIER_PROBE_RESULT_UNAVAILABLE,
  PORTIER_PROBE_RESULT_SKIPPED,
} PortierProbeResult;

/**
 * PortierVerifyStatus:
 * @PORTIER_VERIFY_STATUS_NONE: no test ran (an earlier step failed)
 * @PORTIER_VERIFY_STATUS_REACHABLE: the test reached Portier's listener on this computer
 * @PORTIER_VERIFY_STATUS_OPEN: the test got through to a program that answered
 * @PORTIER_VERIFY_STATUS_UNREACHABLE: the test did not get through
 * @PORTIER_VERIFY_STATUS_UNAVAILABLE: no test server answered
 * @PORTIER_VERIFY_STATUS_SKIPPED: not asked for
 *
 * What the test from the internet says about a port, in one word.
 */
typedef enum
{
  PORTIER_VERIFY_STATUS_NONE,
  PORTIER_VERIFY_STATUS_REACHABLE,
  PORTIER_VERIFY_STATUS_OPEN,
  PORTIER_VERIFY_STATUS_UNREACHABLE,
  PORTIER_VERIFY_STATUS_UNAVAILABLE,
  PORTIER_VERIFY_STATUS_SKIPPED,
} PortierVerifyStatus;

typedef struct _PortierProbeOutcome PortierProbeOutcome;

/**
 * PortierProbeOutcome:
 * @reason: (nullable): a stable word that says more: `other-device` (open, but not this
 *   computer), `app-silent` (unverifiable), `no-ipv6-connection`,
 *   `server-has-no-address`, `udp-not-supported` (skipped), `rate-limited`, `busy`,
 *   `timeout`, `connection-failed`, `server-error`, `bad-answer`, `target-private`,
 *   `target-loopback`, `target-server-address`, `target-link-local`, `target-unspecified`,
 *   `target-multicast`, `target-broadcast`, `target-reserved`, `target-refused`,
 *   `proxy-as-client`, `bad-forwarded-for` (unavailable)
 * @error: (nullable): why it is unavailable: %PORTIER_ERROR_PROBE_UNAVAILABLE (no
 *   answer), %PORTIER_ERROR_PROBE_RATE_LIMITED (busy), %PORTIER_ERROR_PROBE_PRIVATE_SOURCE
 *   (the server saw a private address), %PORTIER_ERROR_PROBE_MISCONFIGURED (it cannot
 *   tell who asked: its proxy, or it runs here) or %PORTIER_ERROR_PROBE_TARGET_REFUSED
 * @listened: Portier's temporary listener held the port during the test (it was free)
 *
 * One port, one protocol, one IP family.
 */
struct _PortierProbeOutcome
{
  guint16             port;
  PortierProtocol     protocol;
  GSocketFamily       family;
  PortierProbeResult  result;
  char               *address;      /* the public address the server saw, or NULL */
  guint               elapsed_ms;
  char               *reason;
  GError             *error;
  gboolean            listened;
};

typedef struct _PortierProbeReport PortierProbeReport;

/**
 * PortierProbeReport:
 * @spec: the ports tested (of a range: the first and the last)
 * @server_url: the test server's address
 * @fallback: the server was the public port-check service, not a Portier probe server
 * @outcomes: (element-type PortierProbeOutcome): one for each port, protocol and family
 */
struct _PortierProbeReport
{
  PortierPortSpec *spec;
  char            *server_url;
  gboolean         fallback;
  GPtrArray       *outcomes;
};

#define PORTIER_TYPE_PROBE_OUTCOME (portier_probe_outcome_get_type ())
#define PORTIER_TYPE_PROBE_REPORT (portier_probe_report_get_type ())

GType                      portier_probe_outcome_get_type   (void) G_GNUC_CONST;
PortierProbeOutcome       *portier_probe_outcome_new        (guint16                    port,
                                                             PortierProtocol            protocol,
                                                             GSocketFamily              family);
PortierProbeOutcome       *portier_probe_outcome_copy       (const PortierProbeOutcome *self);
void                       portier_probe_outcome_free       (PortierProbeOutcome       *self);
char                      *portier_probe_outcome_describe   (const PortierProbeOutcome *self);
gboolean                   portier_probe_outcome_is_success (const PortierProbeOutcome *self);

GType                      portier_probe_report_get_type    (void) G_GNUC_CONST;
PortierProbeReport        *portier_probe_report_new         (const PortierPortSpec     *spec,
                                                             const char                *server_url,
                                                             gboolean                   fallback);
PortierProbeReport        *portier_probe_report_ref         (PortierProbeReport        *self);
void                       portier_probe_report_unref       (PortierProbeReport        *self);
const PortierProbeOutcome *portier_probe_report_get_summary (PortierProbeReport        *self,
                                                             GSocketFamily              family);
gboolean                   portier_probe_report_is_reachable (PortierProbeReport       *self);
gboolean                   portier_probe_report_is_unavailable (PortierProbeReport     *self);
const GError              *portier_probe_report_get_unavailable_error (PortierProbeReport *self);
PortierVerifyStatus        portier_probe_report_get_verify_status (PortierProbeReport  *self);

const char                *portier_probe_result_to_string   (PortierProbeResult         result);
gboolean                   portier_probe_result_from_string (const char                *text,
                                                             PortierProbeResult        *result);
const char                *portier_socket_family_to_string  (GSocketFamily              family);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierProbeOutcome, portier_probe_outcome_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortierProbeReport, portier_probe_report_unref)

G_END_DECLS
