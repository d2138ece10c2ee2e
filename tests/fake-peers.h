/* fake-peers.h: a router, a firewall and a test from the internet that live in memory
 *
 * For the unit tests of the open transaction and the troubleshooter only: they stand
 * behind the core's interfaces (PortierRouter, PortierFirewallWay, PortierProbe) where
 * the real peers need root, a network of their own and a probe server on the internet.
 * The integration suite runs the same code against the real peers (miniupnpd, nftables,
 * firewalld, the probe server) in network namespaces.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "portier-firewall-private.h"
#include "portier-probe.h"
#include "portier-router.h"

G_BEGIN_DECLS

/* ---- the router: forwards in a table ---- */
#define FAKE_TYPE_ROUTER (fake_router_get_type ())
G_DECLARE_FINAL_TYPE (FakeRouter, fake_router, FAKE, ROUTER, GObject)

FakeRouter *fake_router_new           (const char *external_address);
/* Refuses a forward of @port (PORTIER_ERROR_ROUTER_CONFLICT, held by another device). */
void        fake_router_refuse_port   (FakeRouter *self,
                                       guint16     port);
/* Adds a forward another device holds, or Portier made before. */
void        fake_router_put           (FakeRouter *self,
                                       guint16     port,
                                       const char *internal_client,
                                       const char *description);
guint       fake_router_count         (FakeRouter *self);
guint       fake_router_added         (FakeRouter *self);
gboolean    fake_router_has           (FakeRouter *self,
                                       guint16     port);

/* ---- the firewall: rules in a list ---- */
#define FAKE_TYPE_FIREWALL_WAY (fake_firewall_way_get_type ())
G_DECLARE_FINAL_TYPE (FakeFirewallWay, fake_firewall_way, FAKE, FIREWALL_WAY, GObject)

FakeFirewallWay *fake_firewall_way_new      (void);
/* What query answers: "open", "blocked" or "unknown". */
void             fake_firewall_way_set_state (FakeFirewallWay *self,
                                              const char      *state);
/* Opening fails with PORTIER_ERROR_NOT_AUTHORIZED. */
void             fake_firewall_way_refuse   (FakeFirewallWay *self);
guint            fake_firewall_way_count    (FakeFirewallWay *self);

/* ---- the test from the internet ---- */
#define FAKE_TYPE_PROBE (fake_probe_get_type ())
G_DECLARE_FINAL_TYPE (FakeProbe, fake_probe, FAKE, PROBE, GObject)

/* @result for every port and IPv4; PORTIER_PROBE_RESULT_UNAVAILABLE for a server that
 * did not answer. */
FakeProbe       *fake_probe_new             (PortierProbeResult result);
/* The test never answers until it is cancelled. */
void             fake_probe_hang            (FakeProbe       *self);
/* The test cannot run at all (an error, no report). */
void             fake_probe_fail            (FakeProbe       *self);

G_END_DECLS
